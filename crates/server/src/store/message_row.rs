//! A thread message as stored, read into the API's `Message`: its author,
//! kind, template, delivery, what it carries (a file, a shared location,
//! contact cards), the message it answers, the bot's buttons or list, and
//! a template's words as the customer read them.

use handover_core::api::{
    AgentRef, Author, Delivery, Direction, Message, MessageKind, Offered, OfferedOption, ReplyTo,
    TemplateSend, TemplateText,
};
use handover_core::media::{Location, Media, MediaKind, MediaState, SharedContact};
use handover_core::templates::{preview, TemplateButton};
use handover_core::AgentId;
use serde_json::Value;

use crate::platform::time::rfc3339;

#[derive(sqlx::FromRow)]
pub(super) struct MessageRow {
    pub(super) id: i64,
    wa_id: String,
    direction: String,
    author: String,
    agent_id: Option<i64>,
    agent_name: Option<String>,
    kind: String,
    content_type: String,
    text: Option<String>,
    template_name: Option<String>,
    template_language: Option<String>,
    template_params: Option<String>,
    delivery: Option<String>,
    failure_reason: Option<String>,
    sent_at: i64,
    edited_at: Option<i64>,
    deleted_at: Option<i64>,
    /// The inbound message object, for a location or contact cards.
    shared: Option<String>,
    media_id: Option<i64>,
    media_kind: Option<String>,
    media_mime_type: Option<String>,
    media_size: Option<i64>,
    media_filename: Option<String>,
    media_caption: Option<String>,
    media_state: Option<String>,
    media_failure: Option<String>,
    /// The message this one answers: its WhatsApp id, and what is stored
    /// of it (nothing, when it is not stored here).
    reply_to_wamid: Option<String>,
    quoted_id: Option<i64>,
    quoted_author: Option<String>,
    quoted_agent_id: Option<i64>,
    quoted_agent_name: Option<String>,
    quoted_text: Option<String>,
    quoted_template: Option<String>,
    quoted_deleted_at: Option<i64>,
    quoted_media_id: Option<i64>,
    quoted_media_kind: Option<String>,
    quoted_media_state: Option<String>,
    /// The Cloud API body of the bot's message, for the buttons or list
    /// it offered.
    bot_body: Option<String>,
    /// The template's words, as stored when it was sent.
    template_header: Option<String>,
    template_body: Option<String>,
    template_footer: Option<String>,
    template_buttons: Option<String>,
    resent_as: Option<i64>,
    /// How many reactions it carries (read apart when any).
    reactions: i64,
}

pub(super) const SELECT: &str =
    "SELECT m.id, m.wa_id, m.direction, m.author, m.agent_id, a.name AS agent_name,
        m.kind, m.content_type, m.text, m.template_name, m.template_language, m.template_params,
        m.delivery, m.failure_reason, m.sent_at, m.edited_at, m.deleted_at,
        CASE WHEN m.direction = 'in' AND m.content_type IN ('location', 'contacts') THEN m.payload END AS shared,
        md.id AS media_id, md.kind AS media_kind, md.mime_type AS media_mime_type,
        md.size AS media_size, md.filename AS media_filename, md.caption AS media_caption,
        md.state AS media_state, md.failure AS media_failure,
        m.reply_to_wamid, q.id AS quoted_id, q.author AS quoted_author,
        q.agent_id AS quoted_agent_id, qa.name AS quoted_agent_name, q.text AS quoted_text,
        q.template_name AS quoted_template, q.deleted_at AS quoted_deleted_at,
        qm.id AS quoted_media_id, qm.kind AS quoted_media_kind, qm.state AS quoted_media_state,
        CASE WHEN m.author = 'bot' THEN m.payload END AS bot_body,
        t.header AS template_header, t.body AS template_body, t.footer AS template_footer,
        t.buttons AS template_buttons, m.resent_as,
        (SELECT COUNT(*) FROM reactions r WHERE r.message_id = m.id) AS reactions
    FROM messages m
    LEFT JOIN agents a ON a.id = m.agent_id
    LEFT JOIN media md ON md.message_id = m.id
    LEFT JOIN messages q ON q.wamid = m.reply_to_wamid AND q.wa_id = m.wa_id
    LEFT JOIN agents qa ON qa.id = q.agent_id
    LEFT JOIN media qm ON qm.message_id = q.id
    LEFT JOIN templates t ON t.name = m.template_name AND t.language = m.template_language";

fn author(stored: &str) -> Author {
    match stored {
        "user" => Author::User,
        "bot" => Author::Bot,
        "agent" => Author::Agent,
        _ => Author::System,
    }
}

/// The reply buttons or list of a Cloud API `interactive` body.
fn offered(body: &Value) -> Option<Offered> {
    let interactive = &body["interactive"];
    let text = |value: &Value| value.as_str().map(str::to_owned);
    match interactive["type"].as_str()? {
        "button" => Some(Offered {
            list_button: None,
            options: interactive["action"]["buttons"]
                .as_array()?
                .iter()
                .filter_map(|button| {
                    Some(OfferedOption {
                        title: text(&button["reply"]["title"])?,
                        description: None,
                    })
                })
                .collect(),
        }),
        "list" => Some(Offered {
            list_button: text(&interactive["action"]["button"]),
            options: interactive["action"]["sections"]
                .as_array()?
                .iter()
                .flat_map(|section| section["rows"].as_array().into_iter().flatten())
                .filter_map(|row| {
                    Some(OfferedOption {
                        title: text(&row["title"])?,
                        description: text(&row["description"]),
                    })
                })
                .collect(),
        }),
        _ => None,
    }
}

impl MessageRow {
    /// Whether anyone reacted to it.
    pub(super) fn has_reactions(&self) -> bool {
        self.reactions > 0
    }

    /// A template as the customer read it, with `params` filled in.
    fn template_text(&self, params: &[String]) -> Option<TemplateText> {
        let body = self.template_body.as_deref()?;
        let buttons: Vec<TemplateButton> = self
            .template_buttons
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        Some(TemplateText {
            header: self.template_header.clone().filter(|h| !h.is_empty()),
            body: preview(body, params),
            footer: self.template_footer.clone().filter(|f| !f.is_empty()),
            buttons: buttons.iter().map(|b| b.text().to_owned()).collect(),
        })
    }

    /// The message this one answers, as far as it is stored.
    fn reply_to(&self) -> Option<ReplyTo> {
        self.reply_to_wamid.as_ref()?;
        let Some(id) = self.quoted_id else {
            return Some(ReplyTo {
                id: None,
                author: None,
                agent: None,
                text: None,
                image_url: None,
            });
        };
        let deleted = self.quoted_deleted_at.is_some();
        let words = match (&self.quoted_text, &self.quoted_template) {
            _ if deleted => Some("This message was deleted".to_owned()),
            (Some(text), _) => Some(ReplyTo::excerpt(text)),
            (None, Some(template)) => Some(format!("Template {template}")),
            (None, None) => None,
        };
        let image = matches!(
            self.quoted_media_kind.as_deref().and_then(MediaKind::parse),
            Some(MediaKind::Image | MediaKind::Sticker)
        ) && self.quoted_media_state.as_deref() == Some("ready")
            && !deleted;
        Some(ReplyTo {
            id: Some(id),
            author: self.quoted_author.as_deref().map(author),
            agent: self.quoted_agent_id.map(|id| AgentRef {
                id: AgentId(id),
                name: self.quoted_agent_name.clone().unwrap_or_default(),
            }),
            text: words.filter(|text| !text.is_empty()),
            image_url: self
                .quoted_media_id
                .filter(|_| image)
                .map(|media| format!("/api/media/{media}")),
        })
    }

    fn media(&self) -> Option<Media> {
        let id = self.media_id?;
        Some(Media {
            id,
            kind: MediaKind::parse(self.media_kind.as_deref()?)?,
            url: format!("/api/media/{id}"),
            mime_type: self.media_mime_type.clone().unwrap_or_default(),
            size: self.media_size.and_then(|size| u64::try_from(size).ok()),
            filename: self.media_filename.clone(),
            caption: self.media_caption.clone(),
            state: match self.media_state.as_deref() {
                Some("ready") => MediaState::Ready,
                Some("failed") => MediaState::Failed,
                _ => MediaState::Pending,
            },
            failure: self.media_failure.clone(),
        })
    }
}

/// The location of an inbound `location` message object.
fn location(shared: &Value) -> Option<Location> {
    let place = &shared["location"];
    let text = |key: &str| {
        place[key]
            .as_str()
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    Some(Location {
        latitude: place["latitude"]
            .as_f64()
            .filter(|l| (-90.0..=90.0).contains(l))?,
        longitude: place["longitude"]
            .as_f64()
            .filter(|l| (-180.0..=180.0).contains(l))?,
        name: text("name"),
        address: text("address"),
    })
}

/// The contact cards of an inbound `contacts` message object.
fn contacts(shared: &Value) -> Vec<SharedContact> {
    let strings = |contact: &Value, list: &str, key: &str| -> Vec<String> {
        contact[list]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry[key].as_str().map(str::to_owned))
            .take(10)
            .collect()
    };
    shared["contacts"]
        .as_array()
        .into_iter()
        .flatten()
        .take(20)
        .map(|contact| SharedContact {
            name: contact["name"]["formatted_name"]
                .as_str()
                .unwrap_or("Contact")
                .to_owned(),
            phones: strings(contact, "phones", "phone"),
            emails: strings(contact, "emails", "email"),
        })
        .collect()
}

impl From<MessageRow> for Message {
    fn from(row: MessageRow) -> Self {
        let media = row.media();
        let reply_to = row.reply_to();
        let offered = row
            .bot_body
            .as_deref()
            .and_then(|json| serde_json::from_str::<Value>(json).ok())
            .as_ref()
            .and_then(offered);
        let shared: Value = row
            .shared
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or(Value::Null);
        let author = author(&row.author);
        let kind = match (row.kind.as_str(), row.content_type.as_str()) {
            ("template", _) => MessageKind::Template,
            ("system", "note") => MessageKind::Note,
            ("system", _) => MessageKind::System,
            _ => MessageKind::Session,
        };
        let params: Vec<String> = row
            .template_params
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default();
        let template_text = row
            .template_name
            .as_ref()
            .and_then(|_| row.template_text(&params));
        let template = row.template_name.map(|name| TemplateSend {
            name,
            language: row.template_language.unwrap_or_default(),
            params,
            header_media_id: None,
        });
        Message {
            id: row.id,
            wa_id: super::stored_wa_id(&row.wa_id),
            direction: if row.direction == "in" {
                Direction::In
            } else {
                Direction::Out
            },
            author,
            agent: row.agent_id.map(|id| AgentRef {
                id: AgentId(id),
                name: row.agent_name.unwrap_or_default(),
            }),
            kind,
            content_type: row.content_type,
            text: row.text,
            template,
            delivery: row.delivery.as_deref().and_then(Delivery::parse),
            failure_reason: row.failure_reason,
            sent_at: rfc3339(row.sent_at),
            edited: row.edited_at.is_some(),
            deleted: row.deleted_at.is_some(),
            // A deleted message keeps nothing of what it carried.
            media: media.filter(|_| row.deleted_at.is_none()),
            location: location(&shared).filter(|_| row.deleted_at.is_none()),
            contacts: if row.deleted_at.is_none() {
                contacts(&shared)
            } else {
                Vec::new()
            },
            // Read apart (`reactions::of_messages`) when there are any: a
            // message has several.
            reactions: Vec::new(),
            reply_to,
            offered,
            template_text,
            resent_as: row.resent_as,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shared_locations_and_contacts_become_cards() {
        let shared = json!({"type": "location", "location": {"latitude": 12.9716, "longitude": 77.5946, "name": "Store", "address": ""}});
        assert_eq!(
            location(&shared),
            Some(Location {
                latitude: 12.9716,
                longitude: 77.5946,
                name: Some("Store".into()),
                address: None
            })
        );
        assert_eq!(
            location(&json!({"location": {"latitude": 91.0, "longitude": 0.0}})),
            None
        );
        let shared = json!({"contacts": [{"name": {"formatted_name": "Ravi Kumar"}, "phones": [{"phone": "+91 98450 00000"}], "emails": [{"email": "ravi@example.com"}]}]});
        assert_eq!(
            contacts(&shared),
            [SharedContact {
                name: "Ravi Kumar".into(),
                phones: vec!["+91 98450 00000".into()],
                emails: vec!["ravi@example.com".into()]
            }]
        );
    }
}
