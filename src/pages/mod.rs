//! One routed screen per file.

pub mod bot;
pub mod dashboard;
pub mod login;
pub mod tags;

pub use bot::BotPage;
pub use dashboard::Dashboard;
pub use login::Login;
pub use tags::TagsPage;
