//! Building and running the application: database, manager account,
//! outbound transport and sender, router and listener.
//!
//! `Application::build` binds the socket before returning, so a caller that
//! asked for port 0 can read the real address (integration and end-to-end
//! tests do) before any request is made.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;

use crate::app::auth::accounts;
use crate::app::auth::checker::PasswordChecker;
use crate::app::demo;
use crate::app::error::AppError;
use crate::app::inbound::ingest::{Ingest, Wakes};
use crate::app::{housekeeping, timers};
use crate::http::{routes, serve};
use crate::platform::config::Config;
use crate::platform::db::{self, Backend, Db, DbError};
use crate::platform::event_feed::EventFeed;
use crate::platform::media::fetcher::{Fetcher, MediaSource};
use crate::platform::media::{FetchQueue, MediaFiles};
use crate::platform::outbound::cloud_api::CloudApi;
use crate::platform::outbound::sandbox::Sandbox;
use crate::platform::outbound::templates_api::TemplatesApi;
use crate::platform::outbound::{worker, Outbox, Transport};
use crate::platform::peers::Peers;
use crate::platform::realtime::EventHub;
use crate::platform::throttle::LoginThrottle;
use crate::platform::time::Clock;
use crate::state::{AppState, WebhookSecrets};
use crate::store;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("could not listen on {addr} (is another program using that port? set HANDOVER_BIND or --bind): {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("could not set up the manager account from HANDOVER_ADMIN_EMAIL/HANDOVER_ADMIN_PASSWORD: {0}")]
    Manager(AppError),
    #[error("could not seed the demo: {0}")]
    Demo(AppError),
    #[error("could not close the imports that a previous run left unfinished: {0}")]
    Imports(sqlx::Error),
    #[error(
        "HANDOVER_WA_TOKEN is set but {0} is not; set both to send through the WhatsApp Cloud API"
    )]
    IncompleteCloudApi(&'static str),
    #[error("HANDOVER_PUBLIC_URL {0:?} is not an address such as https://inbox.example.com")]
    PublicUrl(String),
    #[error("could not use {dir} for the files of messages (set HANDOVER_MEDIA_DIR to a folder this user may write): {source}")]
    MediaDir {
        dir: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// A migrated database and a bound listener, ready to serve.
pub struct Application {
    listener: TcpListener,
    local_addr: SocketAddr,
    state: AppState,
    transport: Arc<dyn Transport>,
    /// Where customers' files are fetched from (the Cloud API), if anywhere.
    media_source: Option<MediaSource>,
    /// Which transport sends messages, for the start-up line.
    pub transport_name: &'static str,
    /// What demo mode seeded; `None` when demo mode is off.
    pub demo: Option<demo::Seeded>,
    idle_ms: i64,
    send_rate: u32,
    /// How long a stop waits for what is in flight.
    grace: Duration,
    /// To listen to the other servers on a Postgres database.
    database_url: String,
}

impl Application {
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        Self::build_with_clock(config, Clock::system()).await
    }

    /// Like [`Application::build`] with a clock that tests control.
    pub async fn build_with_clock(config: &Config, clock: Clock) -> Result<Self, StartupError> {
        let pool = db::connect(&config.database_url).await?;
        let db = Db::new(pool);
        let db_metrics = db.metrics.clone();
        let passwords = Arc::new(PasswordChecker::start());
        if let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) {
            accounts::ensure_manager(&db, &passwords, email, password, clock.now_ms())
                .await
                .map_err(StartupError::Manager)?;
        }
        let media_dir = config
            .media_dir
            .clone()
            .unwrap_or_else(|| MediaFiles::default_dir(&config.database_url));
        let media = MediaFiles::open(&media_dir).map_err(|source| StartupError::MediaDir {
            dir: media_dir.clone(),
            source,
        })?;
        abandon_unfinished_imports(&db, clock.now_ms())
            .await
            .map_err(StartupError::Imports)?;
        let seeded = if config.demo {
            let seeded = demo::seed(&db, &passwords, &media, clock.now_ms())
                .await
                .map_err(StartupError::Demo)?;
            Some(seeded)
        } else {
            None
        };
        let (transport, transport_name): (Arc<dyn Transport>, _) = match &config.wa_token {
            Some(token) => {
                let phone = config.wa_phone_number_id.as_deref().ok_or(
                    StartupError::IncompleteCloudApi("HANDOVER_WA_PHONE_NUMBER_ID"),
                )?;
                let base = config.wa_base_url.as_deref().unwrap_or(DEFAULT_CLOUD_API);
                (
                    Arc::new(CloudApi::new(base, phone, token)),
                    "WhatsApp Cloud API",
                )
            }
            None => (
                Arc::new(Sandbox::new(db.clone())),
                "sandbox (messages are recorded, not sent)",
            ),
        };

        let bind_error = |source| StartupError::Bind {
            addr: config.bind,
            source,
        };
        let listener = TcpListener::bind(config.bind).await.map_err(bind_error)?;
        let local_addr = listener.local_addr().map_err(bind_error)?;
        let events = EventHub::with_limits(
            config.max_streams as usize,
            EventFeed::with_capacity(config.event_buffer as usize),
        );
        let outbox = Outbox::default();
        let fetches = FetchQueue::default();
        let ingest = Ingest::start(
            db.clone(),
            Wakes {
                events: events.clone(),
                outbox: outbox.clone(),
                fetches: fetches.clone(),
            },
        );
        let peers = Peers::new(db.clone(), events.clone());
        let state = AppState {
            db,
            clock,
            webhook: WebhookSecrets {
                app_secret: config.app_secret.clone(),
                verify_token: config.verify_token.clone(),
            },
            events,
            outbox,
            transport: transport.clone(),
            typing: Arc::default(),
            ingest,
            media,
            fetches,
            throttle: Arc::new(LoginThrottle::new()),
            peers,
            passwords,
            demo: config.demo,
            templates_api: templates_api(config),
            import_max_bytes: config.import_max_mb as usize * 1024 * 1024,
            campaign_max_recipients: config.campaign_max_recipients as usize,
            trust_proxy: config.trust_proxy,
            origin: public_origin(config)?,
            secure_cookies: config
                .public_url
                .as_deref()
                .is_some_and(|url| url.starts_with("https://")),
            metrics: db_metrics,
            metrics_token: config.metrics_token.clone(),
        };
        Ok(Self {
            listener,
            local_addr,
            state,
            transport,
            media_source: config.wa_token.as_deref().map(|token| {
                MediaSource::new(
                    config.wa_base_url.as_deref().unwrap_or(DEFAULT_CLOUD_API),
                    token,
                )
            }),
            transport_name,
            demo: seeded,
            idle_ms: i64::from(config.idle_resolve_hours) * 3_600_000,
            send_rate: config.send_rate,
            grace: Duration::from_secs(config.shutdown_grace_secs),
            database_url: config.database_url.clone(),
        })
    }

    /// The address actually bound (useful when the port was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The URL to open in a browser. A wildcard bind address is shown as
    /// loopback, which works on the same machine.
    pub fn url(&self) -> String {
        let mut addr = self.local_addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}")
    }

    /// Serves until `shutdown` resolves, then stops within the grace: live
    /// streams end at once (telling dashboards to reconnect), no new
    /// connection or send starts, requests in flight finish, and the sends
    /// in flight are recorded. The sender of queued messages, the event
    /// feed, the timers and the housekeeping run alongside.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let state = self.state;
        let grace = self.grace;
        let (stop_sending, stopping) = tokio::sync::watch::channel(false);
        let sender = tokio::spawn(
            worker::Sender {
                db: state.db.clone(),
                transport: self.transport,
                outbox: state.outbox.clone(),
                events: state.events.clone(),
                clock: state.clock.clone(),
                pacer: worker::Pacer::new(self.send_rate),
                files: state.media.clone(),
                first_backoff: Duration::from_millis(250),
            }
            .run(stopping),
        );
        let fetcher = tokio::spawn(
            Fetcher {
                db: state.db.clone(),
                files: state.media.clone(),
                source: self.media_source,
                queue: state.fetches.clone(),
                events: state.events.clone(),
                clock: state.clock.clone(),
            }
            .run(stop_sending.subscribe()),
        );
        let feed = tokio::spawn(state.events.feed().clone().run(
            state.db.pool.clone(),
            state.events.subscribe(),
            state.clock.clone(),
        ));
        let housekeeping = tokio::spawn(housekeeping::run(state.db.clone(), state.clock.clone()));
        let timers = tokio::spawn(timers::run(
            state.db.clone(),
            state.events.clone(),
            state.clock.clone(),
            self.idle_ms,
        ));
        // On Postgres, the other servers on the database are heard.
        let peers = (state.db.backend == Backend::Postgres).then(|| {
            tokio::spawn(state.peers.clone().listen(
                self.database_url.clone(),
                state.throttle.clone(),
                state.clock.clone(),
            ))
        });
        let hub = state.events.clone();
        let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<Instant>();
        let stop = async move {
            shutdown.await;
            tracing::info!("stopping: live streams end; requests and sends in flight finish");
            hub.stop();
            let _ = stop_sending.send(true);
            let _ = stopped_tx.send(Instant::now());
        };
        serve::serve(self.listener, routes::router(state), stop, grace).await;
        // Sends in flight are recorded before the process ends, within what
        // is left of the grace; a send cut off is settled at the next start.
        let left = match stopped_rx.await {
            Ok(stopped) => grace.saturating_sub(stopped.elapsed()),
            Err(_) => Duration::ZERO,
        };
        let abort = sender.abort_handle();
        if tokio::time::timeout(left.max(Duration::from_secs(1)), sender)
            .await
            .is_err()
        {
            tracing::warn!("sends were still in flight when the grace ended");
            abort.abort();
        }
        fetcher.abort();
        feed.abort();
        housekeeping.abort();
        timers.abort();
        if let Some(peers) = peers {
            peers.abort();
        }
        Ok(())
    }
}

/// An import cut off by a stop cannot resume (its file is gone); it is
/// marked failed with what to do, so nobody waits for it.
async fn abandon_unfinished_imports(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    let mut write = db.begin_write().await?;
    let abandoned = store::imports::abandon_running(&mut write.tx, now).await?;
    write.commit().await?;
    if abandoned > 0 {
        tracing::warn!(
            abandoned,
            "imports cut off by the last stop were marked failed"
        );
    }
    Ok(())
}

/// The origin (`scheme://host[:port]`) of HANDOVER_PUBLIC_URL, if set.
fn public_origin(config: &Config) -> Result<Option<String>, StartupError> {
    let Some(url) = config.public_url.as_deref() else {
        return Ok(None);
    };
    let invalid = || StartupError::PublicUrl(url.to_owned());
    let (scheme, rest) = url.split_once("://").ok_or_else(invalid)?;
    let host = rest.split('/').next().unwrap_or_default();
    if !matches!(scheme, "http" | "https") || host.is_empty() {
        return Err(invalid());
    }
    Ok(Some(format!("{scheme}://{host}")))
}

/// WhatsApp's template review, when the token and the business account are
/// both configured.
fn templates_api(config: &Config) -> Option<Arc<TemplatesApi>> {
    let token = config.wa_token.as_deref()?;
    let account = config.wa_business_account_id.as_deref()?;
    let base = config.wa_base_url.as_deref().unwrap_or(DEFAULT_CLOUD_API);
    Some(Arc::new(TemplatesApi::new(
        base,
        account,
        token,
        config.wa_app_id.as_deref(),
    )))
}

/// The Cloud API's public address, used when HANDOVER_WA_BASE_URL is unset.
const DEFAULT_CLOUD_API: &str = "https://graph.facebook.com/v21.0";
