//! Opening the SQLite database: file and folder creation, the pragmas we
//! rely on, and the migrations, which run at every start.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, MutexGuard};

/// The pool, plus the one lock every writing transaction takes first.
///
/// SQLite has one writer at a time anyway. Writing transactions begin
/// IMMEDIATE, taking SQLite's write lock before their first read, so a
/// read-decide-write sequence (intervene, webhook processing) can never find
/// its snapshot overtaken by another writer ("database is locked") and races
/// have exactly one winner. Taking turns in the process first keeps those
/// waits in async code rather than in SQLite's busy handler.
#[derive(Clone)]
pub struct Db {
    pub pool: SqlitePool,
    write_lock: std::sync::Arc<Mutex<()>>,
}

/// A writing transaction holding the write lock until commit or drop.
pub struct WriteTx<'a> {
    pub tx: Transaction<'static, Sqlite>,
    _turn: MutexGuard<'a, ()>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Db {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            write_lock: std::sync::Arc::new(Mutex::new(())),
        }
    }

    /// Waits for this process' turn to write, then begins an IMMEDIATE
    /// transaction. Every write goes through here.
    pub async fn begin_write(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        let turn = self.write_lock.lock().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("HANDOVER_DATABASE_URL {url:?} is not a SQLite URL (expected e.g. sqlite://data/handover.db){}", detail(.source))]
    InvalidUrl {
        url: String,
        source: Option<sqlx::Error>,
    },
    #[error("could not create the database folder {}: {source}", path.display())]
    CreateFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens (creating if needed) the database at `url` and migrates it.
///
/// WAL lets readers proceed while one writer commits; the busy timeout makes
/// concurrent writers wait their turn instead of failing at once.
pub async fn connect(url: &str) -> Result<SqlitePool, DbError> {
    // sqlx reads any text without a `sqlite:` prefix as a file name, which
    // would quietly turn `postgres://…` into a file of that name.
    if !url.starts_with("sqlite:") {
        return Err(DbError::InvalidUrl {
            url: url.to_owned(),
            source: None,
        });
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|source| DbError::InvalidUrl {
            url: url.to_owned(),
            source: Some(source),
        })?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);

    create_parent_folder(options.get_filename())?;

    // The file is ours and in-process: a connection taken from the pool
    // needs no test round trip first.
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(DbError::Open)?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

fn detail(source: &Option<sqlx::Error>) -> String {
    source
        .as_ref()
        .map(|error| format!(": {error}"))
        .unwrap_or_default()
}

fn create_parent_folder(file: &Path) -> Result<(), DbError> {
    // In-memory databases have no folder to create.
    if file.as_os_str().is_empty() || file.to_string_lossy().starts_with(":memory:") {
        return Ok(());
    }
    match file.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => {
            std::fs::create_dir_all(folder).map_err(|source| DbError::CreateFolder {
                path: folder.to_owned(),
                source,
            })
        }
        _ => Ok(()),
    }
}
