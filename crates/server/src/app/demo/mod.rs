//! Demo mode (`--demo`): a seeded Bloom & Petal flower shop, and writing as
//! a customer from the dashboard through the same webhook pipeline as
//! WhatsApp, so a newcomer sees the whole product without a WhatsApp account.

pub mod customer;
pub mod seed;

pub use customer::CustomerText;
pub use seed::{seed, Seeded, AGENT_EMAIL, AGENT_PASSWORD};
