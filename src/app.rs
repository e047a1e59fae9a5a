//! The dashboard's two web apps and what they share: the router, who is
//! signed in, and the shell. A visitor sees the sign-in screen at whatever
//! URL they opened, and once signed in, the place that URL names.
//!
//! [`InboxApp`] (`index.html`) serves the sections and chats, and is what
//! a first visit loads; [`ManageApp`] (`manage.html`) serves the managers'
//! screens under `/manage/`, so their code loads only when one is opened.

use handover_core::api::SessionInfo;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Redirect, Route, Router, Routes};
use leptos_router::{path, NavigateOptions};

use crate::api;
use crate::pages::{InboxScreen, Login, ManageScreenView, NotFound, Shell};
use crate::places::{self, WebApp};

/// The sections, the chats and the sign-in screen.
#[component]
pub fn InboxApp() -> impl IntoView {
    view! {
        <SignedIn app=WebApp::Inbox>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("/") view=|| view! { <Redirect path=places::home() options=replace() /> } />
                <ParentRoute path=path!("") view=InboxScreen>
                    <Route path=path!("sections/:section") view=|| () />
                    <Route path=path!("chats/:wa_id") view=|| () />
                </ParentRoute>
            </Routes>
        </SignedIn>
    }
}

/// Navigation that takes the place of the current page in the history, so
/// Back does not return to a page that only forwards.
fn replace() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        ..NavigateOptions::default()
    }
}

/// The managers' screens (and the team, for everyone).
#[component]
pub fn ManageApp() -> impl IntoView {
    view! {
        <SignedIn app=WebApp::Manage>
            <Routes fallback=|| view! { <NotFound /> }>
                <Route path=path!("manage/:screen") view=ManageScreenView />
            </Routes>
        </SignedIn>
    }
}

/// The router, then the sign-in screen or the shell around `children`
/// (the app's routes), as the server says who is signed in.
#[component]
fn SignedIn(app: WebApp, children: ChildrenFn) -> impl IntoView {
    provide_context(app);
    let session = LocalResource::new(api::fetch_session);
    // Signing in or out changes who the server says we are: ask again.
    let ask_again = Callback::new(move |_| session.refetch());
    view! {
        <Router>
            {move || match session.get() {
                None => view! { <p class="splash">"Loading Handover…"</p> }.into_any(),
                Some(Ok(SessionInfo { agent: Some(agent) })) => {
                    let routes = children.clone();
                    view! { <Shell agent on_signed_out=ask_again>{routes()}</Shell> }.into_any()
                }
                Some(Ok(SessionInfo { agent: None })) => {
                    view! { <Login on_signed_in=ask_again /> }.into_any()
                }
                Some(Err(error)) => view! {
                    <div class="banner banner-error" role="alert">
                        <span>{error.to_string()}</span>
                        <button type="button" class="button" on:click=move |_| session.refetch()>"Retry"</button>
                    </div>
                }
                .into_any(),
            }}
        </Router>
    }
}
