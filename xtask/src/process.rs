//! Starting commands with the project's tools first on PATH.

use std::ffi::OsString;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::tools;

/// A command with PATH set so that the tools installed by `setup` are found
/// first: npm's `node_modules/.bin` (wasm-opt) and cargo's bin folder
/// (trunk, wasm-bindgen).
pub fn command(
    program: impl AsRef<std::ffi::OsStr>,
    args: &[&str],
    envs: &[(&str, &str)],
) -> Command {
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(tools::root())
        .env("PATH", path_with_tools());
    for (key, value) in envs {
        command.env(key, value);
    }
    command
}

fn path_with_tools() -> OsString {
    let mut folders = vec![tools::root().join("node_modules/.bin"), tools::cargo_bin()];
    if let Some(path) = std::env::var_os("PATH") {
        folders.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(folders).unwrap_or_default()
}

/// Runs to completion with inherited output; an error says which command failed.
pub fn run(program: &Path, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    let status = command(program, args, envs)
        .status()
        .map_err(|error| format!("could not start {}: {error}", program.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{} {}` failed ({status})",
            program.display(),
            args.join(" ")
        ))
    }
}

/// Like [`run`], by program name.
pub fn run_named(program: &str, args: &[&str], envs: &[(&str, &str)]) -> Result<(), String> {
    run(Path::new(program), args, envs)
}

/// Runs to completion, echoing standard output line by line and handing each
/// line to `on_line` as well. Returns whether the command succeeded.
pub fn run_streaming(
    program: &str,
    args: &[&str],
    envs: &[(&str, &str)],
    mut on_line: impl FnMut(&str),
) -> Result<bool, String> {
    let mut child = command(program, args, envs)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not start {program}: {error}"))?;
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            on_line(&line);
        }
    }
    let status = child
        .wait()
        .map_err(|error| format!("{program} did not finish: {error}"))?;
    Ok(status.success())
}

/// The first line a command prints to standard output, if it runs at all.
pub fn first_line_of(program: &Path, args: &[&str]) -> Option<String> {
    let output = command(program, args, &[])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .map(str::to_owned)
}
