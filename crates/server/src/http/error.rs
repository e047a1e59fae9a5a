//! The HTTP layer's one error type. Every handler returns `Result<_,
//! ApiError>`; a use case's `AppError` becomes one here and nowhere else.
//! The response is always the JSON body defined in `handover_core`, and
//! server-side failures are logged in full but described to clients only in
//! general terms.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use handover_core::ErrorBody;

use crate::app::error::AppError;
use sqlx::postgres::PgDatabaseError;

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
    /// The path exists, the method does not (405).
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The request body stopped arriving before it was whole (408).
    #[error("{0}")]
    BodyIncomplete(String),
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

/// Whether a database failure is one that passes (the database is busy or
/// out of connections for now), so trying again later is the advice.
fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => match db.try_downcast_ref::<PgDatabaseError>() {
            // Postgres: a transaction rolled back for another's sake (40),
            // a server out of resources (53), a lost connection (08), a
            // server shutting down (57P).
            Some(postgres) => ["40", "53", "08", "57P"]
                .iter()
                .any(|class| postgres.code().starts_with(class)),
            // SQLITE_BUSY (5) and SQLITE_LOCKED (6), with their extended codes.
            None => {
                let primary = db
                    .code()
                    .and_then(|code| code.parse::<i64>().ok())
                    .map(|code| code & 0xff);
                matches!(primary, Some(5 | 6))
            }
        },
        _ => false,
    }
}

/// A short id to find one failure in the log by.
fn new_error_id() -> String {
    let mut bytes = [0u8; 6];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    hex::encode(bytes)
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

    /// A body cut off or stalled on the way: nothing was done with it.
    pub fn body_incomplete() -> Self {
        ApiError::BodyIncomplete(
            "The request body stopped arriving before it was complete, so nothing was done; send it again.".into(),
        )
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
            ApiError::MethodNotAllowed(_) => {
                (StatusCode::METHOD_NOT_ALLOWED, ErrorBody::new("method_not_allowed", message))
            }
            ApiError::PayloadTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorBody::new("payload_too_large", message))
            }
            ApiError::BodyIncomplete(_) => (StatusCode::REQUEST_TIMEOUT, ErrorBody::new("body_incomplete", message)),
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
            ApiError::Database(error) if is_transient(error) => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::new(
                    "database_unavailable",
                    "The database is busy. Nothing was changed; please try again in a moment.",
                ),
            ),
            ApiError::Database(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorBody::new(
                    "internal_error",
                    "Something went wrong on the server and nothing was changed. Whoever runs the server can find the details in its log under the error id.",
                ),
            ),
        }
    }
}

/// Constraint violations are worded once, by the use cases' error.
impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> Self {
        AppError::from(error).into()
    }
}

/// The one place where a use case's refusal becomes an HTTP answer.
impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::BadRequest { code, message } => ApiError::BadRequest { code, message },
            AppError::NotFound(message) => ApiError::NotFound(message),
            AppError::Conflict { code, message } => ApiError::Conflict { code, message },
            AppError::Unprocessable { code, message } => ApiError::Unprocessable { code, message },
            AppError::Invalid {
                code,
                message,
                fields,
            } => ApiError::Invalid {
                code,
                message,
                fields,
            },
            AppError::Unavailable(message) => ApiError::Unavailable(message),
            AppError::Database(error) => ApiError::Database(error),
        }
    }
}

impl From<crate::store::BadCursor> for ApiError {
    fn from(_: crate::store::BadCursor) -> Self {
        ApiError::bad_request(
            "invalid_cursor",
            "cursor: pass back the next_cursor of the previous page unchanged.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, mut body) = self.status_and_body();
        if status.is_server_error() {
            let error_id = new_error_id();
            tracing::error!(%error_id, error = ?self, "request failed");
            body.error.error_id = Some(error_id);
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
