//! The figures the reports count and time, each defined once as SQL over
//! the rows it comes from (the audit trail of transitions, or the
//! messages), and the statement that selects them grouped.

/// A move into Requesting, as a `transitions` condition on alias `t`.
pub const INTO_REQUESTING: &str = "t.to_status = 'requesting' AND t.from_status <> 'requesting'";

/// What a move into Requesting is filed under: its cause, `released` for
/// an agent's release, '' when it predates causes.
pub const REQUEST_REASON: &str =
    "COALESCE(t.cause, CASE WHEN t.actor = 'agent' THEN 'released' ELSE '' END)";

/// The reason a request filed under `reason` reads back as: its cause, and
/// whether an agent released it.
pub fn request_cause(reason: &str) -> (Option<&str>, bool) {
    match reason {
        "released" => (None, true),
        "" => (None, false),
        cause => (Some(cause), false),
    }
}

pub const QUARTER_HOUR_MS: i64 = 900_000;
pub const DAY_MS: i64 = 86_400_000;
/// Quarter hours in a day.
pub const QUARTERS_A_DAY: i64 = 96;

/// One figure the reports count or time: the rows of `source` that match
/// `when`, by whom (`agent`) and why (`reason`); a duration also has `ms`.
pub struct Figure {
    pub name: &'static str,
    pub(super) source: Source,
    pub(super) when: &'static [&'static str],
    pub(super) agent: &'static str,
    pub(super) reason: &'static str,
    pub(super) ms: Option<&'static str>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Transitions,
    Messages,
}

impl Source {
    pub(super) const fn table(self) -> &'static str {
        match self {
            Source::Transitions => "transitions t",
            Source::Messages => "messages t",
        }
    }

    pub(super) const fn time(self) -> &'static str {
        match self {
            Source::Transitions => "t.at",
            Source::Messages => "t.sent_at",
        }
    }
}

/// A figure counted from the trail's rows (`ms`: the duration summed, if
/// any).
const fn from_transitions(
    name: &'static str,
    when: &'static [&'static str],
    agent: &'static str,
    reason: &'static str,
    ms: Option<&'static str>,
) -> Figure {
    Figure {
        name,
        source: Source::Transitions,
        when,
        agent,
        reason,
        ms,
    }
}

const fn counted(
    name: &'static str,
    when: &'static [&'static str],
    agent: &'static str,
    reason: &'static str,
) -> Figure {
    from_transitions(name, when, agent, reason, None)
}

const fn timed(
    name: &'static str,
    when: &'static [&'static str],
    agent: &'static str,
    reason: &'static str,
    ms: &'static str,
) -> Figure {
    from_transitions(name, when, agent, reason, Some(ms))
}

/// Moves into Requesting, by cause.
pub const ESCALATION: Figure = counted("escalation", &[INTO_REQUESTING], "0", REQUEST_REASON);
/// Requests the window closed, when it closed.
pub const MISSED: Figure = counted(
    "missed",
    &[
        "t.command = 'window_expired'",
        "t.from_status = 'requesting'",
    ],
    "0",
    "''",
);
/// Requests the window closed, when they were made, by cause.
pub const REQUEST_MISSED: Figure = counted(
    "request_missed",
    &[INTO_REQUESTING, "t.request_end = 'window_expired'"],
    "0",
    REQUEST_REASON,
);
/// Resolves by people, by whom and closing reason.
pub const RESOLVED: Figure = counted(
    "resolved",
    &["t.command = 'resolve'"],
    "COALESCE(t.agent_id, 0)",
    "COALESCE(t.closing_reason, '')",
);
/// Chats closed after a quiet spell.
pub const AUTO_RESOLVED: Figure =
    counted("auto_resolved", &["t.command = 'idle_timeout'"], "0", "''");
/// Chats taken, by whom.
pub const INTERVENED: Figure = counted(
    "intervened",
    &["t.command = 'intervene'", "t.agent_id IS NOT NULL"],
    "t.agent_id",
    "''",
);
/// Agents' messages to customers (notes are not), by whom.
pub const AGENT_MESSAGE: Figure = Figure {
    name: "agent_message",
    source: Source::Messages,
    when: &["t.author = 'agent'", "t.kind <> 'system'"],
    agent: "COALESCE(t.agent_id, 0)",
    reason: "''",
    ms: None,
};
/// How long each chat taken had waited since it entered Requesting, when taken.
pub const WAIT: Figure = timed(
    "wait",
    &["t.command = 'intervene'", "t.waited_ms IS NOT NULL"],
    "0",
    "''",
    "t.waited_ms",
);
/// From a request to its resolve, when resolved.
pub const RESOLUTION: Figure = timed(
    "resolution",
    &["t.command = 'resolve'", "t.since_request_ms IS NOT NULL"],
    "0",
    "''",
    "t.since_request_ms",
);
/// From taking a chat to the agent's first message in it, when taken.
pub const FIRST_RESPONSE: Figure = timed(
    "first_response",
    &[
        "t.command = 'intervene'",
        "t.agent_id IS NOT NULL",
        "t.first_response_ms IS NOT NULL",
    ],
    "t.agent_id",
    "''",
    "t.first_response_ms",
);
/// How long each request waited for an agent, when made, by cause.
pub const REQUEST_WAIT: Figure = timed(
    "request_wait",
    &[INTO_REQUESTING, "t.request_end = 'intervene'"],
    "0",
    REQUEST_REASON,
    "t.request_ms",
);

pub(super) const COUNTED: [&Figure; 7] = [
    &ESCALATION,
    &MISSED,
    &REQUEST_MISSED,
    &RESOLVED,
    &AUTO_RESOLVED,
    &INTERVENED,
    &AGENT_MESSAGE,
];
pub(super) const TIMED: [&Figure; 4] = [&WAIT, &RESOLUTION, &FIRST_RESPONSE, &REQUEST_WAIT];

impl Figure {
    /// `SELECT [grain,] figure, agent, reason, [seconds,] COUNT(*)` over
    /// the rows matching `rows` as well, grouped.
    pub(in crate::store) fn select(&self, grain_ms: Option<i64>, rows: &str) -> String {
        let Figure {
            name,
            source,
            when,
            agent,
            reason,
            ms,
        } = self;
        let mut columns = Vec::new();
        if let Some(grain) = grain_ms {
            columns.push(format!("{} / {grain}", source.time()));
        }
        columns.extend([
            format!("'{name}'"),
            (*agent).to_owned(),
            (*reason).to_owned(),
        ]);
        if let Some(ms) = ms {
            columns.push(format!("{ms} / 1000"));
        }
        let groups: Vec<String> = (1..=columns.len())
            .filter(|at| *at != usize::from(grain_ms.is_some()) + 1)
            .map(|at| at.to_string())
            .collect();
        format!(
            "SELECT {}, COUNT(*) FROM {} WHERE {} AND {rows} GROUP BY {}",
            columns.join(", "),
            source.table(),
            when.join(" AND "),
            groups.join(", ")
        )
    }
}
