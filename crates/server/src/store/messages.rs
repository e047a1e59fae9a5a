//! Threads: inbound messages (idempotent on the wamid), outbound messages
//! queued for sending, system lines, and the delivery of sent messages
//! (status callbacks many at once are `statuses`; the sender's claims and
//! outcomes are `sends`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use handover_core::api::{Author, Message, Page, TemplateSend};
use handover_core::media::MediaKind;
use handover_core::{AgentId, WaId};
use sqlx::{AnyConnection, AnyPool};

use super::media::OutboundMedia;
use super::message_row::{MessageRow, SELECT};
use super::statement::Statement;
use super::template_media::HeaderFile;

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Message>, sqlx::Error> {
    let row = sqlx::query_as::<_, MessageRow>(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let mut found = with_reactions(conn, row.into_iter().collect()).await?;
    Ok(found.pop())
}

/// The rows as messages, each with its reactions. They are read only for
/// the messages that have some (the row says so): most have none, and a
/// batch's events read their messages inside the write turn.
async fn with_reactions(
    conn: &mut AnyConnection,
    rows: Vec<MessageRow>,
) -> Result<Vec<Message>, sqlx::Error> {
    let reacted: Vec<i64> = rows
        .iter()
        .filter(|row| row.has_reactions())
        .map(|row| row.id)
        .collect();
    let mut messages: Vec<Message> = rows.into_iter().map(Message::from).collect();
    if reacted.is_empty() {
        return Ok(messages);
    }
    let mut reactions = super::reactions::of_messages(conn, &reacted).await?;
    for message in &mut messages {
        message.reactions = reactions.remove(&message.id).unwrap_or_default();
    }
    Ok(messages)
}

/// The messages of `ids` that exist, in id order, a few hundred per
/// statement (a batch's events read them at once).
pub async fn by_ids(
    conn: &mut AnyConnection,
    ids: &BTreeSet<i64>,
) -> Result<Vec<Message>, sqlx::Error> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let select = format!("{SELECT} WHERE m.id IN");
    let rows: Vec<MessageRow> = super::fetch_in(conn, &select, &ids, "ORDER BY m.id").await?;
    with_reactions(conn, rows).await
}

/// Where a page of a thread starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadPage {
    /// The newest messages, or those before this id (the oldest on screen):
    /// the page's cursor continues further back.
    Before(Option<i64>),
    /// The messages after this id (the newest on screen), for a thread
    /// opened at an older message: the cursor continues forward.
    After(i64),
}

/// A page of a thread, oldest first within the page.
pub async fn thread(
    pool: &AnyPool,
    wa_id: &WaId,
    page: ThreadPage,
    limit: u32,
) -> Result<Page<Message>, sqlx::Error> {
    let limit = limit.clamp(1, 200);
    let (condition, order, from) = match page {
        ThreadPage::Before(before) => ("m.id < $2", "DESC", before.unwrap_or(i64::MAX)),
        ThreadPage::After(after) => ("m.id > $2", "ASC", after),
    };
    let mut rows: Vec<MessageRow> = sqlx::query_as(&format!(
        "{SELECT} WHERE m.wa_id = $1 AND {condition} ORDER BY m.id {order} LIMIT $3"
    ))
    .bind(wa_id.as_str())
    .bind(from)
    .bind(i64::from(limit) + 1)
    .fetch_all(pool)
    .await?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    if matches!(page, ThreadPage::Before(_)) {
        rows.reverse();
    }
    let edge = match page {
        ThreadPage::Before(_) => rows.first(),
        ThreadPage::After(_) => rows.last(),
    };
    let next_cursor = edge.filter(|_| has_more).map(|row| row.id.to_string());
    let items = match rows.iter().any(MessageRow::has_reactions) {
        true => with_reactions(&mut *pool.acquire().await?, rows).await?,
        false => rows.into_iter().map(Message::from).collect(),
    };
    Ok(Page { items, next_cursor })
}

/// An inbound message as parsed from the webhook.
pub struct Inbound<'a> {
    pub wa_id: &'a WaId,
    pub wamid: &'a str,
    pub content_type: &'a str,
    pub text: Option<&'a str>,
    pub payload: &'a str,
    pub sent_at: i64,
    /// The WhatsApp id of the message it answers.
    pub reply_to: Option<&'a str>,
}

/// Stores an inbound message; `None` when this wamid was stored before
/// (a retried delivery), in which case nothing else may happen either.
pub async fn insert_inbound(
    conn: &mut AnyConnection,
    message: &Inbound<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_as::<_, (i64,)>(
        "INSERT INTO messages (wa_id, wamid, direction, author, kind, content_type, text, payload, sent_at, created_at,
                               reply_to_wamid)
         VALUES ($1, $2, 'in', 'user', 'session', $3, $4, $5, $6, $7, $8)
         ON CONFLICT (wamid) DO NOTHING RETURNING id",
    )
    .bind(message.wa_id.as_str())
    .bind(message.wamid)
    .bind(message.content_type)
    .bind(message.text)
    .bind(message.payload)
    .bind(message.sent_at)
    .bind(now)
    .bind(message.reply_to)
    .fetch_optional(conn)
    .await
    .map(|row| row.map(|(id,)| id))
}

/// Inbound messages stored by one statement at most (nine values each).
const INBOUND_AT_ONCE: usize = 64;

/// Stores a batch's inbound messages (each with its `now`) in a few
/// statements, as [`insert_inbound`] one by one would: the id of each one
/// stored, by its wamid; those stored before (a retried delivery) are left
/// out.
pub async fn insert_inbound_all(
    conn: &mut AnyConnection,
    messages: &[(Inbound<'_>, i64)],
) -> Result<HashMap<String, i64>, sqlx::Error> {
    let mut stored = HashMap::with_capacity(messages.len());
    for chunk in messages.chunks(INBOUND_AT_ONCE) {
        let mut insert = Statement::new(
            "INSERT INTO messages (wa_id, wamid, direction, author, kind, content_type, text, payload, sent_at, created_at,
                                   reply_to_wamid) ",
        );
        insert.values(chunk, |row, (message, now)| {
            row.bind(message.wa_id.as_str())
                .bind(message.wamid)
                .sql("'in', 'user', 'session'")
                .bind(message.content_type)
                .bind(message.text)
                .bind(message.payload)
                .bind(message.sent_at)
                .bind(*now)
                .bind(message.reply_to);
        });
        insert.push(" ON CONFLICT (wamid) DO NOTHING RETURNING id, wamid");
        let rows: Vec<(i64, String)> = insert.fetch_all(&mut *conn).await?;
        stored.extend(rows.into_iter().map(|(id, wamid)| (wamid, id)));
    }
    Ok(stored)
}

/// How WhatsApp knows a message of a chat: its id there, when it came
/// from or reached WhatsApp (a note, a status line or a message of ours
/// not sent yet has none), and whether the customer wrote it. Replies quote
/// by this id and agents react by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnWhatsApp {
    pub wamid: Option<String>,
    pub from_customer: bool,
}

/// How WhatsApp knows message `id` of this chat; `None` when the chat has
/// no such message.
pub async fn on_whatsapp<'c>(
    conn: impl sqlx::AnyExecutor<'c>,
    wa_id: &WaId,
    id: i64,
) -> Result<Option<OnWhatsApp>, sqlx::Error> {
    let found: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT wamid, author FROM messages WHERE id = $1 AND wa_id = $2")
            .bind(id)
            .bind(wa_id.as_str())
            .fetch_optional(conn)
            .await?;
    Ok(found.map(|(wamid, author)| OnWhatsApp {
        wamid,
        from_customer: author == "user",
    }))
}

/// Status callbacks wait this long for their message to be known.
pub const EARLY_STATUS_KEEP_MS: i64 = 24 * 60 * 60 * 1000;

/// Drops status callbacks that waited in vain for their message (statuses
/// for messages some other system sent, say), so they never pile up.
pub async fn prune_early_statuses(conn: &mut AnyConnection, now: i64) -> Result<u64, sqlx::Error> {
    let pruned = sqlx::query("DELETE FROM early_statuses WHERE at < $1")
        .bind(now - EARLY_STATUS_KEEP_MS)
        .execute(conn)
        .await?;
    Ok(pruned.rows_affected())
}

/// An outbound message to queue: its Cloud API request body is `payload`.
pub struct Outbound<'a> {
    pub wa_id: &'a WaId,
    pub author: Author,
    pub agent: Option<AgentId>,
    pub text: Option<&'a str>,
    pub template: Option<&'a TemplateSend>,
    pub payload: &'a serde_json::Value,
    /// The campaign that sends it, if any.
    pub campaign: Option<i64>,
}

impl<'a> Outbound<'a> {
    /// A session message of the bot's, sent as the Cloud API body `payload`.
    pub fn from_bot(wa_id: &'a WaId, text: &'a str, payload: &'a serde_json::Value) -> Self {
        Self::session(wa_id, Author::Bot, None, text, payload)
    }

    /// A session message of `agent`'s: a text, or a file shown by its
    /// caption or name.
    pub fn from_agent(
        wa_id: &'a WaId,
        agent: AgentId,
        text: &'a str,
        payload: &'a serde_json::Value,
    ) -> Self {
        Self::session(wa_id, Author::Agent, Some(agent), text, payload)
    }

    fn session(
        wa_id: &'a WaId,
        author: Author,
        agent: Option<AgentId>,
        text: &'a str,
        payload: &'a serde_json::Value,
    ) -> Self {
        Self {
            wa_id,
            author,
            agent,
            text: Some(text),
            template: None,
            payload,
            campaign: None,
        }
    }
}

/// Queues an outbound message (delivery `pending`) and counts it on the
/// user's profile in the same transaction.
pub async fn queue_outbound(
    conn: &mut AnyConnection,
    message: &Outbound<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let content_type = match message.template {
        Some(_) => "template",
        None => "text",
    };
    queue(conn, message, content_type, now).await
}

/// A reply of the bot's, queued with the others of a batch of deliveries.
pub struct BotReply {
    pub wa_id: WaId,
    pub text: String,
    /// Its Cloud API body.
    pub payload: serde_json::Value,
    pub now: i64,
}

/// Bot replies queued by one statement at most (five values each).
const REPLIES_AT_ONCE: usize = 100;

/// Queues the bot's replies of a batch, in order, in a few statements, as
/// [`queue_outbound`] one by one would; their ids, in that order.
pub async fn queue_bot_replies(
    conn: &mut AnyConnection,
    replies: &[BotReply],
) -> Result<Vec<i64>, sqlx::Error> {
    let mut ids = Vec::with_capacity(replies.len());
    for chunk in replies.chunks(REPLIES_AT_ONCE) {
        let mut insert = Statement::new(
            "INSERT INTO messages (wa_id, direction, author, kind, content_type, text, payload, delivery,
                                   sent_at, created_at) ",
        );
        insert.values(chunk, |row, reply| {
            row.bind(reply.wa_id.as_str())
                .sql("'out', 'bot', 'session', 'text'")
                .bind(reply.text.as_str())
                .bind(reply.payload.to_string())
                .sql("'pending'")
                .bind(reply.now)
                .bind(reply.now);
        });
        insert.push(" RETURNING id");
        let mut queued: Vec<(i64,)> = insert.fetch_all(&mut *conn).await?;
        // Numbered in the order they were listed.
        queued.sort_unstable();
        ids.extend(queued.into_iter().map(|(id,)| id));
    }
    let mut counted: BTreeMap<&WaId, i64> = BTreeMap::new();
    for reply in replies {
        *counted.entry(&reply.wa_id).or_default() += 1;
    }
    let counted: Vec<(&WaId, i64)> = counted.into_iter().collect();
    for chunk in counted.chunks(REPLIES_AT_ONCE) {
        let mut count = Statement::new(
            "UPDATE users SET session_messages = session_messages + v.column2 FROM (",
        );
        count.values(chunk, |row, (wa_id, n)| {
            row.bind_as(wa_id.as_str(), "TEXT").bind_as(*n, "BIGINT");
        });
        count.push(") AS v WHERE users.wa_id = v.column1");
        count.execute(&mut *conn).await?;
    }
    Ok(ids)
}

/// Queues a template message; the file its media header carries, if any,
/// is recorded with it, to be uploaded when it is sent.
pub async fn queue_template(
    conn: &mut AnyConnection,
    message: &Outbound<'_>,
    header: Option<&HeaderFile>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id = queue(conn, message, "template", now).await?;
    if let Some(header) = header {
        let file = OutboundMedia {
            message_id: id,
            kind: header.kind,
            mime_type: &header.mime_type,
            filename: header.filename.as_deref(),
            caption: None,
            content_hash: &header.content_hash,
            size: header.size,
        };
        super::media::insert_outbound(conn, &file, now).await?;
    }
    Ok(id)
}

/// Queues an outbound message carrying a file of `kind` (its record is the
/// caller's to add).
pub async fn queue_outbound_file(
    conn: &mut AnyConnection,
    message: &Outbound<'_>,
    kind: MediaKind,
    now: i64,
) -> Result<i64, sqlx::Error> {
    queue(conn, message, kind.as_str(), now).await
}

async fn queue(
    conn: &mut AnyConnection,
    message: &Outbound<'_>,
    content_type: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let kind = match message.template {
        Some(_) => "template",
        None => "session",
    };
    let author = match message.author {
        Author::Bot => "bot",
        Author::Agent => "agent",
        Author::User | Author::System => "system",
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (wa_id, direction, author, agent_id, kind, content_type, text, payload,
                               template_name, template_language, template_params, delivery, sent_at, created_at,
                               campaign_id, reply_to_wamid)
         VALUES ($1, 'out', $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $11, $12, $13) RETURNING id",
    )
    .bind(message.wa_id.as_str())
    .bind(author)
    .bind(message.agent.map(|agent| agent.0))
    .bind(kind)
    .bind(content_type)
    .bind(message.text)
    .bind(message.payload.to_string())
    .bind(message.template.map(|t| t.name.as_str()))
    .bind(message.template.map(|t| t.language.as_str()))
    .bind(message.template.map(|t| serde_json::to_string(&t.params).unwrap_or_default()))
    .bind(now)
    .bind(message.campaign)
    // A reply quoting a message says so in its body (`context`).
    .bind(message.payload["context"]["message_id"].as_str())
    .fetch_one(&mut *conn)
    .await?;
    if message.author == Author::Agent {
        super::transitions::record_first_response(conn, message.wa_id, now).await?;
        super::rollups::add(conn, super::rollups::Moment::AgentMessage, id).await?;
    }
    let counter = if message.template.is_some() {
        "template_messages"
    } else {
        "session_messages"
    };
    // The chat list previews what the customer wrote last, never our replies.
    sqlx::query(&format!(
        "UPDATE users SET {counter} = {counter} + 1 WHERE wa_id = $1"
    ))
    .bind(message.wa_id.as_str())
    .execute(conn)
    .await?;
    Ok(id)
}

/// A failed message of ours, as a retry needs it.
pub struct Failed {
    pub is_template: bool,
    pub reason: String,
    /// It was sent again already, as this message.
    pub resent_as: Option<i64>,
    /// It carries a file (or a template's header file).
    pub carries_file: bool,
}

/// The failed message of ours `id` in this chat, if it is one.
pub async fn failed(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    id: i64,
) -> Result<Option<Failed>, sqlx::Error> {
    type Row = (String, Option<String>, Option<i64>, Option<i64>);
    let found: Option<Row> = sqlx::query_as(
        "SELECT m.kind, m.failure_reason, m.resent_as, md.id
         FROM messages m LEFT JOIN media md ON md.message_id = m.id
         WHERE m.id = $1 AND m.wa_id = $2 AND m.direction = 'out' AND m.delivery = 'failed'",
    )
    .bind(id)
    .bind(wa_id.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(found.map(|(kind, reason, resent_as, file)| Failed {
        is_template: kind == "template",
        reason: reason.unwrap_or_default(),
        resent_as,
        carries_file: file.is_some(),
    }))
}

/// Queues the failed message `id` again, as a new message with the same
/// body, which the failed one names; returns the new one's id. It counts on
/// no counter again: it is the same message, sent again.
pub async fn resend(conn: &mut AnyConnection, id: i64, now: i64) -> Result<i64, sqlx::Error> {
    let (new,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (wa_id, direction, author, agent_id, kind, content_type, text, payload,
                               template_name, template_language, template_params, delivery,
                               sent_at, created_at, reply_to_wamid)
         SELECT wa_id, direction, author, agent_id, kind, content_type, text, payload,
                template_name, template_language, template_params, 'pending', $2, $2, reply_to_wamid
         FROM messages WHERE id = $1 RETURNING id",
    )
    .bind(id)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("UPDATE messages SET resent_as = $2 WHERE id = $1")
        .bind(id)
        .bind(new)
        .execute(conn)
        .await?;
    Ok(new)
}

/// A status line in the thread ("Intervened by Asha").
pub async fn insert_system(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    text: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (wa_id, direction, author, kind, content_type, text, sent_at, created_at)
         VALUES ($1, 'out', 'system', 'system', 'system', $2, $3, $3) RETURNING id",
    )
    .bind(wa_id.as_str())
    .bind(text)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A private note of `agent` in the thread: never sent, never counted.
pub async fn insert_note(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    agent: AgentId,
    text: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO messages (wa_id, direction, author, agent_id, kind, content_type, text, sent_at, created_at)
         VALUES ($1, 'out', 'agent', $2, 'system', 'note', $3, $4, $4) RETURNING id",
    )
    .bind(wa_id.as_str())
    .bind(agent.0)
    .bind(text)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(id)
}
