//! A status as a coloured badge.

use handover_core::Status;
use leptos::prelude::*;

#[component]
pub fn StatusBadge(
    /// The status to show.
    #[prop(into)]
    status: Signal<Status>,
) -> impl IntoView {
    view! {
        <span class="status-badge" data-status=move || status.get().as_str()>
            {move || status.get().label()}
        </span>
    }
}
