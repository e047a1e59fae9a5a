//! The built web app (Trunk's `dist/`), served from the same port as the API.
//!
//! In release builds the files are embedded in the binary, so the server
//! works from any directory and needs nothing beside it. In debug builds
//! they are read from `dist/` at request time, which suits development.
//!
//! Trunk names every asset with a content hash, so those can be cached
//! forever; `index.html` must always be revalidated so a new deployment is
//! picked up. Paths without a file extension are client-side routes and get
//! `index.html`.

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
// Relative to this crate's Cargo.toml: the workspace root's dist/.
#[folder = "../../dist/"]
#[allow_missing = true]
struct WebApp;

const INDEX: &str = "index.html";

/// Fallback handler: a file of the web app, or the app's shell.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            "Only GET and HEAD are served here.",
        )
            .into_response();
    }
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() { INDEX } else { path };

    if let Some(file) = WebApp::get(path) {
        return file_response(path, file, &headers);
    }
    if looks_like_a_file(path) {
        return (StatusCode::NOT_FOUND, format!("No file at /{path}.")).into_response();
    }
    match WebApp::get(INDEX) {
        Some(index) => file_response(INDEX, index, &headers),
        None => app_not_built(),
    }
}

fn file_response(path: &str, file: rust_embed::EmbeddedFile, request: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()));
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    let not_modified = request
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag));
    if not_modified {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    if let Ok(value) = HeaderValue::from_str(&content_type(path, file.metadata.mimetype())) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    (headers, file.data.into_owned()).into_response()
}

/// Hashed assets never change under their name; everything else revalidates.
pub fn cache_control(path: &str) -> &'static str {
    if path != INDEX && has_content_hash(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// Text types get an explicit charset; the rest keep their guessed type.
pub fn content_type(path: &str, guessed: &str) -> String {
    let guessed = if path.ends_with(".wasm") {
        "application/wasm"
    } else {
        guessed
    };
    if guessed.starts_with("text/")
        || guessed == "application/javascript"
        || guessed == "text/javascript"
    {
        format!("{guessed}; charset=utf-8")
    } else {
        guessed.to_owned()
    }
}

/// Trunk appends `-<16 hex digits>` to the stem of every file it hashes,
/// e.g. `handover-web-4f9c0d1e2a3b5c6d_bg.wasm` or `main-0123456789abcdef.css`.
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        rest.len() > 16
            && rest[..16].bytes().all(|b| b.is_ascii_hexdigit())
            && matches!(rest.as_bytes()[16], b'.' | b'_')
    })
}

fn looks_like_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|name| name.contains('.'))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn app_not_built() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Html(
            "<!doctype html><title>Handover</title><h1>The web app has not been built</h1>\
             <p>Run <code>cargo xtask run</code> from the repository, which builds the app and \
             then the server. The API is available meanwhile.</p>",
        ),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_assets_are_cached_forever_and_the_shell_is_revalidated() {
        let cases = [
            ("index.html", "no-cache"),
            (
                "handover-web-4f9c0d1e2a3b5c6d_bg.wasm",
                "public, max-age=31536000, immutable",
            ),
            (
                "handover-web-4f9c0d1e2a3b5c6d.js",
                "public, max-age=31536000, immutable",
            ),
            (
                "main-0123456789abcdef.css",
                "public, max-age=31536000, immutable",
            ),
            ("main.css", "no-cache"),
            ("handover-web.js", "no-cache"),
            ("logo-notahashatall.svg", "no-cache"),
        ];
        for (path, expected) in cases {
            assert_eq!(cache_control(path), expected, "{path}");
        }
    }

    #[test]
    fn wasm_and_text_get_the_types_browsers_require() {
        assert_eq!(
            content_type("app_bg.wasm", "application/octet-stream"),
            "application/wasm"
        );
        assert_eq!(
            content_type("index.html", "text/html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type("app.js", "text/javascript"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("main.css", "text/css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(content_type("logo.png", "image/png"), "image/png");
    }

    #[test]
    fn client_routes_are_told_apart_from_missing_files() {
        assert!(looks_like_a_file("missing-1234.js"));
        assert!(!looks_like_a_file("users/4915112345678"));
        assert!(!looks_like_a_file("history"));
    }
}
