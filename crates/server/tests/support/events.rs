//! The live event stream as a dashboard reads it.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::COOKIE;

use super::{Session, TestApp};

/// Reads SSE frames until `count` events (not comments) have arrived.
pub async fn read_events(
    response: reqwest::Response,
    count: usize,
) -> Vec<(i64, String, serde_json::Value)> {
    read_events_until(response, |events| events.len() >= count).await
}

/// Reads SSE frames until what has arrived is `enough`.
pub async fn read_events_until(
    response: reqwest::Response,
    enough: impl Fn(&[(i64, String, serde_json::Value)]) -> bool,
) -> Vec<(i64, String, serde_json::Value)> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let mut events = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !enough(&events) {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .expect("events arrive in time")
            .expect("stream open")
            .expect("chunk");
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let field = |name: &str| {
                frame.lines().find_map(|line| {
                    line.strip_prefix(&format!("{name}:"))
                        .map(|v| v.trim().to_owned())
                })
            };
            if let (Some(id), Some(name), Some(data)) = (field("id"), field("event"), field("data"))
            {
                events.push((
                    id.parse().unwrap(),
                    name,
                    serde_json::from_str(&data).unwrap(),
                ));
            }
        }
    }
    events
}

pub async fn subscribe(
    app: &TestApp,
    session: &Session,
    last_event_id: Option<i64>,
) -> reqwest::Response {
    let mut request = app
        .http
        .get(app.url("/api/events"))
        .header(COOKIE, &session.cookie);
    if let Some(id) = last_event_id {
        request = request.header("last-event-id", id.to_string());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    response
}
