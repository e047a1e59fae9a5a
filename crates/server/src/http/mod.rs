//! The HTTP surface: one router per resource under `routes/`, the extractors
//! that say who is calling, errors as JSON, security headers, the accept loop
//! and the built web apps. Handlers parse and answer; the work is in `app`.

pub mod error;
pub mod parse_errors;
pub mod request_id;
pub mod routes;
pub mod security;
pub mod serve;
pub mod session;
pub mod signed_in;
pub mod web_assets;
