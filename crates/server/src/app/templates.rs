//! Templates as people write and send them: drafts checked against
//! WhatsApp's limits, only approved templates sent, with a header file of
//! the kind the template starts with. `store::templates` keeps them.

use handover_core::templates::{Template, TemplateDraft, TemplateStatus};
use sqlx::AnyPool;

use crate::app::error::AppError;
use crate::platform::db::Db;
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

/// Stores a new template, pending review.
pub async fn create(db: &Db, draft: &TemplateDraft, now: i64) -> Result<Template, AppError> {
    let params = checked(draft)?;
    saved(draft, stored::create(db, draft, params, now).await?)
}

/// Changes a pending or rejected template; it goes back to pending.
pub async fn update(
    db: &Db,
    id: i64,
    draft: &TemplateDraft,
    now: i64,
) -> Result<Template, AppError> {
    let params = checked(draft)?;
    match stored::update(db, id, draft, params, now).await? {
        Saved::NoSuchTemplate => Err(not_found(id)),
        outcome => saved(draft, outcome),
    }
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

/// Sets the review outcome (sandbox mode, or what WhatsApp said).
pub async fn review(
    db: &Db,
    id: i64,
    status: TemplateStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<Template, AppError> {
    stored::review(db, id, status, reason, now)
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
