//! The app's URLs: every place an agent can be has one, so Back, Forward,
//! reload and a link pasted in another tab all land in the same place.
//!
//! - `/sections/{active|requesting|intervened|closed|history}`: a list;
//! - `/chats/{wa_id}` (optionally `?message={id}`): a customer's chat, in
//!   the list their status and window put them in;
//! - `/manage/{users|templates|campaigns|bot|tags|team}`: a manager's screen.
//!
//! Plain functions, tested natively; the router only reads and writes them.

use handover_core::{Section, WaId};

/// The two web apps the dashboard is built as: the inbox (what agents use
/// all day, and what a first visit loads) and the managers' screens,
/// loaded only when opened. Each serves its own URLs; a link from one to
/// the other is a full page load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebApp {
    Inbox,
    Manage,
}

impl WebApp {
    /// The app that serves `href` (a path of this site).
    pub fn serving(href: &str) -> WebApp {
        if href.starts_with("/manage/") {
            WebApp::Manage
        } else {
            WebApp::Inbox
        }
    }

    /// The `rel` of a link from this app to `href`: `external` when the
    /// other app serves it, so the router lets the browser load that page.
    pub fn rel(self, href: &str) -> Option<&'static str> {
        (WebApp::serving(href) != self).then_some("external")
    }
}

/// The `rel` of a link to `href` from the app on show (see [`WebApp::rel`]).
pub fn rel(href: &str) -> Option<&'static str> {
    leptos::prelude::use_context::<WebApp>()
        .unwrap_or(WebApp::Inbox)
        .rel(href)
}

/// Where the inbox is, read from a path and its query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Section(Section),
    /// A customer's chat, opened at a message when one is named.
    Chat {
        wa_id: WaId,
        message: Option<i64>,
    },
    /// A path of the inbox that names nothing we know.
    Unknown,
}

impl Place {
    /// The inbox place of `path` (`message` is the `?message=` value).
    pub fn parse(path: &str, message: Option<&str>) -> Place {
        let mut parts = path.trim_matches('/').split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("sections"), Some(section), None) => section
                .parse()
                .map(Place::Section)
                .unwrap_or(Place::Unknown),
            (Some("chats"), Some(wa_id), None) => match WaId::parse(wa_id) {
                Ok(wa_id) => Place::Chat {
                    wa_id,
                    message: message.and_then(|id| id.parse().ok()),
                },
                Err(_) => Place::Unknown,
            },
            _ => Place::Unknown,
        }
    }
}

/// The home of the app: the customers waiting for an agent.
pub fn home() -> String {
    section(Section::Requesting)
}

pub fn section(section: Section) -> String {
    format!("/sections/{}", section.as_str())
}

pub fn chat(wa_id: &WaId) -> String {
    format!("/chats/{wa_id}")
}

/// A chat opened at one of its messages (a search result).
pub fn chat_at(wa_id: &WaId, message: Option<i64>) -> String {
    match message {
        Some(id) => format!("/chats/{wa_id}?message={id}"),
        None => chat(wa_id),
    }
}

/// The managers' screens (and Team, which agents may read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManageScreen {
    Reports,
    Audit,
    Users,
    Templates,
    Campaigns,
    Bot,
    Tags,
    CannedReplies,
    ClosingReasons,
    Satisfaction,
    Team,
}

impl ManageScreen {
    /// In the order of the Manage menu.
    pub const ALL: [ManageScreen; 11] = [
        ManageScreen::Reports,
        ManageScreen::Audit,
        ManageScreen::Users,
        ManageScreen::Templates,
        ManageScreen::Campaigns,
        ManageScreen::Bot,
        ManageScreen::Tags,
        ManageScreen::CannedReplies,
        ManageScreen::ClosingReasons,
        ManageScreen::Satisfaction,
        ManageScreen::Team,
    ];

    /// The last part of the screen's URL.
    pub const fn slug(self) -> &'static str {
        match self {
            ManageScreen::Reports => "reports",
            ManageScreen::Audit => "audit",
            ManageScreen::Users => "users",
            ManageScreen::Templates => "templates",
            ManageScreen::Campaigns => "campaigns",
            ManageScreen::Bot => "bot",
            ManageScreen::Tags => "tags",
            ManageScreen::CannedReplies => "canned-replies",
            ManageScreen::ClosingReasons => "closing-reasons",
            ManageScreen::Satisfaction => "satisfaction",
            ManageScreen::Team => "team",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            ManageScreen::Reports => "Reports",
            ManageScreen::Audit => "Audit log",
            ManageScreen::Users => "Users",
            ManageScreen::Templates => "Templates",
            ManageScreen::Campaigns => "Campaigns and API",
            ManageScreen::Bot => "Bot",
            ManageScreen::Tags => "First-message tags",
            ManageScreen::CannedReplies => "Canned replies",
            ManageScreen::ClosingReasons => "Closing reasons",
            ManageScreen::Satisfaction => "Satisfaction survey",
            ManageScreen::Team => "Team",
        }
    }

    /// Whether only managers may open it (agents see the team, read-only).
    pub const fn managers_only(self) -> bool {
        !matches!(self, ManageScreen::Team)
    }

    pub fn parse(slug: &str) -> Option<ManageScreen> {
        Self::ALL.into_iter().find(|screen| screen.slug() == slug)
    }

    pub fn href(self) -> String {
        format!("/manage/{}", self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wa(id: &str) -> WaId {
        WaId::parse(id).unwrap()
    }

    #[test]
    fn every_inbox_path_reads_back_as_its_place() {
        for section in Section::ALL {
            assert_eq!(
                Place::parse(&super::section(section), None),
                Place::Section(section)
            );
        }
        let priya = wa("919876543210");
        assert_eq!(
            Place::parse(&chat(&priya), None),
            Place::Chat {
                wa_id: priya.clone(),
                message: None
            }
        );
        assert_eq!(
            Place::parse("/chats/919876543210", Some("42")),
            Place::Chat {
                wa_id: priya.clone(),
                message: Some(42)
            }
        );
        assert_eq!(chat_at(&priya, Some(42)), "/chats/919876543210?message=42");
        assert_eq!(chat_at(&priya, None), "/chats/919876543210");
        assert_eq!(home(), "/sections/requesting");
    }

    #[test]
    fn paths_that_name_nothing_are_unknown() {
        for path in [
            "/sections/inbox",
            "/sections",
            "/chats/not-a-number",
            "/chats/12/x",
            "/sections/active/2",
        ] {
            assert_eq!(Place::parse(path, None), Place::Unknown, "{path}");
        }
        assert_eq!(
            Place::parse("/chats/919876543210", Some("abc")),
            Place::Chat {
                wa_id: wa("919876543210"),
                message: None
            },
            "a bad message id opens the chat at its newest message"
        );
    }

    #[test]
    fn links_to_the_other_app_load_its_page() {
        let chat = chat(&wa("919876543210"));
        let team = ManageScreen::Team.href();
        assert_eq!(WebApp::Inbox.rel(&chat), None);
        assert_eq!(WebApp::Inbox.rel(&section(Section::History)), None);
        assert_eq!(WebApp::Inbox.rel(&team), Some("external"));
        assert_eq!(WebApp::Manage.rel(&team), None);
        assert_eq!(WebApp::Manage.rel(&chat), Some("external"));
        assert_eq!(WebApp::Manage.rel(&home()), Some("external"));
    }

    #[test]
    fn manage_screens_round_trip_through_their_urls() {
        for screen in ManageScreen::ALL {
            assert_eq!(ManageScreen::parse(screen.slug()), Some(screen));
            assert_eq!(screen.href(), format!("/manage/{}", screen.slug()));
        }
        assert_eq!(ManageScreen::parse("report"), None);
        assert!(ManageScreen::Reports.managers_only());
        assert!(!ManageScreen::Team.managers_only());
        assert!(ManageScreen::Bot.managers_only());
    }
}
