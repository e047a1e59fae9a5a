//! A chat thread: bubbles that make the author obvious, system lines for
//! status changes, delivery ticks, failures with their reason. Text is
//! always rendered as text, never as HTML; web links in it open in a new
//! tab (see `format::linkify`).

use handover_core::api::{Author, Delivery, Message, MessageKind};
use leptos::prelude::*;

use crate::clock;
use crate::format::{self, Piece};

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
            <For each=move || messages.get() key=|message| (message.id, message.delivery, message.text.clone(), message.deleted) let:message>
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
    let body = match (&message.template, &message.text) {
        _ if message.deleted => "This message was deleted".to_owned(),
        (Some(template), _) if message.text.is_none() => {
            format!("{} ({})", template.name, template.params.join(", "))
        }
        (_, Some(text)) => text.clone(),
        _ => String::new(),
    };
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
        >
            <span class="bubble-author">{author_label(&message)}</span>
            <p class="bubble-text">{text_with_links(&body)}</p>
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

/// Text as text nodes, with its web links as links that open in a new tab
/// and tell the site nothing about where they came from.
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
