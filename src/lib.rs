//! Handover's dashboard, a Leptos client-side app built as two: the
//! binaries mount [`app::InboxApp`] (`main.rs`) and [`app::ManageApp`]
//! (`bin/manage.rs`); everything else lives here so that browser tests can
//! mount single components.

pub mod alerts;
pub mod api;
pub mod app;
pub mod clock;
pub mod components;
pub mod customers_filter;
pub mod drafts;
pub mod format;
pub mod inbox_state;
pub mod live;
pub mod local_storage;
pub mod pages;
pub mod places;
pub mod shortcuts;
pub mod whatsapp_text;
pub mod workspace;
