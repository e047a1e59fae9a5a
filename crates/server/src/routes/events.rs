//! `GET /api/events`: Server-Sent Events of every committed change.
//!
//! Each event carries its id; a client that reconnects with `Last-Event-ID`
//! (browsers do so by themselves) gets everything after it. A new client
//! starts from now. A comment every 15 s keeps proxies from closing the
//! connection.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use serde::Deserialize;

use super::extract::QueryParams;
use crate::auth::CurrentAgent;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::events;

#[derive(Deserialize)]
pub struct Resume {
    /// For clients that cannot set headers: the same as `Last-Event-ID`.
    last_event_id: Option<i64>,
}

pub async fn stream(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(resume): QueryParams<Resume>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Subscribe before reading where to start, so no commit falls between.
    let commits = state.events.subscribe();
    let from_header = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let last_sent = match from_header.or(resume.last_event_id) {
        Some(id) => id,
        None => events::latest(&state.db.pool).await?,
    };
    let pool = state.db.pool.clone();
    // The agent is online for as long as the stream lives.
    let online = state.events.online(agent.id);
    let start = (last_sent, VecDeque::<(i64, String)>::new(), commits, online);
    let events = stream::unfold(
        start,
        move |(mut last_sent, mut queue, mut commits, online)| {
            let pool = pool.clone();
            async move {
                loop {
                    if let Some((id, payload)) = queue.pop_front() {
                        last_sent = id;
                        return Some((
                            Ok(to_sse(id, &payload)),
                            (last_sent, queue, commits, online),
                        ));
                    }
                    match events::after(&pool, last_sent, 200).await {
                        Ok(found) if !found.is_empty() => queue.extend(found),
                        Ok(_) => {
                            // Nothing new: wait for the next commit (or the hub closing).
                            commits.changed().await.ok()?;
                        }
                        Err(error) => {
                            tracing::warn!(%error, "could not read events; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    }
                }
            }
        },
    )
    // Ended streams may be polled again (by compression, for one); a fused
    // stream answers "ended" instead of panicking.
    .fuse();
    Ok(Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(15))
            .text("keep-alive"),
    ))
}

fn to_sse(id: i64, payload: &str) -> Event {
    let name = serde_json::from_str::<serde_json::Value>(payload)
        .ok()
        .and_then(|value| value["type"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "message".to_owned());
    Event::default()
        .id(id.to_string())
        .event(name)
        .data(payload)
}
