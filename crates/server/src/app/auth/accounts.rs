//! Agents' and managers' accounts as people change them: what they send is
//! checked here and passwords are hashed on the password thread (never on
//! the workers serving requests); `store::agents` keeps the result.

use handover_core::api::{Agent, AgentChanges, NewAgent};
use handover_core::{AgentId, Role};

use super::checker::PasswordChecker;
use super::password;
use crate::app::error::AppError;
use crate::platform::db::Db;
use crate::store::agents::{self as stored, Created, ManagerAccount};

/// Creates an agent or a manager.
pub async fn create(
    db: &Db,
    passwords: &PasswordChecker,
    agent: &NewAgent,
    now: i64,
) -> Result<Agent, AppError> {
    validate_new(agent)?;
    let hash = hashed(passwords, &agent.password).await?;
    match stored::create(db, agent, &hash, now).await? {
        Created::Agent(agent) => Ok(agent),
        Created::EmailTaken => Err(AppError::conflict(
            "email_taken",
            format!("email: {} already has an account.", agent.email.trim()),
        )),
    }
}

/// Applies a manager's changes to someone's account. Disabling them or
/// resetting their password ends their sessions.
pub async fn update(
    db: &Db,
    passwords: &PasswordChecker,
    id: AgentId,
    changes: &AgentChanges,
) -> Result<Agent, AppError> {
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
    stored::update(db, id, changes, hash.as_deref())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("There is no agent with id {id}.")))
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
    stored::set_password(db, id, &hash, keep_session).await?;
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
    stored::ensure_manager(db, &manager, account, now).await?;
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
