//! Applying one webhook delivery inside a writing transaction: users, messages,
//! profile counters, status changes, the bot's decisions and replies,
//! WhatsApp's notices (edits, deletions, number changes, a request for the
//! welcome), and delivery statuses. The caller answers 200 only after the
//! transaction commits (see `ingest` for the webhook's batches).
//!
//! A message stamped more than a few minutes later than now counts as
//! written now (a wrong clock must not move Last Active and the window
//! into the future for good).

use handover_core::Command;
use sqlx::SqliteConnection;

use super::payload::{InboundMessage, Notice, NoticeKind, WebhookDelivery};
use crate::bot::{self, ConfigInForce};
use crate::db::Db;
use crate::error::ApiError;
use crate::lifecycle::{self, ChangedBy};
use crate::store::events::EventBatch;
use crate::store::messages::{self, Inbound, Outbound};
use crate::store::{media, notices, tags, users};
use crate::time::WINDOW_MS;
use handover_core::bot::CustomerMessage;

/// What a committed delivery needs from the caller afterwards.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Processed {
    /// Events were recorded: tell the live streams.
    pub events: bool,
    /// Bot replies were queued: wake the sender.
    pub outbound: bool,
    /// Customers sent files: wake the fetcher.
    pub media: bool,
}

impl Processed {
    /// What a batch of deliveries needs: what any of them needs.
    pub fn and(self, other: Processed) -> Processed {
        Processed {
            events: self.events || other.events,
            outbound: self.outbound || other.outbound,
            media: self.media || other.media,
        }
    }
}

/// Applies one delivery in a transaction of its own and records its
/// events; for deliveries that do not come through the webhook (the demo's
/// seed, before anything listens or sends).
pub async fn apply(db: &Db, delivery: &WebhookDelivery, now: i64) -> Result<(), ApiError> {
    let mut write = db.begin_write().await?;
    let mut batch = EventBatch::default();
    let mut bot_config = ConfigInForce::default();
    apply_in(&mut write.tx, &mut batch, &mut bot_config, delivery, now).await?;
    batch.record(&mut write.tx, now).await?;
    write.commit().await?;
    Ok(())
}

/// Applies one delivery inside the caller's transaction, collecting what
/// it changed in `batch`. The caller records the events and commits.
pub async fn apply_in(
    conn: &mut SqliteConnection,
    batch: &mut EventBatch,
    bot_config: &mut ConfigInForce,
    delivery: &WebhookDelivery,
    now: i64,
) -> Result<Processed, ApiError> {
    let mut outbound = false;
    for message in &delivery.messages {
        let name = delivery
            .contacts
            .get(message.from.as_str())
            .map_or("", String::as_str);
        outbound |= inbound(&mut *conn, batch, bot_config, message, name, now).await?;
    }
    for notice in &delivery.notices {
        outbound |= apply_notice(&mut *conn, batch, bot_config, notice, now).await?;
    }
    for status in &delivery.statuses {
        let changed = messages::apply_status(
            &mut *conn,
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
    let media = delivery
        .messages
        .iter()
        .any(|message| message.media.is_some());
    Ok(Processed {
        events: !batch.is_empty(),
        outbound,
        media,
    })
}

/// One customer message. Returns whether the bot queued a reply.
async fn inbound(
    conn: &mut SqliteConnection,
    batch: &mut EventBatch,
    bot_config: &mut ConfigInForce,
    message: &InboundMessage,
    name: &str,
    now: i64,
) -> Result<bool, ApiError> {
    let wa_id = &message.from;
    let sent_at = if message.sent_at_ms > now + CLOCK_SKEW_MS {
        tracing::warn!(
            wamid = %message.wamid,
            ahead_s = (message.sent_at_ms - now) / 1000,
            "a message stamped in the future counts as written now"
        );
        now
    } else {
        message.sent_at_ms
    };
    let is_new_user = users::create_if_missing(conn, wa_id, name, "Organic", now).await?;
    let stored = Inbound {
        wa_id,
        wamid: &message.wamid,
        content_type: &message.content_type,
        text: message.text.as_deref(),
        payload: &message.raw,
        sent_at,
    };
    let Some(id) = messages::insert_inbound(conn, &stored, now).await? else {
        // Seen before: a retried delivery changes nothing.
        return Ok(false);
    };
    batch.message(id);
    batch.user(wa_id);
    if let Some(file) = &message.media {
        let described = media::InboundMedia {
            message_id: id,
            kind: file.kind,
            wa_media_id: file.id.as_deref(),
            mime_type: &file.mime_type,
            sha256: file.sha256.as_deref(),
            filename: file.filename.as_deref(),
            caption: file.caption.as_deref(),
        };
        media::insert_inbound(conn, &described, now).await?;
    }
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
    .bind(sent_at)
    .bind(WINDOW_MS)
    .bind(message.text.as_deref())
    .bind(name)
    .fetch_one(&mut *conn)
    .await?;

    // A late delivery of a message written before the chat was resolved
    // does not reopen it. WhatsApp's timestamps are whole seconds, so a
    // message from the same second as the change counts as after it.
    let reopened = if sent_at / 1000 >= status_changed_at / 1000 {
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
    let config = bot_config.get(&mut *conn).await?;
    let turn = bot::turn(
        conn,
        config,
        wa_id,
        state.status,
        is_new_user || reopened,
        said,
        now,
    )
    .await?;
    for reply in &turn.replies {
        let payload = bot::payload(wa_id, reply);
        let outbound = Outbound::from_bot(wa_id, reply.text(), &payload);
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

/// How far ahead of ours WhatsApp's clock may run; a message stamped later
/// than that counts as written now.
const CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// One notice, once (WhatsApp retries deliveries). None counts as a
/// message, moves Last Active or escalates. Returns whether a reply (the
/// welcome) was queued.
async fn apply_notice(
    conn: &mut SqliteConnection,
    batch: &mut EventBatch,
    bot_config: &mut ConfigInForce,
    notice: &Notice,
    now: i64,
) -> Result<bool, ApiError> {
    if !notices::first_notice(conn, &notice.wamid, now).await? {
        return Ok(false);
    }
    let wa_id = &notice.from;
    match &notice.what {
        NoticeKind::Edited { original, text } => {
            if let Some(id) =
                notices::edit_inbound(conn, wa_id, original, text.as_deref(), now).await?
            {
                batch.message(id);
            }
        }
        NoticeKind::Deleted { original } => {
            if let Some(id) = notices::delete_inbound(conn, wa_id, original, now).await? {
                batch.message(id);
            }
        }
        NoticeKind::ChangedNumber { new_wa_id } => {
            if users::chat_state(conn, wa_id, now).await?.is_none() {
                return Ok(false);
            }
            users::carry_over(conn, wa_id, new_wa_id, now).await?;
            for (thread, line) in [
                (
                    wa_id,
                    format!("Changed their WhatsApp number to +{new_wa_id}"),
                ),
                (new_wa_id, format!("Wrote before from +{wa_id}")),
            ] {
                batch.message(messages::insert_system(conn, thread, &line, now).await?);
                batch.user(thread);
            }
        }
        NoticeKind::RequestedWelcome => {
            let is_new_user = users::create_if_missing(conn, wa_id, "", "Organic", now).await?;
            let at = if notice.at_ms > now + CLOCK_SKEW_MS {
                now
            } else {
                notice.at_ms
            };
            users::open_window(conn, wa_id, at + WINDOW_MS).await?;
            batch.user(wa_id);
            if is_new_user {
                let welcome = bot::welcome(bot_config.get(&mut *conn).await?);
                let payload = bot::payload(wa_id, &welcome);
                let outbound = Outbound::from_bot(wa_id, welcome.text(), &payload);
                batch.message(messages::queue_outbound(conn, &outbound, now).await?);
                return Ok(true);
            }
        }
        NoticeKind::System { text } => {
            if users::chat_state(conn, wa_id, now).await?.is_some() {
                let line = format!("WhatsApp: {text}");
                batch.message(messages::insert_system(conn, wa_id, &line, now).await?);
            }
        }
    }
    Ok(false)
}
