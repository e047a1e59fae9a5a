//! Request extractors whose rejections are `ApiError`s, so a malformed body
//! or query gets the same JSON error shape as everything else.

use axum::extract::rejection::{
    BytesRejection, FailedToBufferBody, JsonRejection, PathRejection, QueryRejection,
};
use axum::extract::{FromRequest, FromRequestParts};

use crate::http::error::ApiError;

/// A JSON request body.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct JsonBody<T>(pub T);

/// A request body as it came, whatever its type (up to the route's limit).
pub struct RawBody(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        axum::body::Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|rejection| match rejection {
                BytesRejection::FailedToBufferBody(failure) => body_failure(&failure, || {
                    "The request body is larger than this endpoint accepts; send less at once."
                        .into()
                }),
                other => ApiError::bad_request("invalid_body", other.body_text()),
            })
    }
}

/// Parameters in the path, such as the id in `/api/tag-rules/{id}`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct PathParam<T>(pub T);

/// Query-string parameters.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct QueryParams<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(error) => {
                ApiError::unprocessable("invalid_body", error.body_text())
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::bad_request(
                "not_json",
                "Send the body as JSON with Content-Type: application/json.",
            ),
            JsonRejection::BytesRejection(BytesRejection::FailedToBufferBody(failure)) => {
                body_failure(&failure, || {
                    "The request body is larger than this endpoint accepts; send less at once."
                        .into()
                })
            }
            other => ApiError::bad_request("invalid_json", other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::bad_request("invalid_query", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::bad_request(
            "invalid_path",
            format!(
                "The address does not name anything this endpoint knows ({}); ids are whole numbers.",
                rejection.body_text()
            ),
        )
    }
}

/// A body that could not be read whole: too large (413, with `too_large`
/// saying what to do), or cut off or stalled on the way (408).
pub fn body_failure(failure: &FailedToBufferBody, too_large: impl FnOnce() -> String) -> ApiError {
    match failure {
        FailedToBufferBody::LengthLimitError(_) => ApiError::PayloadTooLarge(too_large()),
        _ => ApiError::body_incomplete(),
    }
}
