//! The transport used when no Cloud API credentials are configured: it
//! records what would have been sent, so the product runs out of the box.

use serde_json::Value;

use super::{FileToUpload, NotifyFuture, SendError, SendFuture, Transport};
use crate::platform::db::Db;
use crate::store;

pub struct Sandbox {
    db: Db,
}

impl Sandbox {
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

impl Sandbox {
    /// Keeps what would have gone to WhatsApp, under `id`, in a write of its own.
    async fn keep(&self, id: &str, payload: &Value) -> Result<(), sqlx::Error> {
        let mut write = self.db.begin_write().await?;
        let now = crate::platform::time::now_ms();
        store::sandbox::record(&mut write.tx, id, &payload.to_string(), now).await?;
        write.commit().await
    }
}

impl Transport for Sandbox {
    fn send<'a>(&'a self, payload: &'a Value) -> SendFuture<'a> {
        Box::pin(async move {
            let wamid = format!("wamid.sandbox.{}", crate::platform::secrets::new_token());
            let failed = |error: sqlx::Error| SendError {
                reason: format!("The sandbox could not record the message: {error}"),
                retryable: true,
                status: None,
            };
            self.keep(&wamid, payload).await.map_err(failed)?;
            Ok(wamid)
        })
    }

    /// Recorded like a message, so what the sandbox would have told
    /// WhatsApp can be read back (`GET /api/sandbox/outbox`).
    fn notify<'a>(&'a self, payload: &'a Value) -> NotifyFuture<'a> {
        Box::pin(async move {
            let id = format!("status.sandbox.{}", crate::platform::secrets::new_token());
            self.keep(&id, payload).await.map_err(|error| SendError {
                reason: format!("The sandbox could not record it: {error}"),
                retryable: false,
                status: None,
            })
        })
    }

    /// Nothing leaves: the file is already stored here, and its message is
    /// recorded with this id when sent.
    fn upload<'a>(&'a self, _file: &'a FileToUpload<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            Ok(format!(
                "media.sandbox.{}",
                crate::platform::secrets::new_token()
            ))
        })
    }
}
