//! The house's rules that a reading of the code can hold, checked on every
//! run: SQL only in `store/`, no transaction begun or committed in
//! `store/` or `http/`, lower layers never reaching up, no wildcard arm in a
//! match over a chat's status, and every module saying what it is for.

use std::path::{Path, PathBuf};

/// The workspace's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.rs` file below `folder` (relative to the root), with its text.
fn sources(folder: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut pending = vec![root().join(folder)];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let name = path
                    .strip_prefix(root())
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                found.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// The server library's files, each with the layer folder it is in.
fn server_library() -> Vec<(String, String)> {
    sources("crates/server/src")
        .into_iter()
        .filter(|(name, _)| !name.contains("/src/bin/"))
        .collect()
}

fn in_folder(name: &str, folder: &str) -> bool {
    name.contains(&format!("crates/server/src/{folder}/"))
}

/// The lines of `text` (outside its tests) where `needle` stands.
fn lines_with(text: &str, needle: &dyn Fn(&str) -> bool) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or(text);
    code.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .filter(|(_, line)| needle(line))
        .map(|(n, line)| format!("{}: {}", n + 1, line.trim()))
        .collect()
}

fn writes_sql(line: &str) -> bool {
    const STATEMENTS: [&str; 9] = [
        "sqlx::query",
        "\"SELECT ",
        "\"INSERT INTO",
        "\"UPDATE ",
        "\"DELETE FROM",
        "\"CREATE ",
        "\"PRAGMA ",
        "\"WITH ",
        "\"ALTER ",
    ];
    STATEMENTS.iter().any(|statement| line.contains(statement))
}

fn opens_or_closes_a_transaction(line: &str) -> bool {
    [".begin_write(", ".begin()", ".begin_with(", ".commit()"]
        .iter()
        .any(|call| line.contains(call))
}

#[test]
fn sql_is_written_only_in_the_store() {
    let mut outside = Vec::new();
    for (name, text) in server_library() {
        if in_folder(&name, "store") {
            continue;
        }
        for line in lines_with(&text, &writes_sql) {
            outside.push(format!("{name}:{line}"));
        }
    }
    assert!(
        outside.is_empty(),
        "SQL outside store/:\n{}",
        outside.join("\n")
    );
}

#[test]
fn no_transaction_begins_or_commits_in_the_store_or_the_http_layer() {
    let mut found = Vec::new();
    for (name, text) in server_library() {
        if !in_folder(&name, "store") && !in_folder(&name, "http") {
            continue;
        }
        for line in lines_with(&text, &opens_or_closes_a_transaction) {
            found.push(format!("{name}:{line}"));
        }
    }
    assert!(
        found.is_empty(),
        "a use case (app/) owns its transaction; found:\n{}",
        found.join("\n")
    );
}

#[test]
fn lower_layers_never_reach_up() {
    let mut found = Vec::new();
    for (name, text) in server_library() {
        let above: &[&str] = if in_folder(&name, "store") || in_folder(&name, "platform") {
            &["crate::app", "crate::http"]
        } else if in_folder(&name, "app") {
            &["crate::http"]
        } else {
            &[]
        };
        for layer in above {
            for line in lines_with(&text, &|line: &str| line.contains(layer)) {
                found.push(format!("{name}:{line}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "imports that run back up:\n{}",
        found.join("\n")
    );
}

/// The text with comments, strings and character literals blanked, so
/// that braces and arrows in them do not count.
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = |k: usize| chars.get(i + k).copied().unwrap_or(' ');
        if chars[i] == '/' && rest(1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if chars[i] == '\'' && rest(1) == '\\' {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if chars[i] == '\'' && rest(2) == '\'' {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// The arms' patterns of every `match` in `code` (comments and strings
/// already blanked), one list per match.
fn match_arms(code: &str) -> Vec<Vec<String>> {
    let bytes = code.as_bytes();
    let mut all = Vec::new();
    let mut search = 0;
    while let Some(found) = code[search..].find("match ") {
        let at = search + found;
        search = at + 6;
        let word_starts =
            at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_');
        if !word_starts {
            continue;
        }
        // The match's body: the first brace after the scrutinee, outside
        // any parentheses or brackets of it.
        let mut depth = 0i32;
        let mut open = None;
        for (k, &byte) in bytes.iter().enumerate().skip(search) {
            match byte {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth -= 1,
                b'{' if depth == 0 => {
                    open = Some(k);
                    break;
                }
                b';' if depth == 0 => break,
                _ => {}
            }
        }
        let Some(open) = open else { continue };
        let mut arms = Vec::new();
        let mut depth = 0i32;
        let mut start = open + 1;
        let mut in_expression = false;
        let mut block_expression = false;
        let mut k = open + 1;
        while k < bytes.len() {
            let byte = bytes[k];
            match byte {
                b'(' | b'[' | b'{' => {
                    if depth == 0
                        && in_expression
                        && byte == b'{'
                        && code[start..k].trim().is_empty()
                    {
                        block_expression = true;
                    }
                    depth += 1;
                }
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                    if depth == 0 && block_expression {
                        in_expression = false;
                        block_expression = false;
                        start = k + 1;
                    }
                }
                b'=' if depth == 0 && !in_expression && bytes.get(k + 1) == Some(&b'>') => {
                    arms.push(
                        code[start..k]
                            .trim()
                            .trim_start_matches(',')
                            .trim()
                            .to_owned(),
                    );
                    in_expression = true;
                    start = k + 2;
                    k += 1;
                }
                b',' if depth == 0 && in_expression => {
                    in_expression = false;
                    start = k + 1;
                }
                _ => {}
            }
            k += 1;
        }
        all.push(arms);
    }
    all
}

const STATUSES: [&str; 4] = ["Active", "Requesting", "Intervened", "Closed"];

/// Whether an arm's pattern names a chat's status.
fn names_a_status(pattern: &str) -> bool {
    let qualified = pattern.match_indices("Status::").any(|(at, _)| {
        !pattern[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    });
    qualified
        || pattern
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| STATUSES.contains(&word))
}

fn is_wildcard(pattern: &str) -> bool {
    pattern == "_" || pattern.starts_with("_ if ")
}

#[test]
fn the_arm_reader_finds_a_wildcard_over_statuses() {
    let code = code_only(
        "fn f(s: Status) -> u8 { match s { Status::Active => { 1 } // a => b\n _ => 2 } }",
    );
    let arms = match_arms(&code);
    assert_eq!(
        arms,
        vec![vec!["Status::Active".to_owned(), "_".to_owned()]]
    );
    let nested = code_only("match (a, b) { (Requesting, x) => match x { _ => '}' }, _ => 0 }");
    let arms = match_arms(&nested);
    assert_eq!(arms[0], vec!["(Requesting, x)".to_owned(), "_".to_owned()]);
    assert!(arms[0].iter().any(|p| names_a_status(p)) && arms[0].iter().any(|p| is_wildcard(p)));
}

#[test]
fn no_match_over_a_status_hides_a_status_behind_a_wildcard() {
    let mut found = Vec::new();
    for folder in ["crates/core/src", "crates/server/src", "src"] {
        for (name, text) in sources(folder) {
            for arms in match_arms(&code_only(&text)) {
                if arms.iter().any(|p| names_a_status(p)) && arms.iter().any(|p| is_wildcard(p)) {
                    found.push(format!("{name}: {}", arms.join(" | ")));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "matches over a status with a `_` arm (a new status would slip through):\n{}",
        found.join("\n")
    );
}

#[test]
fn every_module_says_what_it_is_for() {
    let mut silent = Vec::new();
    for folder in [
        "crates/core/src",
        "crates/server/src",
        "crates/server/tests",
        "src",
        "xtask/src",
    ] {
        for (name, text) in sources(folder) {
            if !text.trim_start().starts_with("//!") {
                silent.push(name);
            }
        }
    }
    assert!(
        silent.is_empty(),
        "modules without a //! line:\n{}",
        silent.join("\n")
    );
}
