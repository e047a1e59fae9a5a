//! The test command: every check and suite, in a fixed order, each counted.
//!
//! Gates (formatting, lints) count as one check each. A suite that cannot
//! start, crashes or runs no test counts as failed; the command exits
//! non-zero whenever anything failed.

use std::process::ExitCode;

use crate::tally::{self, Counts, Tally};
use crate::{process, tools};

/// Builds the web app with Trunk, compresses its files once, then builds
/// the server that embeds them.
pub fn build_release() -> Result<(), String> {
    build_web_app()?;
    println!("== Building handover-server (release)");
    process::run_named(
        "cargo",
        &["build", "--release", "--package", "handover-server"],
        &[],
    )
}

/// Builds the web app with Trunk (release, as shipped) into `dist/` and
/// writes the compressed copy of each file.
fn build_web_app() -> Result<(), String> {
    let root = tools::root();
    println!("== Building the web app: the inbox (trunk, release)");
    let trunk_env = [("TRUNK_SKIP_VERSION_CHECK", "true")];
    process::run_named("trunk", &["build", "--release=true"], &trunk_env)?;
    // Trunk builds one page at a time and empties its folder first: the
    // managers' screens go to a folder of their own, then join the inbox.
    println!("== Building the web app: the managers' screens (trunk, release)");
    let manage = root.join("target/dist-manage");
    process::run_named(
        "trunk",
        &[
            "build",
            "--release=true",
            "--dist",
            &manage.to_string_lossy(),
            "manage.html",
        ],
        &trunk_env,
    )?;
    merge_into(&manage, &root.join("dist"), "manage.html")?;
    println!("== Compressing the web app's files (brotli and gzip, served as they are)");
    let script = root.join("xtask/precompress.mjs");
    let dist = root.join("dist");
    process::run_named(
        "node",
        &[&script.to_string_lossy(), &dist.to_string_lossy()],
        &[],
    )
}

/// Copies every file of `from` into `to`; Trunk's page, always written as
/// `index.html`, becomes `page`. (Both apps share their stylesheet, which
/// has the same name in both.)
fn merge_into(from: &std::path::Path, to: &std::path::Path, page: &str) -> Result<(), String> {
    let entries =
        std::fs::read_dir(from).map_err(|error| format!("{}: {error}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|error| error.to_string())?;
        if !entry.path().is_file() {
            continue;
        }
        let name = match entry.file_name().to_string_lossy().as_ref() {
            "index.html" => page.to_owned(),
            other => other.to_owned(),
        };
        std::fs::copy(entry.path(), to.join(name))
            .map_err(|error| format!("copying {}: {error}", entry.path().display()))?;
    }
    Ok(())
}

pub fn run_all() -> ExitCode {
    let mut tally = Tally::default();
    if let Err(error) = tools::setup(true) {
        println!("xtask: set-up failed: {error}");
        tally.record("set-up", Counts::FAIL, Some(error));
        tally.print();
        return ExitCode::FAILURE;
    }

    gate(&mut tally, "cargo fmt", &["fmt", "--all", "--", "--check"]);
    gate(
        &mut tally,
        "clippy (native)",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    gate(
        &mut tally,
        "clippy (wasm32)",
        &[
            "clippy",
            "--package",
            "handover-web",
            "--package",
            "handover-core",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    // The web app first: the server the native tests build embeds it, and
    // that same debug build is what the end-to-end suite drives (the same
    // code as the release binary, so the command compiles the server once).
    let web_app = build_web_app();
    cargo_suite(&mut tally, "native tests", &["test", "--workspace"], &[]);
    postgres_suite(&mut tally);
    cargo_suite(
        &mut tally,
        "browser tests",
        &[
            "test",
            "--package",
            "handover-web",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "web",
        ],
        &[("CHROMEDRIVER", tools::CHROMEDRIVER)],
    );
    let server = web_app.and_then(|()| {
        println!("== Building handover-server (debug, embedding the web app)");
        process::run_named("cargo", &["build", "--package", "handover-server"], &[])
    });
    match server {
        Ok(()) => {
            end_to_end_suite(&mut tally, None);
            end_to_end_on_postgres(&mut tally);
        }
        Err(error) => tally.record(
            "end-to-end tests",
            Counts::FAIL,
            Some(format!("build failed: {error}")),
        ),
    }

    tally.print();
    if tally.total().failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// This machine's Postgres server, where the tests and the benchmarks make
/// their databases unless the variable they read names another.
const MACHINE_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The Postgres server `variable` names, or this machine's.
pub fn postgres_server(variable: &str) -> String {
    std::env::var(variable)
        .ok()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| MACHINE_POSTGRES.to_owned())
}

/// The Postgres server of the tests (each test gets a database of its own
/// there, dropped after), if it answers; otherwise what to do.
fn test_postgres() -> Result<String, String> {
    let url = postgres_server("HANDOVER_TEST_POSTGRES");
    reachable(&url).map(|()| url.clone()).map_err(|error| {
        format!(
            "no Postgres answers at {url} ({error}): start it (on Debian: \
             pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) \
             or set HANDOVER_TEST_POSTGRES"
        )
    })
}

/// A suite that could not run because Postgres does not answer.
fn no_postgres(tally: &mut Tally, name: &str, why: String) {
    println!("== {name}");
    println!("xtask: {why}");
    tally.record(name, Counts::FAIL, Some(why));
}

/// The server's integration tests again, on Postgres.
fn postgres_suite(tally: &mut Tally) {
    let name = "integration tests on Postgres";
    let url = match test_postgres() {
        Ok(url) => url,
        Err(why) => return no_postgres(tally, name, why),
    };
    cargo_suite(
        tally,
        name,
        &["test", "--package", "handover-server", "--test", "*"],
        &[("HANDOVER_TEST_POSTGRES", &url)],
    );
}

/// Whether something listens at the host and port of a Postgres URL.
fn reachable(url: &str) -> Result<(), String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let address = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    let addresses = std::net::ToSocketAddrs::to_socket_addrs(&address)
        .map_err(|error| format!("{address}: {error}"))?;
    for socket in addresses {
        if std::net::TcpStream::connect_timeout(&socket, std::time::Duration::from_secs(3)).is_ok()
        {
            return Ok(());
        }
    }
    Err(format!("nothing listens at {address}"))
}

fn gate(tally: &mut Tally, name: &str, args: &[&str]) {
    println!("== {name}");
    let (counts, note) = match process::run_named("cargo", args, &[]) {
        Ok(()) => (Counts::PASS, None),
        Err(error) => (Counts::FAIL, Some(error)),
    };
    tally.record(name, counts, note);
}

fn cargo_suite(tally: &mut Tally, name: &str, args: &[&str], envs: &[(&str, &str)]) {
    println!("== {name}");
    let mut counts = Counts::default();
    let result = process::run_streaming("cargo", args, envs, |line| {
        if let Some(found) = tally::cargo_summary(line) {
            counts.add(found);
        }
    });
    record_suite(tally, name, counts, result);
}

/// The end-to-end suite again, each server on a Postgres database of its
/// own; the databases are dropped after.
fn end_to_end_on_postgres(tally: &mut Tally) {
    match test_postgres() {
        Ok(url) => {
            drop_end_to_end_databases(&url);
            end_to_end_suite(tally, Some(&url));
            drop_end_to_end_databases(&url);
        }
        Err(why) => no_postgres(tally, "end-to-end tests on Postgres", why),
    }
}

/// Drops the databases the end-to-end suite made on `url`'s server.
fn drop_end_to_end_databases(url: &str) {
    let listed = std::process::Command::new("psql")
        .args([
            url,
            "-At",
            "-c",
            "SELECT datname FROM pg_database WHERE datname LIKE 'handover\\_e2e\\_%'",
        ])
        .output();
    let Ok(listed) = listed else { return };
    for name in String::from_utf8_lossy(&listed.stdout).lines() {
        let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        let _ = std::process::Command::new("psql")
            .args([url, "-q", "-c", &drop])
            .status();
    }
}

/// The browser suites against the server on SQLite, or on the Postgres
/// server at `postgres`.
fn end_to_end_suite(tally: &mut Tally, postgres: Option<&str>) {
    let name = match postgres {
        None => "end-to-end tests",
        Some(_) => "end-to-end tests on Postgres",
    };
    println!("== {name}");
    let root = tools::root();
    let mut files: Vec<String> = std::fs::read_dir(root.join("e2e"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|file| file.ends_with(".test.mjs"))
        .map(|file| format!("e2e/{file}"))
        .collect();
    files.sort();
    let server = root.join("target/debug/handover-server");
    let out = root.join(match postgres {
        None => "target/e2e",
        Some(_) => "target/e2e-postgres",
    });
    let (server, out) = (server.to_string_lossy(), out.to_string_lossy());
    let mut args = vec!["--test", "--test-reporter=spec", "--test-concurrency=1"];
    args.extend(files.iter().map(String::as_str));

    let mut counts = Counts::default();
    let result = process::run_streaming(
        "node",
        &args,
        &[
            ("HANDOVER_SERVER_BIN", &server),
            ("HANDOVER_E2E_OUT", &out),
            ("CHROMIUM", tools::CHROMIUM),
            ("HANDOVER_E2E_POSTGRES", postgres.unwrap_or("")),
        ],
        |line| {
            if let Some(found) = tally::node_summary(line) {
                counts.add(found);
            }
        },
    );
    record_suite(tally, name, counts, result);
    println!("   screenshots: {out}/screenshots/");
}

/// `bench burst`: the dashboard in Chromium during a burst of live events
/// (e2e/bench/burst.mjs), against the release build.
pub fn bench_burst(args: &[String]) -> Result<(), String> {
    tools::setup(true)?;
    build_release()?;
    let root = tools::root();
    let server = root.join("target/release/handover-server");
    let script = root.join("e2e/bench/burst.mjs");
    let script = script.to_string_lossy();
    let mut node_args = vec![script.as_ref()];
    node_args.extend(args.iter().map(String::as_str));
    process::run_named(
        "node",
        &node_args,
        &[
            ("HANDOVER_SERVER_BIN", &server.to_string_lossy()),
            ("CHROMIUM", tools::CHROMIUM),
        ],
    )
}

fn record_suite(tally: &mut Tally, name: &str, counts: Counts, result: Result<bool, String>) {
    let (counts, note) = match result {
        Ok(succeeded) => tally::settle(counts, succeeded),
        Err(error) => (Counts::FAIL, Some(error)),
    };
    tally.record(name, counts, note);
}
