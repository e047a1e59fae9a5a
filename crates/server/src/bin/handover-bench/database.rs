//! The database a benchmark runs on: a SQLite file in its folder, or, when
//! `HANDOVER_BENCH_POSTGRES` names a Postgres server, a new database there
//! (dropped first if an earlier run left it).

use std::path::Path;

use sqlx::{Connection, Executor, PgConnection};

pub const POSTGRES_ENV: &str = "HANDOVER_BENCH_POSTGRES";

/// The URL of a new database named `name`, and the backend's name.
pub async fn create(folder: &Path, name: &str) -> Result<(String, &'static str), sqlx::Error> {
    let Some(server) = std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|url| !url.is_empty())
    else {
        return Ok((format!("sqlite://{}/{name}.db", folder.display()), "SQLite"));
    };
    let database = format!("handover_bench_{name}");
    let mut admin = PgConnection::connect(&server).await?;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)").as_str())
        .await?;
    admin
        .execute(format!("CREATE DATABASE {database}").as_str())
        .await?;
    admin.close().await?;
    // The server's URL with its database replaced, its options kept.
    let (address, options) = server.split_once('?').unwrap_or((&server, ""));
    let (base, _) = address.rsplit_once('/').unwrap_or((address, ""));
    let options = if options.is_empty() {
        String::new()
    } else {
        format!("?{options}")
    };
    Ok((format!("{base}/{database}{options}"), "Postgres"))
}
