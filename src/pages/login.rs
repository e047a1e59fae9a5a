//! The sign-in screen.

use leptos::prelude::*;

use crate::api;

/// E-mail and password; calls `on_signed_in` once the server accepts them
/// (the session cookie is then set).
#[component]
pub fn Login(
    /// Called after a successful sign-in.
    on_signed_in: Callback<()>,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let sign_in = Action::new_local(move |(email, password): &(String, String)| {
        api::login(email.clone(), password.clone())
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = sign_in.value().get() {
            on_signed_in.run(());
        }
    });
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(Result::err)
            .map(|error| error.message())
    };
    let pending = sign_in.pending();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        sign_in.dispatch((email.get_untracked(), password.get_untracked()));
    };

    view! {
        <main class="login-page">
            <form class="login-card" on:submit=submit>
                <div class="brand brand-large">
                    <span class="brand-mark" aria-hidden="true">"H"</span>
                    <span class="brand-name-dark">"Handover"</span>
                </div>
                <h1 class="login-title">"Sign in to your inbox"</h1>
                <label class="field">
                    <span class="field-label">"E-mail"</span>
                    <input
                        type="email"
                        name="email"
                        autocomplete="username"
                        required
                        prop:value=email
                        on:input=move |event| email.set(event_target_value(&event))
                    />
                </label>
                <label class="field">
                    <span class="field-label">"Password"</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        required
                        prop:value=password
                        on:input=move |event| password.set(event_target_value(&event))
                    />
                </label>
                {move || error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <button type="submit" class="button button-primary" disabled=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </main>
    }
}
