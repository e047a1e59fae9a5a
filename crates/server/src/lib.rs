//! Handover's server as a library, so that integration tests can start the
//! real application on a free port (see [`startup::Application`]).

pub mod auth;
pub mod backup;
pub mod bot;
pub mod breakdowns;
pub mod campaigns;
pub mod config;
pub mod contacts;
pub mod copy_to_postgres;
pub mod csat;
pub mod db;
pub mod demo;
pub mod error;
pub mod event_feed;
pub mod housekeeping;
pub mod lifecycle;
pub mod media;
pub mod metrics;
pub mod outbound;
pub mod peers;
pub mod realtime;
pub mod reports;
pub mod request_id;
pub mod routes;
pub mod security;
pub mod serve;
pub mod startup;
pub mod state;
pub mod store;
pub mod tag_rules;
pub mod templates;
pub mod time;
pub mod timeouts;
pub mod web_assets;
pub mod webhook;
