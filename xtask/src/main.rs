//! `cargo xtask <command>`: the project's set-up, run and test commands.
//!
//! - `setup [--for-tests]`: installs the tools the build needs, skipping any
//!   already present at the right version; with `--for-tests` also Chromium
//!   and ChromeDriver.
//! - `run [-- SERVER ARGS]`: set-up, builds the web app and the server in
//!   release mode, then starts the server (which prints the URL to open).
//! - `test`: set-up for tests, then every check and test suite in order,
//!   ending with one line `N passed, N failed`.
//! - `bench [USERS] [MESSAGES_PER_USER]`: times the dashboard's queries on a
//!   seeded database (default 1,000,000 users, 10 messages each).
//! - `bench live [USERS] [SECONDS] [--servers N] [--db-rtt-ms MS]`: builds
//!   the release server and drives its live path: deliveries with 0, 200
//!   and 500 event streams open, then one delivery as large as the webhook
//!   takes; on Postgres, N servers on one database, reaching it with an
//!   added round trip of MS.
//! - `bench burst [EVENTS_PER_SECOND] [SECONDS]`: builds everything and
//!   times clicks in the dashboard (headless Chromium) during a burst of
//!   live events.

mod process;
mod suites;
mod tally;
mod tools;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "setup" => tools::setup(rest.iter().any(|arg| arg == "--for-tests")),
        "build" => tools::setup(false).and_then(|()| suites::build_release()),
        "run" => run(rest),
        "bench" => bench(rest),
        "test" => return suites::run_all(),
        _ => {
            eprintln!(
                "usage: cargo xtask <setup [--for-tests] | build | run [-- SERVER ARGS] | test | bench [live | burst] [USERS | EVENTS_PER_SECOND] [MESSAGES_PER_USER | SECONDS] [--servers N] [--db-rtt-ms MS]>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Seeds a throw-away database at scale and prints query timings.
fn bench(args: &[String]) -> Result<(), String> {
    if args.first().map(String::as_str) == Some("burst") {
        return suites::bench_burst(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("live") {
        // The live benchmark starts the release server beside it.
        tools::setup(false)?;
        suites::build_release()?;
    }
    let mut cargo_args = vec![
        "run",
        "--release",
        "--quiet",
        "--package",
        "handover-server",
        "--bin",
        "handover-bench",
        "--",
    ];
    cargo_args.extend(args.iter().map(String::as_str));
    // The same figures on each backend, SQLite first.
    println!("== SQLite");
    process::run_named("cargo", &cargo_args, &[("HANDOVER_BENCH_POSTGRES", "")])?;
    let postgres = suites::postgres_server("HANDOVER_BENCH_POSTGRES");
    println!("== Postgres ({postgres})");
    process::run_named(
        "cargo",
        &cargo_args,
        &[("HANDOVER_BENCH_POSTGRES", &postgres)],
    )
}

/// The first manager account of `cargo xtask run`, unless the environment
/// names another (see README).
const FIRST_LOGIN: (&str, &str) = ("admin@handover.local", "handover-admin");

/// Builds everything, then hands the terminal to the server until it stops.
fn run(server_args: &[String]) -> Result<(), String> {
    tools::setup(false)?;
    suites::build_release()?;
    let server = tools::root().join("target/release/handover-server");
    let args: Vec<&str> = server_args
        .iter()
        .map(String::as_str)
        .filter(|arg| *arg != "--")
        .collect();
    let configured = std::env::var_os("HANDOVER_ADMIN_EMAIL").is_some();
    let mut envs = Vec::new();
    if configured {
        println!("\nSign in with HANDOVER_ADMIN_EMAIL and HANDOVER_ADMIN_PASSWORD.");
    } else {
        let (email, password) = FIRST_LOGIN;
        envs.push(("HANDOVER_ADMIN_EMAIL", email));
        envs.push(("HANDOVER_ADMIN_PASSWORD", password));
        println!("\nSign in as {email} with password {password} (set HANDOVER_ADMIN_EMAIL/PASSWORD to choose your own).");
    }
    println!("Starting handover-server (Ctrl-C stops it)…");
    process::run(&server, &args, &envs)
}
