//! The WhatsApp Cloud API client: `POST {base}/{phone-number-id}/messages`
//! and `/media` (a file, streamed from disk) with a bearer token and a
//! timeout. A 429, a 5xx or a network error is a retryable failure (the
//! worker retries with backoff); other 4xx answers fail with WhatsApp's
//! message.

use futures_util::stream;
use serde_json::Value;
use tokio::io::AsyncReadExt;

use super::{FileToUpload, NotifyFuture, SendError, SendFuture, Transport};

pub struct CloudApi {
    http: reqwest::Client,
    /// `{base}/{phone-number-id}`.
    number_url: String,
    token: String,
}

impl CloudApi {
    pub fn new(base_url: &str, phone_number_id: &str, token: &str) -> Self {
        Self {
            http: super::whatsapp_client(),
            number_url: format!("{}/{}", base_url.trim_end_matches('/'), phone_number_id),
            token: token.to_owned(),
        }
    }
}

/// WhatsApp's answer as a result: the JSON of a success, or why not.
async fn answer(response: reqwest::Response, what: &str) -> Result<Value, SendError> {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        return Ok(body);
    }
    let message = body["error"]["message"].as_str().unwrap_or("no details");
    // WhatsApp's own code says what to do about it (see `failures`).
    let code = body["error"]["code"]
        .as_i64()
        .map(|code| format!(", error {code}"))
        .unwrap_or_default();
    Err(SendError {
        reason: format!(
            "WhatsApp refused the {what} (HTTP {}{code}): {message}",
            status.as_u16()
        ),
        retryable: status.as_u16() == 429 || status.is_server_error(),
        status: Some(status.as_u16()),
    })
}

fn unreachable(error: reqwest::Error) -> SendError {
    SendError {
        reason: format!("WhatsApp could not be reached: {error}"),
        retryable: true,
        status: None,
    }
}

/// The file's bytes a piece at a time, so no file is held in memory whole.
pub(super) fn file_body(file: tokio::fs::File) -> reqwest::Body {
    let pieces = stream::unfold(file, |mut file| async move {
        let mut buffer = vec![0u8; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(read) => {
                buffer.truncate(read);
                Some((Ok::<_, std::io::Error>(buffer), file))
            }
            Err(error) => Some((Err(error), file)),
        }
    });
    reqwest::Body::wrap_stream(pieces)
}

impl CloudApi {
    /// One `POST /messages` with `payload`, and WhatsApp's answer.
    async fn post_messages(&self, payload: &Value, what: &str) -> Result<Value, SendError> {
        let response = self
            .http
            .post(format!("{}/messages", self.number_url))
            .bearer_auth(&self.token)
            .json(payload)
            .send()
            .await
            .map_err(unreachable)?;
        answer(response, what).await
    }
}

impl Transport for CloudApi {
    fn send<'a>(&'a self, payload: &'a Value) -> SendFuture<'a> {
        Box::pin(async move {
            let body = self.post_messages(payload, "message").await?;
            body["messages"][0]["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| SendError {
                    reason: "WhatsApp accepted the message but returned no id.".into(),
                    retryable: false,
                    status: None,
                })
        })
    }

    fn notify<'a>(&'a self, payload: &'a Value) -> NotifyFuture<'a> {
        Box::pin(async move {
            self.post_messages(payload, "read receipt")
                .await
                .map(|_| ())
        })
    }

    fn upload<'a>(&'a self, file: &'a FileToUpload<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            let opened = tokio::fs::File::open(file.path).await;
            let length = match &opened {
                Ok(opened) => opened.metadata().await.map(|m| m.len()),
                Err(error) => Err(std::io::Error::new(error.kind(), error.to_string())),
            };
            let (opened, length) = match (opened, length) {
                (Ok(opened), Ok(length)) => (opened, length),
                (Err(error), _) | (_, Err(error)) => {
                    return Err(SendError {
                        reason: format!("The file to send is gone from this server: {error}"),
                        retryable: false,
                        status: None,
                    })
                }
            };
            let part = reqwest::multipart::Part::stream_with_length(file_body(opened), length)
                .file_name(file.filename.to_owned())
                .mime_str(file.mime_type)
                .map_err(|error| SendError {
                    reason: format!(
                        "The file's type {:?} cannot be sent: {error}",
                        file.mime_type
                    ),
                    retryable: false,
                    status: None,
                })?;
            let form = reqwest::multipart::Form::new()
                .text("messaging_product", "whatsapp")
                .text("type", file.mime_type.to_owned())
                .part("file", part);
            let response = self
                .http
                .post(format!("{}/media", self.number_url))
                .bearer_auth(&self.token)
                .multipart(form)
                .send()
                .await
                .map_err(unreachable)?;
            let body = answer(response, "file").await?;
            body["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| SendError {
                    reason: "WhatsApp took the file but returned no id.".into(),
                    retryable: false,
                    status: None,
                })
        })
    }
}
