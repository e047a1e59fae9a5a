//! Message templates: the body and how many `{{n}}` parameters it takes.

use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;

use crate::db::Db;
use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Template {
    pub id: i64,
    pub name: String,
    pub language: String,
    pub category: String,
    pub body: String,
    pub params: i64,
    pub status: String,
}

/// `POST /api/templates`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewTemplate {
    pub name: String,
    pub language: String,
    pub category: String,
    pub body: String,
}

/// Counts the parameters `{{1}}`…`{{n}}` of a body; they must be numbered
/// from 1 without gaps.
pub fn count_params(body: &str) -> Result<usize, String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut rest = body;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let n: usize = inner.parse().map_err(|_| {
            format!("body: {{{{{inner}}}}} is not a parameter; use {{{{1}}}}, {{{{2}}}}, …")
        })?;
        seen.insert(n);
        rest = &after[end + 2..];
    }
    match seen.iter().enumerate().find(|(i, n)| **n != i + 1) {
        Some((i, _)) => Err(format!(
            "body: parameters must be numbered from {{{{1}}}} without gaps; {{{{{}}}}} is missing.",
            i + 1
        )),
        None => Ok(seen.len()),
    }
}

pub async fn create(db: &Db, template: &NewTemplate, now: i64) -> Result<Template, ApiError> {
    handover_core::TemplateName::parse(&template.name).map_err(|error| {
        ApiError::unprocessable("invalid_template_name", format!("name: {error}"))
    })?;
    if !matches!(
        template.category.as_str(),
        "marketing" | "utility" | "authentication"
    ) {
        return Err(ApiError::unprocessable(
            "invalid_category",
            "category: use marketing, utility or authentication.",
        ));
    }
    if template.language.trim().is_empty() || template.body.trim().is_empty() {
        return Err(ApiError::unprocessable(
            "missing_field",
            "language and body are required.",
        ));
    }
    let params = count_params(&template.body)
        .map_err(|message| ApiError::unprocessable("invalid_body", message))?;
    let mut write = db.begin_write().await?;
    let created: Template = sqlx::query_as(
        "INSERT INTO templates (name, language, category, body, params, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         RETURNING id, name, language, category, body, params, status",
    )
    .bind(&template.name)
    .bind(template.language.trim())
    .bind(&template.category)
    .bind(&template.body)
    .bind(params as i64)
    .bind(now)
    .fetch_one(&mut *write.tx)
    .await
    .map_err(|error| match ApiError::from(error) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "template_exists",
            format!(
                "A template {} in {} already exists.",
                template.name, template.language
            ),
        ),
        other => other,
    })?;
    write.commit().await?;
    Ok(created)
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Template>, sqlx::Error> {
    sqlx::query_as("SELECT id, name, language, category, body, params, status FROM templates ORDER BY name, language")
        .fetch_all(pool)
        .await
}

pub async fn find(
    pool: &SqlitePool,
    name: &str,
    language: &str,
) -> Result<Option<Template>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name, language, category, body, params, status FROM templates WHERE name = ?1 AND language = ?2",
    )
    .bind(name)
    .bind(language)
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_counted_and_must_be_numbered_without_gaps() {
        assert_eq!(count_params("Hello"), Ok(0));
        assert_eq!(count_params("Hi {{1}}, order {{2}} ships {{3}}."), Ok(3));
        assert_eq!(count_params("{{1}} and {{1}} again"), Ok(1));
        assert_eq!(count_params("Hi {{ 1 }}"), Ok(1));
        assert!(count_params("Hi {{2}}")
            .unwrap_err()
            .contains("{{1}} is missing"));
        assert!(count_params("Hi {{name}}")
            .unwrap_err()
            .contains("not a parameter"));
    }
}
