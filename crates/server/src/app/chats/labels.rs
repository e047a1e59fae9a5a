//! Labels on a chat, and the team's closing reasons.

use handover_core::api::{Agent, CustomerProfile, SetupPart};
use handover_core::audit::AuditAction;
use handover_core::labels::{normalise, spelled_as, ClosingReasons};
use handover_core::WaId;

use super::require_profile;
use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::labels;

/// Sets the chat's labels; the customer's profile after it.
pub async fn set(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
    given: &[String],
) -> Result<CustomerProfile, AppError> {
    let unfit = |problem| AppError::unprocessable("invalid_labels", format!("labels: {problem}."));
    let tidy = normalise(given).map_err(unfit)?;
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    // A label the team already uses keeps the team's spelling ("VIP" on one
    // chat is "vip" where "vip" is in use), so filters and reports see one.
    let known = labels::in_use(&mut *write.tx).await?;
    let spelled: Vec<String> = tidy
        .iter()
        .map(|label| spelled_as(label, &known).to_owned())
        .collect();
    let tidy = normalise(&spelled).map_err(unfit)?;
    let changed = labels::set(&mut write.tx, wa_id, &tidy, agent.id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))?;
    let profile = require_profile(&mut write.tx, wa_id, now).await?;
    if changed {
        let mut batch = EventBatch::default();
        batch.customer(wa_id);
        // The labels in use, which every dashboard suggests, may be new.
        batch.setup(SetupPart::Labels);
        batch.record(&mut write.tx, now).await?;
    }
    write.commit().await?;
    if changed {
        state.events.notify();
    }
    Ok(profile)
}

/// Sets the closing reasons and whether Resolve must give one (managers);
/// them as kept.
pub async fn save_closing_reasons(
    state: &AppState,
    manager: &Agent,
    given: &ClosingReasons,
) -> Result<ClosingReasons, AppError> {
    let tidy = given
        .tidied()
        .map_err(|problem| AppError::unprocessable("invalid_reasons", format!("{problem}.")))?;
    let mut write = state.db.begin_write().await?;
    labels::save_closing_reasons(&mut write.tx, &tidy).await?;
    let required = if tidy.required {
        " (required at Resolve)"
    } else {
        ""
    };
    let detail = format!("{}{required}", tidy.reasons.join(", "));
    let audited = Audited {
        by: manager,
        action: AuditAction::Settings,
        subject: "Closing reasons",
        detail: &detail,
    };
    setup::commit(state, write, Some(audited), Some(SetupPart::ClosingReasons)).await?;
    Ok(tidy)
}
