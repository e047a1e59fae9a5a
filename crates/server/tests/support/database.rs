//! The database a test runs on: a SQLite file in the test's folder, or,
//! when `HANDOVER_TEST_POSTGRES` names a Postgres server (the URL of a
//! database to connect to first, e.g. postgres://postgres@127.0.0.1/postgres),
//! a new database there, dropped when the test ends.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use handover_server::platform::db::Backend;
use sqlx::{Connection, Executor, PgConnection};

pub const POSTGRES_ENV: &str = "HANDOVER_TEST_POSTGRES";
/// This machine's Postgres, for the tests that need one whatever the backend.
const MACHINE_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub struct TestDatabase {
    pub url: String,
    /// The server's URL and the database's name, to drop it.
    postgres: Option<(String, String)>,
}

/// The backend the tests of this run use.
pub fn backend() -> Backend {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.is_empty() => Backend::Postgres,
        _ => Backend::Sqlite,
    }
}

impl TestDatabase {
    /// A fresh, empty database (the server creates its schema).
    pub async fn create(folder: &Path) -> Self {
        match backend() {
            Backend::Sqlite => Self::sqlite(folder),
            Backend::Postgres => Self::create_postgres().await,
        }
    }

    /// A SQLite file in `folder` (created by whoever opens it first).
    pub fn sqlite(folder: &Path) -> Self {
        TestDatabase {
            url: format!("sqlite://{}/handover.db", folder.display()),
            postgres: None,
        }
    }

    /// The SQLite database in `file` (made by a test, e.g. a backup).
    pub fn sqlite_at(file: &Path) -> Self {
        TestDatabase {
            url: format!("sqlite://{}", file.display()),
            postgres: None,
        }
    }

    /// A fresh database on the Postgres server of `HANDOVER_TEST_POSTGRES`,
    /// or on this machine's when it is not set.
    pub async fn create_postgres() -> Self {
        let server = std::env::var(POSTGRES_ENV)
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| MACHINE_POSTGRES.to_owned());
        static CREATED: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "handover_test_{}_{}",
            std::process::id(),
            CREATED.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = PgConnection::connect(&server)
            .await
            .unwrap_or_else(|error| panic!("{POSTGRES_ENV}={server}: {error}"));
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await
            .expect("an earlier run's database dropped");
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .expect("test database created");
        let _ = admin.close().await;
        TestDatabase {
            url: database_url(&server, &name),
            postgres: Some((server, name)),
        }
    }
}

/// `server`'s URL with its database replaced by `name`.
fn database_url(server: &str, name: &str) -> String {
    let (base, query) = server.split_once('?').unwrap_or((server, ""));
    let authority_end = base
        .find("://")
        .map(|scheme| scheme + 3)
        .and_then(|start| base[start..].find('/').map(|slash| start + slash))
        .unwrap_or(base.len());
    let mut url = format!("{}/{name}", &base[..authority_end]);
    if !query.is_empty() {
        url.push('?');
        url.push_str(query);
    }
    url
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Dropped from a thread of its own: a test's runtime may not block.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the database");
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&server).await?;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                    .await?;
                admin.close().await
            })
        });
        if let Ok(Err(error)) = dropped.join() {
            eprintln!("the test database was not dropped: {error}");
        }
    }
}
