//! Writing in a chat: a reply to the customer (free text, a photo or a
//! document, for the agent holding the chat inside the window), a private
//! note for the team (anyone, any time, `@name` to mention), and a
//! template picker that is always available. Typing `/` offers the team's
//! canned replies; files can be attached with the button, dropped on the
//! composer or pasted.

use handover_core::api::{CustomerProfile, Message, ReplyTo, TeamMember, TemplateSend};
use handover_core::canned::{fill, CannedReply, Filling};
use handover_core::lifecycle::{may_write, WriteRefusal};
use handover_core::media::{size_in_words, MediaKind};
use handover_core::{Actor, ChatState, Status, TransitionError};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use handover_core::templates::{preview, Template, TemplateStatus};

use super::canned_picker;
use super::emoji_picker::EmojiPicker;
use super::icons;
use super::mention_picker;
use super::picker::{self, Picker, PickerOption, Steered};
use super::template_header::header_view;
use super::thread::author_label;
use crate::api::Outgoing;
use crate::drafts::{self, DraftKind};
use crate::workspace::Workspace;

/// Why the signed-in agent cannot write free text here, or `None`: core's
/// one rule of who may write, in words for the reply box.
pub fn text_refusal(profile: &CustomerProfile, me: Actor) -> Option<String> {
    let chat = ChatState {
        status: profile.status,
        holder: profile.assigned_agent.as_ref().map(|holder| holder.id),
        window_open: profile.window_open,
    };
    match may_write(&chat, me.agent) {
        Ok(()) => None,
        Err(WriteRefusal::HeldBy(_)) => Some(format!(
            "{} is handling this chat; only they can reply.",
            profile
                .assigned_agent
                .as_ref()
                .map_or("Another agent", |holder| holder.name.as_str())
        )),
        Err(WriteRefusal::WindowClosed) => Some(TransitionError::WindowClosed.to_string()),
        Err(WriteRefusal::Waiting) => Some(
            "This customer is waiting for an agent: Intervene (i) to take the chat and reply."
                .to_owned(),
        ),
        Err(WriteRefusal::WithTheBot) => {
            Some("Intervene to reply to this customer; the bot is handling the chat.".to_owned())
        }
    }
}

/// Whether the composer writes to the customer or to the team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Reply,
    Note,
}

/// Why a file cannot be sent, or `None` if it can.
pub fn file_refusal(mime_type: &str, size: u64) -> Option<String> {
    match MediaKind::for_sending(mime_type) {
        None => Some(
            "Only JPEG or PNG photos and PDF, Word, Excel, PowerPoint or text documents can be sent on WhatsApp."
                .into(),
        ),
        Some(kind) if size > kind.max_bytes() => Some(format!(
            "This {} is {}; WhatsApp takes at most {}.",
            kind.noun(),
            size_in_words(size),
            size_in_words(kind.max_bytes())
        )),
        Some(_) if size == 0 => Some("This file is empty.".into()),
        Some(_) => None,
    }
}

/// A message's words as a quote shows them.
fn quoted_words(message: &Message) -> String {
    let text = message
        .media
        .as_ref()
        .and_then(|media| media.caption.clone())
        .or_else(|| message.text.clone())
        .or_else(|| {
            message
                .template
                .as_ref()
                .map(|t| format!("Template {}", t.name))
        })
        .unwrap_or_default();
    ReplyTo::excerpt(&text)
}

#[component]
pub fn Composer(
    /// The open chat.
    #[prop(into)]
    profile: Signal<CustomerProfile>,
    /// The signed-in agent.
    me: Actor,
    /// Templates that can be sent.
    #[prop(into)]
    templates: Signal<Vec<Template>>,
    /// The team's canned replies.
    #[prop(into)]
    canned: Signal<Vec<CannedReply>>,
    /// Sends what was written; the composer clears at once.
    on_send: Callback<Outgoing>,
    /// True while a send is on its way.
    #[prop(into)]
    busy: Signal<bool>,
    /// True while this agent's Intervene is on its way: the reply box is
    /// open already, so what they type next lands in it.
    #[prop(into)]
    intervening: Signal<bool>,
    /// The message the reply answers, quoted above it.
    quoting: RwSignal<Option<Message>>,
    /// The team, offered while a note's `@name` is typed.
    #[prop(into)]
    team: Signal<Vec<TeamMember>>,
) -> impl IntoView {
    let my_name = Workspace::get()
        .agent
        .with_value(|agent| agent.name.clone());
    // The chat's two drafts, kept as they are typed; the reply's is shown
    // first, the note's when its tab is chosen.
    let wa_id = profile.with_untracked(|p| p.wa_id.clone());
    let draft_key = move |mode: Mode| {
        let kind = match mode {
            Mode::Reply => DraftKind::Reply,
            Mode::Note => DraftKind::Note,
        };
        drafts::key(me.agent, &wa_id, kind)
    };
    let draft_key = StoredValue::new(draft_key);
    let mode = RwSignal::new(Mode::Reply);
    let text = RwSignal::new(drafts::load(&draft_key.with_value(|key| key(Mode::Reply))));
    Effect::new(move |_| {
        let written = text.get();
        let key = draft_key.with_value(|key| key(mode.get_untracked()));
        drafts::save(&key, &written);
    });
    let switch_mode = move |which: Mode| {
        if mode.get_untracked() != which {
            mode.set(which);
            text.set(drafts::load(&draft_key.with_value(|key| key(which))));
        }
    };
    let file = RwSignal::new_local(None::<web_sys::File>);
    let problem = RwSignal::new(None::<String>);
    let emoji_open = RwSignal::new(false);
    let dragging = RwSignal::new(false);
    let highlighted = RwSignal::new(0usize);
    let input = NodeRef::<leptos::html::Textarea>::new();
    let file_input = NodeRef::<leptos::html::Input>::new();
    let refusal = move || profile.with(|p| text_refusal(p, me));
    let replying = move || mode.get() == Mode::Reply;
    let locked = move || replying() && refusal().is_some() && !intervening.get();
    let offered = Memo::new(move |_| {
        if !replying() {
            return None;
        }
        text.with(|t| {
            canned_picker::typed_shortcut(t)
                .map(|typed| canned.with(|all| canned_picker::offered(all, typed)))
        })
    });
    let focus_input = move || {
        if let Some(element) = input.get_untracked() {
            let _ = element.focus();
        }
    };
    // Once the chat becomes this agent's (their Intervene, by key or by
    // click), the cursor is in the reply box.
    let mine = Memo::new(move |_| {
        profile.with(|p| {
            p.status == Status::Intervened
                && p.assigned_agent.as_ref().is_some_and(|a| a.id == me.agent)
        })
    });
    // The agent was in the box while their Intervene was on its way (the
    // key gives it to them at once): when the chat becomes theirs, the
    // cursor is not put back there, where they may have left it since.
    let entered_while_intervening = StoredValue::new(false);
    Effect::new(move |was_mine: Option<bool>| {
        let now_mine = mine.get();
        if was_mine == Some(false) && now_mine {
            switch_mode(Mode::Reply);
            if !entered_while_intervening.get_value() {
                request_animation_frame(focus_input);
            }
        }
        entered_while_intervening.set_value(false);
        now_mine
    });
    let insert_canned = move |reply: CannedReply| {
        let filled = profile.with_untracked(|p| {
            let number = format!("+{}", p.wa_id);
            let name = if p.name.is_empty() {
                number.as_str()
            } else {
                p.name.as_str()
            };
            fill(
                &reply.text,
                &Filling {
                    name,
                    agent: &my_name,
                    wa_id: p.wa_id.as_str(),
                },
            )
        });
        text.set(filled);
        highlighted.set(0);
        focus_input();
    };
    let insert_canned = Callback::new(insert_canned);
    let choose_file = move |chosen: Option<web_sys::File>| {
        let Some(chosen) = chosen else { return };
        match file_refusal(&chosen.type_(), chosen.size() as u64) {
            Some(why) => problem.set(Some(why)),
            None => {
                problem.set(None);
                switch_mode(Mode::Reply);
                file.set(Some(chosen));
            }
        }
    };
    // WhatsApp shows the customer the holder typing (for up to 25 s per
    // notice, so one notice per 25 s of typing is enough).
    let typing_told = StoredValue::new(f64::NEG_INFINITY);
    let tell_typing = move || {
        let now = js_sys::Date::now();
        if now - typing_told.get_value() < 25_000.0 {
            return;
        }
        typing_told.set_value(now);
        let wa_id = profile.with_untracked(|p| p.wa_id.to_string());
        leptos::task::spawn_local(async move {
            let _ = crate::api::typing(wa_id).await;
        });
    };
    let send = move || {
        let written = text.get_untracked();
        match mode.get_untracked() {
            Mode::Note if !written.trim().is_empty() => on_send.run(Outgoing::Note(written)),
            Mode::Note => return,
            Mode::Reply if refusal().is_some() => return,
            Mode::Reply => match file.get_untracked() {
                Some(chosen) => {
                    file.set(None);
                    on_send.run(Outgoing::File {
                        file: chosen,
                        caption: written,
                    });
                }
                None if !written.trim().is_empty() => {
                    let reply_to = quoting.get_untracked().map(|quoted| quoted.id);
                    quoting.set(None);
                    on_send.run(Outgoing::Text {
                        text: written,
                        reply_to,
                    })
                }
                None => return,
            },
        }
        text.set(String::new());
        problem.set(None);
    };
    let insert_emoji = Callback::new(move |emoji: &'static str| {
        let (start, end) = input
            .get_untracked()
            .map(|element| {
                let at =
                    |position: Result<Option<u32>, _>| position.ok().flatten().map(|p| p as usize);
                (at(element.selection_start()), at(element.selection_end()))
            })
            .unwrap_or((None, None));
        text.update(|t| {
            // Selection offsets count UTF-16 units, as the browser does.
            let units: Vec<u16> = t.encode_utf16().collect();
            let start = start.unwrap_or(units.len()).min(units.len());
            let end = end.unwrap_or(start).clamp(start, units.len());
            *t = format!(
                "{}{emoji}{}",
                String::from_utf16_lossy(&units[..start]),
                String::from_utf16_lossy(&units[end..])
            );
        });
        emoji_open.set(false);
        focus_input();
    });
    // In a note, `@` offers teammates.
    let mentioning = Memo::new(move |_| {
        if replying() {
            return None;
        }
        text.with(|t| {
            mention_picker::typed_mention(t)
                .map(|typed| team.with(|team| mention_picker::offered(team, typed, me.agent)))
        })
    });
    let insert_mention = Callback::new(move |member: TeamMember| {
        let handle = team.with_untracked(|team| mention_picker::handle(&member, team));
        text.update(|t| *t = mention_picker::complete(t, &handle));
        highlighted.set(0);
        focus_input();
    });
    let on_keydown = move |event: leptos::ev::KeyboardEvent| {
        let people = mentioning.get_untracked().unwrap_or_default();
        match picker::steer(&event, people.len(), highlighted) {
            Steered::Picked(at) => return insert_mention.run(people[at].clone()),
            Steered::Moved => return,
            Steered::Ignored => {}
        }
        let choices = offered.get_untracked().unwrap_or_default();
        match picker::steer(&event, choices.len(), highlighted) {
            Steered::Picked(at) => return insert_canned.run(choices[at].clone()),
            Steered::Moved => return,
            Steered::Ignored => {}
        }
        if event.key() == "Escape" && offered.get_untracked().is_some() {
            event.prevent_default();
            text.update(|t| *t = t.trim_start_matches('/').to_owned());
        } else if event.key() == "Enter" && !event.shift_key() {
            event.prevent_default();
            send();
        }
    };
    let on_paste = move |event: leptos::ev::ClipboardEvent| {
        let pasted = event.clipboard_data().and_then(|data| data.files());
        if let Some(first) = pasted.and_then(|files| files.get(0)) {
            event.prevent_default();
            choose_file(Some(first));
        }
    };
    let on_drop = move |event: leptos::ev::DragEvent| {
        event.prevent_default();
        dragging.set(false);
        if locked() {
            return;
        }
        choose_file(
            event
                .data_transfer()
                .and_then(|data| data.files())
                .and_then(|files| files.get(0)),
        );
    };
    let picking = RwSignal::new(false);
    let window_closed = move || replying() && profile.with(|p| !p.window_open);
    let chosen = RwSignal::new(None::<Template>);
    let params = RwSignal::new(Vec::<String>::new());
    let approved = move || {
        templates
            .get()
            .into_iter()
            .filter(|t| t.status == TemplateStatus::Approved)
            .collect::<Vec<_>>()
    };
    let ready = move || {
        chosen.with(|t| t.is_some()) && params.with(|p| p.iter().all(|v| !v.trim().is_empty()))
    };
    let nothing_to_send =
        move || text.with(|t| t.trim().is_empty()) && (!replying() || file.with(Option::is_none));
    let tab = move |label: &'static str, which: Mode| {
        view! {
            <button
                type="button"
                role="tab"
                class="composer-tab"
                aria-selected=move || (mode.get() == which).to_string()
                on:click=move |_| {
                    switch_mode(which);
                    focus_input();
                }
            >
                {label}
            </button>
        }
    };

    view! {
        <div
            class="composer"
            class:note=move || !replying()
            class:dragging=move || dragging.get()
            on:dragover=move |event: leptos::ev::DragEvent| {
                event.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <div class="composer-tabs" role="tablist" aria-label="Write">
                {tab("Reply", Mode::Reply)}
                {tab("Private note", Mode::Note)}
            </div>
            {move || quoting.get().filter(|_| replying()).map(|quoted| view! {
                <div class="replying-to" role="status">
                    <span class="replying-to-about">
                        <span class="quote-author">{format!("Replying to {}", author_label(&quoted))}</span>
                        <span class="quote-text">{quoted_words(&quoted)}</span>
                    </span>
                    <button type="button" class="button-quiet" aria-label="Do not quote" on:click=move |_| quoting.set(None)>"✕"</button>
                </div>
            })}
            {move || mentioning.get().map(|people| view! {
                <Picker
                    label="Mention a teammate"
                    empty="Nobody on the team matches."
                    options=Signal::stored(people.iter().map(|member| PickerOption {
                        title: member.agent.name.clone(),
                        detail: if member.online { "online" } else { "away" }.to_owned(),
                    }).collect::<Vec<_>>())
                    highlighted
                    on_pick=Callback::new(move |at: usize| insert_mention.run(people[at].clone()))
                />
            })}
            {move || offered.get().map(|replies| view! {
                <Picker
                    label="Canned replies"
                    empty="No canned reply matches. Managers add them under Manage → Canned replies."
                    options=Signal::stored(replies.iter().map(|reply| PickerOption {
                        title: format!("/{}", reply.shortcut),
                        detail: reply.text.clone(),
                    }).collect::<Vec<_>>())
                    highlighted
                    on_pick=Callback::new(move |at: usize| insert_canned.run(replies[at].clone()))
                />
            })}
            {move || file.get().map(|chosen| view! {
                <div class="attachment" role="status">
                    <span class="attachment-icon">{icons::paperclip()}</span>
                    <span class="attachment-name">{chosen.name()}</span>
                    <span class="muted">{size_in_words(chosen.size() as u64)}</span>
                    <button type="button" class="button-quiet" aria-label="Remove the attachment" on:click=move |_| file.set(None)>"✕"</button>
                </div>
            })}
            // Outside the window only a template reaches the customer: the
            // template picker takes the place of free text.
            <div class="composer-row" style:display=move || window_closed().then_some("none")>
                <textarea
                    class="composer-input"
                    node_ref=input
                    aria-label=move || if replying() { "Message" } else { "Note" }
                    rows="2"
                    placeholder=move || match (mode.get(), refusal()) {
                        (Mode::Note, _) => "A note only the team sees… @name tells a colleague".to_owned(),
                        (Mode::Reply, Some(_)) => "Replies are off for this chat".to_owned(),
                        (Mode::Reply, None) if file.with(Option::is_some) => "Add a caption (optional)".to_owned(),
                        (Mode::Reply, None) => "Write a reply… / for canned replies (Enter sends, Shift+Enter for a new line)".to_owned(),
                    }
                    disabled=locked
                    prop:value=text
                    on:input=move |event| {
                        text.set(event_target_value(&event));
                        highlighted.set(0);
                        if replying() && mine.get_untracked() {
                            tell_typing();
                        }
                    }
                    on:keydown=on_keydown
                    on:paste=on_paste
                    on:focus=move |_| {
                        if intervening.get_untracked() {
                            entered_while_intervening.set_value(true);
                        }
                    }
                ></textarea>
                <div class="composer-tools">
                    <button type="button" class="button-quiet tool" aria-label="Emoji" aria-expanded=move || emoji_open.get().to_string() disabled=locked on:click=move |_| emoji_open.update(|open| *open = !*open)>{icons::smile()}</button>
                    <Show when=replying>
                        <button type="button" class="button-quiet tool" aria-label="Attach a photo or document" title="Attach a photo or document (or drop or paste it here)" disabled=locked on:click=move |_| {
                            if let Some(element) = file_input.get_untracked() {
                                element.click();
                            }
                        }>{icons::paperclip()}</button>
                    </Show>
                    <input
                        type="file"
                        class="file-input"
                        node_ref=file_input
                        aria-label="Choose a file to send"
                        accept="image/jpeg,image/png,application/pdf,text/plain,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
                        on:change=move |event| {
                            let element = event.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok());
                            choose_file(element.as_ref().and_then(|element| element.files()).and_then(|files| files.get(0)));
                            if let Some(element) = element {
                                element.set_value("");
                            }
                        }
                    />
                </div>
                <button
                    type="button"
                    class="button button-primary"
                    disabled=move || busy.get() || locked() || nothing_to_send()
                    on:click=move |_| send()
                >
                    {move || if replying() { "Send" } else { "Add note" }}
                </button>
                <Show when=replying>
                    <button type="button" class="button" aria-expanded=move || picking.get().to_string() on:click=move |_| picking.update(|p| *p = !*p)>
                        "Template"
                    </button>
                </Show>
            </div>
            <Show when=move || emoji_open.get()>
                <EmojiPicker on_pick=insert_emoji />
            </Show>
            {move || problem.get().map(|why| view! { <p class="composer-reason error" role="alert">{why}</p> })}
            {move || (replying() && problem.with(Option::is_none)).then(refusal).flatten().map(|reason| view! { <p class="composer-reason" role="status">{reason}</p> })}
            <Show when=move || (picking.get() || window_closed()) && replying()>
                <div class="template-picker" role="group" aria-label="Send a template">
                    <select
                        aria-label="Template"
                        on:change=move |event| {
                            let key = event_target_value(&event);
                            let template = approved().into_iter().find(|t| format!("{}:{}", t.name, t.language) == key);
                            params.set(vec![String::new(); template.as_ref().map_or(0, |t| t.params)]);
                            chosen.set(template);
                        }
                    >
                        <option value="">"Choose a template…"</option>
                        {move || approved().into_iter().map(|t| {
                            let key = format!("{}:{}", t.name, t.language);
                            view! { <option value=key>{format!("{} ({})", t.name, t.language)}</option> }
                        }).collect_view()}
                    </select>
                    {move || (0..params.with(Vec::len)).map(|n| view! {
                        <input
                            class="template-param"
                            aria-label=format!("Parameter {}", n + 1)
                            placeholder=format!("{{{{{}}}}}", n + 1)
                            prop:value=move || params.with(|p| p.get(n).cloned().unwrap_or_default())
                            on:input=move |event| params.update(|p| if let Some(slot) = p.get_mut(n) { *slot = event_target_value(&event) })
                        />
                    }).collect_view()}
                    {move || chosen.get().map(|t| view! {
                        <div class="template-preview">
                            {t.header_media.as_ref().map(header_view)}
                            <p>{preview(&t.body, &params.get())}</p>
                        </div>
                    })}
                    <button
                        type="button"
                        class="button button-primary"
                        disabled=move || busy.get() || !ready()
                        on:click=move |_| {
                            if let Some(template) = chosen.get_untracked() {
                                on_send.run(Outgoing::Template(TemplateSend { name: template.name, language: template.language, params: params.get_untracked(), header_media_id: None }));
                                picking.set(false);
                            }
                        }
                    >
                        "Send template"
                    </button>
                </div>
            </Show>
        </div>
    }
}
