//! Agents, managers and their sessions.

use handover_core::api::{Agent, AgentChanges, NewAgent};
use handover_core::{AgentId, Role};
use sqlx::{SqliteConnection, SqlitePool};

use crate::auth::{password, session};
use crate::db::Db;
use crate::error::ApiError;

#[derive(sqlx::FromRow)]
struct AgentRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    disabled: bool,
}

impl From<AgentRow> for Agent {
    fn from(row: AgentRow) -> Self {
        Agent {
            id: AgentId(row.id),
            email: row.email,
            name: row.name,
            role: if row.role == "manager" {
                Role::Manager
            } else {
                Role::Agent
            },
            disabled: row.disabled,
        }
    }
}

const COLUMNS: &str = "id, email, name, role, disabled";

/// An agent and their password hash, by e-mail (any case).
pub async fn with_password(
    pool: &SqlitePool,
    email: &str,
) -> Result<Option<(Agent, String)>, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM agents WHERE email = ?1")
            .bind(email.trim())
            .fetch_optional(pool)
            .await?;
    let Some((id, hash)) = row else {
        return Ok(None);
    };
    Ok(by_id(pool, AgentId(id)).await?.map(|agent| (agent, hash)))
}

pub async fn by_id(pool: &SqlitePool, id: AgentId) -> Result<Option<Agent>, sqlx::Error> {
    sqlx::query_as::<_, AgentRow>(&format!("SELECT {COLUMNS} FROM agents WHERE id = ?1"))
        .bind(id.0)
        .fetch_optional(pool)
        .await
        .map(|row| row.map(Agent::from))
}

pub async fn list(pool: &SqlitePool) -> Result<Vec<Agent>, sqlx::Error> {
    sqlx::query_as::<_, AgentRow>(&format!(
        "SELECT {COLUMNS} FROM agents ORDER BY name COLLATE NOCASE, id"
    ))
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(Agent::from).collect())
}

/// The enabled agent a session token hash belongs to, if it has not expired.
pub async fn by_session(
    pool: &SqlitePool,
    token_hash: &str,
    now: i64,
) -> Result<Option<Agent>, sqlx::Error> {
    sqlx::query_as::<_, AgentRow>(
        "SELECT a.id, a.email, a.name, a.role, a.disabled
         FROM sessions s JOIN agents a ON a.id = s.agent_id
         WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND a.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map(|row| row.map(Agent::from))
}

/// Starts a session and returns its token (only its hash is stored).
pub async fn start_session(db: &Db, agent: AgentId, now: i64) -> Result<String, sqlx::Error> {
    let token = session::new_token();
    let mut write = db.begin_write().await?;
    sqlx::query("INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(session::token_hash(&token))
        .bind(agent.0)
        .bind(now)
        .bind(now + session::LIFETIME_MS)
        .execute(&mut *write.tx)
        .await?;
    write.commit().await?;
    Ok(token)
}

/// Drops sessions that have expired.
pub async fn prune_sessions(conn: &mut SqliteConnection, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn end_session(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    let mut write = db.begin_write().await?;
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
        .bind(token_hash)
        .execute(&mut *write.tx)
        .await?;
    write.commit().await
}

/// Checks a new agent's fields, with a message naming the field at fault.
pub fn validate_new(agent: &NewAgent) -> Result<(), ApiError> {
    validate_email(&agent.email)?;
    validate_name(&agent.name)?;
    validate_password(&agent.password)
}

fn validate_email(email: &str) -> Result<(), ApiError> {
    let email = email.trim();
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if plausible {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "invalid_email",
            format!("email: {email:?} is not an e-mail address."),
        ))
    }
}

fn validate_name(name: &str) -> Result<(), ApiError> {
    if (1..=100).contains(&name.trim().chars().count()) {
        Ok(())
    } else {
        Err(ApiError::unprocessable(
            "invalid_name",
            "name: give a name of 1 to 100 characters.",
        ))
    }
}

fn validate_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < password::MIN_LENGTH {
        Err(ApiError::unprocessable(
            "weak_password",
            format!(
                "password: use at least {} characters.",
                password::MIN_LENGTH
            ),
        ))
    } else if password.len() > password::MAX_BYTES {
        Err(ApiError::unprocessable(
            "too_long",
            format!(
                "password: use at most {} bytes (a long passphrase fits).",
                password::MAX_BYTES
            ),
        ))
    } else {
        Ok(())
    }
}

/// Sets an agent's own new password and ends their other sessions (the
/// one they changed it from, `keep_session`, stays signed in).
pub async fn set_own_password(
    db: &Db,
    id: AgentId,
    new_password: &str,
    keep_session: &str,
) -> Result<(), ApiError> {
    validate_password(new_password)?;
    let hash = password::hash(new_password);
    let mut write = db.begin_write().await?;
    sqlx::query("UPDATE agents SET password_hash = ?2 WHERE id = ?1")
        .bind(id.0)
        .bind(hash)
        .execute(&mut *write.tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE agent_id = ?1 AND token_hash <> ?2")
        .bind(id.0)
        .bind(keep_session)
        .execute(&mut *write.tx)
        .await?;
    write.commit().await?;
    Ok(())
}

pub async fn create(db: &Db, agent: &NewAgent, now: i64) -> Result<Agent, ApiError> {
    validate_new(agent)?;
    let hash = password::hash(&agent.password);
    let mut write = db.begin_write().await?;
    let id =
        insert(&mut write.tx, agent, &hash, now)
            .await
            .map_err(|error| match ApiError::from(error) {
                ApiError::Conflict { .. } => ApiError::conflict(
                    "email_taken",
                    format!("email: {} already has an account.", agent.email.trim()),
                ),
                other => other,
            })?;
    write.commit().await?;
    by_id(&db.pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound("The new agent vanished.".into()))
}

async fn insert(
    conn: &mut SqliteConnection,
    agent: &NewAgent,
    hash: &str,
    now: i64,
) -> Result<AgentId, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO agents (email, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
    )
    .bind(agent.email.trim())
    .bind(agent.name.trim())
    .bind(agent.role.as_str())
    .bind(hash)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(AgentId(id))
}

/// Applies the given changes. Disabling an agent or resetting their
/// password ends their sessions.
pub async fn update(db: &Db, id: AgentId, changes: &AgentChanges) -> Result<Agent, ApiError> {
    if let Some(name) = &changes.name {
        validate_name(name)?;
    }
    if let Some(password) = &changes.password {
        validate_password(password)?;
    }
    let hash = changes.password.as_deref().map(password::hash);
    let mut write = db.begin_write().await?;
    let updated = sqlx::query(
        "UPDATE agents SET name = COALESCE(?2, name), role = COALESCE(?3, role),
                disabled = COALESCE(?4, disabled), password_hash = COALESCE(?5, password_hash)
         WHERE id = ?1",
    )
    .bind(id.0)
    .bind(changes.name.as_deref().map(str::trim))
    .bind(changes.role.map(Role::as_str))
    .bind(changes.disabled)
    .bind(hash)
    .execute(&mut *write.tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(ApiError::NotFound(format!(
            "There is no agent with id {id}."
        )));
    }
    if changes.disabled == Some(true) || changes.password.is_some() {
        sqlx::query("DELETE FROM sessions WHERE agent_id = ?1")
            .bind(id.0)
            .execute(&mut *write.tx)
            .await?;
    }
    write.commit().await?;
    by_id(&db.pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no agent with id {id}.")))
}

/// `meera.rao@example.com` → `Meera`: a readable first name for an account
/// that was created from configuration, not by a person.
fn name_from_email(email: &str) -> String {
    let local: String = email
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let mut chars = local.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Manager".to_owned(),
    }
}

/// Makes sure the configured manager exists, is enabled, and has the
/// configured password (the environment is the source of truth for it).
pub async fn ensure_manager(
    db: &Db,
    email: &str,
    password: &str,
    now: i64,
) -> Result<(), ApiError> {
    let manager = NewAgent {
        email: email.to_owned(),
        name: name_from_email(email),
        password: password.to_owned(),
        role: Role::Manager,
    };
    validate_email(email)?;
    validate_password(password)?;
    let existing: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM agents WHERE email = ?1")
            .bind(email.trim())
            .fetch_optional(&db.pool)
            .await?;
    // Hashing is deliberately slow: done before taking the write lock.
    let unchanged = existing
        .as_ref()
        .is_some_and(|(_, stored)| password::verify(password, stored));
    let hash = (!unchanged).then(|| password::hash(password));
    let mut write = db.begin_write().await?;
    match (existing, hash) {
        (Some((id, _)), None) => {
            sqlx::query("UPDATE agents SET role = 'manager', disabled = 0 WHERE id = ?1")
                .bind(id)
                .execute(&mut *write.tx)
                .await?;
        }
        // A password rotated through the configuration ends the sessions
        // that signed in with the old one.
        (Some((id, _)), Some(hash)) => {
            sqlx::query(
                "UPDATE agents SET role = 'manager', disabled = 0, password_hash = ?2 WHERE id = ?1",
            )
            .bind(id)
            .bind(&hash)
            .execute(&mut *write.tx)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE agent_id = ?1")
                .bind(id)
                .execute(&mut *write.tx)
                .await?;
        }
        (None, hash) => {
            let hash = hash.unwrap_or_else(|| password::hash(password));
            insert(&mut write.tx, &manager, &hash, now).await?;
        }
    }
    write.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configured_managers_get_a_first_name_from_their_email() {
        assert_eq!(name_from_email("meera.rao@example.com"), "Meera");
        assert_eq!(name_from_email("admin@handover.local"), "Admin");
        assert_eq!(name_from_email("@odd"), "Manager");
    }
}
