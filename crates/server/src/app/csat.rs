//! Customer satisfaction surveys: after an agent resolves a chat the bot
//! asks once (the question inside the window, the approved template
//! outside it), and a customer's tap on an answer is recorded against the
//! agent and the chat instead of reaching the bot.

use handover_core::api::{Agent, Author, TemplateSend};
use handover_core::audit::AuditAction;
use handover_core::csat::{self, CsatSettings, CsatTap};
use handover_core::templates::{Template, TemplateStatus};
use handover_core::FieldError;
use handover_core::WaId;
use serde_json::{json, Value};
use sqlx::{AnyConnection, AnyPool};

use crate::app::bot;
use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::app::templates;
use crate::platform::outbound;
use crate::state::AppState;
use crate::store::csat::{self as stored, Channel};
use crate::store::events::EventBatch;
use crate::store::messages::{self, Outbound};

/// What asking needs, read before the resolve's transaction.
pub struct Survey {
    settings: CsatSettings,
    /// The approved template for customers outside the window.
    template: Option<Template>,
}

/// The survey to send after a resolve; `None` when the team switched it off.
pub async fn prepare(pool: &AnyPool) -> Result<Option<Survey>, AppError> {
    let settings = stored::settings(&mut *pool.acquire().await?).await?;
    if !settings.enabled {
        return Ok(None);
    }
    let template = match &settings.template {
        Some(named) => match templates::approved(pool, &named.name, &named.language).await {
            Ok(template) => Some(template),
            Err(refused) => {
                tracing::warn!(%refused, "the satisfaction template cannot be sent; customers outside the window are not asked");
                None
            }
        },
        None => None,
    };
    Ok(Some(Survey { settings, template }))
}

/// Whether `template` can carry the survey outside the window: approved,
/// no parameters to fill, no media header, and a quick reply to tap.
pub fn template_fits(template: &Template) -> Result<(), String> {
    if template.status != TemplateStatus::Approved {
        return Err(format!(
            "{} is {}; choose an approved template",
            template.name,
            template.status.as_str()
        ));
    }
    if template.params > 0 || template.header_media.is_some() {
        return Err(format!(
            "{} takes parameters or a file; choose one that needs nothing filled in",
            template.name
        ));
    }
    if !template
        .buttons
        .iter()
        .any(|button| button.is_quick_reply())
    {
        return Err(format!(
            "{} has no quick reply button for the customer to tap",
            template.name
        ));
    }
    Ok(())
}

/// After a resolve just recorded in `conn`'s transaction: one survey for
/// it, queued as the question (window open) or the template (closed, if
/// the team chose one). Returns whether a message was queued.
pub async fn ask(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    survey: &Survey,
    wa_id: &WaId,
    window_open: bool,
    now: i64,
) -> Result<bool, AppError> {
    let template = survey
        .template
        .as_ref()
        .filter(|template| template_fits(template).is_ok());
    let channel = match (window_open, template) {
        (true, _) => Channel::Interactive,
        (false, Some(_)) => Channel::Template,
        (false, None) => return Ok(false),
    };
    let Some((resolve_id, agent)) = stored::last_transition(conn, wa_id).await? else {
        return Ok(false);
    };
    let scale = survey.settings.scale;
    let Some(id) = stored::create(conn, wa_id, agent, resolve_id, scale, channel, now).await?
    else {
        return Ok(false);
    };
    let queued = match (channel, template) {
        (Channel::Template, Some(template)) => {
            let send = TemplateSend {
                name: template.name.clone(),
                language: template.language.clone(),
                params: Vec::new(),
                header_media_id: None,
            };
            let payload =
                with_open_buttons(outbound::template_payload(wa_id, &send, None), template, id);
            let message = Outbound {
                wa_id,
                author: Author::Bot,
                agent: None,
                text: None,
                template: Some(&send),
                payload: &payload,
                campaign: None,
            };
            messages::queue_template(conn, &message, None, now).await?
        }
        _ => queue_question(conn, &survey.settings, wa_id, id, now).await?,
    };
    batch.message(queued);
    Ok(true)
}

/// The template's quick replies each carry the survey's "open" payload.
fn with_open_buttons(mut payload: Value, template: &Template, survey: i64) -> Value {
    let buttons: Vec<Value> = template
        .buttons
        .iter()
        .enumerate()
        .filter(|(_, button)| button.is_quick_reply())
        .map(|(index, _)| {
            json!({
                "type": "button",
                "sub_type": "quick_reply",
                "index": index.to_string(),
                "parameters": [{ "type": "payload", "payload": csat::open_id(survey) }],
            })
        })
        .collect();
    let components = &mut payload["template"]["components"];
    match components.as_array_mut() {
        Some(existing) => existing.extend(buttons),
        None => *components = Value::Array(buttons),
    }
    payload
}

async fn queue_question(
    conn: &mut AnyConnection,
    settings: &CsatSettings,
    wa_id: &WaId,
    survey: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let question = settings.question_reply(survey);
    let payload = bot::payload(wa_id, &question);
    let message = Outbound::from_bot(wa_id, question.text(), &payload);
    messages::queue_outbound(conn, &message, now).await
}

/// A customer's tap, if it answers one of their own surveys: the score
/// recorded (once) and thanked for, or the question sent after a tap on
/// the template. `None`: not a survey's tap; the bot reads it as usual.
/// `Some(queued)`: handled, and whether a reply was queued.
pub async fn answer(
    conn: &mut AnyConnection,
    batch: &mut EventBatch,
    wa_id: &WaId,
    reply_id: &str,
    now: i64,
) -> Result<Option<bool>, AppError> {
    let Some(tap) = csat::parse_tap(reply_id) else {
        return Ok(None);
    };
    let survey_id = match tap {
        CsatTap::Score { survey, .. } | CsatTap::Open { survey } => survey,
    };
    let Some(survey) = stored::survey(conn, wa_id, survey_id).await? else {
        return Ok(None);
    };
    let settings = stored::settings(conn).await?;
    let reply = match tap {
        _ if survey.answered => return Ok(Some(false)),
        CsatTap::Open { .. } => queue_question(conn, &settings, wa_id, survey_id, now).await?,
        CsatTap::Score { score, .. } => {
            if !survey.scale.allows(score)
                || !stored::answer(conn, wa_id, survey_id, score, now).await?
            {
                return Ok(Some(false));
            }
            batch.customer(wa_id);
            let payload = outbound::text_payload(wa_id, &settings.thanks);
            let thanks = Outbound::from_bot(wa_id, &settings.thanks, &payload);
            messages::queue_outbound(conn, &thanks, now).await?
        }
    };
    batch.message(reply);
    Ok(Some(true))
}

/// Changes the satisfaction survey's settings (managers), committed with
/// their row in the audit trail; the settings as kept.
pub async fn save_settings(
    state: &AppState,
    manager: &Agent,
    given: &CsatSettings,
) -> Result<CsatSettings, AppError> {
    let invalid = |fields: Vec<FieldError>| AppError::Invalid {
        code: "invalid_csat_settings",
        message: "The survey's settings have problems; each is named by its field.".into(),
        fields,
    };
    let settings = given.checked().map_err(invalid)?;
    if let Some(named) = &settings.template {
        let unfit = |message: String| {
            invalid(vec![FieldError {
                field: "template".into(),
                message,
            }])
        };
        let template = templates::approved(&state.db.pool, &named.name, &named.language)
            .await
            .map_err(|refused| match refused {
                AppError::Unprocessable { message, .. } => unfit(message),
                other => other,
            })?;
        template_fits(&template).map_err(unfit)?;
    }
    let mut write = state.db.begin_write().await?;
    stored::save_settings(&mut write.tx, &settings).await?;
    let detail = match (settings.enabled, &settings.template) {
        (false, _) => "Satisfaction survey switched off".to_owned(),
        (true, None) => format!("Satisfaction survey on, {}", settings.scale.label()),
        (true, Some(template)) => format!(
            "Satisfaction survey on, {}, template {} outside the window",
            settings.scale.label(),
            template.name
        ),
    };
    let audited = Audited {
        by: manager,
        action: AuditAction::Settings,
        subject: "Satisfaction survey",
        detail: &detail,
    };
    setup::commit(state, write, Some(audited), None).await?;
    Ok(settings)
}
