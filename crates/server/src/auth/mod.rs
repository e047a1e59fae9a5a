//! Who is asking: agents and managers, their passwords, session cookies,
//! and the extractors that guard every `/api` route.

pub mod accounts;
pub mod checker;
pub mod extract;
pub mod password;
pub mod session;
pub mod throttle;

pub use extract::{ApiClient, ClientAddress, CurrentAgent, Manager};
