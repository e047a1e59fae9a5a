//! `handover-server`: reads its configuration, starts the application and
//! serves until Ctrl-C or SIGTERM.

use std::process::ExitCode;

use clap::Parser;
use handover_server::app::demo;
use handover_server::platform::config::{Command, Config, LogFormat};
use handover_server::platform::copy_to_postgres;
use handover_server::startup::Application;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    let config = Config::parse();
    start_logging(config.log_format);

    match &config.command {
        Some(Command::Migrate { from, to }) => return migrate(from, to).await,
        Some(Command::Backup { path }) => return backup(&config.database_url, path).await,
        Some(Command::Openapi) => {
            println!("{}", handover_server::http::routes::openapi_document());
            return ExitCode::SUCCESS;
        }
        None => {}
    }

    let app = match Application::build(&config).await {
        Ok(app) => app,
        Err(error) => {
            eprintln!("handover-server could not start: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts (the xtask and the end-to-end tests) read this line to learn
    // the address, which matters when the port was chosen by the system.
    announce(
        config.log_format,
        &format!("Handover is running at {}", app.url()),
    );
    if let Some(seeded) = &app.demo {
        print_demo(config.log_format, seeded);
    }

    match app.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("handover-server stopped with an error: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Copies a SQLite database into Postgres and says what was copied.
async fn migrate(from: &str, to: &str) -> ExitCode {
    match copy_to_postgres::run(from, to).await {
        Ok(tables) => {
            for (table, rows) in tables {
                println!("{table:<16} {rows:>10} rows, the same on both");
            }
            println!("Copied. Start the server with HANDOVER_DATABASE_URL={to}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("handover-server migrate: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Copies the SQLite database while the server runs and says what the
/// copy holds.
async fn backup(url: &str, path: &std::path::Path) -> ExitCode {
    match handover_server::platform::backup::run(url, path).await {
        Ok(copied) => {
            println!(
                "Backed up to {}: {} customers, {} messages, {} KB, checked.",
                path.display(),
                copied.customers,
                copied.messages,
                copied.bytes / 1024
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("handover-server backup: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The log, as people read it or as one JSON object per line; `RUST_LOG`
/// chooses what is written (`info` unless set).
fn start_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    match format {
        LogFormat::Text => tracing_subscriber::fmt().with_env_filter(filter).init(),
        LogFormat::Json => tracing_subscriber::fmt()
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .with_env_filter(filter)
            .init(),
    }
}

/// A line for whoever started the server: printed as it is, or, when the
/// log is JSON, written to the log (so that every line is JSON).
fn announce(format: LogFormat, line: &str) {
    match format {
        LogFormat::Text => println!("{line}"),
        LogFormat::Json => tracing::info!("{line}"),
    }
}

/// Tells a newcomer what demo mode gave them.
fn print_demo(format: LogFormat, seeded: &demo::Seeded) {
    match seeded {
        demo::Seeded::Customers(count) => announce(
            format,
            &format!("Demo mode: seeded the Bloom & Petal flower shop with its bot and {count} customers."),
        ),
        demo::Seeded::KeptExisting => announce(
            format,
            "Demo mode: the database already has customers; nothing was seeded.",
        ),
    }
    announce(
        format,
        &format!(
            "Demo mode: write as a customer from any open chat (\"Write as the customer\") or start a new one (\"New demo customer\"). The demo agent signs in as {} with password {}.",
            demo::AGENT_EMAIL,
            demo::AGENT_PASSWORD
        ),
    );
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed we simply never stop on Ctrl-C.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Blocks of a megabyte or more are mapped for each use and given back when
/// freed. glibc otherwise raises that bound after the first such block is
/// freed and keeps the later ones in its heaps: each password hashed or
/// checked (Argon2 takes 19 MB) left several megabytes behind, and a few
/// dozen sign-ins grew the server by hundreds of megabytes.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    // SAFETY: mallopt only sets an allocator parameter; it is called once,
    // before anything of ours allocates large blocks.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_blocks_to_the_system() {}
