//! The canned replies that match what follows `/` in the composer: picked
//! with the arrow keys and Enter (or a click), their variables filled from
//! the chat, then editable before sending.

use handover_core::canned::{pick, CannedReply};
use leptos::prelude::*;

/// What `/` started in the composer's text, if the text is a shortcut being
/// typed: the part after the slash.
pub fn typed_shortcut(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('/')?;
    (!rest.contains(char::is_whitespace)).then_some(rest)
}

/// The replies to offer for what was typed, at most eight.
pub fn offered(replies: &[CannedReply], typed: &str) -> Vec<CannedReply> {
    pick(replies, typed).into_iter().take(8).cloned().collect()
}

#[component]
pub fn CannedPicker(
    /// The replies offered, best first.
    #[prop(into)]
    offered: Signal<Vec<CannedReply>>,
    /// Which one the arrow keys are on.
    #[prop(into)]
    highlighted: Signal<usize>,
    /// Inserts a reply.
    on_pick: Callback<CannedReply>,
) -> impl IntoView {
    view! {
        <div class="canned-picker" role="listbox" aria-label="Canned replies">
            {move || {
                let replies = offered.get();
                if replies.is_empty() {
                    return view! { <p class="canned-empty">"No canned reply matches. Managers add them under Manage → Canned replies."</p> }.into_any();
                }
                replies
                    .into_iter()
                    .enumerate()
                    .map(|(at, reply)| {
                        let chosen = reply.clone();
                        view! {
                            <button
                                type="button"
                                class="canned-option"
                                role="option"
                                aria-selected=move || (highlighted.get() == at).to_string()
                                // Keeps the focus in the composer.
                                on:mousedown=move |event| event.prevent_default()
                                on:click=move |_| on_pick.run(chosen.clone())
                            >
                                <span class="canned-shortcut">{format!("/{}", reply.shortcut)}</span>
                                <span class="canned-text">{reply.text}</span>
                            </button>
                        }
                    })
                    .collect_view()
                    .into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_slash_at_the_start_of_one_word_opens_the_picker() {
        assert_eq!(typed_shortcut("/ref"), Some("ref"));
        assert_eq!(typed_shortcut("/"), Some(""));
        assert_eq!(typed_shortcut("/refund please"), None);
        assert_eq!(typed_shortcut("see /ref"), None);
    }
}
