//! First-message tag rules, stored in priority order, and the tag a rule
//! gives a customer (`tag_rules` checks drafts and matches messages).

use handover_core::tags::{TagMatch, TagRule, TagRuleDraft};
use handover_core::WaId;
use sqlx::{AnyConnection, AnyExecutor};

use super::rollups::{self, Trait};

type Row = (i64, String, String, String, i64, i64);

fn rule((id, kind, pattern, tag, priority, tagged): Row) -> TagRule {
    TagRule {
        id,
        kind: TagMatch::parse(&kind).unwrap_or(TagMatch::Exact),
        pattern,
        tag,
        priority,
        tagged: u64::try_from(tagged).unwrap_or_default(),
    }
}

/// Every rule, in the order they are tried: from the pool, or inside a
/// delivery's transaction.
pub async fn list<'e>(db: impl AnyExecutor<'e>) -> Result<Vec<TagRule>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT id, kind, pattern, tag, priority, tagged FROM tag_rules ORDER BY priority, id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(rule).collect())
}

/// Saves a checked draft as a new rule.
pub async fn create(
    conn: &mut AnyConnection,
    draft: &TagRuleDraft,
    now: i64,
) -> Result<TagRule, sqlx::Error> {
    let row: Row = sqlx::query_as(
        "INSERT INTO tag_rules (kind, pattern, tag, priority, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, kind, pattern, tag, priority, tagged",
    )
    .bind(draft.kind.as_str())
    .bind(&draft.pattern)
    .bind(&draft.tag)
    .bind(draft.priority)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    Ok(rule(row))
}

/// Changes a rule to a checked draft; `None` when there is no such rule.
/// Customers it tagged keep their tag (tags never change).
pub async fn update(
    conn: &mut AnyConnection,
    id: i64,
    draft: &TagRuleDraft,
) -> Result<Option<TagRule>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "UPDATE tag_rules SET kind = $2, pattern = $3, tag = $4, priority = $5 WHERE id = $1
         RETURNING id, kind, pattern, tag, priority, tagged",
    )
    .bind(id)
    .bind(draft.kind.as_str())
    .bind(&draft.pattern)
    .bind(&draft.tag)
    .bind(draft.priority)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(rule))
}

/// Deletes a rule; whether there was one. The customers it tagged keep
/// their tag.
pub async fn delete(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = sqlx::query("DELETE FROM tag_rules WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

/// Gives `wa_id` the tag of `matched`, and counts it on the rule.
pub async fn give(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    matched: &TagRule,
) -> Result<(), sqlx::Error> {
    rollups::refile(conn, Trait::Tag, wa_id, -1).await?;
    sqlx::query("UPDATE users SET first_message_tag = $2 WHERE wa_id = $1")
        .bind(wa_id.as_str())
        .bind(&matched.tag)
        .execute(&mut *conn)
        .await?;
    rollups::refile(conn, Trait::Tag, wa_id, 1).await?;
    sqlx::query("UPDATE tag_rules SET tagged = tagged + 1 WHERE id = $1")
        .bind(matched.id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
