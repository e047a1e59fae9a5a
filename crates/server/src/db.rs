//! Opening the SQLite database: file and folder creation, the pragmas we
//! rely on, and the migrations, which run at every start.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

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

    let pool = SqlitePoolOptions::new()
        .max_connections(8)
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
