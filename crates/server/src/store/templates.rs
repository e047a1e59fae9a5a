//! Message templates: stored drafts, their review status, and copies.
//! Approved templates are never edited (WhatsApp would send the old text);
//! a manager copies one to change it.

use handover_core::templates::{
    Template, TemplateButton, TemplateCategory, TemplateDraft, TemplateStatus,
};
use sqlx::query::QueryAs;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

use crate::db::Db;
use crate::error::ApiError;

const COLUMNS: &str =
    "id, name, language, category, header, body, footer, buttons, params, status, rejection_reason";

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
);

fn template(row: Row) -> Template {
    let (id, name, language, category, header, body, footer, buttons, params, status, reason) = row;
    Template {
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
    }
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

/// Binds ?1 to ?9: the draft's fields, its parameter count, and now.
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
}

/// Stores a new template, pending review.
pub async fn create(db: &Db, draft: &TemplateDraft, now: i64) -> Result<Template, ApiError> {
    let params = checked(draft)?;
    let mut write = db.begin_write().await?;
    let insert = format!(
        "INSERT INTO templates (name, language, category, header, body, footer, buttons, params, status, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9)
         RETURNING {COLUMNS}"
    );
    let row: Row = with_draft(sqlx::query_as(&insert), draft, params, now)
        .fetch_one(&mut *write.tx)
        .await
        .map_err(taken(draft))?;
    write.commit().await?;
    Ok(template(row))
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
    let update = format!(
        "UPDATE templates SET name = ?1, language = ?2, category = ?3, header = ?4, body = ?5, footer = ?6,
                buttons = ?7, params = ?8, status = 'pending', rejection_reason = NULL, updated_at = ?9
         WHERE id = ?10 RETURNING {COLUMNS}"
    );
    let row: Row = with_draft(sqlx::query_as(&update), draft, params, now)
        .bind(id)
        .fetch_one(&mut *write.tx)
        .await
        .map_err(taken(draft))?;
    write.commit().await?;
    Ok(template(row))
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
    write.commit().await?;
    row.map(template).ok_or_else(|| not_found(id))
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
            .fetch_optional(conn)
            .await?;
    row.map(template).ok_or_else(|| not_found(id))
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
    Ok(rows.into_iter().map(template).collect())
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
    Ok(row.map(template))
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

/// The approved template `send` names, if its parameters fit; otherwise a
/// refusal that says what to fix. Nothing leaves before this passes.
pub async fn sendable(
    pool: &SqlitePool,
    send: &handover_core::api::TemplateSend,
) -> Result<Template, ApiError> {
    let found = approved(pool, &send.name, &send.language).await?;
    found
        .check_params(&send.params)
        .map_err(|(code, message)| {
            ApiError::unprocessable(code, format!("template: {message}."))
        })?;
    Ok(found)
}
