//! WhatsApp's status callbacks (sent, delivered, read, failed) applied to
//! our messages, many at once: a batch of deliveries reads the messages
//! they name in one statement, writes the changes in one and keeps the
//! callbacks for messages not known yet in one.

use std::collections::HashMap;

use handover_core::api::Delivery;
use sqlx::AnyConnection;

use super::statement::Statement;
use super::BINDS_AT_ONCE;

/// One status callback.
pub struct Callback<'a> {
    pub wamid: &'a str,
    pub delivery: Delivery,
    /// Error titles and details, for failed sends.
    pub error: Option<&'a str>,
    /// When WhatsApp says it happened.
    pub at: i64,
    /// The message our marker names, for a send whose wamid was never
    /// recorded.
    pub marked: Option<i64>,
}

/// A message's delivery as the callbacks so far leave it.
struct Tracked {
    id: i64,
    delivery: Delivery,
    changed: bool,
    error: Option<String>,
}

/// Applies `callbacks` in order (a delivery only moves forward: a late
/// "delivered" after "read" changes nothing). A callback for a wamid not
/// recorded yet settles the message its marker names (a send whose answer
/// was lost); without one it is kept until the message is known. Returns
/// the ids of the messages that changed, in id order.
pub async fn record_callbacks(
    conn: &mut AnyConnection,
    callbacks: &[Callback<'_>],
) -> Result<Vec<i64>, sqlx::Error> {
    if callbacks.is_empty() {
        return Ok(Vec::new());
    }
    let mut known = ours(conn, callbacks).await?;
    let mut early = Vec::new();
    for callback in callbacks {
        if !known.contains_key(callback.wamid) {
            match callback.marked {
                Some(id) if settle(conn, id, callback.wamid).await? => {
                    let settled = Tracked {
                        id,
                        delivery: Delivery::Sent,
                        changed: true,
                        error: None,
                    };
                    known.insert(callback.wamid.to_owned(), settled);
                }
                _ => {
                    early.push(callback);
                    continue;
                }
            }
        }
        let Some(message) = known.get_mut(callback.wamid) else {
            continue;
        };
        if message.delivery.may_become(callback.delivery) {
            message.delivery = callback.delivery;
            message.changed = true;
            if let Some(error) = callback.error {
                message.error = Some(error.to_owned());
            }
        }
    }
    let mut changed: Vec<Tracked> = known.into_values().filter(|m| m.changed).collect();
    changed.sort_by_key(|message| message.id);
    write(conn, &changed).await?;
    keep_early(conn, &early).await?;
    Ok(changed.into_iter().map(|message| message.id).collect())
}

/// Our sent messages that the callbacks name, by wamid.
async fn ours(
    conn: &mut AnyConnection,
    callbacks: &[Callback<'_>],
) -> Result<HashMap<String, Tracked>, sqlx::Error> {
    let mut wamids: Vec<&str> = callbacks.iter().map(|callback| callback.wamid).collect();
    wamids.sort_unstable();
    wamids.dedup();
    let rows: Vec<(i64, String, Option<String>)> = super::fetch_in(
        conn,
        "SELECT id, wamid, delivery FROM messages WHERE direction = 'out' AND wamid IN",
        &wamids,
        "",
    )
    .await?;
    let found = rows
        .into_iter()
        .map(|(id, wamid, delivery)| {
            let tracked = Tracked {
                id,
                delivery: stored_delivery(delivery),
                changed: false,
                error: None,
            };
            (wamid, tracked)
        })
        .collect();
    Ok(found)
}

/// Records the wamid of a send whose answer was lost, when the message is
/// still waiting for it; whether it was.
async fn settle(conn: &mut AnyConnection, id: i64, wamid: &str) -> Result<bool, sqlx::Error> {
    let settled = sqlx::query(
        "UPDATE messages SET wamid = $2, delivery = 'sent', claimed_at = NULL
         WHERE id = $1 AND direction = 'out' AND delivery = 'pending' AND wamid IS NULL",
    )
    .bind(id)
    .bind(wamid)
    .execute(&mut *conn)
    .await?;
    Ok(settled.rows_affected() == 1)
}

async fn write(conn: &mut AnyConnection, changed: &[Tracked]) -> Result<(), sqlx::Error> {
    // One change (the usual callback) keeps a prepared statement of its own.
    if let [only] = changed {
        return set_delivery(conn, only.id, only.delivery, only.error.as_deref()).await;
    }
    for chunk in changed.chunks(BINDS_AT_ONCE / 3) {
        let mut update = Statement::new("WITH changed (id, delivery, error) AS (");
        update.values(chunk, |row, message| {
            row.bind(message.id)
                .bind(message.delivery.as_str())
                .bind(message.error.as_deref());
        });
        update.push(
            ") UPDATE messages SET delivery = changed.delivery,
                     failure_reason = COALESCE(changed.error, failure_reason)
             FROM changed WHERE messages.id = changed.id",
        );
        update.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Keeps callbacks for messages not known yet, once each.
async fn keep_early(conn: &mut AnyConnection, early: &[&Callback<'_>]) -> Result<(), sqlx::Error> {
    for chunk in early.chunks(BINDS_AT_ONCE / 4) {
        let mut insert = Statement::new("INSERT INTO early_statuses (wamid, status, error, at) ");
        insert.values(chunk, |row, callback| {
            row.bind(callback.wamid)
                .bind(callback.delivery.as_str())
                .bind(callback.error)
                .bind(callback.at);
        });
        insert.push(" ON CONFLICT (wamid, status) DO NOTHING");
        insert.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A stored delivery state; none yet reads as pending.
fn stored_delivery(text: Option<String>) -> Delivery {
    text.as_deref()
        .and_then(Delivery::parse)
        .unwrap_or(Delivery::Pending)
}

/// Writes a message's delivery; an error, when given, replaces the one
/// recorded.
async fn set_delivery(
    conn: &mut AnyConnection,
    id: i64,
    delivery: Delivery,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE messages SET delivery = $2, failure_reason = COALESCE($3, failure_reason) WHERE id = $1")
        .bind(id)
        .bind(delivery.as_str())
        .bind(error)
        .execute(conn)
        .await?;
    Ok(())
}
