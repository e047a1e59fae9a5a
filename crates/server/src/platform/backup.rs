//! `handover-server backup PATH`: a consistent copy of the SQLite database
//! taken while the server runs and writes. The copy is one moment of the
//! database: everything committed before it began (every acknowledged
//! delivery and message), nothing half-written. It is read back and
//! checked before the command says it is done. On Postgres, the usual
//! tools (`pg_dump`, base backups) do this.

use std::path::{Path, PathBuf};

use crate::platform::db::{self, DbError};
use crate::store::{backup, copy};

/// What the copy holds, as read back from it.
pub struct Copied {
    pub bytes: u64,
    pub customers: i64,
    pub messages: i64,
}

/// Why there is no backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("backup copies a SQLite database; on Postgres use pg_dump or your usual backup tools")]
    Postgres,
    #[error("the database: {0}")]
    Database(DbError),
    #[error("{0} already exists; name a new file (a backup never overwrites one)")]
    Exists(PathBuf),
    #[error("could not create the folder {path}: {source}")]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the copy could not be written: {0}")]
    Write(sqlx::Error),
    #[error("the copy could not be read back: {0}")]
    ReadBack(sqlx::Error),
    #[error("the copy failed its check ({0}); it was removed")]
    Damaged(String),
}

/// Copies the database at `url` into the new file `to`, then checks it.
pub async fn run(url: &str, to: &Path) -> Result<Copied, BackupError> {
    if db::is_postgres_url(url) {
        return Err(BackupError::Postgres);
    }
    if to.exists() {
        return Err(BackupError::Exists(to.to_owned()));
    }
    if let Some(folder) = to.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| BackupError::Folder {
            path: folder.to_owned(),
            source,
        })?;
    }
    let mut source = db::open_existing_sqlite(url)
        .await
        .map_err(BackupError::Database)?;
    let target = to.to_string_lossy();
    backup::vacuum_into(&mut source, &target)
        .await
        .map_err(BackupError::Write)?;
    match check(to).await {
        Ok(copied) => Ok(copied),
        Err(error) => {
            let _ = std::fs::remove_file(to);
            Err(error)
        }
    }
}

/// Reads the copy back: SQLite's integrity check, and what it holds.
async fn check(copy: &Path) -> Result<Copied, BackupError> {
    let url = format!("sqlite://{}", copy.display());
    let mut conn = db::open_existing_sqlite(&url)
        .await
        .map_err(BackupError::Database)?;
    let integrity = backup::integrity(&mut conn)
        .await
        .map_err(BackupError::ReadBack)?;
    if integrity != "ok" {
        return Err(BackupError::Damaged(integrity));
    }
    let customers = copy::count(&mut conn, "users")
        .await
        .map_err(BackupError::ReadBack)?;
    let messages = copy::count(&mut conn, "messages")
        .await
        .map_err(BackupError::ReadBack)?;
    let bytes = std::fs::metadata(copy).map(|meta| meta.len()).unwrap_or(0);
    Ok(Copied {
        bytes,
        customers,
        messages,
    })
}
