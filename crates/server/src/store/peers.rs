//! Servers on one Postgres database telling each other what they did
//! (NOTIFY, delivered when the transaction commits) and hearing it
//! (LISTEN). On SQLite there is one process and nobody to tell.

use sqlx::postgres::PgListener;
use sqlx::AnyExecutor;

/// New events were committed: read the event log.
pub const EVENTS: &str = "handover_events";
/// A session or an agent was signed out: end their streams.
pub const SIGN_OUTS: &str = "handover_sign_outs";
/// A sign-in failed: count it.
pub const SIGN_IN_FAILURES: &str = "handover_sign_in_failures";

/// Tells every server listening on `channel` (this one too).
pub async fn tell<'c>(
    conn: impl AnyExecutor<'c>,
    channel: &str,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(message)
        .execute(conn)
        .await
        .map(drop)
}

/// [`tell`] with no message, as a statement for a script.
pub fn telling(channel: &str) -> String {
    format!("SELECT pg_notify({}, '')", super::script::text(channel))
}

/// A connection of its own listening on every channel above.
pub async fn listen(url: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener
        .listen_all([EVENTS, SIGN_OUTS, SIGN_IN_FAILURES])
        .await?;
    Ok(listener)
}
