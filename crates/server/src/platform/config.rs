//! Configuration from the environment, with a command-line flag for each
//! setting (PRODUCT.md §6). Flags win over environment variables.

use std::net::SocketAddr;

use clap::Parser;

/// Everything the server needs to know at start.
///
/// Not `Debug` on purpose: it holds secrets that must not end up in logs.
#[derive(Clone, Parser)]
#[command(
    name = "handover-server",
    version,
    about = "Handover: a shared WhatsApp inbox where a chatbot hands chats over to human agents."
)]
pub struct Config {
    /// Something to do instead of serving.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address and port to listen on. Port 0 lets the system choose one.
    #[arg(long, env = "HANDOVER_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,

    /// The database: SQLite (the file and its folder are created if
    /// missing) or Postgres (postgres://user@host/db, an existing database).
    #[arg(
        long,
        env = "HANDOVER_DATABASE_URL",
        default_value = "sqlite://data/handover.db"
    )]
    pub database_url: String,

    /// Folder of the files of messages (photos, voice notes, documents);
    /// created if missing. By default `media/` next to the database.
    #[arg(long, env = "HANDOVER_MEDIA_DIR")]
    pub media_dir: Option<std::path::PathBuf>,

    /// E-mail of the manager account ensured at start.
    #[arg(long, env = "HANDOVER_ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    /// Password of the manager account ensured at start.
    #[arg(long, env = "HANDOVER_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// WhatsApp app secret: the key of the webhook signatures.
    #[arg(long, env = "HANDOVER_APP_SECRET", hide_env_values = true)]
    pub app_secret: Option<String>,

    /// The token WhatsApp echoes when it verifies the webhook.
    #[arg(long, env = "HANDOVER_VERIFY_TOKEN", hide_env_values = true)]
    pub verify_token: Option<String>,

    /// Base URL of the WhatsApp Cloud API (outbound messages).
    #[arg(long, env = "HANDOVER_WA_BASE_URL")]
    pub wa_base_url: Option<String>,

    /// Bearer token for the Cloud API; without it messages go to the sandbox.
    #[arg(long, env = "HANDOVER_WA_TOKEN", hide_env_values = true)]
    pub wa_token: Option<String>,

    /// The business phone number's id in the Cloud API.
    #[arg(long, env = "HANDOVER_WA_PHONE_NUMBER_ID")]
    pub wa_phone_number_id: Option<String>,

    /// The WhatsApp Business Account id: with the token, templates are
    /// submitted to WhatsApp and their review status is read from it.
    #[arg(long, env = "HANDOVER_WA_BUSINESS_ACCOUNT_ID")]
    pub wa_business_account_id: Option<String>,

    /// The Meta app's id: templates with a photo, video or PDF header are
    /// submitted with a sample uploaded through it.
    #[arg(long, env = "HANDOVER_WA_APP_ID")]
    pub wa_app_id: Option<String>,

    /// Messages sent to WhatsApp per second at most (Meta's default per
    /// number is 80; up to 1,000 for higher tiers).
    #[arg(long, env = "HANDOVER_SEND_RATE", default_value_t = 80, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub send_rate: u32,

    /// The most recipients one API campaign request may name.
    #[arg(long, env = "HANDOVER_CAMPAIGN_MAX_RECIPIENTS", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub campaign_max_recipients: u32,

    /// The largest CSV file a contacts import accepts, in megabytes.
    #[arg(long, env = "HANDOVER_IMPORT_MAX_MB", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub import_max_mb: u32,

    /// Hours without a customer message after which a live chat is
    /// resolved automatically.
    #[arg(long, env = "HANDOVER_IDLE_RESOLVE_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub idle_resolve_hours: u32,

    /// Demo mode: seeds an empty database with a sample shop, its bot and
    /// customers, and lets people write as a customer from the dashboard.
    #[arg(long, env = "HANDOVER_DEMO")]
    pub demo: bool,

    /// Seconds a stop (SIGTERM, Ctrl-C) waits for requests and sends in
    /// flight before the process ends anyway.
    #[arg(long, env = "HANDOVER_SHUTDOWN_GRACE_SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub shutdown_grace_secs: u64,

    /// The address people open, e.g. `https://inbox.example.com`, when it is
    /// not the bind address (behind a proxy). Changes from other sites are
    /// refused by it, and an `https` address marks the session cookie
    /// `Secure`.
    #[arg(long, env = "HANDOVER_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// How the log is written: `text` for people, `json` (one object per
    /// line, with each request's id) for log shippers.
    #[arg(long, env = "HANDOVER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// The bearer token Prometheus scrapes `GET /metrics` with; without it
    /// the endpoint answers 404.
    #[arg(long, env = "HANDOVER_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Behind a reverse proxy: take the client's address from the last entry
    /// of `X-Forwarded-For` (sign-in throttling is per address).
    #[arg(long, env = "HANDOVER_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// Live dashboards (event streams) the server keeps open at most.
    #[arg(long, env = "HANDOVER_MAX_STREAMS", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_streams: u32,

    /// The newest events kept in memory for live streams; a stream further
    /// behind reads from the database.
    #[arg(long, env = "HANDOVER_EVENT_BUFFER", default_value_t = 16384, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub event_buffer: u32,
}

/// How the log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// What `handover-server` can do besides serving.
#[derive(Clone, clap::Subcommand)]
pub enum Command {
    /// Copies a SQLite database into a new, empty Postgres database and
    /// checks that every table's rows arrived. Stop the server first.
    Migrate {
        /// The SQLite database, e.g. sqlite://data/handover.db.
        #[arg(long)]
        from: String,
        /// The Postgres database, e.g. postgres://handover@db.internal/handover.
        #[arg(long)]
        to: String,
    },
    /// Writes a consistent copy of the SQLite database (HANDOVER_DATABASE_URL)
    /// to a new file while the server runs, and checks it. On Postgres, use
    /// pg_dump or your usual backup tools.
    Backup {
        /// The new file, e.g. backups/handover-2026-12-01.db.
        path: std::path::PathBuf,
    },
    /// Prints the API's OpenAPI document (what `GET /api/openapi.json`
    /// serves) and exits, for client generators and API tools.
    Openapi,
}

impl Config {
    /// The defaults with another bind address and database, for tests.
    pub fn for_tests(database_url: impl Into<String>) -> Self {
        let mut config = Config::parse_from(["handover-server"]);
        config.bind = SocketAddr::from(([127, 0, 0, 1], 0));
        config.database_url = database_url.into();
        config
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_documented_contract() {
        let config = Config::try_parse_from(["handover-server"]).unwrap();
        assert_eq!(config.bind, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(config.database_url, "sqlite://data/handover.db");
        assert_eq!(config.idle_resolve_hours, 24);
        assert_eq!(config.send_rate, 80, "Meta's default per number");
        assert!(!config.demo, "demo mode is off unless asked for");
        assert_eq!(config.shutdown_grace_secs, 30);
        assert_eq!(config.public_url, None);
        assert!(!config.trust_proxy);
    }

    #[test]
    fn an_idle_time_of_zero_hours_is_refused() {
        let error = Config::try_parse_from(["handover-server", "--idle-resolve-hours", "0"])
            .err()
            .unwrap();
        assert!(error.to_string().contains("idle-resolve-hours"), "{error}");
    }

    #[test]
    fn flags_set_every_setting() {
        let config = Config::try_parse_from([
            "handover-server",
            "--bind",
            "0.0.0.0:9000",
            "--database-url",
            "sqlite::memory:",
            "--wa-phone-number-id",
            "123",
            "--demo",
        ])
        .unwrap();
        assert_eq!(config.bind, "0.0.0.0:9000".parse().unwrap());
        assert_eq!(config.database_url, "sqlite::memory:");
        assert_eq!(config.wa_phone_number_id.as_deref(), Some("123"));
        assert!(config.demo);
    }

    #[test]
    fn a_malformed_bind_address_is_refused_with_the_value_named() {
        let error = Config::try_parse_from(["handover-server", "--bind", "localhost"])
            .err()
            .unwrap();
        assert!(error.to_string().contains("localhost"), "{error}");
    }
}
