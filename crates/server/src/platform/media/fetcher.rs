//! Fetching the files customers send, after the webhook is answered and
//! never inside its transaction: `GET {base}/{media-id}` with the bearer
//! token gives a short-lived `url` (and the size and SHA-256); `GET` that
//! `url` with the same token gives the bytes. Each file is capped at
//! WhatsApp's own limit for its kind, checked against the SHA-256 when one
//! is given, stored by its content hash, and its message updated with an
//! event. A busy or unreachable WhatsApp is retried with backoff; a file
//! WhatsApp no longer has, or one too large, fails at once with the reason.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use handover_core::media::{size_in_words, MediaKind};
use serde_json::Value;
use tokio::sync::watch;

use super::{FetchQueue, MediaFiles, SaveError, Saved};
use crate::platform::db::Db;
use crate::platform::realtime::EventHub;
use crate::platform::time::Clock;
use crate::store::events::EventBatch;
use crate::store::media::{self, FetchJob};

/// Files fetched at once.
const AT_ONCE: i64 = 4;
/// Tries before a file is given up (the dashboard then offers a retry).
const MAX_ATTEMPTS: i64 = 5;
/// A claimed file not settled within this long is fetched again (a
/// fetcher that died mid-way).
const LEASE_MS: i64 = 10 * 60 * 1000;
/// How often the fetcher looks without being woken.
const IDLE_LOOK: Duration = Duration::from_secs(30);

/// Where files come from: WhatsApp's Cloud API, when configured.
#[derive(Clone)]
pub struct MediaSource {
    http: reqwest::Client,
    base: String,
    token: String,
}

impl MediaSource {
    pub fn new(base: &str, token: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(120))
                .connect_timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default(),
            base: base.trim_end_matches('/').to_owned(),
            token: token.to_owned(),
        }
    }
}

/// Why one try failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    reason: String,
    retryable: bool,
}

impl Failure {
    fn lasting(reason: impl Into<String>) -> Self {
        Failure {
            reason: reason.into(),
            retryable: false,
        }
    }

    fn passing(reason: impl Into<String>) -> Self {
        Failure {
            reason: reason.into(),
            retryable: true,
        }
    }
}

pub struct Fetcher {
    pub db: Db,
    pub files: MediaFiles,
    pub source: Option<MediaSource>,
    pub queue: FetchQueue,
    pub events: EventHub,
    pub clock: Clock,
}

impl Fetcher {
    /// Fetches until `stopping` turns true; a stop lets the files in
    /// flight finish within the server's grace (a file cut off is fetched
    /// again after its lease).
    pub async fn run(self, mut stopping: watch::Receiver<bool>) {
        let fetcher = Arc::new(self);
        loop {
            if *stopping.borrow() {
                return;
            }
            let did = match fetcher.round().await {
                Ok(did) => did,
                Err(error) => {
                    tracing::error!(%error, "media fetch round failed");
                    0
                }
            };
            if did > 0 {
                continue;
            }
            let wait = fetcher.until_next_due().await;
            tokio::select! {
                _ = fetcher.queue.woken() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = stopping.changed() => {}
            }
        }
    }

    async fn until_next_due(&self) -> Duration {
        match media::next_due(&self.db.pool).await {
            Ok(Some(at)) => {
                let ms = (at - self.clock.now_ms()).clamp(0, IDLE_LOOK.as_millis() as i64);
                Duration::from_millis(ms as u64)
            }
            _ => IDLE_LOOK,
        }
    }

    /// Claims the files due and fetches them side by side; how many.
    async fn round(self: &Arc<Self>) -> Result<usize, sqlx::Error> {
        let now = self.clock.now_ms();
        let jobs = {
            let mut write = self.db.begin_write().await?;
            let jobs = media::claim_due(&mut write.tx, now, now + LEASE_MS, AT_ONCE).await?;
            write.commit().await?;
            jobs
        };
        let count = jobs.len();
        let fetches = jobs.into_iter().map(|job| {
            let fetcher = self.clone();
            tokio::spawn(async move {
                let outcome = fetcher.fetch(&job).await;
                if let Err(error) = fetcher.record(&job, outcome).await {
                    tracing::error!(media = job.id, %error, "a fetched file could not be recorded");
                }
            })
        });
        futures_util::future::join_all(fetches).await;
        Ok(count)
    }

    /// Stores what was fetched (or why not) and tells the dashboards.
    async fn record(
        &self,
        job: &FetchJob,
        outcome: Result<(Saved, String), Failure>,
    ) -> Result<(), sqlx::Error> {
        let now = self.clock.now_ms();
        let mut write = self.db.begin_write().await?;
        match &outcome {
            Ok((saved, mime_type)) => {
                media::mark_ready(&mut write.tx, job.id, &saved.hash, saved.size, mime_type)
                    .await?;
            }
            Err(failure) => {
                let retry_at = (failure.retryable && job.attempts < MAX_ATTEMPTS)
                    .then(|| now + backoff_ms(job.attempts));
                if retry_at.is_none() {
                    tracing::warn!(media = job.id, reason = %failure.reason, "a customer's file could not be fetched");
                }
                media::mark_unfetched(&mut write.tx, job.id, &failure.reason, retry_at).await?;
            }
        }
        let mut batch = EventBatch::default();
        batch.message(job.message_id);
        batch.record(&mut write.tx, now).await?;
        write.commit().await?;
        self.events.notify();
        Ok(())
    }

    /// One try: the file's address, then its bytes.
    async fn fetch(&self, job: &FetchJob) -> Result<(Saved, String), Failure> {
        let source = self.source.as_ref().ok_or_else(|| {
            Failure::lasting(
                "Files cannot be fetched: the WhatsApp Cloud API is not configured (HANDOVER_WA_TOKEN).",
            )
        })?;
        let kind = MediaKind::parse(&job.kind).unwrap_or(MediaKind::Document);
        let max = kind.max_bytes();
        let about = get(source, &format!("{}/{}", source.base, job.wa_media_id)).await?;
        let about: Value = about.json().await.map_err(|error| {
            Failure::passing(format!("WhatsApp's answer could not be read: {error}"))
        })?;
        let url = about["url"]
            .as_str()
            .ok_or_else(|| Failure::passing("WhatsApp gave no address for the file."))?;
        let declared = about["file_size"].as_u64().or_else(|| {
            about["file_size"]
                .as_str()
                .and_then(|size| size.parse().ok())
        });
        if let Some(size) = declared.filter(|size| *size > max) {
            return Err(too_large(kind, size, max));
        }
        let mime_type = about["mime_type"].as_str().unwrap_or("").to_owned();
        let expected = job
            .expected_sha256
            .clone()
            .or_else(|| about["sha256"].as_str().map(str::to_owned));
        let body = get(source, url).await?;
        let saved = self
            .files
            .save(Box::pin(body.bytes_stream()), max)
            .await
            .map_err(|error| match error {
                SaveError::TooLarge { max } => too_large(kind, max + 1, max),
                SaveError::Source(reason) => {
                    Failure::passing(format!("The download from WhatsApp broke off: {reason}"))
                }
                SaveError::Io(error) => {
                    Failure::passing(format!("The file could not be stored here: {error}"))
                }
            })?;
        if let Some(expected) = expected.filter(|expected| !matches_sha256(expected, &saved.hash)) {
            return Err(Failure::passing(format!(
                "The file's SHA-256 does not match what WhatsApp said ({expected}); it will be fetched again."
            )));
        }
        Ok((saved, mime_type))
    }
}

/// A `GET` with the token; WhatsApp's refusals read as failures.
async fn get(source: &MediaSource, url: &str) -> Result<reqwest::Response, Failure> {
    let response = source
        .http
        .get(url)
        .bearer_auth(&source.token)
        .send()
        .await
        .map_err(|error| Failure::passing(format!("WhatsApp could not be reached: {error}")))?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let reason = format!("WhatsApp answered HTTP {} for the file", status.as_u16());
    if status.as_u16() == 429 || status.is_server_error() {
        Err(Failure::passing(reason))
    } else if matches!(status.as_u16(), 400 | 404 | 410) {
        Err(Failure::lasting(format!(
            "{reason}: it no longer has it (WhatsApp keeps a customer's files for 30 days)."
        )))
    } else {
        Err(Failure::lasting(format!("{reason}.")))
    }
}

fn too_large(kind: MediaKind, size: u64, max: u64) -> Failure {
    Failure::lasting(format!(
        "The {} is {}, more than the {} WhatsApp allows; it was not fetched.",
        kind.noun(),
        size_in_words(size),
        size_in_words(max)
    ))
}

/// Whether WhatsApp's `expected` SHA-256 (hex, or base64 as webhooks give
/// it) is the stored file's `hash` (hex).
fn matches_sha256(expected: &str, hash: &str) -> bool {
    let expected = expected.trim();
    if expected.len() == 64 {
        return expected.eq_ignore_ascii_case(hash);
    }
    base64::engine::general_purpose::STANDARD
        .decode(expected)
        .map(|bytes| hex::encode(bytes) == hash)
        .unwrap_or(false)
}

/// 10 s, 40 s, 160 s, 640 s: the wait after try `attempts`.
fn backoff_ms(attempts: i64) -> i64 {
    10_000 * 4_i64.pow(attempts.clamp(1, 6) as u32 - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapps_hash_is_read_in_hex_or_base64() {
        let hash = "4c2f2a7a8e7f4f3c5d7d9f1e2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d";
        assert!(matches_sha256(hash, hash));
        assert!(matches_sha256(&hash.to_uppercase(), hash));
        let base64 = base64::engine::general_purpose::STANDARD.encode(hex::decode(hash).unwrap());
        assert!(matches_sha256(&base64, hash));
        assert!(!matches_sha256("nonsense", hash));
    }

    #[test]
    fn retries_wait_longer_each_time() {
        assert_eq!(
            (1..=4).map(backoff_ms).collect::<Vec<_>>(),
            [10_000, 40_000, 160_000, 640_000]
        );
    }
}
