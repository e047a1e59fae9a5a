//! Installing the build and test tools, each only when it is missing or at
//! another version (pinned below: Trunk needs these exact versions, since it
//! cannot download anything on a machine without internet access).

use std::path::{Path, PathBuf};

use crate::process;

pub const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` pin in Cargo.toml and Trunk.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// binaryen's version, as Trunk.toml names it (`version_132`).
pub const WASM_OPT_VERSION: &str = "version_132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The repository's root folder.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one folder below the root")
        .to_owned()
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// Makes sure every tool is there; `for_tests` adds the browser.
pub fn setup(for_tests: bool) -> Result<(), String> {
    println!("== Setting up tools (each is skipped when already installed at the right version)");
    ensure_wasm_target()?;
    ensure_cargo_tool(
        "trunk",
        &format!("trunk {TRUNK_VERSION}"),
        &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
    )?;
    // Not --locked: its lockfile names a crate version the registry lacks.
    ensure_cargo_tool(
        "wasm-bindgen",
        &format!("wasm-bindgen {WASM_BINDGEN_VERSION}"),
        &[
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={WASM_BINDGEN_VERSION}"),
        ],
    )?;
    ensure_npm_tools()?;
    if for_tests {
        ensure_browser()?;
    }
    // Trunk builds with `cargo --offline`, so every crate must be here first.
    process::run_named("cargo", &["fetch", "--quiet"], &[])?;
    println!("   all tools ready\n");
    Ok(())
}

fn ensure_wasm_target() -> Result<(), String> {
    let installed = process::command("rustup", &["target", "list", "--installed"], &[])
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(false);
    if installed {
        println!("   wasm32-unknown-unknown target: present");
        return Ok(());
    }
    println!("   installing the wasm32-unknown-unknown target");
    process::run_named("rustup", &["target", "add", "wasm32-unknown-unknown"], &[])
}

fn ensure_cargo_tool(binary: &str, expected_version: &str, install: &[&str]) -> Result<(), String> {
    let found = process::first_line_of(Path::new(binary), &["--version"]);
    if found.as_deref().map(str::trim) == Some(expected_version) {
        println!("   {expected_version}: present");
        return Ok(());
    }
    println!(
        "   installing {expected_version} (found: {})",
        found.as_deref().unwrap_or("none")
    );
    process::run_named("cargo", install, &[])
}

fn ensure_npm_tools() -> Result<(), String> {
    let wasm_opt = root().join("node_modules/.bin/wasm-opt");
    let wasm_opt_ok = process::first_line_of(&wasm_opt, &["--version"])
        .is_some_and(|line| line.contains(WASM_OPT_VERSION));
    let playwright_ok = root()
        .join("node_modules/playwright-core/package.json")
        .exists();
    if wasm_opt_ok && playwright_ok {
        println!("   npm tools (binaryen {WASM_OPT_VERSION}, playwright-core): present");
        return Ok(());
    }
    if process::first_line_of(Path::new("npm"), &["--version"]).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    println!("   installing npm tools from package-lock.json");
    process::run_named("npm", &["ci", "--no-audit", "--no-fund"], &[])
}

fn ensure_browser() -> Result<(), String> {
    let chromium = process::first_line_of(Path::new(CHROMIUM), &["--version"]);
    let driver = process::first_line_of(Path::new(CHROMEDRIVER), &["--version"]);
    if let (Some(chromium), Some(driver)) = (&chromium, &driver) {
        println!(
            "   {chromium} and {}: present",
            driver.split(" (").next().unwrap_or(driver)
        );
        return Ok(());
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// Installs Debian packages, as root directly or through `sudo`.
fn apt_install(packages: &[&str]) -> Result<(), String> {
    println!("   installing {} from Debian", packages.join(", "));
    let is_root = process::first_line_of(Path::new("id"), &["-u"]).as_deref() == Some("0");
    let (program, prefix): (&str, &[&str]) = if is_root {
        ("apt-get", &[])
    } else {
        ("sudo", &["-n", "apt-get"])
    };
    let envs = [("DEBIAN_FRONTEND", "noninteractive")];
    let update: Vec<&str> = prefix.iter().copied().chain(["update", "-q"]).collect();
    let install: Vec<&str> = prefix
        .iter()
        .copied()
        .chain(["install", "-y", "-q", "--no-install-recommends"])
        .chain(packages.iter().copied())
        .collect();
    process::run_named(program, &update, &envs)
        .and_then(|()| process::run_named(program, &install, &envs))
        .map_err(|error| {
            format!(
                "{error}\n   install {} with your package manager, then run again",
                packages.join(" ")
            )
        })
}
