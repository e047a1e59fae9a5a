//! The API layer's one error type. Every handler returns `Result<_, ApiError>`;
//! the response is always the JSON body defined in `handover_core`, and
//! server-side failures are logged in full but described to clients only in
//! general terms.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use handover_core::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The route or the thing it names does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The database did not answer; nothing was changed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl ApiError {
    fn status_and_body(&self) -> (StatusCode, ErrorBody) {
        match self {
            ApiError::NotFound(message) => {
                (StatusCode::NOT_FOUND, ErrorBody::new("not_found", message))
            }
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = self.status_and_body();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (status, Json(body)).into_response()
    }
}
