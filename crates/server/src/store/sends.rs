//! The sender's side of our outbound messages: claiming those waiting to
//! be sent, recording what WhatsApp answered (many at once), giving back
//! claims never used, and settling sends cut off mid-way. A message's
//! delivery only moves forward (`Delivery::may_become`).

use handover_core::api::Delivery;
use sqlx::{AnyConnection, AnyPool};

use super::statement::Statement;
use super::{statuses, Flag, BINDS_AT_ONCE};

/// A claimed message: its id and the payload to send.
pub struct Claimed {
    pub id: i64,
    pub payload: String,
}

/// Claims up to `limit` messages waiting to be sent, people's (agents, the
/// bot) before campaigns', each oldest first; returns them in that order.
/// A claimed message is never claimed again (see `outbound::worker`): each
/// is checked again as it is taken, so two senders claiming at once (on
/// Postgres, where claims share the write turn) never take the same one;
/// the later may take fewer.
pub async fn claim(
    conn: &mut AnyConnection,
    limit: u32,
    now: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    let mut claimed: Vec<(i64, String, Flag)> = sqlx::query_as(
        "UPDATE messages SET claimed_at = $2
         WHERE id IN (SELECT id FROM messages WHERE delivery = 'pending' AND claimed_at IS NULL
                      ORDER BY (campaign_id IS NOT NULL), id LIMIT $1)
           AND delivery = 'pending' AND claimed_at IS NULL
         RETURNING id, payload, campaign_id IS NOT NULL",
    )
    .bind(i64::from(limit))
    .bind(now)
    .fetch_all(conn)
    .await?;
    claimed.sort_by_key(|(id, _, campaign)| (campaign.0, *id));
    Ok(claimed
        .into_iter()
        .map(|(id, payload, _)| Claimed { id, payload })
        .collect())
}

/// Claims that were not used (the sender stopped first): the messages wait
/// for the next start.
pub async fn give_back(conn: &mut AnyConnection, ids: &[i64]) -> Result<(), sqlx::Error> {
    for chunk in ids.chunks(BINDS_AT_ONCE) {
        let mut update = Statement::new(
            "UPDATE messages SET claimed_at = NULL WHERE delivery = 'pending' AND id IN ",
        );
        update.list(chunk.iter().copied());
        update.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Whether any message was claimed before `before` and is still waiting
/// for its outcome (read without the write turn: most of the time none is).
pub async fn any_unconfirmed(pool: &AnyPool, before: i64) -> Result<bool, sqlx::Error> {
    let (any,): (Flag,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE delivery = 'pending' AND claimed_at < $1)",
    )
    .bind(before)
    .fetch_one(pool)
    .await?;
    Ok(any.into())
}

/// Messages claimed before `before` whose outcome was never recorded (the
/// process stopped mid-send) and that no status callback settled: failed,
/// never sent again. Returns their ids.
pub async fn fail_unconfirmed(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "UPDATE messages SET delivery = 'failed', claimed_at = NULL, failure_reason = $2
         WHERE delivery = 'pending' AND claimed_at < $1 RETURNING id",
    )
    .bind(before)
    .bind(UNCONFIRMED)
    .fetch_all(conn)
    .await?;
    Ok(ids.into_iter().map(|(id,)| id).collect())
}

/// Why a message cut off mid-send was not sent again.
const UNCONFIRMED: &str = "Handover stopped while sending this message and WhatsApp never \
confirmed it. It was not sent again, so that the customer does not get it twice; send it again \
if it did not arrive.";

/// Records what WhatsApp answered for claimed messages, in a few
/// statements whatever their number: each of `sent` (id, wamid) gets its
/// wamid, then any status callbacks that arrived before we knew it; each of
/// `failed` (id, reason) its reason. A message no longer waiting (settled
/// meanwhile by a callback naming it by its marker) is left as it is.
pub async fn record_outcomes(
    conn: &mut AnyConnection,
    sent: &[(i64, &str)],
    failed: &[(i64, &str)],
) -> Result<(), sqlx::Error> {
    for chunk in sent.chunks(BINDS_AT_ONCE / 2) {
        let mut update = Statement::new("WITH sent (id, wamid) AS (");
        update.values(chunk, |row, (id, wamid)| {
            row.bind(*id).bind(*wamid);
        });
        update.push(
            ") UPDATE messages SET wamid = sent.wamid, delivery = 'sent', claimed_at = NULL
             FROM sent WHERE messages.id = sent.id AND messages.delivery = 'pending'",
        );
        update.execute(&mut *conn).await?;
    }
    for chunk in failed.chunks(BINDS_AT_ONCE / 2) {
        let mut update = Statement::new("WITH failed (id, reason) AS (");
        update.values(chunk, |row, (id, reason)| {
            row.bind(*id).bind(*reason);
        });
        update.push(
            ") UPDATE messages SET delivery = 'failed', failure_reason = failed.reason,
                     claimed_at = NULL
             FROM failed WHERE messages.id = failed.id AND messages.delivery = 'pending'",
        );
        update.execute(&mut *conn).await?;
    }
    apply_early_statuses(conn, sent).await
}

/// The status callbacks kept for `sent` messages before their wamid was
/// known, applied now (in the order WhatsApp says they happened, only
/// forward, as any callback) and no longer kept.
async fn apply_early_statuses(
    conn: &mut AnyConnection,
    sent: &[(i64, &str)],
) -> Result<(), sqlx::Error> {
    for chunk in sent.chunks(BINDS_AT_ONCE) {
        let mut taken = Statement::new("DELETE FROM early_statuses WHERE wamid IN ");
        taken.list(chunk.iter().map(|(_, wamid)| *wamid));
        taken.push(" RETURNING wamid, status, error, at");
        let mut early: Vec<(String, String, Option<String>, i64)> = taken.fetch_all(conn).await?;
        early.sort_by_key(|(_, _, _, at)| *at);
        let callbacks: Vec<statuses::Callback<'_>> = early
            .iter()
            .filter_map(|(wamid, status, error, at)| {
                Some(statuses::Callback {
                    wamid,
                    delivery: Delivery::parse(status)?,
                    error: error.as_deref(),
                    at: *at,
                    marked: None,
                })
            })
            .collect();
        statuses::record_callbacks(conn, &callbacks).await?;
    }
    Ok(())
}
