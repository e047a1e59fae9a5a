//! Message templates: stored drafts and their review status (`templates`
//! checks drafts and sends; here they arrive checked). Approved templates
//! are never edited (WhatsApp would send the old text).

use handover_core::templates::{
    Template, TemplateButton, TemplateCategory, TemplateDraft, TemplateStatus,
};
use sqlx::any::AnyArguments;
use sqlx::query::QueryAs;
use sqlx::{Any, AnyConnection, AnyPool};

use super::template_media;

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
async fn template(conn: &mut AnyConnection, row: Row) -> Result<Template, sqlx::Error> {
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

/// What saving a draft came to.
pub enum Saved {
    Template(Template),
    /// Another template has the draft's name and language.
    NameTaken,
    /// The draft's header names a file that was never uploaded.
    UnknownHeaderFile(i64),
    /// The template is approved, so it is not edited.
    Approved(Template),
    NoSuchTemplate,
}

fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(error) if error.is_unique_violation())
}

/// Whether the draft's header file, if it names one, was uploaded.
async fn header_file_known(
    conn: &mut AnyConnection,
    draft: &TemplateDraft,
) -> Result<Option<i64>, sqlx::Error> {
    match draft.header_media_id {
        Some(id) if template_media::by_id(conn, id).await?.is_none() => Ok(Some(id)),
        _ => Ok(None),
    }
}

fn optional(text: &Option<String>) -> Option<&str> {
    text.as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Binds $1 to $10: the draft's fields, its parameter count, now, and its
/// media header.
fn with_draft<'q>(
    query: QueryAs<'q, Any, Row, AnyArguments<'q>>,
    draft: &'q TemplateDraft,
    params: usize,
    now: i64,
) -> QueryAs<'q, Any, Row, AnyArguments<'q>> {
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

/// Stores a new template, pending review (`params`: its parameter count).
pub async fn create(
    conn: &mut AnyConnection,
    draft: &TemplateDraft,
    params: usize,
    now: i64,
) -> Result<Saved, sqlx::Error> {
    if let Some(unknown) = header_file_known(&mut *conn, draft).await? {
        return Ok(Saved::UnknownHeaderFile(unknown));
    }
    let insert = format!(
        "INSERT INTO templates (name, language, category, header, body, footer, buttons, params, status, created_at, updated_at, header_media_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $9, $10)
         RETURNING {COLUMNS}"
    );
    let row: Row = match with_draft(sqlx::query_as(&insert), draft, params, now)
        .fetch_one(&mut *conn)
        .await
    {
        Ok(row) => row,
        Err(error) if is_unique_violation(&error) => return Ok(Saved::NameTaken),
        Err(error) => return Err(error),
    };
    let created = template(&mut *conn, row).await?;
    Ok(Saved::Template(created))
}

/// Changes a pending or rejected template; it goes back to pending.
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    draft: &TemplateDraft,
    params: usize,
    now: i64,
) -> Result<Saved, sqlx::Error> {
    let Some(current) = by_id(&mut *conn, id).await? else {
        return Ok(Saved::NoSuchTemplate);
    };
    if current.status == TemplateStatus::Approved {
        return Ok(Saved::Approved(current));
    }
    if let Some(unknown) = header_file_known(&mut *conn, draft).await? {
        return Ok(Saved::UnknownHeaderFile(unknown));
    }
    let update = format!(
        "UPDATE templates SET name = $1, language = $2, category = $3, header = $4, body = $5, footer = $6,
                buttons = $7, params = $8, status = 'pending', rejection_reason = NULL, updated_at = $9,
                header_media_id = $10
         WHERE id = $11 RETURNING {COLUMNS}"
    );
    let row: Row = match with_draft(sqlx::query_as(&update), draft, params, now)
        .bind(id)
        .fetch_one(&mut *conn)
        .await
    {
        Ok(row) => row,
        Err(error) if is_unique_violation(&error) => return Ok(Saved::NameTaken),
        Err(error) => return Err(error),
    };
    let updated = template(&mut *conn, row).await?;
    Ok(Saved::Template(updated))
}

/// Sets the review outcome (sandbox mode, or what WhatsApp said); `None`
/// when there is no such template.
pub async fn review(
    conn: &mut AnyConnection,
    id: i64,
    status: TemplateStatus,
    reason: Option<&str>,
    now: i64,
) -> Result<Option<Template>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "UPDATE templates SET status = $2, rejection_reason = $3, updated_at = $4 WHERE id = $1
         RETURNING {COLUMNS}"
    ))
    .bind(id)
    .bind(status.as_str())
    .bind(reason.filter(|_| status == TemplateStatus::Rejected))
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let reviewed = template(&mut *conn, row).await?;
    Ok(Some(reviewed))
}

/// Applies statuses reported by WhatsApp, by name and language; returns
/// how many templates changed.
pub async fn apply_reviews(
    conn: &mut AnyConnection,
    reviews: &[(String, String, TemplateStatus, Option<String>)],
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut changed = 0;
    for (name, language, status, reason) in reviews {
        changed += sqlx::query(
            "UPDATE templates SET status = $3, rejection_reason = $4, updated_at = $5
             WHERE name = $1 AND language = $2 AND (status <> $3 OR rejection_reason IS DISTINCT FROM $4)",
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
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    Ok(changed)
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<Template>, sqlx::Error> {
    let row: Option<Row> =
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM templates WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some(row) => Ok(Some(template(conn, row).await?)),
        None => Ok(None),
    }
}

pub async fn list(pool: &AnyPool) -> Result<Vec<Template>, sqlx::Error> {
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
    pool: &AnyPool,
    name: &str,
    language: &str,
) -> Result<Option<Template>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM templates WHERE name = $1 AND language = $2"
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
