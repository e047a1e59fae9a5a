//! A consistent copy of a SQLite database, written while the server runs
//! (`VACUUM INTO` reads one snapshot, as any reader does, and writes it to
//! a new file), and the checks a copy is read back with.

use sqlx::AnyConnection;

/// Writes the database `conn` reads, as of one moment, to the new file
/// `path`.
pub async fn vacuum_into(conn: &mut AnyConnection, path: &str) -> Result<(), sqlx::Error> {
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(conn)
        .await
        .map(drop)
}

/// SQLite's own check of every page and index: `ok`, or what is wrong.
pub async fn integrity(conn: &mut AnyConnection) -> Result<String, sqlx::Error> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(conn)
        .await?;
    Ok(problems.join("; "))
}
