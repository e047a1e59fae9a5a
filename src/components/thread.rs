//! A chat thread: bubbles that make the author obvious, system lines for
//! status changes, the team's private notes, delivery ticks, failures with
//! their reason; photos and stickers shown, audio and video with players,
//! documents as file cards, shared locations and contacts as cards. Text is
//! always rendered as text, never as HTML, with WhatsApp's formatting
//! (`*bold*`, `_italic_`, …) and its web links opening in a new tab.

use handover_core::api::{
    Author, Delivery, Message, MessageKind, Offered, Reaction, ReplyTo, TemplateText,
};
use handover_core::failures;
use handover_core::media::{size_in_words, Location, Media, MediaKind, MediaState, SharedContact};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::icons;
use crate::api;
use crate::clock::{self, MessageTime};
use crate::format::{self, Piece};
use crate::places;
use crate::whatsapp_text::{styled, Styled};

/// The tick shown for a delivery state, and its accessible name.
pub fn tick(delivery: Delivery) -> (&'static str, &'static str) {
    match delivery {
        Delivery::Pending => ("◷", "Sending"),
        Delivery::Sent => ("✓", "Sent"),
        Delivery::Delivered => ("✓✓", "Delivered"),
        Delivery::Read => ("✓✓", "Read"),
        Delivery::Failed => ("!", "Not delivered"),
    }
}

/// Who wrote a message, as its bubble says.
pub fn author_label(message: &Message) -> String {
    match (message.author, message.kind) {
        (Author::User, _) => "Customer".to_owned(),
        (Author::Bot, _) => "Bot".to_owned(),
        (Author::Agent, MessageKind::Template) | (Author::System, MessageKind::Template) => {
            let by = message
                .agent
                .as_ref()
                .map(|agent| agent.name.as_str())
                .unwrap_or("Template");
            let name = message
                .template
                .as_ref()
                .map(|t| t.name.as_str())
                .unwrap_or("template");
            format!("{by} · template {name}")
        }
        (Author::Agent, MessageKind::Note) => format!(
            "{} · private note",
            message
                .agent
                .as_ref()
                .map(|agent| agent.name.as_str())
                .unwrap_or("Agent")
        ),
        (Author::Agent, _) => message
            .agent
            .as_ref()
            .map(|agent| agent.name.clone())
            .unwrap_or_else(|| "Agent".to_owned()),
        (Author::System, _) => String::new(),
    }
}

#[component]
pub fn Thread(
    /// The messages, oldest first.
    #[prop(into)]
    messages: Signal<Vec<Message>>,
    /// Now, for "Today" and "Yesterday".
    #[prop(into)]
    now_ms: Signal<i64>,
    /// Answers a message, quoting it (offered on the messages WhatsApp
    /// can quote).
    #[prop(optional)]
    on_reply: Option<Callback<Message>>,
    /// Reacts to a customer's message with an emoji (empty: takes the
    /// reaction back).
    #[prop(optional)]
    on_react: Option<Callback<(i64, String)>>,
) -> impl IntoView {
    // Each message with its time, and the day it starts when it is the
    // first of its day on screen.
    let rows = Memo::new(move |_| {
        let now = now_ms.get();
        let mut previous_day = None::<String>;
        messages.with(|messages| {
            messages
                .iter()
                .map(|message| {
                    let when = clock::message_time(&message.sent_at, now);
                    let day = when.as_ref().map(|when| when.day.clone());
                    let starts = (day.is_some() && day != previous_day)
                        .then(|| day.clone())
                        .flatten();
                    previous_day = day;
                    (message.clone(), when, starts)
                })
                .collect::<Vec<_>>()
        })
    });
    view! {
        <ol class="thread" aria-label="Conversation" aria-live="polite">
            <For
                each=move || rows.get()
                key=|(message, when, starts)| (
                    message.id,
                    version(message),
                    when.as_ref().map(|when| when.full.clone()),
                    starts.clone(),
                )
                let:row
            >
                {
                    let (message, when, starts) = row;
                    view! {
                        {starts.map(|day| {
                            let label = day.clone();
                            view! {
                                <li class="day-separator" role="separator" aria-label=label>
                                    <span>{day}</span>
                                </li>
                            }
                        })}
                        {bubble(message, when, on_reply, on_react)}
                    }
                }
            </For>
        </ol>
    }
}

/// What a message looks like now: a change of what can change after it
/// was written (its tick or failure, an edit or deletion, its file's
/// state, a reaction, its quote, a resend) draws its bubble again.
fn version(message: &Message) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (
        message.delivery,
        &message.failure_reason,
        &message.text,
        message.edited,
        message.deleted,
        message.resent_as,
    )
        .hash(&mut hasher);
    message
        .media
        .as_ref()
        .map(|media| (media.state, &media.failure))
        .hash(&mut hasher);
    for reaction in &message.reactions {
        let by = reaction.agent.as_ref().map(|agent| agent.id);
        (&reaction.emoji, by).hash(&mut hasher);
    }
    message
        .reply_to
        .as_ref()
        .map(|quoted| (&quoted.text, &quoted.image_url))
        .hash(&mut hasher);
    hasher.finish()
}

/// Whether WhatsApp can quote this message: the customer's, or one of ours
/// that reached WhatsApp.
pub fn quotable(message: &Message) -> bool {
    let sent = matches!(
        message.delivery,
        Some(Delivery::Sent | Delivery::Delivered | Delivery::Read)
    );
    !message.deleted
        && message.kind != MessageKind::Note
        && (message.author == Author::User || sent)
}

/// The reactions an agent picks from.
pub const REACTIONS: [&str; 6] = ["👍", "❤️", "😂", "😮", "🙏", "✅"];

fn bubble(
    message: Message,
    when: Option<MessageTime>,
    on_reply: Option<Callback<Message>>,
    on_react: Option<Callback<(i64, String)>>,
) -> AnyView {
    let (time, full) = when.map_or((None, None), |when| (Some(when.time), Some(when.full)));
    if message.author == Author::System {
        return view! {
            <li class="system-line" data-message-id=message.id>
                <span>{message.text.clone().unwrap_or_default()}</span>
                <time class="system-time" title=full>{time}</time>
            </li>
        }
        .into_any();
    }
    let author = match message.author {
        Author::User => "user",
        Author::Bot => "bot",
        Author::Agent | Author::System => "agent",
    };
    let unsupported = message.content_type == "unsupported";
    let carries_card =
        message.media.is_some() || message.location.is_some() || !message.contacts.is_empty();
    let body = match (&message.template, &message.text) {
        _ if message.deleted => "This message was deleted".to_owned(),
        // A template as the customer read it is drawn apart, below.
        _ if message.template_text.is_some() => String::new(),
        // A template with a photo, video or document header: the file
        // above, the template below.
        (Some(template), None) => format!("{} ({})", template.name, template.params.join(", ")),
        // A file's caption is its text; the "[Photo] …" summary is not shown.
        _ if message.media.is_some() => message
            .media
            .as_ref()
            .and_then(|media| media.caption.clone())
            .unwrap_or_default(),
        _ if carries_card => String::new(),
        (_, Some(text)) => text.clone(),
        _ => String::new(),
    };
    let media = message.media.clone().map(media_view);
    let template_text = message.template_text.clone().map(template_view);
    let offered = message.offered.clone().map(offered_view);
    // A customer's tap on a button or a list row says it was one.
    let chose = message.author == Author::User
        && matches!(message.content_type.as_str(), "interactive" | "button");
    let location = message.location.clone().map(location_card);
    let contacts = (!message.contacts.is_empty()).then(|| contact_cards(message.contacts.clone()));
    let is_note = message.kind == MessageKind::Note;
    let body = (!body.is_empty()).then(|| {
        if is_note {
            view! { <p class="bubble-text">{with_mentions(&body)}</p> }.into_any()
        } else {
            view! { <p class="bubble-text">{formatted(&body)}</p> }.into_any()
        }
    });
    let tick = message.delivery.map(tick);
    let failed = message.delivery == Some(Delivery::Failed);
    let reactions = (!message.reactions.is_empty()).then(|| reactions_view(&message.reactions));
    let quote = message
        .reply_to
        .clone()
        .map(|quoted| quote_view(&message.wa_id, quoted));
    let react = on_react
        .filter(|_| message.author == Author::User && !message.deleted)
        .map(|on_react| reaction_picker(message.id, on_react));
    let reply = on_reply.filter(|_| quotable(&message)).map(|on_reply| {
        let answered = message.clone();
        view! {
            <button type="button" class="bubble-reply" aria-label="Reply to this message" title="Reply to this message"
                on:click=move |_| on_reply.run(answered.clone())>
                "↩"
            </button>
        }
    });
    view! {
        <li
            class="bubble"
            data-author=author
            data-message-id=message.id
            class:template=message.kind == MessageKind::Template
            class:unsupported=unsupported
            class:deleted=message.deleted
            class:note=message.kind == MessageKind::Note
            class:has-media=message.media.is_some()
        >
            <span class="bubble-author">
                {(message.kind == MessageKind::Note).then_some(view! { <span class="note-lock">{icons::lock()}</span> })}
                {author_label(&message)}
            </span>
            {reply}
            {react}
            {quote}
            {media}
            {location}
            {contacts}
            {chose.then(|| view! { <span class="chose">"Chose"</span> })}
            {body}
            {template_text}
            {offered}
            <span class="bubble-meta">
                {message.edited.then_some(view! { <span class="edited">"edited"</span> })}
                <time class="message-time" title=full>{time}</time>
                {tick.map(|(symbol, label)| {
                    view! {
                        <span class="tick" data-delivery=label.to_lowercase() aria-label=label title=label>
                            {symbol}
                        </span>
                    }
                })}
            </span>
            {reactions}
            {failed.then(|| failure_view(&message))}
        </li>
    }
    .into_any()
}

/// Why WhatsApp did not deliver one of our messages, in words an agent can
/// act on, with Retry where sending it again can succeed.
fn failure_view(message: &Message) -> impl IntoView {
    let reason = message
        .failure_reason
        .clone()
        .unwrap_or_else(|| "no reason given".into());
    let advice = failures::advice(&reason);
    let (wa_id, id) = (message.wa_id.to_string(), message.id);
    let sending = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let retry = match message.resent_as {
        Some(_) => Some(view! { <span class="resent">"Sent again below"</span> }.into_any()),
        None if advice.retry => Some(
            view! {
                <button
                    type="button"
                    class="button retry"
                    disabled=move || sending.get()
                    on:click=move |_| {
                        sending.set(true);
                        let wa_id = wa_id.clone();
                        spawn_local(async move {
                            let sent = api::resend(wa_id, id).await;
                            let _ = sending.try_set(false);
                            let _ = problem.try_set(sent.err().map(|error| error.message()));
                        });
                    }
                >
                    "Retry"
                </button>
            }
            .into_any(),
        ),
        None => None,
    };
    view! {
        <div class="failure" role="note" title=reason>
            <p>{advice.words}</p>
            {retry}
            {move || problem.get().map(|why| view! { <p class="failure-problem">{why}</p> })}
        </div>
    }
}

/// A template as the customer read it: header, body, footer, buttons.
fn template_view(template: TemplateText) -> impl IntoView {
    let buttons = (!template.buttons.is_empty()).then(|| {
        view! {
            <div class="template-buttons">
                {template.buttons.into_iter().map(|label| view! { <span class="template-button">{label}</span> }).collect_view()}
            </div>
        }
    });
    view! {
        <div class="template-text">
            {template.header.map(|header| view! { <p class="template-header-text">{header}</p> })}
            <p class="bubble-text">{formatted(&template.body)}</p>
            {template.footer.map(|footer| view! { <p class="template-footer">{footer}</p> })}
            {buttons}
        </div>
    }
}

/// The reply buttons or the list the bot offered, as the customer saw them.
pub fn offered_view(offered: Offered) -> impl IntoView {
    let options = offered
        .options
        .into_iter()
        .map(|option| {
            view! {
                <li class="offered-option">
                    <span class="offered-title">{option.title}</span>
                    {option.description.map(|d| view! { <span class="offered-description">{d}</span> })}
                </li>
            }
        })
        .collect_view();
    match offered.list_button {
        None => view! { <ul class="offered buttons" aria-label="Reply buttons">{options}</ul> }
            .into_any(),
        Some(button) => view! {
            <div class="offered-list">
                <span class="offered-list-button">"☰ " {button}</span>
                <ul class="offered list" aria-label="List">{options}</ul>
            </div>
        }
        .into_any(),
    }
}

/// Who wrote a quoted message, as its quote says.
pub fn quoted_author(quoted: &ReplyTo) -> String {
    match (quoted.author, &quoted.agent) {
        (_, Some(agent)) => agent.name.clone(),
        (Some(Author::User), None) => "Customer".to_owned(),
        (Some(Author::Bot), None) => "Bot".to_owned(),
        (Some(Author::Agent | Author::System), None) => "Agent".to_owned(),
        (None, None) => "A message".to_owned(),
    }
}

/// The message a message answers, above it: who wrote it, its first line
/// and a photo's thumbnail. A click shows the original (scrolled to when it
/// is on screen, else the thread opens around it).
fn quote_view(wa_id: &handover_core::WaId, quoted: ReplyTo) -> AnyView {
    let Some(id) = quoted.id else {
        return view! {
            <div class="quote missing">"Replying to a message that is not stored here"</div>
        }
        .into_any();
    };
    let href = places::chat_at(wa_id, Some(id));
    let thumbnail = quoted.image_url.clone().map(|url| {
        view! { <img class="quote-thumbnail" src=url alt="" loading="lazy" /> }
    });
    let text = quoted.text.clone().unwrap_or_else(|| "A file".to_owned());
    let show_original = move |event: leptos::ev::MouseEvent| {
        let Some(original) = document()
            .query_selector(&format!(".thread [data-message-id=\"{id}\"]"))
            .ok()
            .flatten()
        else {
            return;
        };
        event.prevent_default();
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Center);
        original.scroll_into_view_with_scroll_into_view_options(&options);
        let classes = original.class_list();
        let _ = classes.remove_1("found");
        // Read the layout so that the highlight starts again.
        let _ = original.client_width();
        let _ = classes.add_1("found");
    };
    view! {
        <a class="quote" href=href data-quoted-id=id on:click=show_original>
            {thumbnail}
            <span class="quote-about">
                <span class="quote-author">{quoted_author(&quoted)}</span>
                <span class="quote-text">{text}</span>
            </span>
        </a>
    }
    .into_any()
}

/// The agent's way to react to a customer's message: a few emojis, and
/// taking the reaction back.
fn reaction_picker(id: i64, on_react: Callback<(i64, String)>) -> impl IntoView {
    let open = RwSignal::new(false);
    let pick = move |emoji: &str| {
        open.set(false);
        on_react.run((id, emoji.to_owned()));
    };
    view! {
        <span class="bubble-react-wrap">
            <button type="button" class="bubble-react" aria-label="React to this message" title="React"
                aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                "☺"
            </button>
            <Show when=move || open.get()>
                <span class="reaction-palette" role="group" aria-label="Reactions">
                    {REACTIONS.map(|emoji| view! {
                        <button type="button" class="reaction-choice" aria-label=format!("React {emoji}") on:click=move |_| pick(emoji)>{emoji}</button>
                    }).collect_view()}
                    <button type="button" class="reaction-choice" aria-label="Take my reaction back" title="Take my reaction back" on:click=move |_| pick("")>"✕"</button>
                </span>
            </Show>
        </span>
    }
}

/// The emojis people put on a message, each saying who on hover.
fn reactions_view(reactions: &[Reaction]) -> impl IntoView {
    let chips = reactions
        .iter()
        .map(|reaction| {
            let who = match (&reaction.author, &reaction.agent) {
                (_, Some(agent)) => agent.name.clone(),
                _ => "The customer".to_owned(),
            };
            let said = format!("{who} reacted {}", reaction.emoji);
            view! {
                <span class="reaction" data-author=format!("{:?}", reaction.author).to_lowercase() title=said.clone() aria-label=said>
                    {reaction.emoji.clone()}
                </span>
            }
        })
        .collect_view();
    view! { <div class="reactions">{chips}</div> }
}

/// A note's text with each `@name` marked.
fn with_mentions(text: &str) -> impl IntoView {
    format::mention_runs(text)
        .into_iter()
        .map(|(run, mention)| match mention {
            true => view! { <span class="mention">{run}</span> }.into_any(),
            false => run.into_any(),
        })
        .collect_view()
}

/// Text as text nodes in WhatsApp's styles, with its web links as links
/// that open in a new tab and tell the site nothing about where they came
/// from.
fn formatted(text: &str) -> impl IntoView {
    styled(text).into_iter().map(styled_run).collect_view()
}

fn styled_run(run: Styled) -> AnyView {
    let links = text_with_links(&run.text);
    let mut classes = Vec::new();
    for (on, class) in [
        (run.bold, "wa-bold"),
        (run.italic, "wa-italic"),
        (run.strike, "wa-strike"),
        (run.mono, "wa-mono"),
    ] {
        if on {
            classes.push(class);
        }
    }
    if classes.is_empty() {
        links.into_any()
    } else {
        view! { <span class=classes.join(" ")>{links}</span> }.into_any()
    }
}

fn text_with_links(text: &str) -> impl IntoView {
    format::linkify(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.into_any(),
            Piece::Link { text, href } => view! {
                <a href=href target="_blank" rel="noopener noreferrer">{text}</a>
            }
            .into_any(),
        })
        .collect_view()
}

/// A file: shown when it is here, else what is happening with it.
fn media_view(media: Media) -> AnyView {
    let noun = media.kind.noun();
    match media.state {
        MediaState::Pending => view! {
            <div class="media-status" role="status">{format!("Fetching the {noun} from WhatsApp…")}</div>
        }
        .into_any(),
        MediaState::Failed => {
            let id = media.id;
            let retrying = RwSignal::new(false);
            let why = media.failure.clone().unwrap_or_else(|| "no reason given".into());
            view! {
                <div class="media-status failed" role="note">
                    <span>{format!("The {noun} could not be fetched: {why}")}</span>
                    <button
                        type="button"
                        class="button"
                        disabled=move || retrying.get()
                        on:click=move |_| {
                            retrying.set(true);
                            spawn_local(async move {
                                let _ = api::retry_media(id).await;
                                let _ = retrying.try_set(false);
                            });
                        }
                    >
                        "Try again"
                    </button>
                </div>
            }
            .into_any()
        }
        MediaState::Ready => ready_media(media),
    }
}

pub(crate) fn ready_media(media: Media) -> AnyView {
    let url = media.url.clone();
    match media.kind {
        MediaKind::Image | MediaKind::Sticker => {
            let alt = media
                .caption
                .clone()
                .unwrap_or_else(|| format!("A {} in the chat", media.kind.noun()));
            let full = url.clone();
            view! {
                <a class="media-link" href=full target="_blank" rel="noopener" title="Open full size">
                    <img
                        class="media-image"
                        class:sticker=media.kind == MediaKind::Sticker
                        src=url
                        alt=alt
                        loading="lazy"
                    />
                </a>
            }
            .into_any()
        }
        MediaKind::Audio => view! {
            <audio class="media-audio" controls preload="none" src=url aria-label="Voice or audio message"></audio>
        }
        .into_any(),
        MediaKind::Video => view! {
            <video class="media-video" controls preload="metadata" src=url aria-label="Video"></video>
        }
        .into_any(),
        MediaKind::Document => {
            let name = media.filename.clone().unwrap_or_else(|| "Document".into());
            let size = media.size.map(size_in_words).unwrap_or_default();
            let saved_as = name.clone();
            view! {
                <a class="file-card" href=url download=saved_as>
                    <span class="file-icon">{icons::file()}</span>
                    <span class="file-about">
                        <span class="file-name">{name}</span>
                        <span class="file-size">{size}</span>
                    </span>
                    <span class="file-get">"Download"</span>
                </a>
            }
            .into_any()
        }
    }
}

fn location_card(place: Location) -> AnyView {
    let link = place.map_link();
    let coordinates = format!("{:.5}, {:.5}", place.latitude, place.longitude);
    view! {
        <div class="place-card">
            <span class="place-pin">{icons::pin()}</span>
            <div class="place-about">
                <strong>{place.name.clone().unwrap_or_else(|| "Shared location".into())}</strong>
                {place.address.clone().map(|address| view! { <span>{address}</span> })}
                <span class="muted">{coordinates}</span>
                <a href=link target="_blank" rel="noopener noreferrer">"Open in maps"</a>
            </div>
        </div>
    }
    .into_any()
}

fn contact_cards(contacts: Vec<SharedContact>) -> AnyView {
    contacts
        .into_iter()
        .map(|contact| {
            view! {
                <div class="contact-card">
                    <span class="contact-avatar" aria-hidden="true">{contact.name.chars().next().unwrap_or('?').to_uppercase().to_string()}</span>
                    <div class="contact-about">
                        <strong>{contact.name}</strong>
                        {contact.phones.into_iter().map(|phone| view! { <span>{phone}</span> }).collect_view()}
                        {contact.emails.into_iter().map(|email| view! { <span class="muted">{email}</span> }).collect_view()}
                    </div>
                </div>
            }
        })
        .collect_view()
        .into_any()
}
