//! The signed-in shell: top bar with the section tabs and the agent, an
//! error banner when the server cannot be reached, and the section panel.

use std::time::Duration;

use handover_core::api::Agent;
use handover_core::Status;
use leptos::prelude::*;

use crate::api;
use crate::components::{SectionOverview, SectionTabs};

/// How often counts are fetched again, until live events replace polling.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

#[component]
pub fn Dashboard(
    /// The signed-in agent or manager.
    agent: Agent,
    /// Called after signing out.
    on_signed_out: Callback<()>,
) -> impl IntoView {
    let sections = LocalResource::new(api::fetch_sections);
    if let Ok(handle) = set_interval_with_handle(move || sections.refetch(), REFRESH_EVERY) {
        on_cleanup(move || handle.clear());
    }
    let counts = Signal::derive(move || sections.get().and_then(Result::ok));
    let error = Signal::derive(move || sections.get().and_then(Result::err));
    let unavailable = Signal::derive(move || error.with(Option::is_some));
    let selected = RwSignal::new(Status::Active);
    let sign_out = Action::new_local(|_: &()| api::logout());
    Effect::new(move |_| {
        if sign_out.value().get().is_some() {
            on_signed_out.run(());
        }
    });
    // A session that ended elsewhere (signed out, disabled) shows the login.
    Effect::new(move |_| {
        if error.with(|error| error.as_ref().is_some_and(api::ApiError::is_unauthorized)) {
            on_signed_out.run(());
        }
    });

    view! {
        <div class="shell">
            <header class="top-bar">
                <div class="brand">
                    <span class="brand-mark" aria-hidden="true">"H"</span>
                    <span class="brand-name">"Handover"</span>
                </div>
                <SectionTabs counts selected />
                <div class="me">
                    <span class="me-name">{agent.name.clone()}</span>
                    <span class="me-role">{agent.role.label()}</span>
                    <button type="button" class="button-quiet" on:click=move |_| { sign_out.dispatch(()); }>
                        "Sign out"
                    </button>
                </div>
            </header>
            {move || {
                error
                    .get()
                    .map(|error| {
                        view! {
                            <div class="banner banner-error" role="alert">
                                <span>{error.to_string()}</span>
                                <button type="button" class="button" on:click=move |_| sections.refetch()>
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
