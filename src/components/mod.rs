//! Reusable pieces of the dashboard.

pub mod section_overview;
pub mod section_tabs;

pub use section_overview::SectionOverview;
pub use section_tabs::SectionTabs;
