//! Private notes in a chat: only the team sees them; `@name` tells a
//! colleague, and is kept for them to find later.

use handover_core::api::{Agent, AgentRef, Message};
use handover_core::notes::{mentioned_names, names_person, Mention, NewNote, MAX_NOTE};
use handover_core::WaId;

use crate::app::error::AppError;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::{agents, customers, mentions, messages};

/// Adds a private note to the thread; everyone it mentions is told at once.
pub async fn add(
    state: &AppState,
    author: &Agent,
    wa_id: &WaId,
    note: &NewNote,
) -> Result<Message, AppError> {
    let text = note.text.trim();
    if text.is_empty() || text.chars().count() > MAX_NOTE {
        return Err(AppError::unprocessable(
            "invalid_text",
            format!("text: write 1 to {MAX_NOTE} characters."),
        ));
    }
    let handles = mentioned_names(text);
    let team = agents::list(&state.db.pool).await?;
    let mentioned: Vec<_> = team
        .iter()
        .filter(|person| !person.disabled && person.id != author.id)
        .filter(|person| {
            handles
                .iter()
                .any(|handle| names_person(handle, &person.name, &person.email))
        })
        .collect();

    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let customer = customers::profile(&mut write.tx, wa_id, now)
        .await?
        .ok_or_else(|| AppError::no_customer(wa_id))?;
    let id = messages::insert_note(&mut write.tx, wa_id, author.id, text, now).await?;
    let mut batch = EventBatch::default();
    for person in mentioned {
        mentions::record(&mut write.tx, person.id, id, now).await?;
        batch.mention(Mention {
            agent: person.id,
            by: AgentRef {
                id: author.id,
                name: author.name.clone(),
            },
            wa_id: wa_id.clone(),
            customer: if customer.name.is_empty() {
                format!("+{wa_id}")
            } else {
                customer.name.clone()
            },
            message_id: id,
            text: text.to_owned(),
        });
    }
    super::with_message(state, write, batch, id, now).await
}

/// Marks every mention of `me` read.
pub async fn read_mentions(state: &AppState, me: &Agent) -> Result<(), AppError> {
    let mut write = state.db.begin_write().await?;
    mentions::read_all(&mut write.tx, me.id, state.clock.now_ms()).await?;
    write.commit().await?;
    Ok(())
}
