//! The WhatsApp Cloud API client: `POST {base}/{phone-number-id}/messages`
//! with a bearer token, a timeout, and retries with backoff on 429, 5xx and
//! network errors. Other 4xx answers fail at once with WhatsApp's message.

use std::time::Duration;

use serde_json::Value;

use super::{SendError, SendFuture, Transport};

pub struct CloudApi {
    http: reqwest::Client,
    url: String,
    token: String,
    attempts: u32,
    first_backoff: Duration,
}

impl CloudApi {
    pub fn new(base_url: &str, phone_number_id: &str, token: &str) -> Self {
        Self {
            http: super::whatsapp_client(),
            url: format!(
                "{}/{}/messages",
                base_url.trim_end_matches('/'),
                phone_number_id
            ),
            token: token.to_owned(),
            attempts: 4,
            first_backoff: Duration::from_millis(250),
        }
    }

    /// Shorter backoff, for tests.
    pub fn with_backoff(mut self, first_backoff: Duration) -> Self {
        self.first_backoff = first_backoff;
        self
    }

    async fn send_once(&self, payload: &Value) -> Result<String, (SendError, bool)> {
        let response = self
            .http
            .post(&self.url)
            .bearer_auth(&self.token)
            .json(payload)
            .send()
            .await
            .map_err(|error| {
                (
                    SendError {
                        reason: format!("WhatsApp could not be reached: {error}"),
                    },
                    true,
                )
            })?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            return body["messages"][0]["id"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| {
                    (
                        SendError {
                            reason: "WhatsApp accepted the message but returned no id.".into(),
                        },
                        false,
                    )
                });
        }
        let message = body["error"]["message"].as_str().unwrap_or("no details");
        let reason = format!(
            "WhatsApp refused the message (HTTP {}): {message}",
            status.as_u16()
        );
        let retryable = status.as_u16() == 429 || status.is_server_error();
        Err((SendError { reason }, retryable))
    }
}

impl Transport for CloudApi {
    fn send<'a>(&'a self, payload: &'a Value) -> SendFuture<'a> {
        Box::pin(async move {
            let mut backoff = self.first_backoff;
            let mut attempt = 1;
            loop {
                match self.send_once(payload).await {
                    Ok(wamid) => return Ok(wamid),
                    Err((error, true)) if attempt < self.attempts => {
                        tracing::warn!(attempt, %error, "retrying a WhatsApp send");
                        tokio::time::sleep(backoff).await;
                        backoff *= 2;
                        attempt += 1;
                    }
                    Err((error, _)) => return Err(error),
                }
            }
        })
    }
}
