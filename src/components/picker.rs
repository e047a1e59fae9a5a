//! A list offered above the composer while something is typed (the canned
//! replies after `/`, teammates after `@`): the arrow keys move through it,
//! Enter or Tab (or a click) picks one, and the focus stays in the
//! composer.

use leptos::prelude::*;

/// One option: its name and, muted beside it, what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickerOption {
    pub title: String,
    pub detail: String,
}

/// What a key pressed in the composer did to a picker of `len` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Steered {
    /// The highlight moved.
    Moved,
    /// The option at this place was picked.
    Picked(usize),
    /// Not a key of the picker's.
    Ignored,
}

/// Moves the highlight on an arrow key and picks on Enter or Tab (the key
/// then does nothing else); any other key is left to the composer.
pub fn steer(
    event: &leptos::ev::KeyboardEvent,
    len: usize,
    highlighted: RwSignal<usize>,
) -> Steered {
    if len == 0 {
        return Steered::Ignored;
    }
    let steered = match event.key().as_str() {
        "ArrowDown" => {
            highlighted.update(|at| *at = (*at + 1) % len);
            Steered::Moved
        }
        "ArrowUp" => {
            highlighted.update(|at| *at = (*at + len - 1) % len);
            Steered::Moved
        }
        "Enter" | "Tab" => Steered::Picked(highlighted.get_untracked().min(len - 1)),
        _ => Steered::Ignored,
    };
    if steered != Steered::Ignored {
        event.prevent_default();
    }
    steered
}

#[component]
pub fn Picker(
    /// The list's accessible name.
    label: &'static str,
    /// Said when nothing matches.
    empty: &'static str,
    /// The options offered, best first.
    #[prop(into)]
    options: Signal<Vec<PickerOption>>,
    /// Which one the arrow keys are on.
    #[prop(into)]
    highlighted: Signal<usize>,
    /// Picks the option at this place.
    on_pick: Callback<usize>,
) -> impl IntoView {
    view! {
        <div class="canned-picker" role="listbox" aria-label=label>
            {move || {
                let offered = options.get();
                if offered.is_empty() {
                    return view! { <p class="canned-empty">{empty}</p> }.into_any();
                }
                offered
                    .into_iter()
                    .enumerate()
                    .map(|(at, option)| {
                        view! {
                            <button
                                type="button"
                                class="canned-option"
                                role="option"
                                aria-selected=move || (highlighted.get() == at).to_string()
                                // Keeps the focus in the composer.
                                on:mousedown=move |event| event.prevent_default()
                                on:click=move |_| on_pick.run(at)
                            >
                                <span class="canned-shortcut">{option.title}</span>
                                <span class="canned-text">{option.detail}</span>
                            </button>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </div>
    }
}
