//! Canned replies as managers keep them: each change checked, and
//! committed with the event that has open dashboards read the list again.

use handover_core::api::{Agent, SetupPart};
use handover_core::canned::{CannedReply, CannedReplyDraft};

use crate::app::error::AppError;
use crate::app::setup;
use crate::state::AppState;
use crate::store::canned;

/// What a manager does to a canned reply.
pub type Change<'a> = setup::Change<'a, CannedReplyDraft>;

/// A manager's change to the canned replies; the reply as it now is (none
/// once deleted).
pub async fn change(
    state: &AppState,
    manager: &Agent,
    change: Change<'_>,
) -> Result<Option<CannedReply>, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let reply = match change {
        setup::Change::Create(draft) => {
            let draft = checked(draft)?;
            let created = canned::create(&mut write.tx, &draft, manager.id, now)
                .await
                .map_err(|error| taken(error, &draft.shortcut))?;
            Some(created)
        }
        setup::Change::Update(id, draft) => {
            let draft = checked(draft)?;
            let updated = canned::update(&mut write.tx, id, &draft, manager.id, now)
                .await
                .map_err(|error| taken(error, &draft.shortcut))?
                .ok_or_else(|| not_found(id))?;
            Some(updated)
        }
        setup::Change::Delete(id) => {
            if !canned::delete(&mut write.tx, id).await? {
                return Err(not_found(id));
            }
            None
        }
    };
    setup::commit(state, write, None, Some(SetupPart::CannedReplies)).await?;
    Ok(reply)
}

/// The draft tidied, or every problem with its field.
fn checked(draft: &CannedReplyDraft) -> Result<CannedReplyDraft, AppError> {
    draft.validate().map_err(|fields| AppError::Invalid {
        code: "invalid_canned_reply",
        message: "The canned reply has problems; each is named by its field.".into(),
        fields,
    })?;
    Ok(draft.tidied())
}

fn taken(error: sqlx::Error, shortcut: &str) -> AppError {
    match AppError::from(error) {
        AppError::Conflict { .. } => AppError::conflict(
            "shortcut_taken",
            format!("shortcut: /{shortcut} is already a canned reply; choose another."),
        ),
        other => other,
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("There is no canned reply with id {id}."))
}
