//! Canned replies (managers): the team's answers to common questions, each
//! with the shortcut agents type after `/` in the composer.

use handover_core::canned::{CannedReply, CannedReplyDraft};
use leptos::prelude::*;

use crate::api::{self, ApiError};

#[component]
pub fn CannedRepliesPage() -> impl IntoView {
    let replies = LocalResource::new(api::fetch_canned_replies);
    let editing = RwSignal::new(None::<i64>);
    let shortcut = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let reset = move || {
        editing.set(None);
        shortcut.set(String::new());
        text.set(String::new());
        failure.set(None);
    };
    let edit = move |reply: CannedReply| {
        editing.set(Some(reply.id));
        shortcut.set(reply.shortcut);
        text.set(reply.text);
        failure.set(None);
        notice.set(None);
    };
    let save = Action::new_local(|(id, draft): &(Option<i64>, CannedReplyDraft)| {
        api::save_canned_reply(*id, draft.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(reply)) => {
            notice.set(Some(format!("Saved /{}.", reply.shortcut)));
            reset();
            replies.refetch();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let remove = Action::new_local(|id: &i64| api::delete_canned_reply(*id));
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            notice.set(Some("Deleted the canned reply.".into()));
            replies.refetch();
        }
        Some(Err(error)) => notice.set(Some(error.to_string())),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        save.dispatch((
            editing.get_untracked(),
            CannedReplyDraft {
                shortcut: shortcut.get_untracked(),
                text: text.get_untracked(),
            },
        ));
    };
    let field_problem = move |field: &'static str| {
        move || {
            failure
                .with(|error| error.as_ref().and_then(|error| error.problem_with(field)))
                .map(|message| view! { <span class="field-error">{message}</span> })
        }
    };
    let other_failure = move || {
        failure.with(|error| {
            error
                .as_ref()
                .filter(|error| error.problem_with("shortcut").is_none() && error.problem_with("text").is_none())
                .map(|error| view! { <p class="bot-notice error" role="alert">{error.message()}</p> })
        })
    };

    view! {
        <div class="manage-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Canned replies"</h1>
                </header>
                <p class="bot-help">
                    "Agents type / in the composer and a few letters of the shortcut or the text to insert a reply, then edit it before sending. "
                    "{{name}} becomes the customer's name, {{agent}} the agent's and {{wa_id}} the customer's number."
                </p>
                {move || notice.get().map(|message| view! { <p class="bot-notice" role="status">{message}</p> })}
                <table class="data-table canned-table">
                    <thead>
                        <tr>
                            <th scope="col">"Shortcut"</th>
                            <th scope="col">"Reply"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || match replies.get() {
                            None => view! { <tr><td colspan="3" class="empty-cell">"Loading canned replies…"</td></tr> }.into_any(),
                            Some(Err(error)) => view! { <tr><td colspan="3" class="empty-cell">{error.to_string()}</td></tr> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => view! {
                                <tr><td colspan="3" class="empty-cell">"No canned replies yet. Add the answers your team types most, below."</td></tr>
                            }.into_any(),
                            Some(Ok(list)) => list.into_iter().map(|reply| {
                                let shown = reply.clone();
                                let id = reply.id;
                                view! {
                                    <tr class="canned-row" class:editing=move || editing.get() == Some(id)>
                                        <td><code class="pattern">{format!("/{}", reply.shortcut)}</code></td>
                                        <td class="canned-reply-text">{reply.text.clone()}</td>
                                        <td class="row-actions">
                                            <button type="button" class="button" aria-label=format!("Edit /{}", reply.shortcut) on:click=move |_| edit(shown.clone())>"Edit"</button>
                                            <button type="button" class="button button-quiet-danger" aria-label=format!("Delete /{}", reply.shortcut) on:click=move |_| { remove.dispatch(id); }>"Delete"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view().into_any(),
                        }}
                    </tbody>
                </table>
            </section>
            <section class="panel">
                <form class="rule-form" on:submit=submit aria-label="Canned reply">
                    <h2>{move || if editing.get().is_some() { "Change the reply" } else { "Add a reply" }}</h2>
                    <label class="field">
                        <span class="field-label">"Shortcut"</span>
                        <input prop:value=shortcut placeholder="e.g. refund" maxlength="30" on:input=move |event| shortcut.set(event_target_value(&event)) />
                        {field_problem("shortcut")}
                    </label>
                    <label class="field">
                        <span class="field-label">"Reply"</span>
                        <textarea class="canned-text-input" rows="4" prop:value=text placeholder="Hi {{name}}, your refund is on its way. – {{agent}}" on:input=move |event| text.set(event_target_value(&event))></textarea>
                        {field_problem("text")}
                    </label>
                    {other_failure}
                    <div class="dialog-actions">
                        <Show when=move || editing.get().is_some()>
                            <button type="button" class="button" on:click=move |_| reset()>"Cancel"</button>
                        </Show>
                        <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                            {move || if editing.get().is_some() { "Save changes" } else { "Add reply" }}
                        </button>
                    </div>
                </form>
            </section>
        </div>
    }
}
