//! Checking passwords on one thread of its own. Argon2id takes 19 MiB for
//! each check; done on that one thread, one at a time, the memory it uses
//! stays that, whatever arrives at once (on the executor's blocking
//! threads, each thread would keep its own 19 MiB). A few sign-ins may
//! queue for their turn; beyond that the checker says it is busy.

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::time::Duration;

use tokio::sync::oneshot;

use super::password;

/// Sign-ins that may wait for their check.
const QUEUE: usize = 16;
/// How long a sign-in waits for its check before it is told to try again.
const WAIT: Duration = Duration::from_secs(5);

/// The checker is busy: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

struct Check {
    password: String,
    stored: String,
    answer: oneshot::Sender<bool>,
}

pub struct PasswordChecker {
    checks: SyncSender<Check>,
}

impl PasswordChecker {
    /// Starts the checking thread; it ends when the checker is dropped.
    pub fn start() -> Self {
        let (checks, queue) = sync_channel::<Check>(QUEUE);
        let started = std::thread::Builder::new()
            .name("password-checker".into())
            .spawn(move || {
                for check in queue {
                    let matches = password::verify(&check.password, &check.stored);
                    let _ = check.answer.send(matches);
                }
            });
        if let Err(error) = started {
            tracing::error!(%error, "could not start the password checker; sign-ins will be refused");
        }
        Self { checks }
    }

    /// Whether `password` matches the `stored` hash.
    pub async fn check(&self, password: String, stored: String) -> Result<bool, Busy> {
        let (answer, answered) = oneshot::channel();
        self.checks
            .try_send(Check {
                password,
                stored,
                answer,
            })
            .map_err(|error| match error {
                TrySendError::Full(_) | TrySendError::Disconnected(_) => Busy,
            })?;
        match tokio::time::timeout(WAIT, answered).await {
            Ok(Ok(matches)) => Ok(matches),
            _ => Err(Busy),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn passwords_are_checked_on_the_checking_thread() {
        let checker = PasswordChecker::start();
        let stored = password::hash("correct horse battery");
        assert_eq!(
            checker
                .check("correct horse battery".into(), stored.clone())
                .await,
            Ok(true)
        );
        assert_eq!(checker.check("wrong".into(), stored).await, Ok(false));
    }
}
