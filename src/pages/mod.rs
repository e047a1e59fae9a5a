//! One routed screen per file.

pub mod bot;
pub mod campaigns;
pub mod dashboard;
pub mod login;
pub mod tags;
pub mod templates;
pub mod users;

pub use bot::BotPage;
pub use campaigns::CampaignsPage;
pub use dashboard::Dashboard;
pub use login::Login;
pub use tags::TagsPage;
pub use templates::TemplatesPage;
pub use users::UsersPage;
