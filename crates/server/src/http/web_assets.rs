//! The built web app (Trunk's `dist/`), served from the same port as the API.
//!
//! The files are embedded in the binary when it is compiled, in debug
//! builds as in release ones, so the server works from any directory and
//! needs nothing beside it (`cargo xtask build` builds the web app first;
//! the end-to-end suite drives the debug build the native tests compiled).
//!
//! Trunk names every asset with a content hash, so those can be cached
//! forever; `index.html` must always be revalidated so a new deployment is
//! picked up. Paths without a file extension are client-side routes and get
//! the page of the app that serves them: `manage.html` (the managers'
//! screens) under `/manage/`, `index.html` (the inbox) everywhere else.
//!
//! `cargo xtask build` writes a brotli and a gzip copy beside each file
//! (`app.wasm.br`, `app.wasm.gz`); the copy the browser accepts is sent as
//! it is, so nothing is compressed per request.

use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use rust_embed::Embed;

#[derive(Embed)]
// Relative to this crate's Cargo.toml: the workspace root's dist/.
#[folder = "../../dist/"]
#[allow_missing = true]
struct WebApp;

const INDEX: &str = "index.html";
const MANAGE: &str = "manage.html";

/// The page of the app that serves a client-side route.
pub fn page_for(path: &str) -> &'static str {
    if path.starts_with("manage/") {
        MANAGE
    } else {
        INDEX
    }
}

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
    let page = page_for(path);
    match WebApp::get(page) {
        Some(file) => file_response(page, file, &headers),
        None => app_not_built(),
    }
}

/// How a file is sent: as it is, or as one of its precompressed copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The suffix of the precompressed copy, and the `Content-Encoding`.
    fn suffix_and_name(self) -> Option<(&'static str, &'static str)> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some((".gz", "gzip")),
            Encoding::Brotli => Some((".br", "br")),
        }
    }
}

/// The encodings an `Accept-Encoding` header allows, best first: brotli,
/// then gzip, then none. A `q=0` refuses an encoding.
pub fn accepted(accept_encoding: &str) -> Vec<Encoding> {
    let allows = |wanted: &str| {
        accept_encoding.split(',').any(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or_default().trim();
            let refused = pieces.any(|piece| {
                piece
                    .trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            name.eq_ignore_ascii_case(wanted) && !refused
        })
    };
    let mut encodings = Vec::new();
    if allows("br") {
        encodings.push(Encoding::Brotli);
    }
    if allows("gzip") {
        encodings.push(Encoding::Gzip);
    }
    encodings.push(Encoding::Identity);
    encodings
}

fn file_response(path: &str, file: rust_embed::EmbeddedFile, request: &HeaderMap) -> Response {
    let accept = request
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let (encoding, body) = accepted(accept)
        .into_iter()
        .find_map(|encoding| match encoding.suffix_and_name() {
            None => Some((encoding, file.data.clone())),
            Some((suffix, _)) => {
                WebApp::get(&format!("{path}{suffix}")).map(|copy| (encoding, copy.data))
            }
        })
        .unwrap_or((Encoding::Identity, file.data.clone()));
    let name = encoding.suffix_and_name().map(|(_, name)| name);
    let etag = match name {
        Some(name) => format!("\"{}-{name}\"", hex(&file.metadata.sha256_hash())),
        None => format!("\"{}\"", hex(&file.metadata.sha256_hash())),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(path)),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    // Also on a 304: the browser keeps the headers of the answer it reuses.
    if path.ends_with(".html") {
        let policy = page_policy(&String::from_utf8_lossy(&file.data));
        if let Ok(value) = HeaderValue::from_str(&policy) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
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
    if let Some(name) = name {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    (headers, body.into_owned()).into_response()
}

/// The Content-Security-Policy of a page of the app: its own files only,
/// WebAssembly, and the inline start-up script Trunk writes, named by its
/// hash (any other inline script, say one injected into a message, is
/// refused by the browser).
pub fn page_policy(html: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let hashes: String = inline_scripts(html)
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The bodies of the page's inline `<script>` elements.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (attributes, rest) = rest.split_once('>')?;
        if attributes.contains("src=") {
            return None;
        }
        rest.split_once("</script>").map(|(body, _)| body)
    })
}

/// Hashed assets never change under their name; everything else revalidates.
pub fn cache_control(path: &str) -> &'static str {
    if has_content_hash(path) {
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

/// Trunk appends `-<hash>` to the stem of every file it hashes, e.g.
/// `handover-web-4f9c0d1e2a3b5c6d_bg.wasm` or `main-0123456789abcdef.css`:
/// a 64-bit number in hex without leading zeros, so usually 16 digits and
/// now and then fewer.
fn has_content_hash(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        (12..=16).contains(&digits) && matches!(rest.as_bytes().get(digits), Some(b'.' | b'_'))
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
            ("manage.html", "no-cache"),
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
            (
                "handover-manage-7d8736fbd96b89f_bg.wasm",
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
    fn the_best_encoding_the_browser_accepts_comes_first() {
        use Encoding::*;
        let cases = [
            ("gzip, deflate, br, zstd", vec![Brotli, Gzip, Identity]),
            ("gzip", vec![Gzip, Identity]),
            ("br;q=1.0, gzip;q=0.8", vec![Brotli, Gzip, Identity]),
            ("br;q=0, gzip", vec![Gzip, Identity]),
            ("BR", vec![Brotli, Identity]),
            ("", vec![Identity]),
            ("identity", vec![Identity]),
        ];
        for (header, expected) in cases {
            assert_eq!(accepted(header), expected, "{header:?}");
        }
    }

    #[test]
    fn a_page_may_run_its_own_start_up_script_and_nothing_else_inline() {
        let html =
            "<head><script type=\"module\">import init from '/app.js';\nawait init();</script>\
                    <script src=\"/other.js\"></script></head>";
        let policy = page_policy(html);
        // sha256 of the inline script's exact text, base64.
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{policy}"
        );
        assert_eq!(policy.matches("'sha256-").count(), 1, "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert_eq!(
            inline_scripts(html).collect::<Vec<_>>(),
            ["import init from '/app.js';\nawait init();"]
        );
    }

    #[test]
    fn each_app_serves_its_own_routes() {
        assert_eq!(page_for("sections/requesting"), "index.html");
        assert_eq!(page_for("chats/919876543210"), "index.html");
        assert_eq!(page_for("manage/users"), "manage.html");
        assert_eq!(page_for("managers"), "index.html");
    }

    #[test]
    fn client_routes_are_told_apart_from_missing_files() {
        assert!(looks_like_a_file("missing-1234.js"));
        assert!(!looks_like_a_file("users/4915112345678"));
        assert!(!looks_like_a_file("history"));
    }
}
