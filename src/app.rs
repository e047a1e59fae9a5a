//! The app's root: asks the server who is signed in, then shows the sign-in
//! screen or the dashboard.

use leptos::prelude::*;

use crate::api;
use crate::pages::{Dashboard, Login};

#[component]
pub fn App() -> impl IntoView {
    let me = LocalResource::new(api::fetch_me);
    // Signing in or out changes who the server says we are: ask again.
    let ask_again = Callback::new(move |_| me.refetch());

    move || match me.get() {
        None => view! { <p class="splash">"Loading Handover…"</p> }.into_any(),
        Some(Ok(agent)) => view! { <Dashboard agent on_signed_out=ask_again /> }.into_any(),
        Some(Err(error)) if error.is_unauthorized() => {
            view! { <Login on_signed_in=ask_again /> }.into_any()
        }
        Some(Err(error)) => view! {
            <div class="banner banner-error" role="alert">
                <span>{error.to_string()}</span>
                <button type="button" class="button" on:click=move |_| me.refetch()>"Retry"</button>
            </div>
        }
        .into_any(),
    }
}
