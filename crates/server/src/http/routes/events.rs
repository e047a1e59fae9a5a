//! `GET /api/events`: Server-Sent Events of every committed change.
//!
//! Each event carries its id; a client that reconnects with `Last-Event-ID`
//! (browsers do so by themselves) gets everything after it. A new client
//! starts from now. A comment after 15 s of silence keeps proxies from
//! closing the connection. Each event is written once per process as
//! server-sent event text (`event_feed`); a stream sends the events it has
//! queued together, in one write.
//!
//! A stream ends with a last `end` event when the server stops (the client
//! reconnects, to this server when it is back or to another) or when its
//! session is over (signed out here, disabled, a new password; sessions
//! ended elsewhere are noticed within [`SESSION_CHECK`]).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use handover_core::api::Event;
use serde::Deserialize;
use tokio::time::Instant;

use super::extract::QueryParams;
use super::openapi::Problem;
use crate::http::error::ApiError;
use crate::http::session;
use crate::http::signed_in::CurrentAgent;
use crate::platform::event_feed::FeedEvent;
use crate::platform::realtime::{StreamEnd, StreamTicket};
use crate::state::AppState;
use crate::store::{agents, events};

/// How often an open stream checks that its session still holds.
pub const SESSION_CHECK: Duration = Duration::from_secs(5);
/// How soon a client told the server stops should try again.
const RECONNECT_MS: u64 = 2_000;
/// Events a stream takes at once.
const PER_READ: usize = 200;
/// How long a stream stays silent at most: a comment then keeps proxies
/// from closing the connection.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// The most a stream writes at once when it has many events to send.
const WRITE_AT_ONCE: usize = 32 * 1024;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Resume {
    /// For clients that cannot set headers: the same as `Last-Event-ID`.
    last_event_id: Option<i64>,
}

/// Where a stream is.
struct Streaming {
    last_sent: i64,
    queue: VecDeque<FeedEvent>,
    /// Changes when the feed holds newer events.
    newer: tokio::sync::watch::Receiver<i64>,
    ticket: StreamTicket,
    session: String,
    /// The last event was sent: the stream is over.
    finished: bool,
    /// When the stream last wrote.
    written: Instant,
}

pub fn router() -> OpenApiRouter<AppState> {
    // A live stream takes as long as it takes.
    OpenApiRouter::new().routes(routes!(stream))
}

/// Server-Sent Events of every committed change; resume with `Last-Event-ID`.
///
/// Each event's name is its `type` (`sections`, `user`, `message`,
/// `mention`) and its data the JSON of an `Event`. A client that reconnects
/// with `Last-Event-ID` gets everything after it; a new one starts from now.
/// The stream ends with an `end` event when the server stops or the session
/// is over.
#[utoipa::path(
    get,
    path = "/events",
    operation_id = "stream_events",
    tag = "live",
    params(
        Resume,
        ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event received"),
    ),
    responses(
        (status = 200, description = "The stream", content_type = "text/event-stream", body = Event),
        (status = 429, response = Problem),
    )
)]
async fn stream(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParams(resume): QueryParams<Resume>,
) -> Result<Response, ApiError> {
    let session = session::token_from(&headers)
        .map(|token| crate::platform::secrets::token_hash(&token))
        .unwrap_or_default();
    let ticket =
        state
            .events
            .open(agent.id, &session)
            .map_err(|refused| ApiError::TooManyRequests {
                message: refused.to_string(),
                retry_after_s: 60,
            })?;
    // Subscribe before reading where to start, so no event falls between.
    let newer = state.events.feed().watch();
    let from_header = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let last_sent = match from_header.or(resume.last_event_id) {
        Some(id) => id,
        None => events::latest(&state.db.pool).await?,
    };
    let start = Streaming {
        last_sent,
        queue: VecDeque::new(),
        newer,
        ticket,
        session,
        finished: false,
        written: Instant::now(),
    };
    let frames = stream::unfold(start, move |mut at| {
        let state = state.clone();
        async move {
            if at.finished {
                return None;
            }
            loop {
                if let Some(frames) = at.take_frames() {
                    return Some((Ok::<_, Infallible>(frames), at));
                }
                // Marked seen before looking, so what arrives after wakes us.
                at.newer.borrow_and_update();
                match next_events(&state, at.last_sent).await {
                    Ok(found) if !found.is_empty() => {
                        at.queue.extend(found);
                        continue;
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(%error, "could not read events; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                }
                // Nothing new: wait for newer events, the end, the next
                // check of the session or the next keep-alive.
                let keep_alive = at.written + KEEP_ALIVE;
                let ended = tokio::select! {
                    changed = at.newer.changed() => changed.err().map(|_| StreamEnd::ServerStopping),
                    why = at.ticket.ended() => Some(why),
                    () = tokio::time::sleep(SESSION_CHECK) => {
                        session_over(&state, &at.session).await.then_some(StreamEnd::SignedOut)
                    }
                    () = tokio::time::sleep_until(keep_alive) => {
                        at.written = Instant::now();
                        return Some((Ok(Bytes::from_static(b":keep-alive\n\n")), at));
                    }
                };
                if let Some(why) = ended {
                    at.finished = true;
                    return Some((Ok(last_event(why)), at));
                }
            }
        }
    })
    // Ended streams may be polled again (by compression, for one); a fused
    // stream answers "ended" instead of panicking.
    .fuse();
    let headers = [
        (header::CONTENT_TYPE, "text/event-stream"),
        (header::CACHE_CONTROL, "no-cache"),
    ];
    Ok((headers, Body::from_stream(frames)).into_response())
}

impl Streaming {
    /// The queued events as one piece to write, up to [`WRITE_AT_ONCE`]
    /// bytes (a stream behind by many events catches up in a few writes,
    /// not one per event); `None` when none is queued.
    fn take_frames(&mut self) -> Option<Bytes> {
        let first = self.queue.pop_front()?;
        self.written = Instant::now();
        self.last_sent = first.id;
        let Some(next) = self.queue.front() else {
            return Some(first.frame);
        };
        let mut joined = Vec::with_capacity(first.frame.len() + next.frame.len());
        joined.extend_from_slice(&first.frame);
        while let Some(event) = self.queue.front() {
            if joined.len() + event.frame.len() > WRITE_AT_ONCE {
                break;
            }
            joined.extend_from_slice(&event.frame);
            self.last_sent = event.id;
            self.queue.pop_front();
        }
        Some(Bytes::from(joined))
    }
}

/// The next events after `last_sent`: from the shared feed, or from the
/// database for a stream further behind than the feed holds.
async fn next_events(state: &AppState, last_sent: i64) -> Result<Vec<FeedEvent>, sqlx::Error> {
    if let Some(held) = state.events.feed().since(last_sent, PER_READ) {
        return Ok(held);
    }
    let now = state.clock.now_ms();
    let read = events::after(&state.db.pool, last_sent, PER_READ as u32, now).await?;
    Ok(read
        .into_iter()
        .map(|(id, payload)| FeedEvent::new(id, &payload))
        .collect())
}

/// Whether the stream's session has ended (signed out, expired, disabled).
async fn session_over(state: &AppState, session: &str) -> bool {
    // A database that does not answer is no reason to end a stream.
    matches!(
        agents::by_session(&state.db.pool, session, state.clock.now_ms()).await,
        Ok(None)
    )
}

/// The `end` event: why the stream closes, and when to come back.
fn last_event(why: StreamEnd) -> Bytes {
    let reason = match why {
        StreamEnd::ServerStopping => "server_stopping",
        StreamEnd::SignedOut => "signed_out",
    };
    Bytes::from(format!(
        "event: end\nretry: {RECONNECT_MS}\ndata: {{\"reason\":\"{reason}\"}}\n\n"
    ))
}
