//! Agents' and managers' accounts as people change them: what they send is
//! checked here and passwords are hashed on the password thread (never on
//! the workers serving requests); `store::agents` keeps the result.

use handover_core::api::{Agent, AgentChanges, NewAgent};
use handover_core::audit::AuditAction;
use handover_core::{AgentId, Role};

use super::checker::PasswordChecker;
use super::password;
use crate::app::error::AppError;
use crate::platform::db::Db;
use crate::platform::secrets;
use crate::store::agents::{self as stored, Created, ManagerAccount};
use crate::store::audit;

/// Sessions last a week from sign-in.
pub const SESSION_LIFETIME_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// Creates an agent or a manager; `by` is the manager who did it, for the
/// audit trail (none for the demo's own accounts).
pub async fn create(
    db: &Db,
    passwords: &PasswordChecker,
    agent: &NewAgent,
    by: Option<&Agent>,
    now: i64,
) -> Result<Agent, AppError> {
    validate_new(agent)?;
    let hash = hashed(passwords, &agent.password).await?;
    let mut write = db.begin_write().await?;
    let created = match stored::create(&mut write.tx, agent, &hash, now).await? {
        Created::Agent(agent) => agent,
        Created::EmailTaken => {
            return Err(AppError::conflict(
                "email_taken",
                format!("email: {} already has an account.", agent.email.trim()),
            ))
        }
    };
    if let Some(by) = by {
        let detail = format!("Added as {}", created.role.label());
        audit::record(
            &mut write.tx,
            Some(by.id),
            AuditAction::Agent,
            &created.name,
            &detail,
            now,
        )
        .await?;
    }
    write.commit().await?;
    Ok(created)
}

/// Applies a manager's changes to someone's account, with its row in the
/// audit trail. Disabling them or resetting their password ends their
/// sessions. Managers cannot disable themselves, change their own role or
/// reset their own password here.
pub async fn update(
    db: &Db,
    passwords: &PasswordChecker,
    by: &Agent,
    id: AgentId,
    changes: &AgentChanges,
    now: i64,
) -> Result<Agent, AppError> {
    if id == by.id && (changes.disabled == Some(true) || changes.role.is_some_and(|r| r != by.role))
    {
        return Err(AppError::conflict(
            "cannot_demote_self",
            "You cannot disable your own account or change your own role; ask another manager.",
        ));
    }
    if id == by.id && changes.password.is_some() {
        return Err(AppError::conflict(
            "own_password",
            "To change your own password, give your current one: Team → Change password (PUT /api/me/password).",
        ));
    }
    if let Some(name) = &changes.name {
        validate_name(name)?;
    }
    let hash = match &changes.password {
        Some(password) => {
            validate_password(password)?;
            Some(hashed(passwords, password).await?)
        }
        None => None,
    };
    let mut write = db.begin_write().await?;
    let updated = stored::update(&mut write.tx, id, changes, hash.as_deref())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no agent with id {id}.")))?;
    if let Some(detail) = what_changed(&updated, changes) {
        audit::record(
            &mut write.tx,
            Some(by.id),
            AuditAction::Agent,
            &updated.name,
            &detail,
            now,
        )
        .await?;
    }
    write.commit().await?;
    Ok(updated)
}

/// The audit trail's words for `changes`, none when nothing changed.
fn what_changed(updated: &Agent, changes: &AgentChanges) -> Option<String> {
    let mut done = Vec::new();
    if changes.name.is_some() {
        done.push(format!("renamed {}", updated.name));
    }
    if let Some(role) = changes.role {
        done.push(format!("made {}", role.label()));
    }
    match changes.disabled {
        Some(true) => done.push("disabled".to_owned()),
        Some(false) => done.push("enabled".to_owned()),
        None => {}
    }
    if changes.password.is_some() {
        done.push("password reset".to_owned());
    }
    (!done.is_empty()).then(|| crate::app::capitalised(&done.join(", ")))
}

/// Sets someone's own new password and ends their other sessions (the one
/// they changed it from, `keep_session`, stays signed in).
pub async fn set_own_password(
    db: &Db,
    passwords: &PasswordChecker,
    id: AgentId,
    new_password: &str,
    keep_session: &str,
) -> Result<(), AppError> {
    validate_password(new_password)?;
    let hash = hashed(passwords, new_password).await?;
    let mut write = db.begin_write().await?;
    stored::set_password(&mut write.tx, id, &hash, keep_session).await?;
    write.commit().await?;
    Ok(())
}

/// Starts a session for someone who signed in; its token (only the hash is
/// stored).
pub async fn start_session(db: &Db, agent: AgentId, now: i64) -> Result<String, AppError> {
    let token = secrets::new_token();
    let hash = secrets::token_hash(&token);
    let mut write = db.begin_write().await?;
    let expires_at = now + SESSION_LIFETIME_MS;
    stored::start_session(&mut write.tx, agent, &hash, now, expires_at).await?;
    write.commit().await?;
    Ok(token)
}

/// Ends the session whose token hashes to `token_hash` (signing out).
pub async fn end_session(db: &Db, token_hash: &str) -> Result<(), AppError> {
    let mut write = db.begin_write().await?;
    stored::end_session(&mut write.tx, token_hash).await?;
    write.commit().await?;
    Ok(())
}

/// Makes sure the configured manager exists, is enabled, and has the
/// configured password (the environment is the source of truth for it; a
/// password rotated there ends the sessions signed in with the old one).
pub async fn ensure_manager(
    db: &Db,
    passwords: &PasswordChecker,
    email: &str,
    password: &str,
    now: i64,
) -> Result<(), AppError> {
    validate_email(email)?;
    validate_password(password)?;
    let manager = NewAgent {
        email: email.to_owned(),
        name: name_from_email(email),
        password: password.to_owned(),
        role: Role::Manager,
    };
    let account = match stored::with_password(&db.pool, email).await? {
        Some((agent, stored_hash)) => {
            let unchanged = passwords
                .check(password.to_owned(), stored_hash)
                .await
                .map_err(|_busy| busy())?;
            if unchanged {
                ManagerAccount::Kept(agent.id)
            } else {
                ManagerAccount::Rehashed(agent.id, hashed(passwords, password).await?)
            }
        }
        None => ManagerAccount::New(hashed(passwords, password).await?),
    };
    let mut write = db.begin_write().await?;
    stored::ensure_manager(&mut write.tx, &manager, account, now).await?;
    write.commit().await?;
    Ok(())
}

async fn hashed(passwords: &PasswordChecker, password: &str) -> Result<String, AppError> {
    passwords
        .hash(password.to_owned())
        .await
        .map_err(|_busy| busy())
}

fn busy() -> AppError {
    AppError::Unavailable("The server is busy with other passwords; try again in a moment.".into())
}

/// Checks a new agent's fields, with a message naming the field at fault.
fn validate_new(agent: &NewAgent) -> Result<(), AppError> {
    validate_email(&agent.email)?;
    validate_name(&agent.name)?;
    validate_password(&agent.password)
}

fn validate_email(email: &str) -> Result<(), AppError> {
    let email = email.trim();
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if plausible {
        Ok(())
    } else {
        Err(AppError::unprocessable(
            "invalid_email",
            format!("email: {email:?} is not an e-mail address."),
        ))
    }
}

fn validate_name(name: &str) -> Result<(), AppError> {
    if (1..=100).contains(&name.trim().chars().count()) {
        Ok(())
    } else {
        Err(AppError::unprocessable(
            "invalid_name",
            "name: give a name of 1 to 100 characters.",
        ))
    }
}

fn validate_password(password: &str) -> Result<(), AppError> {
    if password.chars().count() < password::MIN_LENGTH {
        Err(AppError::unprocessable(
            "weak_password",
            format!(
                "password: use at least {} characters.",
                password::MIN_LENGTH
            ),
        ))
    } else if password.len() > password::MAX_BYTES {
        Err(AppError::unprocessable(
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
