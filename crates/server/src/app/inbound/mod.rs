//! The WhatsApp Cloud API webhook: signature check, envelope parsing, and
//! applying deliveries in batches, each answered after its commit
//! (PRODUCT.md §3).

mod ahead;
mod envelope;
pub mod ingest;
pub mod payload;
pub mod process;
pub mod signature;
