//! What every response and every request must satisfy, whoever sends it:
//! changes made with a session cookie come from this site, never another
//! (a forged form or `fetch` on a stranger's page), and every response says
//! what the browser may do with it (no framing, no type sniffing, no
//! scripts but the app's own).

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::http::error::ApiError;
use crate::state::AppState;

/// The policy of every response that is not a page of the app: nothing may
/// run, load or frame it.
pub const API_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// Refuses a state-changing `/api` request sent by another site. Browsers
/// say where a request comes from (`Sec-Fetch-Site`, or at least
/// `Origin`); requests without either are not a browser's, so no cookie of
/// a visitor rides on them. Integrations with a bearer token (`/api/v1`)
/// are not browsers' either.
pub async fn same_origin_changes(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let changes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let path = request.uri().path();
    let guarded = path.starts_with("/api/") && !path.starts_with("/api/v1/");
    if changes && guarded {
        if let Err(refused) = from_this_site(request.headers(), state.origin.as_deref()) {
            return refused.into_response();
        }
    }
    let mut response = next.run(request).await;
    secure_headers(response.headers_mut());
    response
}

/// Whether the headers show a request from this site (or from no browser).
pub fn from_this_site(headers: &HeaderMap, origin: Option<&str>) -> Result<(), ApiError> {
    let refused = || {
        ApiError::Forbidden(
            "This change came from another website and was refused. Make it from Handover itself."
                .into(),
        )
    };
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return match site {
            "same-origin" | "none" => Ok(()),
            _ => Err(refused()),
        };
    }
    let Some(sent_from) = header("origin") else {
        return Ok(());
    };
    let expected = match origin {
        Some(origin) => origin.to_owned(),
        None => match header("host") {
            Some(host) => format!("http://{host}"),
            None => return Err(refused()),
        },
    };
    if sent_from.eq_ignore_ascii_case(&expected)
        || (origin.is_none()
            && sent_from.eq_ignore_ascii_case(&expected.replacen("http://", "https://", 1)))
    {
        Ok(())
    } else {
        Err(refused())
    }
}

/// Headers every response carries (a page of the app sets its own policy).
fn secure_headers(headers: &mut HeaderMap) {
    let mut set = |name, value: &'static str| {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CONTENT_SECURITY_POLICY, API_CONTENT_SECURITY_POLICY);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    /// Request headers, the configured origin, and whether a change passes.
    type Case<'a> = (&'a [(&'static str, &'static str)], Option<&'a str>, bool);

    #[test]
    fn changes_from_this_site_or_no_browser_pass_and_others_are_refused() {
        let ours = Some("https://inbox.example.com");
        let cases: [Case; 9] = [
            (&[("sec-fetch-site", "same-origin")], ours, true),
            (&[("sec-fetch-site", "none")], ours, true),
            (&[("sec-fetch-site", "cross-site")], ours, false),
            (&[("sec-fetch-site", "same-site")], ours, false),
            (&[("origin", "https://inbox.example.com")], ours, true),
            (&[("origin", "https://evil.example")], ours, false),
            (&[], ours, true),
            (
                &[
                    ("origin", "http://127.0.0.1:8080"),
                    ("host", "127.0.0.1:8080"),
                ],
                None,
                true,
            ),
            (
                &[
                    ("origin", "http://evil.example"),
                    ("host", "127.0.0.1:8080"),
                ],
                None,
                false,
            ),
        ];
        for (sent, origin, allowed) in cases {
            assert_eq!(
                from_this_site(&headers(sent), origin).is_ok(),
                allowed,
                "{sent:?} with {origin:?}"
            );
        }
    }
}
