//! Reusable pieces of the dashboard.

pub mod bot_form;
pub mod canned_picker;
pub mod chat_actions;
pub mod chat_list;
pub mod chat_pane;
pub mod composer;
pub mod demo_customer;
pub mod emoji_picker;
pub mod icons;
pub mod import_panel;
pub mod labels_editor;
pub mod manage_menu;
pub mod profile_card;
pub mod search_results;
pub mod section_tabs;
pub mod shortcuts_help;
pub mod status_badge;
pub mod template_header;
pub mod thread;

pub use chat_actions::ChatActions;
pub use chat_list::ChatList;
pub use chat_pane::ChatPane;
pub use composer::Composer;
pub use demo_customer::{NewDemoCustomer, WriteAsCustomer};
pub use import_panel::ImportPanel;
pub use labels_editor::LabelsEditor;
pub use manage_menu::ManageMenu;
pub use profile_card::ProfileCard;
pub use search_results::SearchResultList;
pub use section_tabs::SectionTabs;
pub use shortcuts_help::ShortcutsHelp;
pub use status_badge::StatusBadge;
pub use thread::Thread;
