//! Reads and writes of the database, as plain async functions over a pool.
//! Routes call these; no SQL lives anywhere else.

pub mod sections;
