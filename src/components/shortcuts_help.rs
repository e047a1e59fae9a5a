//! The keyboard shortcuts overlay (`?`).

use leptos::prelude::*;

use crate::shortcuts;

#[component]
pub fn ShortcutsHelp(
    /// Called to close the overlay.
    on_close: Callback<()>,
) -> impl IntoView {
    view! {
        <div class="overlay" on:click=move |_| on_close.run(())>
            <div
                class="dialog"
                role="dialog"
                aria-modal="true"
                aria-labelledby="shortcuts-title"
                on:click=|event| event.stop_propagation()
            >
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl class="shortcut-list">
                    {shortcuts::ALL
                        .iter()
                        .map(|(key, what)| view! {
                            <div class="shortcut">
                                <dt><kbd>{*key}</kbd></dt>
                                <dd>{*what}</dd>
                            </div>
                        })
                        .collect_view()}
                </dl>
                <button type="button" class="button" autofocus on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </div>
    }
}
