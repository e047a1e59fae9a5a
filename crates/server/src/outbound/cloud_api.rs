//! The WhatsApp Cloud API client: `POST {base}/{phone-number-id}/messages`
//! with a bearer token and a timeout. A 429, a 5xx or a network error is a
//! retryable failure (the worker retries with backoff); other 4xx answers
//! fail with WhatsApp's message.

use serde_json::Value;

use super::{SendError, SendFuture, Transport};

pub struct CloudApi {
    http: reqwest::Client,
    url: String,
    token: String,
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
        }
    }
}

impl Transport for CloudApi {
    fn send<'a>(&'a self, payload: &'a Value) -> SendFuture<'a> {
        Box::pin(async move {
            let response = self
                .http
                .post(&self.url)
                .bearer_auth(&self.token)
                .json(payload)
                .send()
                .await
                .map_err(|error| SendError {
                    reason: format!("WhatsApp could not be reached: {error}"),
                    retryable: true,
                })?;
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status.is_success() {
                return body["messages"][0]["id"]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| SendError {
                        reason: "WhatsApp accepted the message but returned no id.".into(),
                        retryable: false,
                    });
            }
            let message = body["error"]["message"].as_str().unwrap_or("no details");
            Err(SendError {
                reason: format!(
                    "WhatsApp refused the message (HTTP {}): {message}",
                    status.as_u16()
                ),
                retryable: status.as_u16() == 429 || status.is_server_error(),
            })
        })
    }
}
