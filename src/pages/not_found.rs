//! A place the app does not know (a mistyped or outdated link): said
//! plainly, inside the app, with the way back.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::places;

#[component]
pub fn NotFound() -> impl IntoView {
    let location = use_location();
    view! {
        <div class="manage-page">
            <section class="panel notice-panel" role="alert">
                <h1>"Nothing here"</h1>
                <p>{move || format!("There is no page at {} in Handover. The link may be mistyped or out of date.", location.pathname.get())}</p>
                <p><a class="button" href=places::home() rel=places::rel(&places::home())>"Go to the customers waiting"</a></p>
            </section>
        </div>
    }
}
