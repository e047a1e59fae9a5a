//! Handover's shared domain, used by both the server and the web app.
//!
//! Everything here is plain data and pure functions: no IO, no clocks, no
//! async. It compiles to `wasm32-unknown-unknown` as well as natively, so the
//! browser and the server agree on names, statuses, legal transitions and
//! JSON shapes by construction rather than by convention.

pub mod api;
pub mod audit;
pub mod bot;
pub mod breakdowns;
pub mod campaigns;
pub mod canned;
pub mod contacts;
pub mod csat;
pub mod customers;
pub mod error;
pub mod failures;
pub mod ids;
pub mod labels;
pub mod lifecycle;
pub mod media;
pub mod notes;
pub mod reports;
pub mod sections;
pub mod status;
pub mod tags;
pub mod templates;
pub mod whatsapp;

pub use error::{ErrorBody, ErrorDetail, FieldError};
pub use ids::{AgentId, InvalidTemplateName, InvalidWaId, TemplateName, WaId};
pub use lifecycle::{decide, Actor, ChatState, Command, Decision, Role, TransitionError};
pub use sections::{ParseSectionError, Section, SectionCounts};
pub use status::{ParseStatusError, Status};
