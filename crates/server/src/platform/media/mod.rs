//! The files of messages on disk: written once, named by their content's
//! SHA-256 (never by anything a customer chose), under the media folder
//! (`HANDOVER_MEDIA_DIR`, by default `media/` next to the database).
//! A file is written to a temporary name while it arrives, with its size
//! bounded, and renamed into place only when whole.

pub mod fetcher;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;

/// Where the files are.
#[derive(Clone, Debug)]
pub struct MediaFiles {
    dir: Arc<PathBuf>,
}

/// A file stored whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Its SHA-256 in hex: its name.
    pub hash: String,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    #[error("the file stopped arriving: {0}")]
    Source(String),
    #[error("the file could not be written: {0}")]
    Io(#[from] std::io::Error),
}

impl MediaFiles {
    /// The folder (created if missing).
    pub fn open(dir: &Path) -> std::io::Result<Self> {
        std::fs::create_dir_all(dir.join("incoming"))?;
        Ok(MediaFiles {
            dir: Arc::new(dir.to_path_buf()),
        })
    }

    /// `media/` next to a SQLite database file; `data/media` under the
    /// working folder with Postgres (several servers must share one
    /// folder: set `HANDOVER_MEDIA_DIR`); a temporary folder for an
    /// in-memory database.
    pub fn default_dir(database_url: &str) -> PathBuf {
        if database_url.starts_with("postgres") {
            return PathBuf::from("data/media");
        }
        let path = database_url
            .strip_prefix("sqlite://")
            .or_else(|| database_url.strip_prefix("sqlite:"))
            .map(|rest| rest.split('?').next().unwrap_or(rest))
            .filter(|path| !path.is_empty() && !path.contains(":memory:"));
        match path {
            Some(path) => Path::new(path)
                .parent()
                .unwrap_or_else(|| Path::new("."))
                .join("media"),
            None => std::env::temp_dir().join(format!("handover-media-{}", std::process::id())),
        }
    }

    /// Where the file with this content hash is; `None` for anything that
    /// is not a hash (so no stored value can name another path).
    pub fn path(&self, hash: &str) -> Option<PathBuf> {
        let is_hash = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
        is_hash.then(|| self.dir.join(&hash[..2]).join(hash))
    }

    /// Writes what `chunks` yields, at most `max` bytes.
    pub async fn save<S, E>(&self, mut chunks: S, max: u64) -> Result<Saved, SaveError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let temporary = self
            .dir
            .join("incoming")
            .join(crate::platform::secrets::new_token());
        let written = async {
            let mut file = tokio::fs::File::create(&temporary).await?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            while let Some(chunk) = chunks.next().await {
                let chunk = chunk.map_err(|error| SaveError::Source(error.to_string()))?;
                size += chunk.len() as u64;
                if size > max {
                    return Err(SaveError::TooLarge { max });
                }
                hasher.update(&chunk);
                file.write_all(&chunk).await?;
            }
            file.sync_all().await?;
            Ok(Saved {
                hash: hex::encode(hasher.finalize()),
                size,
            })
        }
        .await;
        let saved = match written {
            Ok(saved) => saved,
            Err(error) => {
                let _ = tokio::fs::remove_file(&temporary).await;
                return Err(error);
            }
        };
        let Some(path) = self.path(&saved.hash) else {
            let _ = tokio::fs::remove_file(&temporary).await;
            return Err(SaveError::Source("no hash".into()));
        };
        if let Some(folder) = path.parent() {
            tokio::fs::create_dir_all(folder).await?;
        }
        // The same content stored before is the same file.
        tokio::fs::rename(&temporary, &path).await?;
        Ok(saved)
    }

    /// Writes `bytes` whole.
    pub async fn save_bytes(&self, bytes: &[u8]) -> Result<Saved, SaveError> {
        let chunk: Result<Bytes, std::convert::Infallible> = Ok(Bytes::copy_from_slice(bytes));
        self.save(futures_util::stream::iter([chunk]), u64::MAX)
            .await
    }
}

/// Wakes the fetcher when files are waiting.
#[derive(Clone, Default)]
pub struct FetchQueue {
    wake: Arc<Notify>,
}

impl FetchQueue {
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    pub async fn woken(&self) {
        self.wake.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_is_stored_by_its_hash_and_a_too_large_one_leaves_nothing() {
        let folder = tempfile::tempdir().unwrap();
        let files = MediaFiles::open(folder.path()).unwrap();
        let saved = files.save_bytes(b"crushed box").await.unwrap();
        assert_eq!(saved.size, 11);
        let path = files.path(&saved.hash).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"crushed box");

        let chunks: Vec<Result<Bytes, std::io::Error>> = (0..3)
            .map(|_| Ok(Bytes::from_static(b"0123456789")))
            .collect();
        let refused = files.save(futures_util::stream::iter(chunks), 25).await;
        assert!(matches!(refused, Err(SaveError::TooLarge { max: 25 })));
        assert_eq!(
            std::fs::read_dir(folder.path().join("incoming"))
                .unwrap()
                .count(),
            0,
            "nothing half-written is left"
        );
        assert_eq!(files.path("../../etc/passwd"), None);
    }

    #[test]
    fn the_default_folder_is_next_to_the_database() {
        assert_eq!(
            MediaFiles::default_dir("sqlite://data/handover.db"),
            PathBuf::from("data/media")
        );
        assert_eq!(
            MediaFiles::default_dir("sqlite:///var/lib/handover/db.sqlite?mode=rwc"),
            PathBuf::from("/var/lib/handover/media")
        );
        assert_eq!(
            MediaFiles::default_dir("postgres://handover@db.internal/handover"),
            PathBuf::from("data/media")
        );
    }
}
