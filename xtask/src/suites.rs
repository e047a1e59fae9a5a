//! The test command: every check and suite, in a fixed order, each counted.
//!
//! Gates (formatting, lints) count as one check each. A suite that cannot
//! start, crashes or runs no test counts as failed; the command exits
//! non-zero whenever anything failed.

use std::process::ExitCode;

use crate::tally::{self, Counts, Tally};
use crate::{process, tools};

/// Builds the web app with Trunk, then the server that embeds it.
pub fn build_release() -> Result<(), String> {
    println!("== Building the web app (trunk, release)");
    process::run_named(
        "trunk",
        &["build", "--release=true"],
        &[("TRUNK_SKIP_VERSION_CHECK", "true")],
    )?;
    println!("== Building handover-server (release)");
    process::run_named(
        "cargo",
        &["build", "--release", "--package", "handover-server"],
        &[],
    )
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
    cargo_suite(&mut tally, "native tests", &["test", "--workspace"], &[]);
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
    match build_release() {
        Ok(()) => end_to_end_suite(&mut tally),
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

fn end_to_end_suite(tally: &mut Tally) {
    let name = "end-to-end tests";
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
    let server = root.join("target/release/handover-server");
    let out = root.join("target/e2e");
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

fn record_suite(tally: &mut Tally, name: &str, counts: Counts, result: Result<bool, String>) {
    let (counts, note) = match result {
        Ok(succeeded) => tally::settle(counts, succeeded),
        Err(error) => (Counts::FAIL, Some(error)),
    };
    tally.record(name, counts, note);
}
