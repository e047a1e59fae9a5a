//! The section tabs of the top bar: Active, Requesting, Intervened, Closed
//! and History, with live counts. Requesting and Intervened counts are
//! badges, so a waiting customer stands out from anywhere in the app.

use handover_core::{SectionCounts, Status};
use leptos::prelude::*;

use crate::format;
use crate::inbox::View;

/// Shown instead of a number while counts are loading or unavailable, so a
/// missing number is never mistaken for zero.
pub const UNKNOWN_COUNT: &str = "–";

#[component]
pub fn SectionTabs(
    /// Chats per section; `None` while loading or when the server is unreachable.
    #[prop(into)]
    counts: Signal<Option<SectionCounts>>,
    /// The list on screen; clicking a tab sets it.
    selected: RwSignal<View>,
) -> impl IntoView {
    let tabs = View::ALL.map(|view| {
        let is_selected = move || selected.get() == view;
        let count = move || {
            counts
                .get()
                .map(|counts| format::count(view.count(&counts)))
                .unwrap_or_else(|| UNKNOWN_COUNT.to_owned())
        };
        let badge = matches!(view, View::Section(Status::Requesting | Status::Intervened));
        let waiting = move || badge && counts.get().is_some_and(|counts| view.count(&counts) > 0);
        view! {
            <button
                type="button"
                role="tab"
                class="section-tab"
                class:selected=is_selected
                data-status=view.param()
                aria-selected=move || is_selected().to_string()
                title=match view {
                    View::Section(status) => status.description(),
                    View::History => "Customers outside the 24-hour window (read-only).",
                }
                on:click=move |_| selected.set(view)
            >
                <span class="tab-dot" aria-hidden="true"></span>
                <span class="tab-label">{view.label()}</span>
                <span class="tab-count" class:badge=waiting>{count}</span>
            </button>
        }
    });
    view! {
        <nav class="section-tabs" role="tablist" aria-label="Chat sections">
            {tabs.into_iter().collect_view()}
        </nav>
    }
}
