//! Agents' and managers' accounts, their passwords and sessions, and the
//! API tokens of integrations. The session cookie and the extractors that
//! guard every `/api` route are in `http`; sign-in throttling in
//! `platform::throttle`.

pub mod accounts;
pub mod api_tokens;
pub mod checker;
pub mod password;
