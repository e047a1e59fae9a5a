//! Checking and hashing passwords on one thread of its own. Argon2id takes
//! 19 MiB for each check or hash; done on that one thread, one at a time,
//! the memory it uses stays that whatever arrives at once (on the executor's
//! blocking threads, each thread would keep its own 19 MiB), and the async
//! workers serving requests never spend their ~30 ms. A few jobs may queue
//! for their turn; beyond that the checker says it is busy.

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::time::Duration;

use tokio::sync::oneshot;

use super::password;

/// Jobs that may wait for their turn.
const QUEUE: usize = 16;
/// How long a job waits for its answer before it is told to try again.
const WAIT: Duration = Duration::from_secs(5);

/// The checker is busy: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

enum Job {
    Check {
        password: String,
        stored: String,
        answer: oneshot::Sender<bool>,
    },
    Hash {
        password: String,
        answer: oneshot::Sender<String>,
    },
}

pub struct PasswordChecker {
    jobs: SyncSender<Job>,
}

impl PasswordChecker {
    /// Starts the password thread; it ends when the checker is dropped.
    pub fn start() -> Self {
        let (jobs, queue) = sync_channel::<Job>(QUEUE);
        let started = std::thread::Builder::new()
            .name("password-checker".into())
            .spawn(move || {
                for job in queue {
                    match job {
                        Job::Check {
                            password,
                            stored,
                            answer,
                        } => {
                            let _ = answer.send(password::verify(&password, &stored));
                        }
                        Job::Hash { password, answer } => {
                            let _ = answer.send(password::hash(&password));
                        }
                    }
                }
            });
        if let Err(error) = started {
            tracing::error!(%error, "could not start the password checker; sign-ins will be refused");
        }
        Self { jobs }
    }

    /// Whether `password` matches the `stored` hash.
    pub async fn check(&self, password: String, stored: String) -> Result<bool, Busy> {
        let (answer, answered) = oneshot::channel();
        self.run(Job::Check {
            password,
            stored,
            answer,
        })?;
        Self::wait(answered).await
    }

    /// `password` hashed for storing (a PHC string with its own salt).
    pub async fn hash(&self, password: String) -> Result<String, Busy> {
        let (answer, answered) = oneshot::channel();
        self.run(Job::Hash { password, answer })?;
        Self::wait(answered).await
    }

    fn run(&self, job: Job) -> Result<(), Busy> {
        self.jobs.try_send(job).map_err(|error| match error {
            TrySendError::Full(_) | TrySendError::Disconnected(_) => Busy,
        })
    }

    async fn wait<T>(answered: oneshot::Receiver<T>) -> Result<T, Busy> {
        match tokio::time::timeout(WAIT, answered).await {
            Ok(Ok(answer)) => Ok(answer),
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

    #[tokio::test]
    async fn a_hash_from_the_thread_verifies_its_password() {
        let checker = PasswordChecker::start();
        let stored = checker.hash("correct horse battery".into()).await.unwrap();
        assert!(password::verify("correct horse battery", &stored));
        assert!(!password::verify("correct horse batterY", &stored));
    }
}
