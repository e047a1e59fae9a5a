//! A chat thread: bubbles that make the author obvious, system lines for
//! status changes, the team's private notes, delivery ticks, failures with
//! their reason; photos and stickers shown, audio and video with players,
//! documents as file cards, shared locations and contacts as cards. Text is
//! always rendered as text, never as HTML, with WhatsApp's formatting
//! (`*bold*`, `_italic_`, …) and its web links opening in a new tab.

use handover_core::api::{Author, Delivery, Message, MessageKind};
use handover_core::media::{size_in_words, Location, Media, MediaKind, MediaState, SharedContact};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::icons;
use crate::api;
use crate::clock;
use crate::format::{self, Piece};
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
) -> impl IntoView {
    view! {
        <ol class="thread" aria-label="Conversation" aria-live="polite">
            <For each=move || messages.get() key=|message| (message.id, message.delivery, message.text.clone(), message.deleted, message.media.as_ref().map(|media| media.state)) let:message>
                {bubble(message)}
            </For>
        </ol>
    }
}

fn bubble(message: Message) -> AnyView {
    let time = clock::local_clock(&message.sent_at)
        .map(|clock| clock.split(", ").nth(1).unwrap_or_default().to_owned());
    if message.author == Author::System {
        return view! {
            <li class="system-line" data-message-id=message.id>
                <span>{message.text.clone().unwrap_or_default()}</span>
                <span class="system-time">{time}</span>
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
    let location = message.location.clone().map(location_card);
    let contacts = (!message.contacts.is_empty()).then(|| contact_cards(message.contacts.clone()));
    let body = (!body.is_empty()).then(|| view! { <p class="bubble-text">{formatted(&body)}</p> });
    let tick = message.delivery.map(tick);
    let failed = message.delivery == Some(Delivery::Failed);
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
            {media}
            {location}
            {contacts}
            {body}
            <span class="bubble-meta">
                {message.edited.then_some(view! { <span class="edited">"edited"</span> })}
                <span>{time}</span>
                {tick.map(|(symbol, label)| {
                    view! {
                        <span class="tick" data-delivery=label.to_lowercase() aria-label=label title=label>
                            {symbol}
                        </span>
                    }
                })}
            </span>
            {failed.then(|| {
                view! {
                    <p class="failure" role="note">
                        {format!("Not delivered: {}", message.failure_reason.clone().unwrap_or_else(|| "no reason given".into()))}
                    </p>
                }
            })}
        </li>
    }
    .into_any()
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
