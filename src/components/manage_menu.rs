//! The Manage menu of the top bar: links to the screens beside the inbox.
//! Managers see them all; agents see the team. Escape, a click outside or
//! a choice closes it (Escape gives the focus back to its button).

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::places::{self, ManageScreen};

#[component]
pub fn ManageMenu(
    /// Managers see every screen; agents only those open to them.
    is_manager: bool,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let button = NodeRef::<leptos::html::Button>::new();
    let escape = window_event_listener(leptos::ev::keydown, move |event| {
        if event.key() == "Escape" && open.get_untracked() {
            open.set(false);
            // After the other Escape handlers (which let go of the focus).
            request_animation_frame(move || {
                if let Some(button) = button.try_get_untracked().flatten() {
                    let _ = button.focus();
                }
            });
        }
    });
    on_cleanup(move || escape.remove());
    let location = use_location();
    let current = Memo::new(move |_| {
        location
            .pathname
            .get()
            .strip_prefix("/manage/")
            .and_then(ManageScreen::parse)
    });
    let screens: Vec<ManageScreen> = ManageScreen::ALL
        .into_iter()
        .filter(|screen| is_manager || !screen.managers_only())
        .collect();
    let title = if is_manager {
        "Manage: reports, audit log, users, templates, campaigns, bot, first-message tags, canned replies, closing reasons, satisfaction survey, team"
    } else {
        "Your team"
    };
    view! {
        <div class="manage">
            <button
                type="button"
                class="button-quiet manage-button"
                node_ref=button
                class:active=move || current.get().is_some()
                title=title
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                <span class="manage-text">"Manage"</span>
                <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path d="M6 9l6 6 6-6" /></svg>
            </button>
            <Show when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <ul class="manage-menu" role="menu" aria-label="Manage">
                    {screens
                        .iter()
                        .map(|&item| view! {
                            <li role="none">
                                <a
                                    href=item.href()
                                    rel=places::rel(&item.href())
                                    role="menuitem"
                                    aria-current=move || (current.get() == Some(item)).then_some("page")
                                    on:click=move |_| open.set(false)
                                >
                                    {item.label()}
                                </a>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </Show>
        </div>
    }
}
