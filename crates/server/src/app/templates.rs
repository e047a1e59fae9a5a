//! Templates as people write and send them: drafts checked against
//! WhatsApp's limits, only approved templates sent, with a header file of
//! the kind the template starts with. `store::templates` keeps them.

use handover_core::api::{Agent, SetupPart};
use handover_core::audit::AuditAction;
use handover_core::templates::{Template, TemplateDraft, TemplateStatus};
use sqlx::{AnyConnection, AnyPool};

use crate::app::error::AppError;
use crate::app::setup::{self, Audited};
use crate::platform::db::Db;
use crate::platform::outbound::templates_api::Sample;
use crate::state::AppState;
use crate::store::template_media::{self, HeaderFile};
use crate::store::templates::{self as stored, Saved};

/// The draft checked against WhatsApp's limits; its parameter count.
fn checked(draft: &TemplateDraft) -> Result<usize, AppError> {
    draft.validate().map_err(|fields| AppError::Invalid {
        code: "invalid_template",
        message: format!(
            "The template has {} problem(s); each is listed with its field.",
            fields.len()
        ),
        fields,
    })
}

/// Stores a new template, pending review, in the caller's write.
pub async fn create(
    conn: &mut AnyConnection,
    draft: &TemplateDraft,
    now: i64,
) -> Result<Template, AppError> {
    let params = checked(draft)?;
    saved(draft, stored::create(conn, draft, params, now).await?)
}

/// Changes a pending or rejected template in the caller's write; it goes
/// back to pending.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    draft: &TemplateDraft,
    now: i64,
) -> Result<Template, AppError> {
    let params = checked(draft)?;
    match stored::update(conn, id, draft, params, now).await? {
        Saved::NoSuchTemplate => Err(not_found(id)),
        outcome => saved(draft, outcome),
    }
}

/// What a manager does to a template.
pub enum Change<'a> {
    Create(&'a TemplateDraft),
    Update(i64, &'a TemplateDraft),
    /// A copy of template `from` named `name`, pending.
    Copy {
        from: i64,
        name: String,
    },
    /// Sandbox mode only: approved, or rejected with a reason.
    Review {
        id: i64,
        status: TemplateStatus,
        reason: Option<&'a str>,
    },
}

/// A manager's change to a template, committed with its row in the audit
/// trail and the event that has open dashboards read the templates again.
pub async fn change(
    state: &AppState,
    by: &Agent,
    change: Change<'_>,
) -> Result<Template, AppError> {
    let now = state.clock.now_ms();
    if let Change::Review { status, reason, .. } = &change {
        if state.templates_api.is_some() {
            return Err(AppError::conflict(
                "reviewed_by_whatsapp",
                "WhatsApp reviews templates on this server; refresh the statuses to read its decision.",
            ));
        }
        if *status == TemplateStatus::Rejected
            && reason.is_none_or(|reason| reason.trim().is_empty())
        {
            return Err(AppError::Invalid {
                code: "invalid_review",
                message: "Say why the template is rejected.".into(),
                fields: vec![handover_core::FieldError {
                    field: "reason".into(),
                    message: "give the reason, so the template can be fixed".into(),
                }],
            });
        }
    }
    let mut write = state.db.begin_write().await?;
    let (template, detail) = match change {
        Change::Create(draft) => (
            create(&mut write.tx, draft, now).await?,
            "Created".to_owned(),
        ),
        Change::Update(id, draft) => (
            update(&mut write.tx, id, draft, now).await?,
            "Edited".to_owned(),
        ),
        Change::Copy { from, name } => {
            let original = stored::by_id(&mut write.tx, from)
                .await?
                .ok_or_else(|| not_found(from))?;
            let draft = TemplateDraft {
                name,
                ..original.draft()
            };
            let copy = create(&mut write.tx, &draft, now).await?;
            (copy, format!("Copied from {}", original.name))
        }
        Change::Review { id, status, reason } => {
            let reason = reason.map(str::trim).filter(|reason| !reason.is_empty());
            let reviewed = review(&mut write.tx, id, status, reason, now).await?;
            let detail = match reason {
                Some(reason) => format!("Marked {}: {reason}", status.as_str()),
                None => format!("Marked {}", status.as_str()),
            };
            (reviewed, detail)
        }
    };
    let subject = format!("{} ({})", template.name, template.language);
    let audited = Audited {
        by,
        action: AuditAction::Template,
        subject: &subject,
        detail: &detail,
    };
    setup::commit(state, write, Some(audited), Some(SetupPart::Templates)).await?;
    Ok(template)
}

/// Sends a stored template to WhatsApp for review (with its header's
/// sample), when configured. A refusal is kept on the template as its
/// rejection reason, so the manager sees it and can fix the template.
pub async fn submit(state: &AppState, template: Template) -> Result<Template, AppError> {
    let Some(api) = &state.templates_api else {
        return Ok(template);
    };
    let header = match &template.header_media {
        Some(media) => {
            template_media::by_id(&mut *state.db.pool.acquire().await?, media.id).await?
        }
        None => None,
    };
    let path = header
        .as_ref()
        .and_then(|file| state.media.path(&file.content_hash));
    let sample = header
        .as_ref()
        .zip(path.as_deref())
        .map(|(file, path)| Sample {
            path,
            mime_type: &file.mime_type,
            filename: file.filename.as_deref().unwrap_or("header"),
        });
    match api.submit(&template, sample).await {
        Ok(()) => Ok(template),
        Err(reason) => {
            let mut write = state.db.begin_write().await?;
            let rejected = review(
                &mut write.tx,
                template.id,
                TemplateStatus::Rejected,
                Some(&reason),
                state.clock.now_ms(),
            )
            .await?;
            write.commit().await?;
            Ok(rejected)
        }
    }
}

/// Keeps a manager's uploaded header file (already stored); as the
/// template screens show it.
pub async fn keep_header_file(
    state: &AppState,
    kind: handover_core::media::MediaKind,
    mime_type: &str,
    filename: Option<&str>,
    saved: &crate::platform::media::Saved,
) -> Result<handover_core::templates::HeaderMedia, AppError> {
    let mut write = state.db.begin_write().await?;
    let now = state.clock.now_ms();
    let file = template_media::insert(
        &mut write.tx,
        kind,
        mime_type,
        filename,
        &saved.hash,
        saved.size,
        now,
    )
    .await?;
    write.commit().await?;
    Ok(file.shown())
}

/// Cloud API only: reads WhatsApp's review outcomes into the templates;
/// how many changed.
pub async fn refresh_reviews(state: &AppState) -> Result<u64, AppError> {
    let Some(api) = &state.templates_api else {
        return Err(AppError::conflict(
            "sandbox_review",
            "Templates are reviewed by managers here (sandbox mode): approve or reject them on the Templates page. Set HANDOVER_WA_TOKEN and HANDOVER_WA_BUSINESS_ACCOUNT_ID to use WhatsApp's review.",
        ));
    };
    let reviews = api.reviews().await.map_err(AppError::Unavailable)?;
    let mut write = state.db.begin_write().await?;
    let changed = stored::apply_reviews(&mut write.tx, &reviews, state.clock.now_ms()).await?;
    let part = (changed > 0).then_some(SetupPart::Templates);
    setup::commit(state, write, None, part).await?;
    Ok(changed)
}

fn saved(draft: &TemplateDraft, outcome: Saved) -> Result<Template, AppError> {
    match outcome {
        Saved::Template(template) => Ok(template),
        Saved::NameTaken => Err(AppError::conflict(
            "template_exists",
            format!(
                "name: a template {} in {} already exists.",
                draft.name, draft.language
            ),
        )),
        Saved::UnknownHeaderFile(id) => Err(AppError::Invalid {
            code: "invalid_template",
            message: "The template's header names a file that was never uploaded.".into(),
            fields: vec![handover_core::FieldError {
                field: "header_media_id".into(),
                message: format!(
                    "there is no header file {id}; upload the photo, video or PDF with POST /api/templates/media first"
                ),
            }],
        }),
        Saved::Approved(current) => Err(AppError::conflict(
            "template_approved",
            format!(
                "{} is approved, so it cannot be edited; copy it and edit the copy.",
                current.name
            ),
        )),
        Saved::NoSuchTemplate => Err(AppError::NotFound("There is no such template.".into())),
    }
}

/// A stored template, or 404.
pub async fn by_id(db: &Db, id: i64) -> Result<Template, AppError> {
    let mut conn = db.pool.acquire().await?;
    stored::by_id(&mut conn, id)
        .await?
        .ok_or_else(|| not_found(id))
}

/// Sets the review outcome (sandbox mode, or what WhatsApp said) in the
/// caller's write.
pub async fn review(
    conn: &mut AnyConnection,
    id: i64,
    status: TemplateStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<Template, AppError> {
    stored::review(conn, id, status, reason, now)
        .await?
        .ok_or_else(|| not_found(id))
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("There is no template with id {id}."))
}

/// The approved template `name` in `language`; otherwise a refusal that
/// says what is wrong.
pub async fn approved(pool: &AnyPool, name: &str, language: &str) -> Result<Template, AppError> {
    let found = stored::find(pool, name, language).await?.ok_or_else(|| {
        AppError::unprocessable(
            "unknown_template",
            format!("template: there is no template {name} in language {language}."),
        )
    })?;
    if found.status != TemplateStatus::Approved {
        return Err(AppError::unprocessable(
            "template_not_approved",
            format!(
                "template: {} is {}; only approved templates can be sent.",
                found.name,
                found.status.as_str()
            ),
        ));
    }
    Ok(found)
}

/// The approved template `send` names, if its parameters fit, with the
/// file its media header carries on this send; otherwise a refusal that
/// says what to fix. Nothing leaves before this passes.
pub async fn sendable(
    pool: &AnyPool,
    send: &handover_core::api::TemplateSend,
) -> Result<(Template, Option<HeaderFile>), AppError> {
    let found = approved(pool, &send.name, &send.language).await?;
    found
        .check_params(&send.params)
        .map_err(|(code, message)| {
            AppError::unprocessable(code, format!("template: {message}."))
        })?;
    let header = header_file(pool, &found, send.header_media_id).await?;
    Ok((found, header))
}

/// The file a send of `template` carries at its top: the one `requested`
/// (of the template's header kind) or else the template's own; none for a
/// template without a media header.
pub async fn header_file(
    pool: &AnyPool,
    template: &Template,
    requested: Option<i64>,
) -> Result<Option<HeaderFile>, AppError> {
    let Some(own) = &template.header_media else {
        return match requested {
            Some(_) => Err(AppError::unprocessable(
                "no_media_header",
                format!(
                    "header_media_id: {} has no photo, video or document header; leave header_media_id out.",
                    template.name
                ),
            )),
            None => Ok(None),
        };
    };
    let id = requested.unwrap_or(own.id);
    let mut conn = pool.acquire().await?;
    let file = template_media::by_id(&mut conn, id).await?.ok_or_else(|| {
        AppError::unprocessable(
            "unknown_header_media",
            format!("header_media_id: there is no header file {id}; upload it with POST /api/templates/media first."),
        )
    })?;
    if file.kind != own.kind {
        return Err(AppError::unprocessable(
            "wrong_header_media",
            format!(
                "header_media_id: {} starts with a {}, and file {id} is a {}; choose a {}.",
                template.name,
                own.kind.noun(),
                file.kind.noun(),
                own.kind.noun()
            ),
        ));
    }
    Ok(Some(file))
}
