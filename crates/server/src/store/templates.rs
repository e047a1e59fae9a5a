//! Message templates: stored drafts, their review status, and copies.
//! Approved templates are never edited (WhatsApp would send the old text);
//! a manager copies one to change it.

use handover_core::templates::{
    Template, TemplateButton, TemplateCategory, TemplateDraft, TemplateStatus,
};
use sqlx::query::QueryAs;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use super::template_media::{self, HeaderFile};
use crate::db::Db;
use crate::error::ApiError;

const COLUMNS: &str = "id, name, language, category, header, body, footer, buttons, params, status, rejection_reason, header_media_id";

type Row = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    i64,
    String,
    Option<String>,
    Option<i64>,
);

/// A stored template, its media header read with it.
async fn template(conn: &mut SqliteConnection, row: Row) -> Result<Template, sqlx::Error> {
    let (
        id,
        name,
        language,
        category,
        header,
        body,
        footer,
        buttons,
        params,
        status,
        reason,
        media,
    ) = row;
    let header_media = match media {
        Some(media) => template_media::by_id(conn, media)
            .await?
            .map(|file| file.shown()),
        None => None,
    };
    Ok(Template {
        id,
        name,
        language,
        category: TemplateCategory::parse(&category).unwrap_or(TemplateCategory::Utility),
        header,
        body,
        footer,
        buttons: serde_json::from_str::<Vec<TemplateButton>>(&buttons).unwrap_or_default(),
        params: usize::try_from(params).unwrap_or_default(),
        status: TemplateStatus::parse(&status).unwrap_or(TemplateStatus::Pending),
        rejection_reason: reason,
        header_media,
    })
}

/// The draft checked against WhatsApp's limits; its parameter count.
fn checked(draft: &TemplateDraft) -> Result<usize, ApiError> {
    draft.validate().map_err(|fields| ApiError::Invalid {
        code: "invalid_template",
        message: format!(
            "The template has {} problem(s); each is listed with its field.",
            fields.len()
        ),
        fields,
    })
}

fn taken(draft: &TemplateDraft) -> impl FnOnce(sqlx::Error) -> ApiError + '_ {
    move |error| match ApiError::from(error) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "template_exists",
            format!(
                "name: a template {} in {} already exists.",
                draft.name, draft.language
            ),
        ),
        other => other,
    }
}

fn optional(text: &Option<String>) -> Option<&str> {
    text.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Refuses a draft whose media header names no uploaded file.
async fn check_header_media(
    conn: &mut SqliteConnection,
    draft: &TemplateDraft,
) -> Result<(), ApiError> {
    let Some(id) = draft.header_media_id else {
        return Ok(());
    };
    if template_media::by_id(conn, id).await?.is_some() {
        return Ok(());
    }
    Err(ApiError::Invalid {
        code: "invalid_template",
        message: "The template's header names a file that was never uploaded.".into(),
        fields: vec![handover_core::FieldError {
            field: "header_media_id".into(),
            message: format!(
                "there is no header file {id}; upload the photo, video or PDF with POST /api/templates/media first"
            ),
        }],
    })
}

/// Binds ?1 to ?10: the draft's fields, its parameter count, now, and its
/// media header.
fn with_draft<'q>(
    query: QueryAs<'q, Sqlite, Row, SqliteArguments<'q>>,
    draft: &'q TemplateDraft,
    params: usize,
    now: i64,
) -> QueryAs<'q, Sqlite, Row, SqliteArguments<'q>> {
    query
        .bind(&draft.name)
        .bind(&draft.language)
        .bind(draft.category.as_str())
        .bind(optional(&draft.header))
        .bind(&draft.body)
        .bind(optional(&draft.footer))
        .bind(serde_json::to_string(&draft.buttons).unwrap_or_else(|_| "[]".into()))
        .bind(params as i64)
        .bind(now)
        .bind(draft.header_media_id)
}

/// Stores a new template, pending review.
pub async fn create(db: &Db, draft: &TemplateDraft, now: i64) -> Result<Template, ApiError> {
    let params = checked(draft)?;
    let mut write = db.begin_write().await?;
    check_header_media(&mut write.tx, draft).await?;
    let insert = format!(
        "INSERT INTO templates (name, language, category, header, body, footer, buttons, params, status, created_at, updated_at, header_media_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9, ?10)
         RETURNING {COLUMNS}"
    );
    let row: Row = with_draft(sqlx::query_as(&insert), draft, params, now)
        .fetch_one(&mut *write.tx)
        .await
        .map_err(taken(draft))?;
    let created = template(&mut write.tx, row).await?;
    write.commit().await?;
    Ok(created)
}

/// Changes a pending or rejected template; it goes back to pending.
pub async fn update(
    db: &Db,
    id: i64,
    draft: &TemplateDraft,
    now: i64,
) -> Result<Template, ApiError> {
    let params = checked(draft)?;
    let mut write = db.begin_write().await?;
    let current = by_id(&mut write.tx, id).await?;
    if current.status == TemplateStatus::Approved {
        return Err(ApiError::conflict(
            "template_approved",
            format!(
                "{} is approved, so it cannot be edited; copy it and edit the copy.",
                current.name
            ),
        ));
    }
    check_header_media(&mut write.tx, draft).await?;
    let update = format!(
        "UPDATE templates SET name = ?1, language = ?2, category = ?3, header = ?4, body = ?5, footer = ?6,
                buttons = ?7, params = ?8, status = 'pending', rejection_reason = NULL, updated_at = ?9,
                header_media_id = ?10
         WHERE id = ?11 RETURNING {COLUMNS}"
    );
    let row: Row = with_draft(sqlx::query_as(&update), draft, params, now)
        .bind(id)
        .fetch_one(&mut *write.tx)
        .await
        .map_err(taken(draft))?;
    let updated = template(&mut write.tx, row).await?;
    write.commit().await?;
    Ok(updated)
}

/// Sets the review outcome (sandbox mode, or what WhatsApp said).
pub async fn review(
    db: &Db,
    id: i64,
    status: TemplateStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<Template, ApiError> {
    let mut write = db.begin_write().await?;
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE templates SET status = ?2, rejection_reason = ?3, updated_at = ?4 WHERE id = ?1
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(status.as_str())
    .bind(reason.filter(|_| status == TemplateStatus::Rejected))
    .bind(now)
    .fetch_optional(&mut *write.tx)
    .await?;
    let row = row.ok_or_else(|| not_found(id))?;
    let reviewed = template(&mut write.tx, row).await?;
    write.commit().await?;
    Ok(reviewed)
}

/// Applies statuses reported by WhatsApp, by name and language; returns
/// how many templates changed.
pub async fn apply_reviews(
    db: &Db,
    reviews: &[(String, String, TemplateStatus, Option<String>)],
    now: i64,
) -> Result<u64, ApiError> {
    let mut write = db.begin_write().await?;
    let mut changed = 0;
    for (name, language, status, reason) in reviews {
        changed += sqlx::query(
            "UPDATE templates SET status = ?3, rejection_reason = ?4, updated_at = ?5
             WHERE name = ?1 AND language = ?2 AND (status <> ?3 OR rejection_reason IS NOT ?4)",
        )
        .bind(name)
        .bind(language)
        .bind(status.as_str())
        .bind(
            reason
                .as_deref()
                .filter(|_| *status == TemplateStatus::Rejected),
        )
        .bind(now)
        .execute(&mut *write.tx)
        .await?
        .rows_affected();
    }
    write.commit().await?;
    Ok(changed)
}

pub async fn by_id(conn: &mut SqliteConnection, id: i64) -> Result<Template, ApiError> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM templates WHERE id = ?1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let row = row.ok_or_else(|| not_found(id))?;
    Ok(template(conn, row).await?)
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("There is no template with id {id}."))
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Template>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM templates ORDER BY name, language"
    ))
    .fetch_all(pool)
    .await?;
    let mut conn = pool.acquire().await?;
    let mut templates = Vec::with_capacity(rows.len());
    for row in rows {
        templates.push(template(&mut conn, row).await?);
    }
    Ok(templates)
}

pub async fn find(
    pool: &SqlitePool,
    name: &str,
    language: &str,
) -> Result<Option<Template>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM templates WHERE name = ?1 AND language = ?2"
    ))
    .bind(name)
    .bind(language)
    .fetch_optional(pool)
    .await?;
    match row {
        Some(row) => Ok(Some(template(&mut *pool.acquire().await?, row).await?)),
        None => Ok(None),
    }
}

/// The approved template `name` in `language`; otherwise a refusal that
/// says what is wrong.
pub async fn approved(pool: &SqlitePool, name: &str, language: &str) -> Result<Template, ApiError> {
    let found = find(pool, name, language).await?.ok_or_else(|| {
        ApiError::unprocessable(
            "unknown_template",
            format!("template: there is no template {name} in language {language}."),
        )
    })?;
    if found.status != TemplateStatus::Approved {
        return Err(ApiError::unprocessable(
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
    pool: &SqlitePool,
    send: &handover_core::api::TemplateSend,
) -> Result<(Template, Option<HeaderFile>), ApiError> {
    let found = approved(pool, &send.name, &send.language).await?;
    found
        .check_params(&send.params)
        .map_err(|(code, message)| {
            ApiError::unprocessable(code, format!("template: {message}."))
        })?;
    let header = header_file(pool, &found, send.header_media_id).await?;
    Ok((found, header))
}

/// The file a send of `template` carries at its top: the one `requested`
/// (of the template's header kind) or else the template's own; none for a
/// template without a media header.
pub async fn header_file(
    pool: &SqlitePool,
    template: &Template,
    requested: Option<i64>,
) -> Result<Option<HeaderFile>, ApiError> {
    let Some(own) = &template.header_media else {
        return match requested {
            Some(_) => Err(ApiError::unprocessable(
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
        ApiError::unprocessable(
            "unknown_header_media",
            format!("header_media_id: there is no header file {id}; upload it with POST /api/templates/media first."),
        )
    })?;
    if file.kind != own.kind {
        return Err(ApiError::unprocessable(
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
