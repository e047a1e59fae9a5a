//! `GET /api/openapi.json`: the API described for integrators.

use axum::http::header;
use axum::response::IntoResponse;

use crate::auth::CurrentAgent;

pub const DOCUMENT: &str = include_str!("../../openapi.json");

pub async fn document(_agent: CurrentAgent) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_describes_every_route_the_router_serves() {
        let document: serde_json::Value = serde_json::from_str(DOCUMENT).expect("valid JSON");
        assert_eq!(document["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        for (method, path) in super::super::API_ROUTES {
            assert!(
                document["paths"][path][method].is_object(),
                "{method} {path} is missing from openapi.json"
            );
        }
    }
}
