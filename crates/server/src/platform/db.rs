//! Opening the database, SQLite (embedded, the default) or Postgres:
//! file and folder creation, the settings we rely on, and the migrations,
//! which run at every start; and `Db::begin_write` (and, for batches of
//! webhook deliveries and the sender's rounds, `Db::begin_shared`), the
//! only ways to write.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use handover_core::WaId;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Transaction};
use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::platform::metrics::Metrics;
use crate::store::events::{EventBatch, Written};

/// Which database the pool talks to; chosen once, by the URL, at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a pool's connections are opened to.
    pub fn of_pool(pool: &AnyPool) -> Backend {
        Backend::of_scheme(pool.connect_options().database_url.scheme())
    }

    /// The backend of one connection (inside a transaction, say).
    pub fn of(conn: &AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }

    fn of_scheme(scheme: &str) -> Backend {
        if scheme == "sqlite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

/// The pool, plus the turn every writing transaction takes first.
///
/// Writes take turns, across every server on the database: a
/// read-decide-write sequence (intervene, a timer) can never find its
/// snapshot overtaken by another writer, races have exactly one winner,
/// and rows that count (events) are numbered in commit order. SQLite has
/// one writer at a time anyway; writing transactions begin IMMEDIATE,
/// taking its write lock before their first read. On Postgres a writing
/// transaction first takes [`WRITE_TURN`], an advisory lock held until it
/// ends, so several servers on one database take turns too.
///
/// Batches of webhook deliveries and the sender's claims and outcomes on
/// Postgres share the turn instead ([`Db::begin_shared`]): any number of
/// them, on every server, write at once, each holding only what it writes
/// (its customers, the sends it records), while a writer alone waits for
/// all of them and they for it. Taking turns in the process first
/// keeps those waits in async code.
#[derive(Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    turn: std::sync::Arc<RwLock<()>>,
    /// This process' measurements; the database's write times among them.
    pub metrics: std::sync::Arc<Metrics>,
}

/// The Postgres advisory lock of the write turn: the ASCII of "HANDOVER".
pub const WRITE_TURN: i64 = 0x4841_4E44_4F56_4552;
/// The Postgres advisory lock batches sharing the write turn take, alone,
/// to number their events and commit: the ASCII of "HANDEVNT".
pub const EVENTS_TURN: i64 = 0x4841_4E44_4556_4E54;

/// How a writing transaction holds the turn.
enum Turn<'a> {
    Alone { _held: RwLockWriteGuard<'a, ()> },
    Shared { _held: RwLockReadGuard<'a, ()> },
}

/// A writing transaction holding the write turn until commit or drop.
pub struct WriteTx<'a> {
    pub tx: Transaction<'static, Any>,
    turn: Turn<'a>,
    /// When the turn was asked for, and how long it took to get it.
    asked: Instant,
    waited: Duration,
    metrics: &'a Metrics,
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let committed = self.tx.commit().await;
        self.metrics.write(
            self.waited,
            self.asked.elapsed().saturating_sub(self.waited),
        );
        committed
    }

    /// Locks `customers`, then our sent messages named by `wamids`, for the
    /// rest of a transaction sharing the turn, before it reads or writes
    /// them; nothing to do for one alone.
    pub async fn lock<'w>(
        &mut self,
        customers: impl IntoIterator<Item = &'w WaId>,
        wamids: impl IntoIterator<Item = &'w str>,
    ) -> Result<(), sqlx::Error> {
        match self.turn {
            Turn::Shared { .. } => crate::store::turns::lock(&mut self.tx, customers, wamids).await,
            Turn::Alone { .. } => Ok(()),
        }
    }

    /// Records `batch`'s events as of `now` and commits: its own rows are
    /// read first; then, in a transaction sharing the write turn, the
    /// events' turn is taken, alone, for numbering the events, and held
    /// until the commit, which goes with them in one round trip, so events
    /// are numbered in the order their transactions commit and a reader
    /// never sees a later number before an earlier one. Whether it
    /// recorded events (tell the live streams).
    pub async fn commit_with_events(
        mut self,
        batch: EventBatch,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let events = batch.read(&mut self.tx, now).await?;
        let turn = match self.turn {
            Turn::Shared { .. } => Some(EVENTS_TURN),
            Turn::Alone { .. } => None,
        };
        let written = if events.is_empty() {
            Written::default()
        } else {
            events.write(&mut self.tx, now, turn).await?
        };
        let ended = self.commit().await;
        if written.committed {
            // Only an empty transaction was left: what it recorded is kept
            // whatever became of that.
            if let Err(error) = ended {
                tracing::warn!(%error, "an empty transaction after a commit could not be ended");
            }
        } else {
            ended?;
        }
        Ok(written.events)
    }
}

impl Db {
    pub fn new(pool: AnyPool) -> Self {
        Self {
            backend: Backend::of_pool(&pool),
            pool,
            turn: std::sync::Arc::new(RwLock::new(())),
            metrics: std::sync::Arc::new(Metrics::default()),
        }
    }

    /// Takes the write turn and gives it back at once (rolled back): the
    /// database takes writes and no writer holds it for long.
    pub async fn takes_writes(&self) -> Result<(), sqlx::Error> {
        let write = self.begin_write().await?;
        drop(write);
        Ok(())
    }

    /// Waits for this process' turn to write, then begins a transaction
    /// that holds the database's write turn alone. Every write but a batch
    /// of webhook deliveries goes through here.
    pub async fn begin_write(&self) -> Result<WriteTx<'_>, sqlx::Error> {
        let asked = Instant::now();
        let turn = self.turn.write().await;
        let tx = match self.backend {
            Backend::Sqlite => begin_whole(&self.pool, "BEGIN IMMEDIATE".to_owned()).await?,
            Backend::Postgres => {
                begin_whole(&self.pool, crate::store::turns::begin_taking(WRITE_TURN)).await?
            }
        };
        Ok(WriteTx {
            tx,
            turn: Turn::Alone { _held: turn },
            asked,
            waited: asked.elapsed(),
            metrics: &self.metrics,
        })
    }

    /// Begins a transaction that locks what it writes (a batch of webhook
    /// deliveries, the sender's claims and outcomes): on Postgres sharing
    /// the write turn with other such transactions, holding `customers` and
    /// our sent messages named by `wamids` from the start (in one round
    /// trip; or later, with [`WriteTx::lock`]), and numbering its events
    /// with [`WriteTx::commit_with_events`]; on
    /// SQLite, one writer at a time, as [`Db::begin_write`].
    pub async fn begin_shared<'w>(
        &self,
        customers: impl IntoIterator<Item = &'w WaId>,
        wamids: impl IntoIterator<Item = &'w str>,
    ) -> Result<WriteTx<'_>, sqlx::Error> {
        if self.backend == Backend::Sqlite {
            return self.begin_write().await;
        }
        let asked = Instant::now();
        let turn = self.turn.read().await;
        let begin = crate::store::turns::begin_sharing(WRITE_TURN, customers, wamids);
        let tx = begin_whole(&self.pool, begin).await?;
        Ok(WriteTx {
            tx,
            turn: Turn::Shared { _held: turn },
            asked,
            waited: asked.elapsed(),
            metrics: &self.metrics,
        })
    }
}

/// Begins a transaction with `begin`, a statement that may wait for a
/// lock, to its end even when the caller stops waiting (a readiness check
/// that timed out, a client that hung up): a begin dropped half-way would
/// leave its connection in the pool inside a transaction the pool does
/// not know of, holding the write turn for good. Run on its own task, the
/// begin finishes, and a transaction nobody is left to take is dropped,
/// which rolls it back.
async fn begin_whole(
    pool: &AnyPool,
    begin: String,
) -> Result<Transaction<'static, Any>, sqlx::Error> {
    let pool = pool.clone();
    match tokio::spawn(async move { pool.begin_with(begin).await }).await {
        Ok(begun) => begun,
        Err(failed) => {
            tracing::error!(%failed, "a transaction's begin did not finish");
            Err(sqlx::Error::WorkerCrashed)
        }
    }
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("HANDOVER_DATABASE_URL {url:?} is neither a SQLite nor a Postgres URL (expected e.g. sqlite://data/handover.db or postgres://user@host/db){}", detail(.source))]
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
    #[error("there is no database file at {0}")]
    Missing(PathBuf),
    #[error("could not fill the reports' figures from the stored history: {0}")]
    Rollups(#[source] sqlx::Error),
    #[error("could not bring the database schema up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Opens the database at `url` (a SQLite file, created if needed, or a
/// Postgres database) and migrates it. The pool is sqlx's `Any` pool: the
/// store's queries are written once for both.
pub async fn connect(url: &str) -> Result<AnyPool, DbError> {
    sqlx::any::install_default_drivers();
    let invalid = |source| DbError::InvalidUrl {
        url: url.to_owned(),
        source: Some(source),
    };
    if is_postgres_url(url) {
        let options = AnyConnectOptions::from_str(url).map_err(invalid)?;
        // One connection first: a server that cannot be reached is said at
        // once, where the pool would keep trying for its whole timeout.
        AnyConnection::connect_with(&options)
            .await
            .map_err(DbError::Open)?
            .close()
            .await
            .map_err(DbError::Open)?;
        let pool = AnyPoolOptions::new()
            .max_connections(24)
            .connect_with(options)
            .await
            .map_err(DbError::Open)?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        rebuild_rollups(&pool).await?;
        return Ok(pool);
    }
    // sqlx reads any other text without a `sqlite:` prefix as a file name,
    // which would quietly turn a mistyped URL into a file of that name.
    if !url.starts_with("sqlite:") {
        return Err(DbError::InvalidUrl {
            url: url.to_owned(),
            source: None,
        });
    }
    let sqlite = SqliteConnectOptions::from_str(url).map_err(invalid)?;
    create_parent_folder(sqlite.get_filename())?;
    let options = AnyConnectOptions::from_str(&per_connection_url(url, sqlite.get_filename()))
        .map_err(invalid)?;
    // WAL lets readers proceed while one writer commits; the busy timeout
    // makes concurrent writers wait their turn instead of failing at once.
    // The file is ours and in-process: a connection taken from the pool
    // needs no test round trip first.
    let pool = AnyPoolOptions::new()
        .max_connections(8)
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(async move { crate::store::set_up_sqlite(conn).await }))
        .connect_with(options)
        .await
        .map_err(DbError::Open)?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    rebuild_rollups(&pool).await?;
    Ok(pool)
}

/// Fills the reports' rollups from the trail when a migration asked for it.
async fn rebuild_rollups(pool: &AnyPool) -> Result<(), DbError> {
    let rebuilt = async {
        let mut tx = pool.begin().await?;
        crate::store::rollups::rebuild_if_due(&mut tx).await?;
        tx.commit().await
    };
    rebuilt.await.map_err(DbError::Rollups)
}

/// Whether `url` names a Postgres database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// One read-only connection to an existing SQLite database file, for tools
/// that run beside the server (`handover-server backup`): never created,
/// never migrated, waiting its turn behind the server's writer.
pub async fn open_existing_sqlite(url: &str) -> Result<AnyConnection, DbError> {
    sqlx::any::install_default_drivers();
    let invalid = |source| DbError::InvalidUrl {
        url: url.to_owned(),
        source: Some(source),
    };
    let named = url.trim_start_matches("sqlite:").trim_start_matches("//");
    if !url.starts_with("sqlite:") || named.starts_with(":memory:") {
        return Err(DbError::InvalidUrl {
            url: url.to_owned(),
            source: None,
        });
    }
    let file = SqliteConnectOptions::from_str(url)
        .map_err(invalid)?
        .get_filename()
        .to_owned();
    if !file.is_file() {
        return Err(DbError::Missing(file));
    }
    let mut conn = AnyConnection::connect(&file_url(&file, "ro"))
        .await
        .map_err(DbError::Open)?;
    crate::store::wait_when_busy(&mut conn)
        .await
        .map_err(DbError::Open)?;
    Ok(conn)
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
    file_url(file, "rwc")
}

/// The URL of the SQLite file `file` opened in `mode` (`rwc`: created if
/// missing; `ro`: read only), its name escaped where URLs give characters
/// a meaning.
fn file_url(file: &Path, mode: &str) -> String {
    let mut path = String::new();
    for character in file.to_string_lossy().chars() {
        match character {
            '%' => path.push_str("%25"),
            '?' => path.push_str("%3F"),
            '#' => path.push_str("%23"),
            other => path.push(other),
        }
    }
    format!("sqlite://{path}?mode={mode}")
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
