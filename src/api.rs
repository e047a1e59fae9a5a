//! Typed calls to the server's JSON API. Every call returns
//! `Result<T, ApiError>`, and `ApiError` reads as a sentence a person can act on.

use std::fmt;

use gloo_net::http::Request;
use handover_core::{ErrorBody, SectionCounts};
use serde::de::DeserializeOwned;

/// Why an API call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No answer at all: the server is down or the network is gone.
    Unreachable(String),
    /// The server answered with an error status and (usually) a message.
    Server { status: u16, message: String },
    /// The server answered 2xx with a body we could not read.
    Unreadable(String),
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Unreachable(detail) => write!(
                f,
                "The server could not be reached ({detail}). Check that Handover is running, then retry."
            ),
            ApiError::Server { status, message } => write!(f, "{message} (HTTP {status})"),
            ApiError::Unreadable(detail) => write!(
                f,
                "The server's answer could not be read ({detail}). Reload the page to get the latest app."
            ),
        }
    }
}

/// `GET /api/sections`.
pub async fn fetch_sections() -> Result<SectionCounts, ApiError> {
    get_json("/api/sections").await
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = Request::get(path)
        .send()
        .await
        .map_err(|error| ApiError::Unreachable(error.to_string()))?;
    if !response.ok() {
        let status = response.status();
        let message = match response.json::<ErrorBody>().await {
            Ok(body) => body.error.message,
            Err(_) => format!("The server answered {} {}.", status, response.status_text()),
        };
        return Err(ApiError::Server { status, message });
    }
    response
        .json()
        .await
        .map_err(|error| ApiError::Unreadable(error.to_string()))
}
