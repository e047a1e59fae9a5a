//! Counting passed and failed tests across suites from what their runners
//! print, for the closing line `N passed, N failed`.

use std::fmt;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

impl Counts {
    pub const PASS: Counts = Counts {
        passed: 1,
        failed: 0,
    };
    pub const FAIL: Counts = Counts {
        passed: 0,
        failed: 1,
    };

    pub fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} passed, {} failed", self.passed, self.failed)
    }
}

/// Reads cargo's (and wasm-bindgen-test-runner's) per-binary summary:
/// `test result: ok. 12 passed; 0 failed; 0 ignored; …`.
pub fn cargo_summary(line: &str) -> Option<Counts> {
    let rest = line.trim().strip_prefix("test result:")?;
    let mut counts = Counts::default();
    for part in rest.split([';', '.']) {
        let mut words = part.split_whitespace();
        match (words.next().and_then(|n| n.parse().ok()), words.next()) {
            (Some(n), Some("passed")) => counts.passed = n,
            (Some(n), Some("failed")) => counts.failed = n,
            _ => {}
        }
    }
    Some(counts)
}

/// Reads node's test runner summary, spec (`ℹ pass 3`) or TAP (`# pass 3`).
pub fn node_summary(line: &str) -> Option<Counts> {
    let line = line.trim();
    let rest = line
        .strip_prefix("ℹ ")
        .or_else(|| line.strip_prefix("# "))?;
    let mut words = rest.split_whitespace();
    let kind = words.next()?;
    let n: u64 = words.next()?.parse().ok()?;
    if words.next().is_some() {
        return None;
    }
    match kind {
        "pass" => Some(Counts {
            passed: n,
            failed: 0,
        }),
        "fail" => Some(Counts {
            passed: 0,
            failed: n,
        }),
        _ => None,
    }
}

/// One row of the final summary.
pub struct Row {
    pub name: String,
    pub counts: Counts,
    pub note: Option<String>,
}

#[derive(Default)]
pub struct Tally {
    rows: Vec<Row>,
}

impl Tally {
    pub fn record(&mut self, name: &str, counts: Counts, note: Option<String>) {
        self.rows.push(Row {
            name: name.to_owned(),
            counts,
            note,
        });
    }

    pub fn total(&self) -> Counts {
        let mut total = Counts::default();
        for row in &self.rows {
            total.add(row.counts);
        }
        total
    }

    /// The summary table, then the closing line alone.
    pub fn print(&self) {
        println!("\n== Summary");
        for row in &self.rows {
            let note = row
                .note
                .as_deref()
                .map(|note| format!("  ({note})"))
                .unwrap_or_default();
            println!("   {:<20} {}{note}", row.name, row.counts);
        }
        println!("{}", self.total());
    }
}

/// What a suite's numbers mean once its exit status is known: a runner that
/// failed without reporting a failure, or that ran nothing, counts as failed.
pub fn settle(counts: Counts, succeeded: bool) -> (Counts, Option<String>) {
    if !succeeded && counts.failed == 0 {
        let mut counts = counts;
        counts.failed = 1;
        return (
            counts,
            Some("the runner failed before reporting results".into()),
        );
    }
    if succeeded && counts.passed == 0 && counts.failed == 0 {
        return (Counts::FAIL, Some("no tests ran".into()));
    }
    (counts, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_summaries_are_read_for_ok_and_failed_runs() {
        let cases = [
            ("test result: ok. 12 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s", Some((12, 0))),
            ("test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out", Some((3, 2))),
            ("test result: ok. 0 passed; 0 failed; 0 ignored", Some((0, 0))),
            ("running 12 tests", None),
            ("test tabs ... ok", None),
        ];
        for (line, expected) in cases {
            let got = cargo_summary(line).map(|c| (c.passed, c.failed));
            assert_eq!(got, expected, "{line}");
        }
    }

    #[test]
    fn node_summaries_are_read_in_spec_and_tap_form() {
        let cases = [
            ("ℹ pass 4", Some((4, 0))),
            ("ℹ fail 1", Some((0, 1))),
            ("# pass 2", Some((2, 0))),
            ("# fail 0", Some((0, 0))),
            ("ℹ tests 5", None),
            ("ℹ duration_ms 812.5", None),
            ("✔ shows the four tabs (812ms)", None),
            ("# pass 2 extra", None),
        ];
        for (line, expected) in cases {
            let got = node_summary(line).map(|c| (c.passed, c.failed));
            assert_eq!(got, expected, "{line}");
        }
    }

    #[test]
    fn a_suite_that_crashed_or_ran_nothing_counts_as_failed() {
        let ran = Counts {
            passed: 3,
            failed: 0,
        };
        assert_eq!(settle(ran, true), (ran, None));
        assert_eq!(
            settle(ran, false).0,
            Counts {
                passed: 3,
                failed: 1
            }
        );
        assert_eq!(settle(Counts::default(), true).0, Counts::FAIL);
        let failing = Counts {
            passed: 1,
            failed: 2,
        };
        assert_eq!(settle(failing, false), (failing, None));
    }

    #[test]
    fn the_total_sums_every_row() {
        let mut tally = Tally::default();
        tally.record(
            "a",
            Counts {
                passed: 2,
                failed: 1,
            },
            None,
        );
        tally.record(
            "b",
            Counts {
                passed: 5,
                failed: 0,
            },
            None,
        );
        assert_eq!(tally.total().to_string(), "7 passed, 1 failed");
    }
}
