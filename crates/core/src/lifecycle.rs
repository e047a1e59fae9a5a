//! The one state machine of a chat (PRODUCT.md §1).
//!
//! [`decide`] is the only place that knows which moves are legal. The server
//! calls it before every status write and refuses with 409 when it says no;
//! the web app calls it to enable or disable buttons and to say why. Every
//! match is exhaustive, so a new status or command cannot be forgotten.

use serde::{Deserialize, Serialize};

use crate::{AgentId, Status};

/// Whether an agent is an ordinary agent or a manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Agent,
    Manager,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Manager => "manager",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Role::Agent => "Agent",
            Role::Manager => "Manager",
        }
    }
}

/// A signed-in person asking for a move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub agent: AgentId,
    pub role: Role,
}

/// What a chat looks like to the state machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChatState {
    pub status: Status,
    /// The agent holding the chat; `Some` exactly when Intervened.
    pub holder: Option<AgentId>,
    /// Whether the customer-service window is open.
    pub window_open: bool,
}

/// A request to move a chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// The bot hands the chat to the queue (no answer, or the customer asked).
    Escalate,
    /// An agent takes the chat.
    Intervene(Actor),
    /// The holder (or a manager) ends the live chat; the bot takes over.
    Resolve(Actor),
    /// The holder puts the chat back in the queue.
    Release(Actor),
    /// The holder (or a manager) gives the chat to another agent.
    Transfer { by: Actor, to: AgentId },
    /// The customer wrote a message.
    CustomerWrote,
    /// The window of a waiting chat closed without an agent (a missed request).
    WindowExpired,
    /// A live chat had no customer message for the configured time.
    IdleTimeout,
}

impl Command {
    /// A stable name, stored in the audit trail (reports count by it).
    pub const fn name(&self) -> &'static str {
        match self {
            Command::Escalate => "escalate",
            Command::Intervene(_) => "intervene",
            Command::Resolve(_) => "resolve",
            Command::Release(_) => "release",
            Command::Transfer { .. } => "transfer",
            Command::CustomerWrote => "customer_wrote",
            Command::WindowExpired => "window_expired",
            Command::IdleTimeout => "idle_timeout",
        }
    }
}

/// The result of a legal command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub status: Status,
    pub holder: Option<AgentId>,
}

impl Decision {
    /// True when the command moved the chat (not just kept it as it was).
    pub fn changes(&self, before: &ChatState) -> bool {
        self.status != before.status || self.holder != before.holder
    }

    /// Moves into Requesting count as one more unresolved query.
    pub fn enters_requesting(&self, before: &ChatState) -> bool {
        self.status == Status::Requesting && before.status != Status::Requesting
    }
}

/// Why a command is refused. Each reads as a sentence for the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("The chat is {from}; it cannot be {verb} from there.")]
    NotFrom { from: Status, verb: &'static str },
    #[error("The customer's 24-hour window is closed; only templates can be sent, and nobody can intervene until they write again.")]
    WindowClosed,
    #[error("Another agent is already handling this chat.")]
    HeldByAnother { holder: AgentId },
    #[error("You are already handling this chat.")]
    AlreadyYours,
    #[error("Only the agent handling this chat can do that.")]
    NotHolder,
    #[error("Only the agent handling this chat, or a manager, can do that.")]
    NotHolderOrManager,
    #[error("The chat is already with that agent.")]
    TransferToHolder,
}

impl TransitionError {
    /// A stable code for the JSON error body.
    pub const fn code(&self) -> &'static str {
        match self {
            TransitionError::NotFrom { .. } => "illegal_transition",
            TransitionError::WindowClosed => "window_closed",
            TransitionError::HeldByAnother { .. } => "held_by_another_agent",
            TransitionError::AlreadyYours => "already_yours",
            TransitionError::NotHolder => "not_holder",
            TransitionError::NotHolderOrManager => "not_holder_or_manager",
            TransitionError::TransferToHolder => "transfer_to_holder",
        }
    }
}

/// Why someone may not write to the customer as people do (a text, a file,
/// a reaction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteRefusal {
    /// Another agent is handling the chat; only they can write.
    HeldBy(AgentId),
    /// The customer-service window is closed: only a template reaches them.
    WindowClosed,
    /// The customer waits in the queue: intervene first.
    Waiting,
    /// The bot is handling the chat: intervene first.
    WithTheBot,
}

/// The one rule of who may write in a chat, used by the server before it
/// queues a message and by the web app to offer the reply box: only the
/// agent handling it, and only while the window is open.
pub fn may_write(state: &ChatState, agent: AgentId) -> Result<(), WriteRefusal> {
    match (state.status, state.holder) {
        (Status::Intervened, Some(holder)) if holder != agent => Err(WriteRefusal::HeldBy(holder)),
        (Status::Intervened, _) if !state.window_open => Err(WriteRefusal::WindowClosed),
        (Status::Intervened, Some(_)) => Ok(()),
        (Status::Intervened, None) => Err(WriteRefusal::Waiting),
        (Status::Active | Status::Requesting | Status::Closed, _) if !state.window_open => {
            Err(WriteRefusal::WindowClosed)
        }
        (Status::Requesting, _) => Err(WriteRefusal::Waiting),
        (Status::Active | Status::Closed, _) => Err(WriteRefusal::WithTheBot),
    }
}

/// Decides where `command` takes a chat in `state`, or why it cannot.
pub fn decide(state: &ChatState, command: Command) -> Result<Decision, TransitionError> {
    use Status::{Active, Closed, Intervened, Requesting};
    let to = |status, holder| Ok(Decision { status, holder });
    let stay = Ok(Decision {
        status: state.status,
        holder: state.holder,
    });
    let holds = |actor: Actor| state.holder == Some(actor.agent);

    match command {
        Command::Escalate => match state.status {
            Active => to(Requesting, None),
            Requesting | Intervened | Closed => Err(TransitionError::NotFrom {
                from: state.status,
                verb: "escalated",
            }),
        },
        Command::Intervene(actor) => match state.status {
            Intervened if holds(actor) => Err(TransitionError::AlreadyYours),
            Intervened => Err(TransitionError::HeldByAnother {
                holder: state.holder.unwrap_or(actor.agent),
            }),
            Active | Requesting | Closed if !state.window_open => {
                Err(TransitionError::WindowClosed)
            }
            Active | Requesting | Closed => to(Intervened, Some(actor.agent)),
        },
        Command::Resolve(actor) => match state.status {
            Intervened if holds(actor) || actor.role == Role::Manager => to(Closed, None),
            Intervened => Err(TransitionError::NotHolderOrManager),
            Active | Requesting | Closed => Err(TransitionError::NotFrom {
                from: state.status,
                verb: "resolved",
            }),
        },
        Command::Release(actor) => match state.status {
            Intervened if holds(actor) => to(Requesting, None),
            Intervened => Err(TransitionError::NotHolder),
            Active | Requesting | Closed => Err(TransitionError::NotFrom {
                from: state.status,
                verb: "released",
            }),
        },
        Command::Transfer { by, to: target } => match state.status {
            Intervened if state.holder == Some(target) => Err(TransitionError::TransferToHolder),
            Intervened if holds(by) || by.role == Role::Manager => to(Intervened, Some(target)),
            Intervened => Err(TransitionError::NotHolderOrManager),
            Active | Requesting | Closed => Err(TransitionError::NotFrom {
                from: state.status,
                verb: "transferred",
            }),
        },
        Command::CustomerWrote => match state.status {
            Closed => to(Active, None),
            Active | Requesting | Intervened => stay,
        },
        Command::WindowExpired => match state.status {
            Requesting => to(Closed, None),
            Active | Intervened | Closed => stay,
        },
        Command::IdleTimeout => match state.status {
            Intervened => to(Closed, None),
            Active | Requesting | Closed => stay,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::{Active, Closed, Intervened, Requesting};

    const ASHA: Actor = Actor {
        agent: AgentId(1),
        role: Role::Agent,
    };
    const RAVI: Actor = Actor {
        agent: AgentId(2),
        role: Role::Agent,
    };
    const MEERA: Actor = Actor {
        agent: AgentId(3),
        role: Role::Manager,
    };

    fn chat(status: Status, holder: Option<&Actor>, window_open: bool) -> ChatState {
        ChatState {
            status,
            holder: holder.map(|actor| actor.agent),
            window_open,
        }
    }

    fn ok(status: Status, holder: Option<&Actor>) -> Result<Decision, TransitionError> {
        Ok(Decision {
            status,
            holder: holder.map(|actor| actor.agent),
        })
    }

    fn not_from(from: Status, verb: &'static str) -> Result<Decision, TransitionError> {
        Err(TransitionError::NotFrom { from, verb })
    }

    /// Every status against every command, with the window open.
    #[test]
    fn every_command_from_every_status_with_the_window_open() {
        let held = |status| chat(status, (status == Intervened).then_some(&ASHA), true);
        let cases: Vec<(Status, Command, Result<Decision, TransitionError>)> = vec![
            (Active, Command::Escalate, ok(Requesting, None)),
            (
                Requesting,
                Command::Escalate,
                not_from(Requesting, "escalated"),
            ),
            (
                Intervened,
                Command::Escalate,
                not_from(Intervened, "escalated"),
            ),
            (Closed, Command::Escalate, not_from(Closed, "escalated")),
            (
                Active,
                Command::Intervene(RAVI),
                ok(Intervened, Some(&RAVI)),
            ),
            (
                Requesting,
                Command::Intervene(RAVI),
                ok(Intervened, Some(&RAVI)),
            ),
            (
                Intervened,
                Command::Intervene(RAVI),
                Err(TransitionError::HeldByAnother { holder: ASHA.agent }),
            ),
            (
                Intervened,
                Command::Intervene(ASHA),
                Err(TransitionError::AlreadyYours),
            ),
            (
                Closed,
                Command::Intervene(RAVI),
                ok(Intervened, Some(&RAVI)),
            ),
            (Active, Command::Resolve(ASHA), not_from(Active, "resolved")),
            (
                Requesting,
                Command::Resolve(ASHA),
                not_from(Requesting, "resolved"),
            ),
            (Intervened, Command::Resolve(ASHA), ok(Closed, None)),
            (Intervened, Command::Resolve(MEERA), ok(Closed, None)),
            (
                Intervened,
                Command::Resolve(RAVI),
                Err(TransitionError::NotHolderOrManager),
            ),
            (Closed, Command::Resolve(ASHA), not_from(Closed, "resolved")),
            (Active, Command::Release(ASHA), not_from(Active, "released")),
            (
                Requesting,
                Command::Release(ASHA),
                not_from(Requesting, "released"),
            ),
            (Intervened, Command::Release(ASHA), ok(Requesting, None)),
            (
                Intervened,
                Command::Release(RAVI),
                Err(TransitionError::NotHolder),
            ),
            (
                Intervened,
                Command::Release(MEERA),
                Err(TransitionError::NotHolder),
            ),
            (Closed, Command::Release(ASHA), not_from(Closed, "released")),
            (
                Active,
                Command::Transfer {
                    by: ASHA,
                    to: RAVI.agent,
                },
                not_from(Active, "transferred"),
            ),
            (
                Requesting,
                Command::Transfer {
                    by: ASHA,
                    to: RAVI.agent,
                },
                not_from(Requesting, "transferred"),
            ),
            (
                Intervened,
                Command::Transfer {
                    by: ASHA,
                    to: RAVI.agent,
                },
                ok(Intervened, Some(&RAVI)),
            ),
            (
                Intervened,
                Command::Transfer {
                    by: MEERA,
                    to: RAVI.agent,
                },
                ok(Intervened, Some(&RAVI)),
            ),
            (
                Intervened,
                Command::Transfer {
                    by: RAVI,
                    to: MEERA.agent,
                },
                Err(TransitionError::NotHolderOrManager),
            ),
            (
                Intervened,
                Command::Transfer {
                    by: MEERA,
                    to: ASHA.agent,
                },
                Err(TransitionError::TransferToHolder),
            ),
            (
                Closed,
                Command::Transfer {
                    by: ASHA,
                    to: RAVI.agent,
                },
                not_from(Closed, "transferred"),
            ),
            (Active, Command::CustomerWrote, ok(Active, None)),
            (Requesting, Command::CustomerWrote, ok(Requesting, None)),
            (
                Intervened,
                Command::CustomerWrote,
                ok(Intervened, Some(&ASHA)),
            ),
            (Closed, Command::CustomerWrote, ok(Active, None)),
            (Active, Command::WindowExpired, ok(Active, None)),
            (Requesting, Command::WindowExpired, ok(Closed, None)),
            (
                Intervened,
                Command::WindowExpired,
                ok(Intervened, Some(&ASHA)),
            ),
            (Closed, Command::WindowExpired, ok(Closed, None)),
            (Active, Command::IdleTimeout, ok(Active, None)),
            (Requesting, Command::IdleTimeout, ok(Requesting, None)),
            (Intervened, Command::IdleTimeout, ok(Closed, None)),
            (Closed, Command::IdleTimeout, ok(Closed, None)),
        ];
        for (status, command, expected) in cases {
            assert_eq!(
                decide(&held(status), command),
                expected,
                "{status:?} + {command:?}"
            );
        }
    }

    #[test]
    fn every_command_has_its_own_stored_name() {
        let commands = [
            Command::Escalate,
            Command::Intervene(ASHA),
            Command::Resolve(ASHA),
            Command::Release(ASHA),
            Command::Transfer {
                by: ASHA,
                to: RAVI.agent,
            },
            Command::CustomerWrote,
            Command::WindowExpired,
            Command::IdleTimeout,
        ];
        let names: std::collections::HashSet<_> = commands.iter().map(Command::name).collect();
        assert_eq!(names.len(), commands.len());
    }

    #[test]
    fn nobody_can_intervene_once_the_window_has_closed() {
        for status in [Active, Requesting, Closed] {
            assert_eq!(
                decide(&chat(status, None, false), Command::Intervene(ASHA)),
                Err(TransitionError::WindowClosed),
                "{status:?}"
            );
        }
    }

    #[test]
    fn a_closed_window_does_not_stop_the_holder_from_resolving_or_releasing() {
        let state = chat(Intervened, Some(&ASHA), false);
        assert_eq!(decide(&state, Command::Resolve(ASHA)), ok(Closed, None));
        assert_eq!(decide(&state, Command::Release(ASHA)), ok(Requesting, None));
    }

    #[test]
    fn moves_into_requesting_are_counted_and_staying_is_not() {
        let active = chat(Active, None, true);
        assert!(decide(&active, Command::Escalate)
            .unwrap()
            .enters_requesting(&active));
        let held = chat(Intervened, Some(&ASHA), true);
        assert!(decide(&held, Command::Release(ASHA))
            .unwrap()
            .enters_requesting(&held));
        let waiting = chat(Requesting, None, true);
        let stays = decide(&waiting, Command::CustomerWrote).unwrap();
        assert!(!stays.enters_requesting(&waiting));
        assert!(!stays.changes(&waiting));
    }

    #[test]
    fn refusals_have_distinct_codes_and_readable_messages() {
        let errors = [
            TransitionError::NotFrom {
                from: Closed,
                verb: "resolved",
            },
            TransitionError::WindowClosed,
            TransitionError::HeldByAnother { holder: AgentId(9) },
            TransitionError::AlreadyYours,
            TransitionError::NotHolder,
            TransitionError::NotHolderOrManager,
            TransitionError::TransferToHolder,
        ];
        let codes: std::collections::HashSet<_> = errors.iter().map(|e| e.code()).collect();
        assert_eq!(codes.len(), errors.len());
        assert_eq!(
            errors[0].to_string(),
            "The chat is Closed; it cannot be resolved from there."
        );
        assert!(errors.iter().all(|e| e.to_string().ends_with('.')));
    }

    #[test]
    fn only_the_holder_writes_and_only_while_the_window_is_open() {
        let me = AgentId(1);
        let other = AgentId(2);
        let state = |status, holder, window_open| ChatState {
            status,
            holder,
            window_open,
        };
        assert_eq!(
            may_write(&state(Status::Intervened, Some(me), true), me),
            Ok(())
        );
        assert_eq!(
            may_write(&state(Status::Intervened, Some(other), true), me),
            Err(WriteRefusal::HeldBy(other))
        );
        assert_eq!(
            may_write(&state(Status::Intervened, Some(me), false), me),
            Err(WriteRefusal::WindowClosed)
        );
        assert_eq!(
            may_write(&state(Status::Requesting, None, true), me),
            Err(WriteRefusal::Waiting)
        );
        assert_eq!(
            may_write(&state(Status::Requesting, None, false), me),
            Err(WriteRefusal::WindowClosed)
        );
        for status in [Status::Active, Status::Closed] {
            assert_eq!(
                may_write(&state(status, None, true), me),
                Err(WriteRefusal::WithTheBot)
            );
        }
    }
}
