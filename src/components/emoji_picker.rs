//! A small grid of the emoji support teams use most, inserted where the
//! cursor is in the composer.

use leptos::prelude::*;

/// The emoji offered, with the name a screen reader says.
pub const EMOJI: [(&str, &str); 32] = [
    ("😊", "smiling face"),
    ("🙂", "slightly smiling face"),
    ("😀", "grinning face"),
    ("😂", "face with tears of joy"),
    ("😍", "smiling face with heart eyes"),
    ("🙏", "folded hands"),
    ("👍", "thumbs up"),
    ("👌", "OK hand"),
    ("👋", "waving hand"),
    ("🤝", "handshake"),
    ("👏", "clapping hands"),
    ("💪", "flexed biceps"),
    ("🎉", "party popper"),
    ("✨", "sparkles"),
    ("❤️", "red heart"),
    ("💐", "bouquet"),
    ("🌹", "rose"),
    ("🎁", "wrapped gift"),
    ("📦", "package"),
    ("🚚", "delivery truck"),
    ("⏰", "alarm clock"),
    ("📅", "calendar"),
    ("📍", "round pushpin"),
    ("💳", "credit card"),
    ("✅", "check mark button"),
    ("❌", "cross mark"),
    ("⚠️", "warning"),
    ("ℹ️", "information"),
    ("😔", "pensive face"),
    ("😢", "crying face"),
    ("🤔", "thinking face"),
    ("😅", "grinning face with sweat"),
];

#[component]
pub fn EmojiPicker(on_pick: Callback<&'static str>) -> impl IntoView {
    view! {
        <div class="emoji-picker" role="group" aria-label="Emoji">
            {EMOJI
                .into_iter()
                .map(|(emoji, name)| {
                    view! {
                        <button
                            type="button"
                            class="emoji"
                            aria-label=name
                            title=name
                            on:mousedown=move |event| event.prevent_default()
                            on:click=move |_| on_pick.run(emoji)
                        >
                            {emoji}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}
