//! One routed screen per file: the shell around them, the inbox, the
//! managers' screens and the sign-in screen.

pub mod audit;
pub mod bot;
pub mod campaigns;
pub mod canned;
pub mod closing_reasons;
pub mod customers;
pub mod inbox;
pub mod login;
pub mod manage;
pub mod not_found;
pub mod reports;
pub mod satisfaction;
pub mod shell;
pub mod tags;
pub mod team;
pub mod templates;

pub use audit::AuditPage;
pub use bot::BotPage;
pub use campaigns::CampaignsPage;
pub use canned::CannedRepliesPage;
pub use closing_reasons::ClosingReasonsPage;
pub use customers::CustomersPage;
pub use inbox::InboxScreen;
pub use login::Login;
pub use manage::ManageScreenView;
pub use not_found::NotFound;
pub use reports::ReportsPage;
pub use satisfaction::SatisfactionPage;
pub use shell::Shell;
pub use tags::TagsPage;
pub use team::TeamPage;
pub use templates::TemplatesPage;
