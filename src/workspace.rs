//! What every screen of a signed-in session shares, provided as context by
//! the shell: who is signed in, the inbox kept live by the server's events,
//! the clock behind relative times, and whether demo mode is on.

use handover_core::api::Agent;
use handover_core::Role;
use leptos::prelude::*;

use crate::inbox::Inbox;

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
