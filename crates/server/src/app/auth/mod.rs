//! Who is asking: agents and managers, their accounts and passwords, session
//! cookies and sign-in throttling. The extractors that guard every `/api`
//! route are in `http::signed_in`.

pub mod accounts;
pub mod api_tokens;
pub mod checker;
pub mod password;
pub mod session;
pub mod throttle;
