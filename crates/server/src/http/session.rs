//! The session cookie: a random token in an HttpOnly, SameSite=Strict
//! cookie; only its hash is stored (`platform::secrets`), so a leaked
//! database opens no sessions.

use axum::http::{header, HeaderMap};

use crate::app::auth::accounts::SESSION_LIFETIME_MS;

pub const COOKIE: &str = "handover_session";

/// The session token from the request's cookies, if any.
pub fn token_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// The session cookie; `secure` (served over HTTPS) keeps browsers from
/// ever sending it over plain HTTP.
pub fn set_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={}{}",
        SESSION_LIFETIME_MS / 1000,
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; handover_session=abc123; lang=en"),
        );
        assert_eq!(token_from(&headers).as_deref(), Some("abc123"));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("handover_session="),
        );
        assert_eq!(token_from(&headers), None);
    }

    #[test]
    fn the_cookie_cannot_be_read_by_scripts_or_sent_cross_site() {
        let cookie = set_cookie("t", false);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Strict"));
        assert!(!cookie.contains("Secure"));
        assert!(
            set_cookie("t", true).ends_with("; Secure"),
            "only over HTTPS"
        );
        assert!(clear_cookie(true).ends_with("; Secure"));
    }
}
