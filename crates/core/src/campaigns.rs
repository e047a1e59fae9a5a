//! API campaigns (PRODUCT.md §4): an approved template sent to many
//! recipients through `POST /api/v1/campaigns` with a bearer token, its
//! funnel, and the API tokens managers create for it.

use serde::{Deserialize, Serialize};

/// One recipient of a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// With its country code: `+919820012345` or `919820012345`.
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The template's body parameters `{{1}}`…`{{n}}`, in order.
    #[serde(default)]
    pub params: Vec<String>,
}

/// `POST /api/v1/campaigns`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CampaignRequest {
    /// Sending the same key again returns the first campaign; nothing is
    /// sent twice.
    pub idempotency_key: String,
    #[serde(default)]
    pub name: Option<String>,
    pub template: String,
    pub language: String,
    /// For a template with a media header: an uploaded file of its kind to
    /// send instead of the template's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_media_id: Option<i64>,
    pub recipients: Vec<Recipient>,
}

/// A recipient that was not queued, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedRecipient {
    /// Its position in `recipients`, from 0.
    pub index: usize,
    pub phone: String,
    pub reason: String,
}

/// Where a campaign's messages are. Each number counts the messages that
/// reached at least that step: read ⊂ delivered ⊂ sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Funnel {
    /// Accepted and queued.
    pub queued: u64,
    /// Still waiting for their turn to be sent.
    pub waiting: u64,
    pub sent: u64,
    pub delivered: u64,
    pub read: u64,
    pub failed: u64,
}

/// Why messages failed, with how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailureCount {
    pub reason: String,
    pub count: u64,
}

/// A campaign with its funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    pub id: i64,
    pub name: String,
    pub template: String,
    pub language: String,
    pub idempotency_key: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub funnel: Funnel,
    pub failures: Vec<FailureCount>,
    pub refused: Vec<RefusedRecipient>,
}

impl Campaign {
    /// Whether messages are still waiting to be sent.
    pub fn sending(&self) -> bool {
        self.funnel.waiting > 0
    }
}

/// An API token as managers see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// `POST /api/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    pub name: String,
}

/// The answer to `POST /api/tokens`: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    pub token: ApiToken,
    pub secret: String,
}
