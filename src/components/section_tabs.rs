//! The section tabs of the top bar: Active, Requesting, Intervened, Closed
//! and History, with live counts. Each is a link to its section's URL.
//! Requesting and Intervened counts are badges, so a waiting customer
//! stands out from anywhere in the app.

use handover_core::{Section, SectionCounts};
use leptos::prelude::*;

use crate::{format, places};

/// Shown instead of a number while counts are loading or unavailable, so a
/// missing number is never mistaken for zero.
pub const UNKNOWN_COUNT: &str = "–";

#[component]
pub fn SectionTabs(
    /// Chats per section; `None` while loading or when the server is unreachable.
    #[prop(into)]
    counts: Signal<Option<SectionCounts>>,
    /// The section on show; `None` on a screen that is not a section.
    #[prop(into)]
    selected: Signal<Option<Section>>,
) -> impl IntoView {
    let tabs = Section::ALL.map(|section| {
        let is_selected = move || selected.get() == Some(section);
        let count = move || {
            counts
                .get()
                .map(|counts| format::count(section.count(&counts)))
                .unwrap_or_else(|| UNKNOWN_COUNT.to_owned())
        };
        let badge = matches!(section, Section::Requesting | Section::Intervened);
        let waiting = move || {
            badge
                && counts
                    .get()
                    .is_some_and(|counts| section.count(&counts) > 0)
        };
        view! {
            <a
                href=places::section(section)
                rel=places::rel(&places::section(section))
                role="tab"
                class="section-tab"
                class:selected=is_selected
                data-status=section.as_str()
                aria-selected=move || is_selected().to_string()
                title=section.description()
            >
                <span class="tab-dot" aria-hidden="true"></span>
                <span class="tab-label">{section.label()}</span>
                <span class="tab-count" class:badge=waiting>{count}</span>
            </a>
        }
    });
    view! {
        <nav class="section-tabs" role="tablist" aria-label="Chat sections">
            {tabs.into_iter().collect_view()}
        </nav>
    }
}
