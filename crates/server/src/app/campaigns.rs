//! Starting an API campaign: the request is checked as a whole (an
//! approved template, a key, a bounded number of recipients), then each
//! recipient (a valid number, the template's parameters, not twice); the
//! accepted ones are queued in one transaction with the campaign row, so a
//! campaign exists exactly when its messages do. New customers get Source
//! `API`; existing ones keep theirs. Sending is the outbox's job (paced).

use std::collections::HashMap;

use handover_core::api::{Author, TemplateSend};
use handover_core::campaigns::{Campaign, CampaignRequest, RefusedRecipient};
use handover_core::templates::Template;
use handover_core::WaId;

use crate::app::contacts::phone;
use crate::app::error::AppError;
use crate::app::templates;
use crate::platform::outbound;
use crate::state::AppState;
use crate::store::campaigns::{self, NewCampaign};
use crate::store::customers;
use crate::store::events::EventBatch;
use crate::store::messages::{self, Outbound};
use crate::store::template_media::HeaderFile;

/// The Source of customers first reached by the API (PRODUCT.md §2).
pub const API_SOURCE: &str = "API";

/// How a campaign request ended.
pub enum Started {
    Created(Campaign),
    /// The idempotency key was seen before: the first campaign, untouched.
    Repeated(Campaign),
}

/// An accepted recipient.
struct Accepted {
    wa_id: WaId,
    name: String,
    send: TemplateSend,
}

pub async fn start(
    state: &AppState,
    token: i64,
    request: CampaignRequest,
) -> Result<Started, AppError> {
    let key = request.idempotency_key.trim();
    if key.is_empty() || key.chars().count() > 200 {
        return Err(AppError::unprocessable(
            "invalid_idempotency_key",
            "idempotency_key: give 1 to 200 characters that identify this campaign, so a retried request sends nothing twice.",
        ));
    }
    {
        let mut conn = state.db.pool.acquire().await?;
        if let Some(id) = campaigns::by_key(&mut conn, token, key).await? {
            return Ok(Started::Repeated(find(state, id, Some(token)).await?));
        }
    }
    let limit = state.campaign_max_recipients;
    if request.recipients.is_empty() || request.recipients.len() > limit {
        return Err(AppError::unprocessable(
            "invalid_recipients",
            format!(
                "recipients: send 1 to {limit} recipients per campaign (HANDOVER_CAMPAIGN_MAX_RECIPIENTS); split larger lists."
            ),
        ));
    }
    let template =
        templates::approved(&state.db.pool, &request.template, &request.language).await?;
    let header = templates::header_file(&state.db.pool, &template, request.header_media_id).await?;
    let in_header = header.as_ref().map(HeaderFile::in_header);
    let (accepted, refused) = sort_recipients(&request, &template);
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    // Two requests with one key: the second waited for the first to commit.
    if let Some(id) = campaigns::by_key(&mut write.tx, token, key).await? {
        drop(write);
        return Ok(Started::Repeated(find(state, id, Some(token)).await?));
    }
    let name = request
        .name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or(key);
    let id = campaigns::create(
        &mut write.tx,
        &NewCampaign {
            name,
            template: &template.name,
            language: &template.language,
            idempotency_key: key,
            token,
            queued: accepted.len(),
            refused: &refused,
        },
        now,
    )
    .await?;
    for recipient in &accepted {
        customers::create_if_missing(
            &mut write.tx,
            &recipient.wa_id,
            &recipient.name,
            API_SOURCE,
            now,
        )
        .await?;
        customers::fill_empty_name(&mut write.tx, &recipient.wa_id, &recipient.name).await?;
        let payload = outbound::template_payload(&recipient.wa_id, &recipient.send, in_header);
        messages::queue_template(
            &mut write.tx,
            &Outbound {
                wa_id: &recipient.wa_id,
                author: Author::System,
                agent: None,
                text: None,
                template: Some(&recipient.send),
                payload: &payload,
                campaign: Some(id),
            },
            header.as_ref(),
            now,
        )
        .await?;
    }
    let mut events = EventBatch::default();
    events.counts();
    events.record(&mut write.tx, now).await?;
    write.commit().await?;
    state.events.notify();
    state.outbox.wake();
    Ok(Started::Created(find(state, id, Some(token)).await?))
}

/// A campaign with its funnel; with `token`, only one that token started
/// (an integration never sees another's campaigns).
pub async fn find(state: &AppState, id: i64, token: Option<i64>) -> Result<Campaign, AppError> {
    campaigns::get(&state.db.pool, id, token)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no campaign with id {id}.")))
}

/// Splits the recipients into those to queue and those refused, each
/// refusal with its reason.
fn sort_recipients(
    request: &CampaignRequest,
    template: &Template,
) -> (Vec<Accepted>, Vec<RefusedRecipient>) {
    let mut accepted = Vec::with_capacity(request.recipients.len());
    let mut refused = Vec::new();
    let mut first: HashMap<WaId, usize> = HashMap::new();
    for (index, recipient) in request.recipients.iter().enumerate() {
        let refuse = |reason: String| RefusedRecipient {
            index,
            phone: recipient.phone.clone(),
            reason,
        };
        let wa_id = match phone::international(&recipient.phone) {
            Ok(wa_id) => wa_id,
            Err(reason) => {
                refused.push(refuse(reason));
                continue;
            }
        };
        if let Err((_, reason)) = template.check_params(&recipient.params) {
            refused.push(refuse(reason));
            continue;
        }
        if let Some(earlier) = first.get(&wa_id) {
            refused.push(refuse(format!("the same number as recipient {earlier}")));
            continue;
        }
        first.insert(wa_id.clone(), index);
        accepted.push(Accepted {
            wa_id,
            name: recipient
                .name
                .as_deref()
                .map(str::trim)
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
            send: TemplateSend {
                name: template.name.clone(),
                language: template.language.clone(),
                params: recipient.params.clone(),
                header_media_id: request.header_media_id,
            },
        });
    }
    (accepted, refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::campaigns::Recipient;

    fn recipient(phone: &str, params: &[&str]) -> Recipient {
        Recipient {
            phone: phone.into(),
            name: None,
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    #[test]
    fn each_recipient_is_checked_and_refusals_say_why() {
        let request = CampaignRequest {
            idempotency_key: "k".into(),
            name: None,
            template: "order_update".into(),
            language: "en".into(),
            header_media_id: None,
            recipients: vec![
                recipient("+91 98200 12345", &["Asha", "A-1"]),
                recipient("12345", &["Ravi", "A-2"]),
                recipient("919820054321", &["Ravi"]),
                recipient("919820054321", &["Ravi", " "]),
                recipient("919820012345", &["Asha", "A-1"]),
                recipient("14155552671", &["Sam", "A-3"]),
            ],
        };
        let template = Template {
            id: 1,
            name: "order_update".into(),
            language: "en".into(),
            category: handover_core::templates::TemplateCategory::Utility,
            header: None,
            header_media: None,
            body: "Hi {{1}}, order {{2}} ships today.".into(),
            footer: None,
            buttons: Vec::new(),
            params: 2,
            status: handover_core::templates::TemplateStatus::Approved,
            rejection_reason: None,
        };
        let (accepted, refused) = sort_recipients(&request, &template);
        let queued: Vec<&str> = accepted.iter().map(|a| a.wa_id.as_str()).collect();
        assert_eq!(queued, ["919820012345", "14155552671"]);
        let reasons: Vec<(usize, &str)> = refused
            .iter()
            .map(|r| (r.index, r.reason.as_str()))
            .collect();
        assert_eq!(reasons[0].0, 1);
        assert!(reasons[0].1.contains("not"), "{reasons:?}");
        assert_eq!(
            reasons[1..],
            [
                (2, "order_update takes 2 parameter(s); 1 given"),
                (3, "parameter {{2}} is empty"),
                (4, "the same number as recipient 0"),
            ]
        );
    }
}
