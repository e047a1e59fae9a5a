//! One routed screen per file.

pub mod dashboard;
pub mod login;

pub use dashboard::Dashboard;
pub use login::Login;
