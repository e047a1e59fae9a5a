//! The managers' menu in the top bar: the screens beside the inbox.

use leptos::prelude::*;

/// What the dashboard shows below the top bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Inbox,
    Bot,
    Tags,
    Templates,
    Users,
    Campaigns,
}

impl Screen {
    /// The screens in the managers' menu, in its order.
    pub const MANAGED: [Screen; 5] = [
        Screen::Users,
        Screen::Templates,
        Screen::Campaigns,
        Screen::Bot,
        Screen::Tags,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Screen::Inbox => "Inbox",
            Screen::Bot => "Bot",
            Screen::Tags => "First-message tags",
            Screen::Templates => "Templates",
            Screen::Users => "Users",
            Screen::Campaigns => "Campaigns and API",
        }
    }
}

#[component]
pub fn ManageMenu(
    /// The screen shown; choosing an item sets it.
    screen: RwSignal<Screen>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="manage">
            <button
                type="button"
                class="button-quiet manage-button"
                class:active=move || screen.get() != Screen::Inbox
                title="Manage: users, templates, campaigns, bot, first-message tags"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|open| *open = !*open)
            >
                <svg class="manage-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <path d="M4 6h16M4 12h16M4 18h16" />
                </svg>
                <span class="manage-text">"Manage"</span>
                <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true"><path d="M6 9l6 6 6-6" /></svg>
            </button>
            <Show when=move || open.get()>
                <div class="menu-backdrop" on:click=move |_| open.set(false)></div>
                <ul class="manage-menu" role="menu" aria-label="Manage">
                    {Screen::MANAGED
                        .map(|item| view! {
                            <li role="none">
                                <button
                                    type="button"
                                    role="menuitem"
                                    aria-current=move || (screen.get() == item).then_some("page")
                                    on:click=move |_| {
                                        screen.set(item);
                                        open.set(false);
                                    }
                                >
                                    {item.label()}
                                </button>
                            </li>
                        })
                        .collect_view()}
                </ul>
            </Show>
        </div>
    }
}
