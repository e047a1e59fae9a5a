//! `AppError`, the one error type of the use cases: why a change was refused
//! (no such customer, a conflict, something that does not fit) or that the
//! database failed. It knows nothing of HTTP; `http::error` turns it into an
//! answer.

use handover_core::{FieldError, TransitionError, WaId};
use sqlx::error::ErrorKind;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request itself cannot be read as a change (a bad field).
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// What the change names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The change clashes with the state it would change.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// The change is well formed but does not fit.
    #[error("{message}")]
    Unprocessable { code: &'static str, message: String },
    /// A submitted document has problems, each with its field.
    #[error("{message}")]
    Invalid {
        code: &'static str,
        message: String,
        fields: Vec<FieldError>,
    },
    /// The server cannot take the change now; trying again later can work.
    #[error("{0}")]
    Unavailable(String),
    /// The database failed; nothing was committed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl AppError {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message: message.into(),
        }
    }

    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Unprocessable {
            code,
            message: message.into(),
        }
    }

    /// The customer a change names does not exist.
    pub fn no_customer(wa_id: &WaId) -> Self {
        AppError::NotFound(format!(
            "There is no customer with WhatsApp number {wa_id}."
        ))
    }
}

/// The one place where database constraint violations become refusals:
/// a duplicate is a conflict, any other broken constraint means the change
/// named something that does not fit.
impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        let kind = error.as_database_error().map(|db| db.kind());
        match kind {
            Some(ErrorKind::UniqueViolation) => {
                AppError::conflict("already_exists", "That already exists.")
            }
            Some(
                ErrorKind::ForeignKeyViolation
                | ErrorKind::CheckViolation
                | ErrorKind::NotNullViolation,
            ) => AppError::unprocessable(
                "constraint_violation",
                "The request names something that does not exist or is not allowed.",
            ),
            _ => AppError::Database(error),
        }
    }
}

impl From<TransitionError> for AppError {
    fn from(error: TransitionError) -> Self {
        AppError::conflict(error.code(), error.to_string())
    }
}
