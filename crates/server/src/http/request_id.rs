//! Request ids: every request carries one in `X-Request-Id` (the one the
//! client or a proxy in front sent, or a new one), the answer sends it back,
//! and every log line written while the request is handled names it, so a
//! request can be followed from the proxy's log through ours.

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Span;

pub const HEADER: &str = "x-request-id";

/// The longest id taken from a client; a longer one (or one with spaces or
/// other characters a log line should not carry) is replaced by a new one.
const MAX_LENGTH: usize = 128;

/// Gives the request its id, and the answer the same.
pub async fn carry(mut request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= MAX_LENGTH)
        .filter(|id| id.bytes().all(|byte| byte.is_ascii_graphic()));
    let id = match given.map(HeaderValue::from_str) {
        Some(Ok(value)) => value,
        _ => HeaderValue::from_str(&new_id()).expect("hex is a valid header value"),
    };
    request.headers_mut().insert(HEADER, id.clone());
    let mut response = next.run(request).await;
    response.headers_mut().insert(HEADER, id);
    response
}

/// The span a request is handled in: its method, path and id.
pub fn span<B>(request: &axum::http::Request<B>) -> Span {
    let id = request
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
    )
}

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    hex::encode(bytes)
}
