//! Customers: profiles, section and History lists, creation on first contact.

use std::collections::{BTreeSet, HashMap, HashSet};

use handover_core::api::{AgentRef, CustomerProfile, CustomerSummary, Page};
use handover_core::csat::{CsatRating, CsatScale};
use handover_core::{AgentId, ChatState, Status, WaId};
use sqlx::{AnyConnection, AnyPool};

use super::customer_search::{self, SearchPlan};
use super::statement::Statement;
use super::Cursor;
use super::Flag;
use crate::platform::db::Backend;
use crate::platform::time::rfc3339;

#[derive(sqlx::FromRow)]
pub(super) struct UserRow {
    pub(super) wa_id: String,
    name: String,
    status: String,
    pub(super) last_active_at: Option<i64>,
    pub(super) window_expires_at: Option<i64>,
    template_messages: i64,
    session_messages: i64,
    unresolved_queries: i64,
    source: String,
    first_message_tag: Option<String>,
    assigned_agent_id: Option<i64>,
    assigned_agent_name: Option<String>,
    last_message_preview: Option<String>,
    attributes: Option<String>,
    status_changed_at: i64,
    labels: Option<String>,
    csat_score: Option<i64>,
    csat_scale: Option<String>,
    csat_agent_name: Option<String>,
    csat_answered_at: Option<i64>,
    unread_messages: i64,
}

impl UserRow {
    /// Where this customer is listed at `now`.
    pub(super) fn section(&self, now: i64) -> handover_core::Section {
        handover_core::Section::of(
            status_of(&self.status),
            self.window_expires_at.unwrap_or(0) > now,
        )
    }
}

pub(super) const SELECT: &str =
    "SELECT u.wa_id, u.name, u.status, u.last_active_at, u.window_expires_at,
        u.template_messages, u.session_messages, u.unresolved_queries, u.source,
        u.first_message_tag, u.assigned_agent_id, a.name AS assigned_agent_name,
        u.last_message_preview, u.attributes, u.status_changed_at, u.labels,
        u.csat_score, u.csat_scale,
        (SELECT c.name FROM agents c WHERE c.id = u.csat_agent_id) AS csat_agent_name,
        u.csat_answered_at, u.unread_messages
    FROM users u LEFT JOIN agents a ON a.id = u.assigned_agent_id";

pub(super) fn status_of(text: &str) -> Status {
    // The CHECK constraint admits only the four names.
    text.parse().unwrap_or(Status::Active)
}

fn time_of(ms: Option<i64>) -> Option<String> {
    ms.filter(|ms| *ms > 0).map(rfc3339)
}

impl UserRow {
    pub(super) fn wa_id(&self) -> WaId {
        super::stored_wa_id(&self.wa_id)
    }

    /// When a waiting customer entered the queue.
    fn waiting_since(&self) -> Option<String> {
        (status_of(&self.status) == Status::Requesting).then(|| rfc3339(self.status_changed_at))
    }

    fn labels(&self) -> Vec<String> {
        self.labels
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    fn agent(&self) -> Option<AgentRef> {
        Some(AgentRef {
            id: AgentId(self.assigned_agent_id?),
            name: self.assigned_agent_name.clone().unwrap_or_default(),
        })
    }

    /// The customer's latest answer to a satisfaction survey.
    fn satisfaction(&self) -> Option<CsatRating> {
        let scale = CsatScale::parse(self.csat_scale.as_deref()?)?;
        let score = u8::try_from(self.csat_score?).ok()?;
        Some(CsatRating {
            score,
            scale,
            satisfied: scale.satisfied(score),
            agent: self.csat_agent_name.clone(),
            answered_at: rfc3339(self.csat_answered_at?),
        })
    }

    pub(super) fn into_profile(self, now: i64) -> CustomerProfile {
        CustomerProfile {
            satisfaction: self.satisfaction().map(Box::new),
            labels: self.labels(),
            wa_id: self.wa_id(),
            assigned_agent: self.agent(),
            status: status_of(&self.status),
            last_active_at: time_of(self.last_active_at),
            window_open: self.window_expires_at.unwrap_or(0) > now,
            waiting_since: self.waiting_since(),
            window_expires_at: time_of(self.window_expires_at),
            template_messages: self.template_messages.max(0) as u64,
            session_messages: self.session_messages.max(0) as u64,
            unresolved_queries: self.unresolved_queries.max(0) as u64,
            source: self.source,
            first_message_tag: self.first_message_tag,
            name: self.name,
            last_message_preview: self.last_message_preview,
            unread: self.unread_messages.max(0) as u64,
            attributes: self
                .attributes
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default(),
        }
    }

    pub(super) fn into_summary(self) -> CustomerSummary {
        CustomerSummary {
            labels: self.labels(),
            wa_id: self.wa_id(),
            assigned_agent: self.agent(),
            waiting_since: self.waiting_since(),
            status: status_of(&self.status),
            last_active_at: time_of(self.last_active_at),
            window_expires_at: time_of(self.window_expires_at),
            last_message_preview: self.last_message_preview,
            unread: self.unread_messages.max(0) as u64,
            name: self.name,
        }
    }
}

/// Up to `limit` customers in `status` whose window has ended by `until`.
pub async fn windows_ending(
    conn: &mut AnyConnection,
    status: &str,
    until: i64,
    limit: i64,
) -> Result<Vec<WaId>, sqlx::Error> {
    let due: Vec<String> = sqlx::query_scalar(
        "SELECT wa_id FROM users WHERE status = $1 AND window_expires_at > 0 AND window_expires_at <= $2 LIMIT $3",
    )
    .bind(status)
    .bind(until)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    // Ids were parsed on the way in; one that no longer parses is skipped.
    Ok(due
        .iter()
        .filter_map(|wa_id| WaId::parse(wa_id).ok())
        .collect())
}

/// Whether any customer was ever stored.
pub async fn any(pool: &sqlx::AnyPool) -> Result<bool, sqlx::Error> {
    let found: Flag = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users)")
        .fetch_one(pool)
        .await?;
    Ok(found.0)
}

pub async fn profile(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    now: i64,
) -> Result<Option<CustomerProfile>, sqlx::Error> {
    sqlx::query_as::<_, UserRow>(&format!("{SELECT} WHERE u.wa_id = $1"))
        .bind(wa_id.as_str())
        .fetch_optional(conn)
        .await
        .map(|row| row.map(|row| row.into_profile(now)))
}

/// The profiles of `wa_ids` that exist, in the set's order, a few hundred
/// per statement (a batch's events read them at once).
pub async fn profiles(
    conn: &mut AnyConnection,
    wa_ids: &BTreeSet<WaId>,
    now: i64,
) -> Result<Vec<CustomerProfile>, sqlx::Error> {
    let numbers: Vec<&str> = wa_ids.iter().map(WaId::as_str).collect();
    let select = format!("{SELECT} WHERE u.wa_id IN");
    let rows: Vec<UserRow> = super::fetch_in(conn, &select, &numbers, "").await?;
    let mut by_number: HashMap<String, UserRow> = rows
        .into_iter()
        .map(|row| (row.wa_id.clone(), row))
        .collect();
    Ok(numbers
        .iter()
        .filter_map(|number| by_number.remove(*number))
        .map(|row| row.into_profile(now))
        .collect())
}

/// What the state machine needs to know about a chat.
pub async fn chat_state(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    now: i64,
) -> Result<Option<ChatState>, sqlx::Error> {
    let row: Option<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT status, assigned_agent_id, window_expires_at FROM users WHERE wa_id = $1",
    )
    .bind(wa_id.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(status, holder, window)| ChatState {
        status: status_of(&status),
        holder: holder.map(AgentId),
        window_open: window.unwrap_or(0) > now,
    }))
}

/// Creates the user if new; returns whether they were created.
pub async fn create_if_missing(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    name: &str,
    source: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO users (wa_id, name, status, source, window_expires_at, status_changed_at, created_at)
         VALUES ($1, $2, 'active', $3, 0, $4, $4) ON CONFLICT (wa_id) DO NOTHING",
    )
    .bind(wa_id.as_str())
    .bind(name)
    .bind(source)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Senders created by one statement at most (seven values each).
const CREATED_AT_ONCE: usize = 300;

/// [`create_if_missing`] for many senders at once (`(wa_id, name, now)`,
/// the first of a number's name kept): the numbers that were created.
pub async fn create_missing(
    conn: &mut AnyConnection,
    senders: &[(&WaId, &str, i64)],
    source: &str,
) -> Result<BTreeSet<WaId>, sqlx::Error> {
    let mut seen = BTreeSet::new();
    let unique: Vec<&(&WaId, &str, i64)> = senders
        .iter()
        .filter(|(wa_id, _, _)| seen.insert(*wa_id))
        .collect();
    let mut created = BTreeSet::new();
    for chunk in unique.chunks(CREATED_AT_ONCE) {
        let mut insert = Statement::new(
            "INSERT INTO users (wa_id, name, status, source, window_expires_at, status_changed_at, created_at) ",
        );
        insert.values(chunk, |row, (wa_id, name, now)| {
            row.bind(wa_id.as_str())
                .bind(*name)
                .sql("'active'")
                .bind(source)
                .sql("0")
                .bind(*now)
                .bind(*now);
        });
        insert.push(" ON CONFLICT (wa_id) DO NOTHING RETURNING wa_id");
        let rows: Vec<(String,)> = insert.fetch_all(&mut *conn).await?;
        let new: HashSet<String> = rows.into_iter().map(|(wa_id,)| wa_id).collect();
        created.extend(
            chunk
                .iter()
                .filter(|(wa_id, _, _)| new.contains(wa_id.as_str()))
                .map(|(wa_id, _, _)| (*wa_id).clone()),
        );
    }
    Ok(created)
}

/// A customer moved to `new_wa_id`: the new number is a customer too, with
/// the old one's name and Source (unless it already was one).
pub async fn carry_over(
    conn: &mut AnyConnection,
    old_wa_id: &WaId,
    new_wa_id: &WaId,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (wa_id, name, status, source, window_expires_at, status_changed_at, created_at)
         SELECT $2, name, 'active', source, 0, $3, $3 FROM users WHERE wa_id = $1
         ON CONFLICT (wa_id) DO NOTHING",
    )
    .bind(old_wa_id.as_str())
    .bind(new_wa_id.as_str())
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Opens (or extends) the customer-service window to `until` without
/// counting a message or moving Last Active: WhatsApp's request for the
/// welcome lets the business answer.
pub async fn open_window(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    until: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET window_expires_at = $2
         WHERE wa_id = $1 AND COALESCE(window_expires_at, 0) < $2",
    )
    .bind(wa_id.as_str())
    .bind(until)
    .execute(conn)
    .await?;
    Ok(())
}

/// Gives a customer without a name this one (an empty `name` changes
/// nothing); a name they already have is kept.
pub async fn fill_empty_name(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    name: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET name = $2 WHERE wa_id = $1 AND name = '' AND $2 <> ''")
        .bind(wa_id.as_str())
        .bind(name)
        .execute(conn)
        .await?;
    Ok(())
}

/// What the bot remembers of a chat between two customer messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotMemory {
    pub fallbacks_in_row: u32,
    /// The holding message of the current wait in Requesting went out.
    pub holding_sent: bool,
}

pub async fn bot_memory(conn: &mut AnyConnection, wa_id: &WaId) -> Result<BotMemory, sqlx::Error> {
    let (fallbacks, holding_sent): (i64, Flag) =
        sqlx::query_as("SELECT bot_fallbacks, bot_holding_sent FROM users WHERE wa_id = $1")
            .bind(wa_id.as_str())
            .fetch_one(conn)
            .await?;
    Ok(BotMemory {
        fallbacks_in_row: u32::try_from(fallbacks).unwrap_or(0),
        holding_sent: holding_sent.0,
    })
}

pub async fn remember(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    memory: BotMemory,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET bot_fallbacks = $2, bot_holding_sent = $3 WHERE wa_id = $1")
        .bind(wa_id.as_str())
        .bind(i64::from(memory.fallbacks_in_row))
        .bind(i64::from(memory.holding_sent))
        .execute(conn)
        .await?;
    Ok(())
}

/// A waiting customer's place in the queue: 1 + everyone still waiting
/// (window open) who entered Requesting before them.
pub async fn queue_position(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    now: i64,
) -> Result<u32, sqlx::Error> {
    let (ahead,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users u, users me
         WHERE me.wa_id = $1 AND u.status = 'requesting' AND u.window_expires_at > $2
           AND (u.status_changed_at, u.wa_id) < (me.status_changed_at, me.wa_id)",
    )
    .bind(wa_id.as_str())
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(ahead).unwrap_or(u32::MAX - 1) + 1)
}

/// Which users a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// One status' section: window open.
    Section(Status),
    /// Window closed or never opened, any status.
    History,
    /// Everyone.
    All,
}

/// Filters of `GET /api/users`.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub query: Option<String>,
    pub source: Option<String>,
    pub tag: Option<String>,
    /// Only the chats this agent holds.
    pub holder: Option<AgentId>,
}

impl Listing {
    /// The column a list is ordered by, and whether oldest first. The
    /// Requesting queue is served longest-waiting first; every other list
    /// shows the newest window first.
    fn order(self) -> (&'static str, bool) {
        match self {
            Listing::Section(Status::Requesting) => ("u.status_changed_at", true),
            Listing::Section(Status::Active | Status::Intervened | Status::Closed)
            | Listing::History
            | Listing::All => ("u.window_expires_at", false),
        }
    }
}

/// One page of a list, in [`Listing::order`]; pages continue strictly after
/// the cursor `"<order value>:<wa_id>"`, so no page is skipped or repeated.
pub async fn list(
    pool: &AnyPool,
    listing: Listing,
    filter: &ListFilter,
    after: Option<&Cursor>,
    limit: u32,
    now: i64,
) -> Result<Page<CustomerSummary>, sqlx::Error> {
    let query = filter
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    let search = match query {
        Some(query) => Some(customer_search::plan(pool, query).await?),
        None => None,
    };
    let sql = list_sql(
        listing,
        after.is_some(),
        search.as_ref().map(|(plan, _)| *plan),
        filter,
        Backend::of_pool(pool),
    );
    let status = match listing {
        Listing::Section(status) => Some(status.as_str()),
        Listing::History | Listing::All => None,
    };
    let limit = limit.clamp(1, 200);
    let searching = search.is_some();
    let rows: Vec<UserRow> = sqlx::query_as(&sql)
        .bind(status)
        .bind(now)
        .bind(after.map_or(0, |cursor| cursor.value))
        .bind(after.map_or("", |cursor| cursor.wa_id.as_str()))
        .bind(search.map(|(_, value)| value))
        .bind(None::<String>)
        .bind(filter.source.as_deref())
        .bind(filter.tag.as_deref())
        .bind(i64::from(limit) + 1)
        .bind(filter.holder.map(|agent| agent.0))
        // A search is planned for what was typed (see `user_search`).
        .persistent(!searching)
        .fetch_all(pool)
        .await?;
    // One row more than the page was fetched, to know whether another exists.
    let has_more = rows.len() > limit as usize;
    let mut next_cursor = None;
    let mut items = Vec::with_capacity(limit as usize);
    for row in rows.into_iter().take(limit as usize) {
        let key = match listing.order() {
            ("u.status_changed_at", _) => row.status_changed_at,
            _ => row.window_expires_at.unwrap_or(0),
        };
        next_cursor = Some(Cursor::after(key, &row.wa_id));
        items.push(row.into_summary());
    }
    Ok(Page {
        items,
        next_cursor: next_cursor.filter(|_| has_more).map(|cursor| cursor.text()),
    })
}

/// The list query. Each clause is present only when used, so SQLite can walk
/// the index (status, window_expires_at, wa_id), (status, status_changed_at,
/// wa_id) or (window_expires_at, wa_id) from the cursor instead of scanning;
/// a narrow search starts from its few matches instead.
fn list_sql(
    listing: Listing,
    after: bool,
    search: Option<SearchPlan>,
    filter: &ListFilter,
    backend: Backend,
) -> String {
    let (key, oldest_first) = listing.order();
    let (compare, direction) = if oldest_first {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    // A narrow search starts from its matches: the section's columns are
    // only checked (`+`), so SQLite does not walk the section instead.
    let hint = customer_search::not_by_index(backend);
    let pick = if search.is_some_and(SearchPlan::starts_from_matches) {
        hint
    } else {
        ""
    };
    let mut clauses = vec![match listing {
        // The queue walks users_by_queue in order; the window is checked on
        // the way (the `+` keeps SQLite from the window's index and a sort).
        Listing::Section(Status::Requesting) => {
            format!("{pick}u.status = $1 AND {hint}u.window_expires_at > $2")
        }
        Listing::Section(_) => format!("{pick}u.status = $1 AND {pick}u.window_expires_at > $2"),
        Listing::History => format!("{pick}u.window_expires_at <= $2"),
        Listing::All => "1 = 1".to_owned(),
    }];
    if after {
        clauses.push(format!("({key}, u.wa_id) {compare} ($3, $4)"));
    }
    clauses.extend(search.map(|plan| plan.clause("$5", backend)));
    if filter.source.is_some() {
        clauses.push("u.source = $7".to_owned());
    }
    if filter.tag.is_some() {
        clauses.push("u.first_message_tag = $8".to_owned());
    }
    if filter.holder.is_some() {
        clauses.push("u.assigned_agent_id = $10".to_owned());
    }
    format!(
        "{SELECT} WHERE {} ORDER BY {pick}{key} {direction}, u.wa_id {direction} LIMIT $9",
        clauses.join(" AND ")
    )
}

pub(super) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The customer's messages in `wa_id`'s chat are read: none is unread any
/// more. Returns the WhatsApp id of their newest message when some were
/// unread (to tell WhatsApp), `None` when none was.
pub async fn mark_read(
    conn: &mut AnyConnection,
    wa_id: &WaId,
) -> Result<Option<String>, sqlx::Error> {
    let cleared = sqlx::query(
        "UPDATE users SET unread_messages = 0 WHERE wa_id = $1 AND unread_messages > 0",
    )
    .bind(wa_id.as_str())
    .execute(&mut *conn)
    .await?;
    if cleared.rows_affected() == 0 {
        return Ok(None);
    }
    newest_inbound_wamid(conn, wa_id).await
}

/// The WhatsApp id of the customer's newest message, if they wrote.
pub async fn newest_inbound_wamid(
    conn: &mut AnyConnection,
    wa_id: &WaId,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT wamid FROM messages WHERE wa_id = $1 AND direction = 'in'
         ORDER BY id DESC LIMIT 1",
    )
    .bind(wa_id.as_str())
    .fetch_optional(conn)
    .await
    .map(Option::flatten)
}

/// How people call the customer: their name, or their number.
pub async fn display_name(conn: &mut AnyConnection, wa_id: &WaId) -> Result<String, sqlx::Error> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM users WHERE wa_id = $1")
        .bind(wa_id.as_str())
        .fetch_optional(conn)
        .await?;
    Ok(name_or_number(name, wa_id))
}

/// A customer's name, or their number when they have none.
pub(super) fn name_or_number(name: Option<String>, wa_id: &WaId) -> String {
    name.filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| format!("+{wa_id}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::query_plan;

    #[tokio::test]
    async fn section_and_history_pages_walk_an_index_and_never_scan_or_sort() {
        let pool = crate::platform::db::connect("sqlite::memory:")
            .await
            .unwrap();
        let none = ListFilter::default();
        for listing in [
            Listing::Section(Status::Active),
            Listing::Section(Status::Requesting),
            Listing::History,
        ] {
            for after in [false, true] {
                let steps = query_plan(
                    &pool,
                    &list_sql(listing, after, None, &none, Backend::Sqlite),
                )
                .await;
                let users = steps
                    .iter()
                    .find(|step| step.contains(" u "))
                    .expect("a step over users");
                assert!(
                    users.starts_with("SEARCH u USING"),
                    "{listing:?} after={after}: {steps:?}"
                );
                assert!(
                    !steps.iter().any(|step| step.contains("TEMP B-TREE")),
                    "{listing:?}: sorted: {steps:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_narrow_search_starts_from_its_matches_and_never_scans_the_users() {
        let pool = crate::platform::db::connect("sqlite::memory:")
            .await
            .unwrap();
        let none = ListFilter::default();
        for listing in [
            Listing::Section(Status::Active),
            Listing::History,
            Listing::All,
        ] {
            for search in [SearchPlan::PickNames, SearchPlan::PickNumbers] {
                let steps = query_plan(
                    &pool,
                    &list_sql(listing, false, Some(search), &none, Backend::Sqlite),
                )
                .await;
                assert!(
                    !steps.iter().any(|step| step == "SCAN u"
                        || step.starts_with("SCAN u ")
                        || step.contains("u USING INDEX users_by")),
                    "{listing:?} {search:?}: {steps:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn section_counts_search_the_index() {
        let pool = crate::platform::db::connect("sqlite::memory:")
            .await
            .unwrap();
        let sql = "SELECT COUNT(*) FROM users WHERE status = 'active' AND window_expires_at > 1";
        let steps = query_plan(&pool, sql).await;
        assert!(
            steps
                .iter()
                .all(|step| step.starts_with("SEARCH users USING COVERING INDEX")),
            "{steps:?}"
        );
    }
}
