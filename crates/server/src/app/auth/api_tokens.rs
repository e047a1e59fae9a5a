//! API tokens for integrations: created and revoked by managers (each with
//! its row in the audit trail), their last use noted.

use handover_core::api::Agent;
use handover_core::audit::AuditAction;
use handover_core::campaigns::ApiToken;

use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::platform::secrets;
use crate::state::AppState;
use crate::store::api_tokens as stored;

/// How precisely a token's last use is kept: one used again within this
/// long is not written again.
const LAST_USE_PRECISION_MS: i64 = 60_000;

/// Creates a token named `name`; it and its secret, shown this once.
pub async fn create(
    state: &AppState,
    manager: &Agent,
    name: &str,
) -> Result<(ApiToken, String), AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::unprocessable(
            "invalid_name",
            "name: say in 1 to 80 characters what the token is for, e.g. \"Shop orders\".",
        ));
    }
    let secret = format!("hov_{}", secrets::new_token());
    let mut write = state.db.begin_write().await?;
    let token = stored::create(
        &mut write.tx,
        name,
        &secrets::token_hash(&secret),
        manager.id,
        state.clock.now_ms(),
    )
    .await?;
    let audited = Audited {
        by: manager,
        action: AuditAction::ApiToken,
        subject: name,
        detail: "Created",
    };
    setup::commit(state, write, Some(audited), None).await?;
    Ok((token, secret))
}

/// Revokes token `id` at once; it as it now is.
pub async fn revoke(state: &AppState, manager: &Agent, id: i64) -> Result<ApiToken, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let revoked = stored::revoke(&mut write.tx, id, now)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no API token with id {id}.")))?;
    let audited = Audited {
        by: manager,
        action: AuditAction::ApiToken,
        subject: &revoked.name,
        detail: "Revoked",
    };
    setup::commit(state, write, Some(audited), None).await?;
    Ok(revoked)
}

/// Notes that token `id` was used now, unless it was within the last
/// minute (so a busy integration does not take the write turn on every
/// call).
pub async fn used(state: &AppState, id: i64, last_used_at: Option<i64>) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    if last_used_at.is_none_or(|at| now - at >= LAST_USE_PRECISION_MS) {
        let mut write = state.db.begin_write().await?;
        stored::mark_used(&mut write.tx, id, now).await?;
        write.commit().await?;
    }
    Ok(())
}
