//! Applying one webhook delivery inside a writing transaction: users, messages,
//! profile counters, status changes, the bot's decisions and replies,
//! WhatsApp's notices (edits, deletions, reactions, number changes, a
//! request for the welcome), and delivery statuses. The caller answers 200 only after the
//! transaction commits (see `ingest` for the webhook's batches).
//!
//! A message stamped more than a few minutes later than now counts as
//! written now (a wrong clock must not move Last Active and the window
//! into the future for good).

use handover_core::bot::{BotConfig, CustomerMessage};
use handover_core::Command;
use sqlx::AnyConnection;

use super::ahead::{Ahead, Storing};
use super::payload::{InboundMessage, Notice, NoticeKind, WebhookDelivery};
use crate::app::bot::{self, ConfigInForce};
use crate::app::csat;
use crate::app::error::AppError;
use crate::app::lifecycle::{self, Change, ChangedBy};
use crate::app::tag_rules;
use crate::platform::db::Db;
use crate::platform::time::WINDOW_MS;
use crate::store::events::EventBatch;
use crate::store::messages::{self, BotReply, Inbound, Outbound};
use crate::store::rollups::Chain;
use crate::store::{customers, inbound, media, notices, reactions, statuses};

/// What a committed delivery needs from the caller afterwards.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Processed {
    /// Bot replies were queued: wake the sender.
    pub outbound: bool,
    /// Customers sent files: wake the fetcher.
    pub media: bool,
}

impl Processed {
    /// What a batch of deliveries needs: what any of them needs.
    pub fn and(self, other: Processed) -> Processed {
        Processed {
            outbound: self.outbound || other.outbound,
            media: self.media || other.media,
        }
    }
}

/// Applies one delivery in a transaction of its own and records its
/// events; for deliveries that do not come through the webhook (the demo's
/// seed, before anything listens or sends).
pub async fn delivery_alone(db: &Db, delivery: &WebhookDelivery, now: i64) -> Result<(), AppError> {
    let mut write = db.begin_write().await?;
    let mut batch = EventBatch::default();
    let mut bot_config = ConfigInForce::default();
    let bot_config = bot_config.get(&mut write.tx).await?;
    delivery_in(&mut write.tx, &mut batch, bot_config, delivery, now).await?;
    batch.record(&mut write.tx, now).await?;
    write.commit().await?;
    Ok(())
}

/// The Source of a customer who wrote first.
pub(super) const NEW_SOURCE: &str = "Organic";

/// Applies one delivery inside the caller's transaction, collecting what
/// it changed in `batch`. The caller records the events and commits.
pub async fn delivery_in(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    bot_config: &BotConfig,
    delivery: &WebhookDelivery,
    now: i64,
) -> Result<Processed, AppError> {
    let mut ahead = Ahead::OneByOne;
    let processed =
        messages_and_notices(conn, batch, &mut ahead, bot_config, delivery, now).await?;
    status_callbacks(conn, batch, std::iter::once(delivery)).await?;
    Ok(processed)
}

/// [`delivery_in`] short of the delivery's status callbacks, which a batch of
/// deliveries applies together afterwards ([`status_callbacks`]): they only
/// concern messages we sent, which nothing else in a delivery touches.
pub(super) async fn messages_and_notices(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    ahead: &mut Ahead,
    bot_config: &BotConfig,
    delivery: &WebhookDelivery,
    now: i64,
) -> Result<Processed, AppError> {
    let mut outbound = false;
    for message in &delivery.messages {
        let said = Said::of(delivery, message, now);
        outbound |= inbound(&mut *conn, batch, ahead, bot_config, said).await?;
    }
    for notice in &delivery.notices {
        outbound |= handle_notice(&mut *conn, batch, bot_config, notice, now).await?;
    }
    let media = delivery
        .messages
        .iter()
        .any(|message| message.media.is_some());
    Ok(Processed { outbound, media })
}

/// The status callbacks of `deliveries`, in order, in a few statements.
pub async fn status_callbacks<'a>(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    deliveries: impl IntoIterator<Item = &'a WebhookDelivery>,
) -> Result<(), AppError> {
    let callbacks: Vec<statuses::Callback<'_>> = deliveries
        .into_iter()
        .flat_map(|delivery| &delivery.statuses)
        .map(|status| statuses::Callback {
            wamid: &status.wamid,
            delivery: status.delivery,
            error: status.error.as_deref(),
            at: status.at_ms,
            marked: status.marked,
        })
        .collect();
    for id in statuses::record_callbacks(conn, &callbacks).await? {
        batch.message(id);
    }
    Ok(())
}

/// A customer's message as it arrived: with the name WhatsApp sent for
/// them ("" when none), at `now`.
pub(super) struct Said<'a> {
    pub message: &'a InboundMessage,
    pub name: &'a str,
    pub now: i64,
}

impl<'a> Said<'a> {
    /// `message` of `delivery`, with the name its contacts give the sender.
    pub fn of(delivery: &'a WebhookDelivery, message: &'a InboundMessage, now: i64) -> Self {
        let name = delivery
            .contacts
            .get(message.from.as_str())
            .map_or("", String::as_str);
        Said { message, name, now }
    }

    /// When it counts as written: when WhatsApp says, or now when that is
    /// more than [`CLOCK_SKEW_MS`] ahead.
    pub fn sent_at(&self) -> i64 {
        if self.message.sent_at_ms > self.now + CLOCK_SKEW_MS {
            self.now
        } else {
            self.message.sent_at_ms
        }
    }

    /// The message as stored.
    pub fn stored(&self, sent_at: i64) -> Inbound<'a> {
        let message = self.message;
        Inbound {
            wa_id: &message.from,
            wamid: &message.wamid,
            content_type: &message.content_type,
            text: message.text.as_deref(),
            payload: &message.raw,
            sent_at,
            reply_to: message.reply_to.as_deref(),
        }
    }

    /// How it moves the customer's profile.
    pub fn wrote(&self, sent_at: i64) -> inbound::Wrote<'a> {
        inbound::Wrote {
            wa_id: &self.message.from,
            sent_at,
            preview: self.message.text.as_deref(),
            name: self.name,
        }
    }
}

/// One customer message. Returns whether the bot queued a reply.
async fn inbound(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    ahead: &mut Ahead,
    bot_config: &BotConfig,
    said: Said<'_>,
) -> Result<bool, AppError> {
    let sent_at = said.sent_at();
    let Said { message, name, now } = said;
    let wa_id = &message.from;
    if sent_at != message.sent_at_ms {
        tracing::warn!(
            wamid = %message.wamid,
            ahead_s = (message.sent_at_ms - now) / 1000,
            "a message stamped in the future counts as written now"
        );
    }
    let is_new_user = ahead.first_message(conn, wa_id, name, now).await?;
    let (id, moved_ahead) = match ahead.storing(&message.wamid) {
        Storing::Ahead(id, after) => (id, Some(after)),
        // Seen before: a retried delivery changes nothing.
        Storing::Before => return Ok(false),
        Storing::Now => match messages::insert_inbound(conn, &said.stored(sent_at), now).await? {
            Some(id) => (id, None),
            None => return Ok(false),
        },
    };
    batch.message(id);
    batch.customer(wa_id);
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

    // Last Active and the window only move forward, whatever the order in
    // which deliveries arrive; the preview follows the newest message.
    let stored_ahead = moved_ahead.is_some();
    let after = match moved_ahead {
        Some(after) => after,
        None => inbound::record(conn, &said.wrote(sent_at), now).await?,
    };
    let Some(after) = after else {
        return Ok(false);
    };
    batch.link(Chain::Wrote, wa_id, sent_at);
    if after.first_untagged {
        let referral = message.referral_source_id.as_deref();
        let rules = ahead.tag_rules(conn).await?;
        tag_rules::tag_first_message(conn, &rules, wa_id, message.text.as_deref(), referral)
            .await?;
    }

    // A tap answering a satisfaction survey is recorded, not read by the
    // bot, and does not reopen the chat.
    if let Some(reply_id) = message.reply_id.as_deref() {
        if let Some(queued) = csat::answer(conn, batch, wa_id, reply_id, now).await? {
            return Ok(queued);
        }
    }

    // A late delivery of a message written before the chat was resolved
    // does not reopen it. WhatsApp's timestamps are whole seconds, so a
    // message from the same second as the change counts as after it.
    let mut state = after.state;
    let mut memory = after.memory;
    let mut reopened = false;
    if sent_at / 1000 >= after.status_changed_at / 1000 {
        let wrote_again = Change {
            command: Command::CustomerWrote,
            by: ChangedBy::Customer,
            reason: "The customer wrote again",
            closing_reason: None,
            cause: None,
        };
        let wrote_again =
            lifecycle::apply_change(conn, batch, wa_id, &state, wrote_again, now).await?;
        if let Some(changed) = wrote_again {
            // A change of status starts the bot's memory of the wait afresh.
            state = changed;
            memory = customers::bot_memory(conn, wa_id).await?;
            reopened = true;
        }
    }

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
    let chat = bot::Chat {
        wa_id,
        status: state.status,
        memory,
        greet: is_new_user || reopened,
    };
    let turn = bot::turn(conn, bot_config, chat, said, now).await?;
    // Replies before an escalation are queued at once: its line in the
    // thread comes after them.
    let later = stored_ahead && turn.escalate.is_none();
    for reply in &turn.replies {
        let reply = BotReply {
            wa_id: wa_id.clone(),
            text: reply.text().to_owned(),
            payload: bot::payload(wa_id, reply),
            now,
        };
        ahead.reply(conn, batch, later, reply).await?;
    }
    if let Some(reason) = &turn.escalate {
        let escalate = Change {
            command: Command::Escalate,
            by: ChangedBy::Bot,
            reason: &reason.describe(),
            closing_reason: None,
            cause: Some(&reason.cause()),
        };
        lifecycle::apply_change(conn, batch, wa_id, &state, escalate, now).await?;
    }
    Ok(!turn.replies.is_empty())
}

/// How far ahead of ours WhatsApp's clock may run; a message stamped later
/// than that counts as written now.
const CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// One notice, once (WhatsApp retries deliveries). None counts as a
/// message, moves Last Active or escalates. Returns whether a reply (the
/// welcome) was queued.
async fn handle_notice(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    bot_config: &BotConfig,
    notice: &Notice,
    now: i64,
) -> Result<bool, AppError> {
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
        NoticeKind::Reacted { original, emoji } => {
            let at = notice.at_ms.min(now + CLOCK_SKEW_MS);
            if let Some(id) =
                reactions::customer_reacted(conn, wa_id, original, emoji.as_deref(), at).await?
            {
                batch.message(id);
            }
        }
        NoticeKind::ChangedNumber { new_wa_id } => {
            if customers::chat_state(conn, wa_id, now).await?.is_none() {
                return Ok(false);
            }
            customers::carry_over(conn, wa_id, new_wa_id, now).await?;
            for (thread, line) in [
                (
                    wa_id,
                    format!("Changed their WhatsApp number to +{new_wa_id}"),
                ),
                (new_wa_id, format!("Wrote before from +{wa_id}")),
            ] {
                batch.message(messages::insert_system(conn, thread, &line, now).await?);
                batch.customer(thread);
            }
        }
        NoticeKind::RequestedWelcome => {
            let is_new_user =
                customers::create_if_missing(conn, wa_id, "", NEW_SOURCE, now).await?;
            let at = if notice.at_ms > now + CLOCK_SKEW_MS {
                now
            } else {
                notice.at_ms
            };
            customers::open_window(conn, wa_id, at + WINDOW_MS).await?;
            batch.customer(wa_id);
            if is_new_user {
                let welcome = bot::welcome(bot_config);
                let payload = bot::payload(wa_id, &welcome);
                let outbound = Outbound::from_bot(wa_id, welcome.text(), &payload);
                batch.message(messages::queue_outbound(conn, &outbound, now).await?);
                return Ok(true);
            }
        }
        NoticeKind::System { text } => {
            if customers::chat_state(conn, wa_id, now).await?.is_some() {
                let line = format!("WhatsApp: {text}");
                batch.message(messages::insert_system(conn, wa_id, &line, now).await?);
            }
        }
    }
    Ok(false)
}
