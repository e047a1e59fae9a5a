//! Handover's server as a library, so that integration tests can start the
//! real application on a free port (see [`startup::Application`]).
//!
//! The folders are its layers, each using only those below it:
//! - [`http`]: routes, extractors, errors as JSON, security headers, serving;
//!   handlers parse a request, call a use case and answer.
//! - [`app`]: the use cases (chats, inbound deliveries, the bot, surveys,
//!   campaigns, templates, contacts, reports, timers, housekeeping); each
//!   owns its transaction from begin to commit.
//! - [`store`]: SQL only; every function takes the caller's connection.
//! - [`platform`]: the database, configuration, metrics, live events, peers,
//!   the outbound transport and media files.

pub mod app;
pub mod http;
pub mod platform;
pub mod startup;
pub mod state;
pub mod store;
