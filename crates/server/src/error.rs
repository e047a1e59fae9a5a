//! The API layer's one error type. Every handler returns `Result<_, ApiError>`;
//! the response is always the JSON body defined in `handover_core`, and
//! server-side failures are logged in full but described to clients only in
//! general terms.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use handover_core::{ErrorBody, TransitionError};
use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    #[error("{message}")]
    TooManyRequests { message: String, retry_after_s: i64 },
    /// A submitted document has problems, each with its field (422).
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        fields: Vec<handover_core::FieldError>,
    },
    #[error("{0}")]
    Unavailable(String),
    /// The database failed; nothing was committed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl ApiError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        let message = self.to_string();
        match self {
            ApiError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, ErrorBody::new(*code, message)),
            ApiError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, ErrorBody::new("unauthorized", message)),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorBody::new("forbidden", message)),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, ErrorBody::new("not_found", message)),
            ApiError::Conflict { code, .. } => (StatusCode::CONFLICT, ErrorBody::new(*code, message)),
            ApiError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorBody::new("payload_too_large", message))
            }
            ApiError::Unprocessable { code, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorBody::new(*code, message))
            }
            ApiError::Invalid { code, fields, .. } => {
                let mut body = ErrorBody::new(*code, message);
                body.error.fields = fields.clone();
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
            ApiError::TooManyRequests { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorBody::new("too_many_requests", message))
            }
            ApiError::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, ErrorBody::new("unavailable", message)),
            ApiError::Database(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new(
                    "database_unavailable",
                    "The database did not answer. Nothing was changed; please try again in a moment.",
                ),
            ),
        }
    }
}

/// The one place where database constraint violations become client errors:
/// a duplicate is a conflict (409), any other broken constraint means the
/// request named something that does not fit (422).
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        let kind = error.as_database_error().map(|db| db.kind());
        match kind {
            Some(ErrorKind::UniqueViolation) => {
                ApiError::conflict("already_exists", "That already exists.")
            }
            Some(
                ErrorKind::ForeignKeyViolation
                | ErrorKind::CheckViolation
                | ErrorKind::NotNullViolation,
            ) => ApiError::unprocessable(
                "constraint_violation",
                "The request names something that does not exist or is not allowed.",
            ),
            _ => ApiError::Database(error),
        }
    }
}

impl From<TransitionError> for ApiError {
    fn from(error: TransitionError) -> Self {
        ApiError::conflict(error.code(), error.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let mut response = (status, Json(body)).into_response();
        if let ApiError::TooManyRequests { retry_after_s, .. } = self {
            if let Ok(value) = HeaderValue::from_str(&retry_after_s.max(1).to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
