//! The WhatsApp Cloud API webhook: signature check, envelope parsing, and
//! applying a delivery in one transaction (PRODUCT.md §3).

pub mod payload;
pub mod process;
pub mod signature;
