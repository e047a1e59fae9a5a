//! Opening the SQLite database: file and folder creation, the pragmas we
//! rely on, and the migrations, which run at every start.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyPool, Executor, Transaction};
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
    pub pool: AnyPool,
    write_lock: std::sync::Arc<Mutex<()>>,
}

/// A writing transaction holding the write lock until commit or drop.
pub struct WriteTx<'a> {
    pub tx: Transaction<'static, Any>,
    _turn: MutexGuard<'a, ()>,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl Db {
    pub fn new(pool: AnyPool) -> Self {
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
/// concurrent writers wait their turn instead of failing at once. The pool
/// is sqlx's `Any` pool: the store's queries are written once for it.
pub async fn connect(url: &str) -> Result<AnyPool, DbError> {
    // sqlx reads any text without a `sqlite:` prefix as a file name, which
    // would quietly turn `postgres://…` into a file of that name.
    if !url.starts_with("sqlite:") {
        return Err(DbError::InvalidUrl {
            url: url.to_owned(),
            source: None,
        });
    }
    let invalid = |source| DbError::InvalidUrl {
        url: url.to_owned(),
        source: Some(source),
    };
    let sqlite = SqliteConnectOptions::from_str(url).map_err(invalid)?;
    create_parent_folder(sqlite.get_filename())?;
    let options = AnyConnectOptions::from_str(&per_connection_url(url, sqlite.get_filename()))
        .map_err(invalid)?;

    sqlx::any::install_default_drivers();
    // The file is ours and in-process: a connection taken from the pool
    // needs no test round trip first.
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                )
                .await
                .map(drop)
            })
        })
        .connect_with(options)
        .await
        .map_err(DbError::Open)?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}

/// The URL each connection of the pool is opened from: the one file,
/// created if missing, or one in-memory database all connections share
/// (`sqlite::memory:` would otherwise give each connection its own).
fn per_connection_url(url: &str, file: &Path) -> String {
    static IN_MEMORY: AtomicUsize = AtomicUsize::new(0);
    let named = url.trim_start_matches("sqlite:").trim_start_matches("//");
    if named.starts_with(":memory:") {
        let number = IN_MEMORY.fetch_add(1, Ordering::Relaxed);
        return format!("sqlite:file:handover-memory-{number}?mode=memory&cache=shared");
    }
    let mut path = String::new();
    for character in file.to_string_lossy().chars() {
        match character {
            '%' => path.push_str("%25"),
            '?' => path.push_str("%3F"),
            '#' => path.push_str("%23"),
            other => path.push(other),
        }
    }
    format!("sqlite://{path}?mode=rwc")
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
