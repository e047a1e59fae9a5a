//! Reading a chat: the customer's messages are read when the agent holding
//! the chat (or anyone, while nobody holds it) opens it, which clears its
//! unread count for everyone and, unless the team turned read receipts
//! off, shows the customer blue ticks; while the holder types, WhatsApp's
//! typing indicator. Managers switch read receipts on and off.

use handover_core::api::{Agent, CustomerProfile};
use handover_core::audit::AuditAction;
use handover_core::{Status, WaId};

use super::require_profile;
use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::platform::outbound::read_payload;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::{customers, read_receipts};

/// `agent` opened the chat: the customer's messages are read; the profile
/// after it.
pub async fn read(
    state: &AppState,
    agent: &Agent,
    wa_id: &WaId,
) -> Result<CustomerProfile, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let chat = customers::chat_state(&mut write.tx, wa_id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))?;
    let reads_for_team = chat.status != Status::Intervened || chat.holder == Some(agent.id);
    let newest = match reads_for_team {
        true => customers::mark_read(&mut write.tx, wa_id).await?,
        false => None,
    };
    let tell_whatsapp = newest.is_some() && read_receipts::enabled(&mut write.tx).await?;
    if newest.is_some() {
        let mut batch = EventBatch::default();
        batch.customer(wa_id);
        batch.record(&mut write.tx, now).await?;
    }
    let profile = require_profile(&mut write.tx, wa_id, now).await?;
    write.commit().await?;
    if newest.is_some() {
        state.events.notify();
    }
    if let (true, Some(wamid)) = (tell_whatsapp, newest) {
        tell(state, wamid, false);
    }
    Ok(profile)
}

/// The agent holding the chat is typing: the customer sees WhatsApp's
/// typing indicator (at most once per 25 s, while the window is open and
/// read receipts are on).
pub async fn typing(state: &AppState, agent: &Agent, wa_id: &WaId) -> Result<(), AppError> {
    let now = state.clock.now_ms();
    let mut conn = state.db.pool.acquire().await?;
    let chat = customers::chat_state(&mut conn, wa_id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))?;
    let holds = chat.status == Status::Intervened && chat.holder == Some(agent.id);
    if !holds || !chat.window_open || !read_receipts::enabled(&mut conn).await? {
        return Ok(());
    }
    let newest = customers::newest_inbound_wamid(&mut conn, wa_id).await?;
    drop(conn);
    if let Some(wamid) = newest.filter(|_| state.typing.due(wa_id)) {
        tell(state, wamid, true);
    }
    Ok(())
}

/// Tells WhatsApp in the background (nothing waits for it, and a failure
/// is logged: the ticks are a courtesy, never worth failing the agent's
/// click).
fn tell(state: &AppState, wamid: String, typing: bool) {
    let transport = state.transport.clone();
    tokio::spawn(async move {
        if let Err(error) = transport.notify(&read_payload(&wamid, typing)).await {
            tracing::warn!(%error, typing, "WhatsApp was not told the chat was read");
        }
    });
}

/// Switches read receipts and the typing indicator on or off (managers).
pub async fn save_settings(
    state: &AppState,
    manager: &Agent,
    enabled: bool,
) -> Result<(), AppError> {
    let mut write = state.db.begin_write().await?;
    read_receipts::save(&mut write.tx, enabled).await?;
    let detail = if enabled { "On" } else { "Off" };
    let audited = Audited {
        by: manager,
        action: AuditAction::Settings,
        subject: "Read receipts",
        detail,
    };
    setup::commit(state, write, Some(audited), None).await?;
    Ok(())
}
