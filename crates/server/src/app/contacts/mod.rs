//! Managers' tools over every customer: CSV imports with a chosen Source
//! (`import`, numbers normalised by `phone`) and the CSV export of the users
//! table (`export`). The SQL behind them is in `store::imports` and
//! `store::customers_table`.

pub mod export;
pub mod import;
pub mod phone;
