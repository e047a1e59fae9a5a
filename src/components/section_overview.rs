//! The main panel for the selected section: what it holds and how many.

use handover_core::{SectionCounts, Status};
use leptos::prelude::*;

use crate::format;

/// Headline and figures for `status`, plus the History count.
#[component]
pub fn SectionOverview(
    /// The section on screen.
    #[prop(into)]
    status: Signal<Status>,
    /// Chats per section; `None` while loading or unavailable.
    #[prop(into)]
    counts: Signal<Option<SectionCounts>>,
    /// True when the counts could not be fetched (the app shows why above).
    #[prop(into)]
    unavailable: Signal<bool>,
) -> impl IntoView {
    let headline = move || match counts.get() {
        None if unavailable.get() => "Counts unavailable".to_owned(),
        None => "Loading…".to_owned(),
        Some(counts) => match counts.for_status(status.get()) {
            0 => format!("No chats in {} right now", status.get().label()),
            1 => "1 chat".to_owned(),
            n => format!("{} chats", format::count(n)),
        },
    };
    let history = move || {
        counts
            .get()
            .map(|counts| format::count(counts.history))
            .unwrap_or_else(|| super::section_tabs::UNKNOWN_COUNT.to_owned())
    };
    view! {
        <section class="section-overview" aria-live="polite" data-status=move || status.get().as_str()>
            <header class="overview-header">
                <h1 class="overview-title">{move || status.get().label()}</h1>
                <p class="overview-description">{move || status.get().description()}</p>
            </header>
            <p class="overview-headline">{headline}</p>
            <p class="overview-history">
                <span class="history-label">"History"</span>
                <span class="history-count">{history}</span>
                <span class="history-hint">"customers outside the 24-hour window (read-only)"</span>
            </p>
        </section>
    }
}
