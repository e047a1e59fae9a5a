//! The app's layout: a top bar with the product name and the section tabs,
//! an error banner when the server cannot be reached, and the section panel.

use std::time::Duration;

use handover_core::Status;
use leptos::prelude::*;

use crate::api;
use crate::components::{SectionOverview, SectionTabs};

/// How often counts are fetched again, until live events replace polling.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[component]
pub fn App() -> impl IntoView {
    let sections = LocalResource::new(api::fetch_sections);
    if let Ok(handle) = set_interval_with_handle(move || sections.refetch(), REFRESH_EVERY) {
        on_cleanup(move || handle.clear());
    }

    let counts = Signal::derive(move || sections.get().and_then(Result::ok));
    let error = Signal::derive(move || sections.get().and_then(Result::err));
    let unavailable = Signal::derive(move || error.with(Option::is_some));
    let selected = RwSignal::new(Status::Active);

    view! {
        <div class="shell">
            <header class="top-bar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"H"</span>
                    <span class="brand-name">"Handover"</span>
                </div>
                <SectionTabs counts selected />
            </header>
            {move || {
                error
                    .get()
                    .map(|error| {
                        view! {
                            <div class="banner banner-error" role="alert">
                                <span>{error.to_string()}</span>
                                <button
                                    type="button"
                                    class="button"
                                    on:click=move |_| sections.refetch()
                                >
                                    "Retry"
                                </button>
                            </div>
                        }
                    })
            }}
            <main class="workspace">
                <SectionOverview status=selected counts unavailable />
            </main>
        </div>
    }
}
