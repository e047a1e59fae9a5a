//! The managers' audit view: `GET /api/audit`, newest first, filtered by
//! time, person and kind of change.

use axum::extract::State;
use axum::Json;
use handover_core::api::Page;
use handover_core::audit::{AuditAction, AuditEntry};
use handover_core::AgentId;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::extract::QueryParams;
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::platform::time::parse_rfc3339;
use crate::state::AppState;
use crate::store::audit::{self, AuditFilter};

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(list)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries at or after this RFC 3339 time.
    from: Option<String>,
    /// Entries before this RFC 3339 time.
    to: Option<String>,
    /// Only what this person did.
    agent_id: Option<i64>,
    /// Only this kind of change: `intervene`, `transfer`, `release`,
    /// `resolve`, `bot`, `template`, `tag_rule`, `agent`, `api_token`, `settings`.
    action: Option<String>,
    /// The previous page's `next_cursor`.
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, ApiError> {
        let time = |name: &str, given: &Option<String>| match given.as_deref() {
            None | Some("") => Ok(None),
            Some(text) => parse_rfc3339(text).map(Some).ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_filter",
                    format!("{name}: {text:?} is not an RFC 3339 time, e.g. 2026-11-25T00:00:00Z."),
                )
            }),
        };
        let action = match self.action.as_deref() {
            None | Some("") => None,
            Some(text) => Some(AuditAction::parse(text).ok_or_else(|| {
                let known: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
                ApiError::bad_request(
                    "invalid_filter",
                    format!("action: {text:?} is not one of {}.", known.join(", ")),
                )
            })?),
        };
        let before = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(text) => Some(text.parse().map_err(|_| {
                ApiError::bad_request("invalid_cursor", "cursor: pass back a page's next_cursor.")
            })?),
        };
        Ok(AuditFilter {
            from: time("from", &self.from)?,
            to: time("to", &self.to)?,
            agent: self.agent_id.map(AgentId),
            action,
            before,
            limit: self.limit.unwrap_or(50).clamp(1, 200),
        })
    }
}

/// Who did what, when: chats taken, passed on, released and resolved, and
/// changes to the bot, templates, tag rules, the team, API tokens and
/// settings (managers).
#[utoipa::path(
    get,
    path = "/audit",
    operation_id = "list_audit_entries",
    tag = "reports",
    security(("session" = ["manager"])),
    params(AuditQuery),
    responses(
        (status = 200, body = Page<AuditEntry>),
    )
)]
async fn list(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let filter = query.filter()?;
    let items = audit::list(&state.db.pool, &filter).await?;
    let next_cursor = (items.len() == filter.limit as usize)
        .then(|| items.last().map(|entry| entry.id.to_string()))
        .flatten();
    Ok(Json(Page { items, next_cursor }))
}
