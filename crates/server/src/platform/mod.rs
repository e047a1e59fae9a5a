//! What the use cases stand on: the database and its write turn, the
//! configuration, metrics, the live event feed and its peers on other
//! servers, the outbound transport to WhatsApp, media files, the clock, and
//! the maintenance commands (backup, copy to Postgres).

pub mod backup;
pub mod config;
pub mod copy_to_postgres;
pub mod db;
pub mod event_feed;
pub mod media;
pub mod metrics;
pub mod outbound;
pub mod peers;
pub mod realtime;
pub mod secrets;
pub mod throttle;
pub mod time;
