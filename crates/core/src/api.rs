//! The JSON shapes of the HTTP API (PRODUCT.md §6), shared by server and app.
//! Times are RFC 3339 strings in UTC.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{AgentId, Role, Status, WaId};

/// An agent as others see them: enough to show a name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentRef {
    pub id: AgentId,
    pub name: String,
}

/// `GET /api/users/{wa_id}`: the profile card with the seven parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerProfile {
    pub wa_id: WaId,
    pub name: String,
    pub status: Status,
    /// Time of the last message the customer sent (never one of ours).
    pub last_active_at: Option<String>,
    pub template_messages: u64,
    pub session_messages: u64,
    pub unresolved_queries: u64,
    pub source: String,
    pub first_message_tag: Option<String>,
    pub assigned_agent: Option<AgentRef>,
    /// End of the customer-service window; `None` if it never opened.
    pub window_expires_at: Option<String>,
    /// Whether the window is open now, as the server judged it.
    pub window_open: bool,
    /// While Requesting: when the customer entered the queue.
    #[serde(default)]
    pub waiting_since: Option<String>,
    /// Extra columns of an imported CSV file (city, email, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The chat's labels, sorted.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The customer's latest answer to a satisfaction survey.
    #[serde(default)]
    pub satisfaction: Option<Box<crate::csat::CsatRating>>,
    /// What the customer wrote last, as the chat list previews it (so a
    /// chat that enters a list live, transferred in, shows it at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_preview: Option<String>,
    /// The customer's messages nobody handling the chat has read yet: the
    /// agent holding it, or anyone while nobody does, reads them by
    /// opening the chat (`POST /api/users/{wa_id}/read`).
    #[serde(default)]
    pub unread: u64,
}

/// One row of a section or History list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerSummary {
    pub wa_id: WaId,
    pub name: String,
    pub status: Status,
    pub last_active_at: Option<String>,
    pub window_expires_at: Option<String>,
    pub assigned_agent: Option<AgentRef>,
    pub last_message_preview: Option<String>,
    /// While Requesting: when the customer entered the queue.
    #[serde(default)]
    pub waiting_since: Option<String>,
    /// The chat's labels, sorted.
    #[serde(default)]
    pub labels: Vec<String>,
    /// The customer's messages nobody handling the chat has read yet.
    #[serde(default)]
    pub unread: u64,
}

/// What made a customer a search result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SearchMatch {
    Name,
    Number,
    /// Something the customer wrote.
    Message,
}

/// The message a search found, to open the chat at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessageMatch {
    pub id: i64,
    /// The words around the match.
    pub snippet: String,
    pub sent_at: String,
}

/// One customer found by `GET /api/search`, with where they are listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResult {
    pub customer: CustomerSummary,
    pub section: crate::Section,
    pub matched: SearchMatch,
    /// For message matches: the newest matching message.
    pub message: Option<MessageMatch>,
}

/// `GET /api/search?q=`: customers across every section and History.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub items: Vec<SearchResult>,
    /// More customers matched than are listed: a longer query narrows them.
    pub more: bool,
}

/// A page of a keyset-paginated list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back as `cursor` (or `before` for threads) for the next page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    In,
    Out,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Author {
    User,
    Bot,
    Agent,
    /// A status line in the thread ("Intervened by Asha").
    System,
}

/// What a message counts as (PRODUCT.md §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Session,
    Template,
    System,
    /// A private note of the team: never sent, never counted.
    Note,
}

/// How far an outbound message got, from WhatsApp's status callbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Delivery {
    /// Stored, not yet accepted by WhatsApp.
    Pending,
    Sent,
    Delivered,
    Read,
    Failed,
}

impl Delivery {
    pub const fn as_str(self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Sent => "sent",
            Delivery::Delivered => "delivered",
            Delivery::Read => "read",
            Delivery::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Delivery::Pending,
            Delivery::Sent,
            Delivery::Delivered,
            Delivery::Read,
            Delivery::Failed,
        ]
        .into_iter()
        .find(|delivery| delivery.as_str() == text)
    }

    /// Whether a callback saying `next` may replace `self`. Callbacks arrive
    /// out of order; a later stage is never replaced by an earlier one.
    pub fn may_become(self, next: Delivery) -> bool {
        next > self
    }
}

/// A template as sent: name, language and the positional parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateSend {
    pub name: String,
    pub language: String,
    #[serde(default)]
    pub params: Vec<String>,
    /// For a template with a media header: another uploaded file of the
    /// same kind to send instead of the template's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_media_id: Option<i64>,
}

/// One line of a chat thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: i64,
    pub wa_id: WaId,
    pub direction: Direction,
    pub author: Author,
    /// The agent who wrote it, for agent messages.
    pub agent: Option<AgentRef>,
    pub kind: MessageKind,
    /// WhatsApp's message type (`text`, `image`, `interactive`, …), or
    /// `unsupported` for types we do not know, or `system`.
    pub content_type: String,
    /// The text, caption or a readable summary of the content.
    pub text: Option<String>,
    pub template: Option<TemplateSend>,
    /// Outbound messages only.
    pub delivery: Option<Delivery>,
    pub failure_reason: Option<String>,
    pub sent_at: String,
    /// The customer edited it (the text is the new one).
    #[serde(default)]
    pub edited: bool,
    /// The customer deleted it (the text is gone).
    #[serde(default)]
    pub deleted: bool,
    /// The photo, audio, video, document or sticker it carries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<crate::media::Media>,
    /// A location the customer shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<crate::media::Location>,
    /// Contact cards the customer shared.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<crate::media::SharedContact>,
    /// Reactions to it, one per person, oldest first. A reaction is never
    /// a message of its own.
    #[serde(default)]
    pub reactions: Vec<Reaction>,
    /// The message it answers, shown quoted above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<ReplyTo>,
    /// The reply buttons or the list the bot offered under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered: Option<Offered>,
    /// A template as the customer read it: header, filled body, footer
    /// and buttons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_text: Option<TemplateText>,
    /// A failed message of ours that was sent again: the new message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resent_as: Option<i64>,
}

/// What the bot offered under a message: reply buttons, or a list opened
/// by its button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offered {
    /// The list's button ("Choose a size"); `None` for reply buttons.
    pub list_button: Option<String>,
    pub options: Vec<OfferedOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferedOption {
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A template message as the customer read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateText {
    pub header: Option<String>,
    /// The body with its parameters filled in.
    pub body: String,
    pub footer: Option<String>,
    /// The buttons' words.
    pub buttons: Vec<String>,
}

/// The message another one quotes. `id` is `None` when the quoted message
/// is not stored here (WhatsApp named one we never saw).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyTo {
    pub id: Option<i64>,
    /// Who wrote it, when it is stored.
    pub author: Option<Author>,
    /// The agent who wrote it, for an agent's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    /// Its first line, cut short; `None` when it has no words (or is not
    /// stored).
    pub text: Option<String>,
    /// A photo's or sticker's address, for a thumbnail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_url: Option<String>,
}

impl ReplyTo {
    /// The longest excerpt of the quoted message.
    pub const EXCERPT: usize = 120;

    /// The first line of `text`, within [`ReplyTo::EXCERPT`] characters
    /// (a longer one ends in `…`).
    pub fn excerpt(text: &str) -> String {
        let line = text
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("")
            .trim();
        match line.char_indices().nth(Self::EXCERPT) {
            Some((at, _)) => format!("{}…", &line[..at]),
            None => line.to_owned(),
        }
    }
}

/// An emoji someone put on a message (WhatsApp's reactions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reaction {
    pub emoji: String,
    /// `user` (the customer) or `agent`.
    pub author: Author,
    /// The agent who reacted, for an agent's reaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<AgentRef>,
    /// When, RFC 3339.
    pub at: String,
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// `PUT /api/me/password`: anyone changes their own password by giving the
/// current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `GET /api/me` and the agents list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agent {
    pub id: AgentId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

/// `GET /api/agents`: an agent and whether they have the dashboard open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TeamMember {
    #[serde(flatten)]
    pub agent: Agent,
    pub online: bool,
}

/// `GET /api/auth/session`: who is signed in; `None` for nobody.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub agent: Option<Agent>,
}

/// `POST /api/agents` (managers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAgent {
    pub email: String,
    pub name: String,
    pub password: String,
    pub role: Role,
}

/// `PATCH /api/agents/{id}` (managers): each field changes only if given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

/// `POST /api/users/{wa_id}/messages`: a session text or a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum SendMessage {
    Text {
        text: String,
        /// The id of the message this one answers: WhatsApp shows it
        /// quoted above the reply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reply_to: Option<i64>,
    },
    Template {
        template: TemplateSend,
    },
}

/// `PUT /api/users/{wa_id}/messages/{id}/reaction`: an emoji on a
/// customer's message; empty takes it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewReaction {
    pub emoji: String,
}

impl NewReaction {
    /// The longest reaction taken: one emoji, however many code points it
    /// joins (a family, a flag, a skin tone).
    pub const MAX_CHARS: usize = 16;
}

/// `GET|PUT /api/read-receipts`: whether WhatsApp is told when an agent
/// reads a chat (blue ticks) and types in it (the typing indicator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadReceipts {
    pub enabled: bool,
}

/// `POST /api/users/{wa_id}/transfer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferRequest {
    pub agent_id: AgentId,
}

/// What `GET /api/events` streams. The SSE event name is the `type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// New section counts.
    Sections { counts: crate::SectionCounts },
    /// A customer's profile changed (status, counters, holder, window…);
    /// its event name is `user`, as PRODUCT.md calls customers.
    #[serde(rename = "user")]
    Customer { profile: CustomerProfile },
    /// A message was added or changed (delivery); replace by `id`.
    Message { message: Box<Message> },
    /// Someone was mentioned in a note.
    Mention { mention: crate::notes::Mention },
    /// A manager changed part of the team's setup that open dashboards
    /// offer: read it again.
    Setup { part: SetupPart },
    /// A chat was passed to someone by a colleague.
    Handover { handover: crate::notes::Handover },
}

/// The parts of the team's setup an open dashboard keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SetupPart {
    CannedReplies,
    ClosingReasons,
    Labels,
    Templates,
}

impl Event {
    pub const fn name(&self) -> &'static str {
        match self {
            Event::Sections { .. } => "sections",
            Event::Customer { .. } => "user",
            Event::Message { .. } => "message",
            Event::Mention { .. } => "mention",
            Event::Setup { .. } => "setup",
            Event::Handover { .. } => "handover",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_is_the_first_line_cut_short() {
        assert_eq!(
            ReplyTo::excerpt("\n  Is the cake ready?\nAnd the roses?"),
            "Is the cake ready?"
        );
        let long = "a".repeat(200);
        let cut = ReplyTo::excerpt(&long);
        assert_eq!(cut.chars().count(), ReplyTo::EXCERPT + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(ReplyTo::excerpt(""), "");
    }

    #[test]
    fn send_message_accepts_text_or_template_bodies() {
        let text: SendMessage = serde_json::from_str(r#"{"text":"Hello"}"#).unwrap();
        assert_eq!(
            text,
            SendMessage::Text {
                text: "Hello".into(),
                reply_to: None,
            }
        );
        let reply: SendMessage = serde_json::from_str(r#"{"text":"Yes","reply_to":42}"#).unwrap();
        assert_eq!(
            reply,
            SendMessage::Text {
                text: "Yes".into(),
                reply_to: Some(42),
            }
        );
        let template: SendMessage = serde_json::from_str(
            r#"{"template":{"name":"order_update","language":"en","params":["A1","Monday"]}}"#,
        )
        .unwrap();
        assert_eq!(
            template,
            SendMessage::Template {
                template: TemplateSend {
                    name: "order_update".into(),
                    language: "en".into(),
                    params: vec!["A1".into(), "Monday".into()],
                    header_media_id: None,
                }
            }
        );
        assert!(serde_json::from_str::<SendMessage>(r#"{"txt":"Hello"}"#).is_err());
    }

    #[test]
    fn delivery_only_moves_forward() {
        use Delivery::*;
        assert!(Sent.may_become(Delivered));
        assert!(Delivered.may_become(Read));
        assert!(!Read.may_become(Delivered));
        assert!(!Read.may_become(Sent));
        assert!(Pending.may_become(Failed));
        assert!(!Delivered.may_become(Delivered));
        for delivery in [Pending, Sent, Delivered, Read, Failed] {
            assert_eq!(Delivery::parse(delivery.as_str()), Some(delivery));
        }
    }

    #[test]
    fn events_are_tagged_with_their_type() {
        let event = Event::Sections {
            counts: crate::SectionCounts::default(),
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "sections");
        assert_eq!(event.name(), "sections");
    }
}

/// `GET|PUT /api/bot`: the configuration in force and its version
/// (0 = the built-in default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BotDocument {
    pub version: i64,
    pub config: crate::bot::BotConfig,
}

/// One saved version of the bot's configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BotVersion {
    pub id: i64,
    pub saved_by: Option<String>,
    pub saved_at: String,
    pub note: String,
}

/// `POST /api/bot/simulate`: a draft (or the configuration in force) and
/// what a customer types, message by message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Simulation {
    pub config: Option<crate::bot::BotConfig>,
    pub messages: Vec<SimulatedMessage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulatedMessage {
    pub text: Option<String>,
    pub reply_id: Option<String>,
}

/// What the bot did with one simulated message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimulatedTurn {
    pub replies: Vec<crate::bot::Reply>,
    pub intent: Option<String>,
    pub confidence: Option<f64>,
    /// When no intent matched: the closest one and its confidence, so a
    /// manager sees how far the message was from the threshold.
    #[serde(default)]
    pub nearest_intent: Option<String>,
    #[serde(default)]
    pub nearest_confidence: Option<f64>,
    pub escalation: Option<String>,
    pub status: Status,
}

/// `GET /api/demo`: whether the server runs in demo mode, where people
/// may write as a customer from the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoStatus {
    pub enabled: bool,
}

/// `POST /api/demo/messages` (demo mode only): a text written as the
/// customer `wa_id`, delivered through the webhook pipeline as if WhatsApp
/// had sent it. A new number becomes a new customer called `name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoMessage {
    pub wa_id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub text: String,
}

/// The answer to a [`DemoMessage`]: the WhatsApp message id it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DemoDelivered {
    pub wamid: String,
}
