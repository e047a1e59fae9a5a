//! Applying one webhook delivery, all in one transaction: users, messages,
//! profile counters, status changes, the bot's decisions and replies, and
//! delivery statuses. The caller answers 200 only after this commits.

use handover_core::api::Author;
use handover_core::Command;
use sqlx::SqliteConnection;

use super::payload::{InboundMessage, WebhookDelivery};
use crate::bot;
use crate::db::Db;
use crate::error::ApiError;
use crate::lifecycle::{self, ChangedBy};
use crate::store::events::EventBatch;
use crate::store::messages::{self, Inbound, Outbound};
use crate::store::{tags, users};
use crate::time::WINDOW_MS;
use handover_core::bot::CustomerMessage;

/// What a committed delivery needs from the caller afterwards.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Processed {
    /// Events were recorded: tell the live streams.
    pub events: bool,
    /// Bot replies were queued: wake the sender.
    pub outbound: bool,
}

pub async fn apply(db: &Db, delivery: &WebhookDelivery, now: i64) -> Result<Processed, ApiError> {
    let mut write = db.begin_write().await?;
    let mut batch = EventBatch::default();
    let mut outbound = false;
    for message in &delivery.messages {
        let name = delivery
            .contacts
            .get(message.from.as_str())
            .map_or("", String::as_str);
        outbound |= inbound(&mut write.tx, &mut batch, message, name, now).await?;
    }
    for status in &delivery.statuses {
        let changed = messages::apply_status(
            &mut write.tx,
            &status.wamid,
            status.delivery,
            status.error.as_deref(),
            status.at_ms,
            status.marked,
        )
        .await?;
        if let Some(id) = changed {
            batch.message(id);
        }
    }
    let events = batch.record(&mut write.tx, now).await?;
    write.commit().await?;
    Ok(Processed { events, outbound })
}

/// One customer message. Returns whether the bot queued a reply.
async fn inbound(
    conn: &mut SqliteConnection,
    batch: &mut EventBatch,
    message: &InboundMessage,
    name: &str,
    now: i64,
) -> Result<bool, ApiError> {
    let wa_id = &message.from;
    let is_new_user = users::create_if_missing(conn, wa_id, name, "Organic", now).await?;
    let stored = Inbound {
        wa_id,
        wamid: &message.wamid,
        content_type: &message.content_type,
        text: message.text.as_deref(),
        payload: &message.raw,
        sent_at: message.sent_at_ms,
    };
    let Some(id) = messages::insert_inbound(conn, &stored, now).await? else {
        // Seen before: a retried delivery changes nothing.
        return Ok(false);
    };
    batch.message(id);
    batch.user(wa_id);
    tags::tag_first_message(
        conn,
        wa_id,
        id,
        message.text.as_deref(),
        message.referral_source_id.as_deref(),
    )
    .await?;

    // Last Active and the window only move forward, whatever the order in
    // which deliveries arrive; the preview follows the newest message.
    let (status_changed_at,): (i64,) = sqlx::query_as(
        "UPDATE users SET
            name = CASE WHEN ?5 <> '' THEN ?5 ELSE name END,
            last_message_preview = CASE WHEN ?2 >= COALESCE(last_active_at, 0) THEN ?4 ELSE last_message_preview END,
            last_active_at = MAX(COALESCE(last_active_at, 0), ?2),
            window_expires_at = MAX(COALESCE(window_expires_at, 0), ?2 + ?3),
            session_messages = session_messages + 1
         WHERE wa_id = ?1 RETURNING status_changed_at",
    )
    .bind(wa_id.as_str())
    .bind(message.sent_at_ms)
    .bind(WINDOW_MS)
    .bind(message.text.as_deref())
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;

    // A late delivery of a message written before the chat was resolved
    // does not reopen it. WhatsApp's timestamps are whole seconds, so a
    // message from the same second as the change counts as after it.
    let reopened = if message.sent_at_ms / 1000 >= status_changed_at / 1000 {
        lifecycle::apply(
            conn,
            batch,
            wa_id,
            Command::CustomerWrote,
            ChangedBy::Customer,
            "The customer wrote again",
            now,
        )
        .await?
        .is_some()
    } else {
        false
    };

    if message.content_type == "reaction" {
        return Ok(false);
    }
    let Some(state) = users::chat_state(conn, wa_id, now).await? else {
        return Ok(false);
    };
    // A message that arrives after its own window has closed gets no bot
    // reply (WhatsApp would refuse it) and no escalation (nobody could
    // intervene).
    if !state.window_open {
        return Ok(false);
    }
    let said = CustomerMessage {
        text: message.text.as_deref(),
        reply_id: message.reply_id.as_deref(),
        media: CustomerMessage::is_media_type(&message.content_type),
    };
    // New customers are greeted, and so are those coming back after a Resolve.
    let turn = bot::turn(
        conn,
        wa_id,
        state.status,
        is_new_user || reopened,
        said,
        now,
    )
    .await?;
    for reply in &turn.replies {
        let payload = bot::payload(wa_id, reply);
        let outbound = Outbound {
            wa_id,
            author: Author::Bot,
            agent: None,
            text: Some(reply.text()),
            template: None,
            payload: &payload,
            campaign: None,
        };
        batch.message(messages::queue_outbound(conn, &outbound, now).await?);
    }
    if let Some(reason) = &turn.escalate {
        lifecycle::apply(
            conn,
            batch,
            wa_id,
            Command::Escalate,
            ChangedBy::Bot,
            &reason.describe(),
            now,
        )
        .await?;
    }
    Ok(!turn.replies.is_empty())
}
