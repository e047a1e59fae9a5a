//! The four section tabs (Active, Requesting, Intervened, Closed) with counts.

use handover_core::{SectionCounts, Status};
use leptos::prelude::*;

use crate::format;

/// Shown instead of a number while counts are loading or unavailable, so a
/// missing number is never mistaken for zero.
pub const UNKNOWN_COUNT: &str = "–";

/// One tab per status, in the order of [`Status::ALL`].
#[component]
pub fn SectionTabs(
    /// Chats per section; `None` while loading or when the server is unreachable.
    #[prop(into)]
    counts: Signal<Option<SectionCounts>>,
    /// The section whose tab is selected; clicking a tab sets it.
    selected: RwSignal<Status>,
) -> impl IntoView {
    let tabs = Status::ALL.map(|status| {
        let is_selected = move || selected.get() == status;
        let count = move || {
            counts
                .get()
                .map(|counts| format::count(counts.for_status(status)))
                .unwrap_or_else(|| UNKNOWN_COUNT.to_owned())
        };
        view! {
            <button
                type="button"
                role="tab"
                class="section-tab"
                class:selected=is_selected
                data-status=status.as_str()
                aria-selected=move || is_selected().to_string()
                title=status.description()
                on:click=move |_| selected.set(status)
            >
                <span class="tab-dot" aria-hidden="true"></span>
                <span class="tab-label">{status.label()}</span>
                <span class="tab-count">{count}</span>
            </button>
        }
    });
    view! {
        <nav class="section-tabs" role="tablist" aria-label="Chat sections">
            {tabs.into_iter().collect_view()}
        </nav>
    }
}
