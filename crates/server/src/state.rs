//! What every handler can reach.

use std::sync::Arc;

use crate::app::auth::checker::PasswordChecker;
use crate::app::inbound::ingest::Ingest;
use crate::platform::db::Db;
use crate::platform::media::{FetchQueue, MediaFiles};
use crate::platform::metrics::Metrics;
use crate::platform::outbound::templates_api::TemplatesApi;
use crate::platform::outbound::{Outbox, Transport, TypingThrottle};
use crate::platform::peers::Peers;
use crate::platform::realtime::EventHub;
use crate::platform::throttle::LoginThrottle;
use crate::platform::time::Clock;

/// Webhook secrets; `None` when not configured.
#[derive(Clone, Default)]
pub struct WebhookSecrets {
    pub app_secret: Option<String>,
    pub verify_token: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub clock: Clock,
    pub webhook: WebhookSecrets,
    pub events: EventHub,
    pub outbox: Outbox,
    /// Where WhatsApp is told what is no message (read receipts, typing).
    pub transport: Arc<dyn Transport>,
    /// The typing indicator, at most once per 25 s a chat.
    pub typing: Arc<TypingThrottle>,
    /// Applies webhook deliveries in batches (group commit).
    pub ingest: Ingest,
    /// Where message files are stored.
    pub media: MediaFiles,
    /// Wakes the fetcher of customers' files.
    pub fetches: FetchQueue,
    pub throttle: Arc<LoginThrottle>,
    /// The other servers on the same database (Postgres), told of sign-outs
    /// and failed sign-ins.
    pub peers: Peers,
    /// Checks sign-in passwords, one at a time.
    pub passwords: Arc<PasswordChecker>,
    /// Demo mode: people may write as a customer (`POST /api/demo/messages`).
    pub demo: bool,
    /// WhatsApp's template review, when configured; otherwise managers
    /// review templates themselves (sandbox mode).
    pub templates_api: Option<Arc<TemplatesApi>>,
    /// The largest CSV file an import accepts, in bytes.
    pub import_max_bytes: usize,
    /// The most recipients one campaign request may name.
    pub campaign_max_recipients: usize,
    /// Client addresses come from `X-Forwarded-For` (behind a proxy).
    pub trust_proxy: bool,
    /// The site's own origin (`https://inbox.example.com`) when configured:
    /// state-changing requests from any other are refused.
    pub origin: Option<String>,
    /// Session cookies are marked `Secure` (the site is served over HTTPS).
    pub secure_cookies: bool,
    /// This process' measurements (the same as the database handle's).
    pub metrics: Arc<Metrics>,
    /// The bearer token `GET /metrics` asks for; without one it is off.
    pub metrics_token: Option<String>,
}
