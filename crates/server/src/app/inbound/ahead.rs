//! What a batch of webhook deliveries does ahead, for all its deliveries
//! at once, before each is applied in order (`process`): its new senders
//! created, and the messages of those who wrote once in it stored and
//! counted, in a few statements; the bot's replies to those queued
//! together at its end; the tag rules read once.

use std::collections::{BTreeSet, HashMap, HashSet};

use handover_core::tags::TagRule;
use handover_core::WaId;
use sqlx::AnyConnection;

use super::payload::{NoticeKind, WebhookDelivery};
use super::process::{Said, NEW_SOURCE};
use crate::store::events::EventBatch;
use crate::store::inbound::{self, AfterWrote};
use crate::store::messages::{self, BotReply, Inbound, Outbound};
use crate::store::{self, customers};

/// What is done for a whole batch of deliveries before each is applied in
/// order: nothing, or their new senders created and the messages of those
/// who wrote once in the batch stored and counted, each in a few
/// statements for all of them.
pub(super) enum Ahead {
    /// Each message's sender is created, if new, and the message stored
    /// and counted, as it is applied.
    OneByOne,
    Together {
        /// The senders that were new, until their first message is applied.
        created: BTreeSet<WaId>,
        /// The messages looked for ahead, by wamid, until applied: stored
        /// now (with how they left the chat) or before.
        looked_for: HashMap<String, Storing>,
        /// The bot's replies to the messages stored ahead, queued together
        /// once the batch is applied ([`Ahead::queue_replies`]): nothing
        /// else of their customers follows in the batch.
        replies: Vec<BotReply>,
        /// The tag rules, once read: only a writer alone changes them.
        tag_rules: Option<Vec<TagRule>>,
    },
}

/// How a message is stored: ahead with its batch, or as it is applied.
pub(super) enum Storing {
    /// Stored ahead: its id, and how it left the chat (`None`: its
    /// customer is gone).
    Ahead(i64, Option<AfterWrote>),
    /// Stored before (a retried delivery): nothing may happen.
    Before,
    Now,
}

impl Ahead {
    /// Creates the senders of `deliveries` (each with its `now`), then
    /// stores and counts the messages of those who wrote only once in them
    /// and are named by no notice, in a few statements, unless a delivery
    /// announces a new number or asks for the welcome: those create
    /// customers themselves, in order with the messages, and the batch is
    /// then applied one by one. A customer who wrote more than once is
    /// moved by each message in turn, as it is applied.
    pub async fn prepare<'a>(
        conn: &mut AnyConnection,
        deliveries: impl Iterator<Item = (&'a WebhookDelivery, i64)> + Clone,
    ) -> Result<Self, sqlx::Error> {
        let creates_itself = deliveries.clone().any(|(delivery, _)| {
            delivery.notices.iter().any(|notice| {
                matches!(
                    notice.what,
                    NoticeKind::ChangedNumber { .. } | NoticeKind::RequestedWelcome
                )
            })
        });
        if creates_itself {
            return Ok(Self::OneByOne);
        }
        let said: Vec<Said<'a>> = deliveries
            .clone()
            .flat_map(|(delivery, now)| {
                delivery
                    .messages
                    .iter()
                    .map(move |message| Said::of(delivery, message, now))
            })
            .collect();
        let senders: Vec<(&WaId, &str, i64)> = said
            .iter()
            .map(|said| (&said.message.from, said.name, said.now))
            .collect();
        let created = customers::create_missing(conn, &senders, NEW_SOURCE).await?;

        let mut times: HashMap<&WaId, usize> = HashMap::new();
        for said in &said {
            *times.entry(&said.message.from).or_default() += 1;
        }
        let noticed: HashSet<&WaId> = deliveries
            .flat_map(|(delivery, _)| &delivery.notices)
            .map(|notice| &notice.from)
            .collect();
        let alone: Vec<&Said<'a>> = said
            .iter()
            .filter(|said| {
                let from = &said.message.from;
                times.get(from) == Some(&1) && !noticed.contains(from)
            })
            .collect();
        let messages: Vec<(Inbound<'_>, i64)> = alone
            .iter()
            .map(|said| (said.stored(said.sent_at()), said.now))
            .collect();
        let ids = messages::insert_inbound_all(conn, &messages).await?;
        let wrote: Vec<(inbound::Wrote<'_>, i64)> = alone
            .iter()
            .filter(|said| ids.contains_key(&said.message.wamid))
            .map(|said| (said.wrote(said.sent_at()), said.now))
            .collect();
        let mut after = inbound::record_all(conn, &wrote).await?;
        let looked_for = alone
            .iter()
            .map(|said| {
                let wamid = &said.message.wamid;
                let storing = match ids.get(wamid) {
                    Some(id) => Storing::Ahead(*id, after.remove(said.message.from.as_str())),
                    None => Storing::Before,
                };
                (wamid.clone(), storing)
            })
            .collect();
        Ok(Self::Together {
            created,
            looked_for,
            replies: Vec::new(),
            tag_rules: None,
        })
    }

    /// Whether `wa_id`'s message is their first: creates them when needed.
    pub(super) async fn first_message(
        &mut self,
        conn: &mut AnyConnection,
        wa_id: &WaId,
        name: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        match self {
            Self::OneByOne => {
                customers::create_if_missing(conn, wa_id, name, NEW_SOURCE, now).await
            }
            Self::Together { created, .. } => Ok(created.remove(wa_id)),
        }
    }

    /// Queues the bot's replies kept for the end of the batch, in a few
    /// statements, and notes them in `batch`.
    pub async fn queue_replies(
        &mut self,
        conn: &mut AnyConnection,
        batch: &mut EventBatch,
    ) -> Result<(), sqlx::Error> {
        let Self::Together { replies, .. } = self else {
            return Ok(());
        };
        for id in messages::queue_bot_replies(conn, replies).await? {
            batch.message(id);
        }
        replies.clear();
        Ok(())
    }

    /// Queues `reply` now, or keeps it for the end of the batch when its
    /// message was stored ahead.
    pub(super) async fn reply(
        &mut self,
        conn: &mut AnyConnection,
        batch: &mut EventBatch,
        stored_ahead: bool,
        reply: BotReply,
    ) -> Result<(), sqlx::Error> {
        match self {
            Self::Together { replies, .. } if stored_ahead => replies.push(reply),
            _ => {
                let outbound = Outbound::from_bot(&reply.wa_id, &reply.text, &reply.payload);
                batch.message(messages::queue_outbound(conn, &outbound, reply.now).await?);
            }
        }
        Ok(())
    }

    /// Every tag rule, in order: read once for a batch applied together.
    pub(super) async fn tag_rules(
        &mut self,
        conn: &mut AnyConnection,
    ) -> Result<Vec<TagRule>, sqlx::Error> {
        match self {
            Self::Together {
                tag_rules: Some(rules),
                ..
            } => Ok(rules.clone()),
            Self::Together { tag_rules, .. } => {
                let rules = store::tags::list(&mut *conn).await?;
                *tag_rules = Some(rules.clone());
                Ok(rules)
            }
            Self::OneByOne => store::tags::list(&mut *conn).await,
        }
    }

    /// How the message `wamid` is stored.
    pub(super) fn storing(&mut self, wamid: &str) -> Storing {
        match self {
            Self::Together { looked_for, .. } => looked_for.remove(wamid).unwrap_or(Storing::Now),
            Self::OneByOne => Storing::Now,
        }
    }
}
