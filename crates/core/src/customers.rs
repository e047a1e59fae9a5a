//! The managers' table of every customer (PRODUCT.md §2, §4): its filters,
//! its order and what the filters offer.

use serde::{Deserialize, Serialize};

/// `window=` of the users table: open (in a section) or closed (History).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WindowFilter {
    Open,
    Closed,
}

/// `order=` of the users table, by Last Active (customers who never wrote
/// come last when newest first, first when oldest first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerOrder {
    #[default]
    LastActiveDesc,
    LastActiveAsc,
}

/// `GET /api/users/facets`: what the users table's filters offer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerFacets {
    /// `Organic`, `API` and every source an import used.
    pub sources: Vec<String>,
    /// The tags of the first-message tag rules.
    pub tags: Vec<String>,
    /// The labels on chats.
    #[serde(default)]
    pub labels: Vec<String>,
}
