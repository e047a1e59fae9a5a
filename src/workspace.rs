//! What every screen of a signed-in session shares, provided as context by
//! the shell: who is signed in, the inbox kept live by the server's events,
//! the clock behind relative times, whether demo mode is on, and how often
//! each part of the team's setup has changed since the page opened.

use handover_core::api::{Agent, SetupPart};
use handover_core::Role;
use leptos::prelude::*;

use crate::inbox_state::Inbox;

#[derive(Clone, Copy)]
pub struct Workspace {
    pub agent: StoredValue<Agent>,
    pub inbox: RwSignal<Inbox>,
    /// Now, refreshed every 30 s for "5m ago" and "3h 10m left".
    pub now_ms: RwSignal<i64>,
    /// Demo mode: people may write as a customer.
    pub demo: Signal<bool>,
    /// The keyboard shortcuts overlay is open.
    pub help: RwSignal<bool>,
    /// Changes to the team's setup seen live: what reads a part of it
    /// reads it again when its count moves.
    pub setup: RwSignal<SetupChanges>,
}

/// How many times each part of the team's setup changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetupChanges {
    pub canned_replies: u32,
    pub closing_reasons: u32,
    pub labels: u32,
    pub templates: u32,
}

impl SetupChanges {
    pub fn changed(&mut self, part: SetupPart) {
        let count = match part {
            SetupPart::CannedReplies => &mut self.canned_replies,
            SetupPart::ClosingReasons => &mut self.closing_reasons,
            SetupPart::Labels => &mut self.labels,
            SetupPart::Templates => &mut self.templates,
        };
        *count += 1;
    }
}

impl Workspace {
    /// The shell's workspace; every screen is shown inside the shell.
    pub fn get() -> Self {
        expect_context::<Workspace>()
    }

    pub fn is_manager(&self) -> bool {
        self.agent.with_value(|agent| agent.role == Role::Manager)
    }
}
