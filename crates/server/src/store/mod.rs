//! Reads and writes of the database, as plain async functions over a pool
//! or a connection (inside a transaction). No SQL lives anywhere else.

pub mod agents;
pub mod events;
pub mod messages;
pub mod sections;
pub mod templates;
pub mod users;
