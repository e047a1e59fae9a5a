//! Labels on chats and the closing reasons of the team: the current set on
//! the customer, a row per label to filter by, and every change with who
//! made it and when.

use handover_core::labels::ClosingReasons;
use handover_core::{AgentId, WaId};
use sqlx::AnyConnection;

use super::rollups::{self, Trait};

/// Sets a chat's labels to `labels` (already tidied), recording what was
/// added and removed; returns whether anything changed. `None`: no such
/// customer.
pub async fn set(
    conn: &mut AnyConnection,
    wa_id: &WaId,
    labels: &[String],
    by: AgentId,
    now: i64,
) -> Result<Option<bool>, sqlx::Error> {
    let current: Option<(Option<String>,)> =
        sqlx::query_as("SELECT labels FROM users WHERE wa_id = $1")
            .bind(wa_id.as_str())
            .fetch_optional(&mut *conn)
            .await?;
    let Some((current,)) = current else {
        return Ok(None);
    };
    let current: Vec<String> = current
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .unwrap_or_default();
    let added: Vec<&String> = labels.iter().filter(|l| !current.contains(l)).collect();
    let removed: Vec<&String> = current.iter().filter(|l| !labels.contains(l)).collect();
    if added.is_empty() && removed.is_empty() {
        return Ok(Some(false));
    }
    rollups::refile(conn, Trait::Label, wa_id, -1).await?;
    for (label, is_added) in added
        .iter()
        .map(|l| (*l, true))
        .chain(removed.iter().map(|l| (*l, false)))
    {
        let row = if is_added {
            "INSERT INTO chat_labels (label, wa_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM chat_labels WHERE label = $1 AND wa_id = $2"
        };
        sqlx::query(row)
            .bind(label)
            .bind(wa_id.as_str())
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO label_changes (wa_id, label, added, agent_id, at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(wa_id.as_str())
        .bind(label)
        .bind(i64::from(is_added))
        .bind(by.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    let stored = (!labels.is_empty()).then(|| serde_json::to_string(labels).unwrap_or_default());
    sqlx::query("UPDATE users SET labels = $2 WHERE wa_id = $1")
        .bind(wa_id.as_str())
        .bind(stored)
        .execute(&mut *conn)
        .await?;
    rollups::refile(conn, Trait::Label, wa_id, 1).await?;
    Ok(Some(true))
}

/// Every label in use, sorted (a walk of the labels' index).
pub async fn in_use<'c>(conn: impl sqlx::AnyExecutor<'c>) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT label FROM chat_labels ORDER BY label")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(label,)| label).collect())
}

/// The team's closing reasons and whether Resolve must give one.
pub async fn closing_reasons(conn: &mut AnyConnection) -> Result<ClosingReasons, sqlx::Error> {
    let reasons: Vec<(String,)> =
        sqlx::query_as("SELECT reason FROM closing_reasons ORDER BY position")
            .fetch_all(&mut *conn)
            .await?;
    let required: Option<(String,)> =
        sqlx::query_as("SELECT value FROM settings WHERE key = 'closing_reason_required'")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(ClosingReasons {
        reasons: reasons.into_iter().map(|(reason,)| reason).collect(),
        required: required.is_some_and(|(value,)| value == "true"),
    })
}

/// Replaces the list (already tidied).
pub async fn save_closing_reasons(
    conn: &mut AnyConnection,
    reasons: &ClosingReasons,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM closing_reasons")
        .execute(&mut *conn)
        .await?;
    for (position, reason) in reasons.reasons.iter().enumerate() {
        sqlx::query("INSERT INTO closing_reasons (reason, position) VALUES ($1, $2)")
            .bind(reason)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query(
        "INSERT INTO settings (key, value) VALUES ('closing_reason_required', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(if reasons.required { "true" } else { "false" })
    .execute(conn)
    .await?;
    Ok(())
}
