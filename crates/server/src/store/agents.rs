//! Agents, managers and their sessions. Passwords arrive here hashed
//! (`auth::accounts` checks and hashes them).

use handover_core::api::{Agent, AgentChanges, NewAgent};
use handover_core::{AgentId, Role};
use sqlx::{AnyConnection, AnyExecutor, AnyPool};

use super::Flag;

#[derive(sqlx::FromRow)]
struct AgentRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    disabled: Flag,
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
            disabled: row.disabled.0,
        }
    }
}

const COLUMNS: &str = "id, email, name, role, disabled";

/// An agent and their password hash, by e-mail (any case).
pub async fn with_password(
    pool: &AnyPool,
    email: &str,
) -> Result<Option<(Agent, String)>, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT id, password_hash FROM agents WHERE lower(email) = lower($1)")
            .bind(email.trim())
            .fetch_optional(pool)
            .await?;
    let Some((id, hash)) = row else {
        return Ok(None);
    };
    Ok(by_id(pool, AgentId(id)).await?.map(|agent| (agent, hash)))
}

pub async fn by_id<'e>(
    db: impl AnyExecutor<'e>,
    id: AgentId,
) -> Result<Option<Agent>, sqlx::Error> {
    sqlx::query_as::<_, AgentRow>(&format!("SELECT {COLUMNS} FROM agents WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db)
        .await
        .map(|row| row.map(Agent::from))
}

/// An agent's name, for the lines a change leaves in a thread.
pub async fn name_of(conn: &mut AnyConnection, id: AgentId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT name FROM agents WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await
}

pub async fn list(pool: &AnyPool) -> Result<Vec<Agent>, sqlx::Error> {
    sqlx::query_as::<_, AgentRow>(&format!(
        "SELECT {COLUMNS} FROM agents ORDER BY lower(name), id"
    ))
    .fetch_all(pool)
    .await
    .map(|rows| rows.into_iter().map(Agent::from).collect())
}

/// The enabled agent a session token hash belongs to, if it has not expired.
pub async fn by_session(
    pool: &AnyPool,
    token_hash: &str,
    now: i64,
) -> Result<Option<Agent>, sqlx::Error> {
    sqlx::query_as::<_, AgentRow>(
        "SELECT a.id, a.email, a.name, a.role, a.disabled
         FROM sessions s JOIN agents a ON a.id = s.agent_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map(|row| row.map(Agent::from))
}

/// Starts a session known by `token_hash` until `expires_at`.
pub async fn start_session(
    conn: &mut AnyConnection,
    agent: AgentId,
    token_hash: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(agent.0)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops sessions that have expired.
pub async fn prune_sessions(conn: &mut AnyConnection, now: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn end_session(conn: &mut AnyConnection, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// What creating an account came to.
pub enum Created {
    Agent(Agent),
    /// Someone already has an account with that e-mail address.
    EmailTaken,
}

/// Sets someone's password hash and ends their other sessions (the one
/// they changed it from, `keep_session`, stays signed in).
pub async fn set_password(
    conn: &mut AnyConnection,
    id: AgentId,
    hash: &str,
    keep_session: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE agents SET password_hash = $2 WHERE id = $1")
        .bind(id.0)
        .bind(hash)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE agent_id = $1 AND token_hash <> $2")
        .bind(id.0)
        .bind(keep_session)
        .execute(conn)
        .await?;
    Ok(())
}

/// On `EmailTaken` the caller's transaction may be spoilt (Postgres ends
/// it at the failed insert): it is to be rolled back.
pub async fn create(
    conn: &mut AnyConnection,
    agent: &NewAgent,
    hash: &str,
    now: i64,
) -> Result<Created, sqlx::Error> {
    let id = match insert(conn, agent, hash, now).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Ok(Created::EmailTaken)
        }
        Err(error) => return Err(error),
    };
    Ok(Created::Agent(Agent {
        id,
        email: agent.email.trim().to_owned(),
        name: agent.name.trim().to_owned(),
        role: agent.role,
        disabled: false,
    }))
}

async fn insert(
    conn: &mut AnyConnection,
    agent: &NewAgent,
    hash: &str,
    now: i64,
) -> Result<AgentId, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO agents (email, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
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

/// Applies the given changes (`hash`: a new password's); `None` when there
/// is no such agent. Disabling an agent or resetting their password ends
/// their sessions.
pub async fn update(
    conn: &mut AnyConnection,
    id: AgentId,
    changes: &AgentChanges,
    hash: Option<&str>,
) -> Result<Option<Agent>, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE agents SET name = COALESCE($2, name), role = COALESCE($3, role),
                disabled = COALESCE($4, disabled), password_hash = COALESCE($5, password_hash)
         WHERE id = $1",
    )
    .bind(id.0)
    .bind(changes.name.as_deref().map(str::trim))
    .bind(changes.role.map(Role::as_str))
    .bind(changes.disabled.map(i64::from))
    .bind(hash)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(None);
    }
    if changes.disabled == Some(true) || hash.is_some() {
        sqlx::query("DELETE FROM sessions WHERE agent_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    by_id(conn, id).await
}

/// The configured manager's account as it is to be.
pub enum ManagerAccount {
    /// It exists with the configured password.
    Kept(AgentId),
    /// It exists with another password: this hash replaces it.
    Rehashed(AgentId, String),
    /// There is none yet: created with this hash.
    New(String),
}

/// Makes the configured manager's account an enabled manager's, with the
/// password `account` says. A changed password ends their sessions.
pub async fn ensure_manager(
    conn: &mut AnyConnection,
    manager: &NewAgent,
    account: ManagerAccount,
    now: i64,
) -> Result<(), sqlx::Error> {
    match account {
        ManagerAccount::Kept(id) => {
            sqlx::query("UPDATE agents SET role = 'manager', disabled = 0 WHERE id = $1")
                .bind(id.0)
                .execute(&mut *conn)
                .await?;
        }
        ManagerAccount::Rehashed(id, hash) => {
            sqlx::query(
                "UPDATE agents SET role = 'manager', disabled = 0, password_hash = $2 WHERE id = $1",
            )
            .bind(id.0)
            .bind(&hash)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE agent_id = $1")
                .bind(id.0)
                .execute(&mut *conn)
                .await?;
        }
        ManagerAccount::New(hash) => {
            insert(conn, manager, &hash, now).await?;
        }
    }
    Ok(())
}
