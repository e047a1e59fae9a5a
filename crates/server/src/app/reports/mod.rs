//! The managers' reports, put together from the store's raw figures: the
//! counts as they are, durations as medians and percentiles in seconds.

pub mod breakdowns;

use std::collections::HashMap;

use axum::body::Bytes;
use handover_core::reports::{share_pct, AgentReport, Durations, ReportDay, ReportSummary};
use handover_core::AgentId;
use sqlx::AnyPool;

use crate::app::contacts::export::csv_lines;
use crate::platform::time::{self, rfc3339};
use crate::store::csat::{self, Answers};
use crate::store::reports::{self as stored, Slot};
use crate::store::rollups::{
    Chain, Figure, AGENT_MESSAGE, AUTO_RESOLVED, ESCALATION, FIRST_RESPONSE, INTERVENED, MISSED,
    RESOLUTION, RESOLVED, WAIT,
};

/// The longest range one report covers.
pub const MAX_RANGE_MS: i64 = 366 * 86_400_000;

/// The summary of `[from, to)` (ms).
pub async fn summary(pool: &AnyPool, from: i64, to: i64) -> Result<ReportSummary, sqlx::Error> {
    let mut totals: HashMap<String, i64> = HashMap::new();
    let mut by_agent: HashMap<(i64, String), i64> = HashMap::new();
    for counted in stored::counts(pool, from, to).await? {
        *totals.entry(counted.figure.clone()).or_default() += counted.n;
        *by_agent.entry((counted.agent, counted.figure)).or_default() += counted.n;
    }
    let total = |figure: &Figure| count(totals.get(figure.name).copied().unwrap_or(0));
    let theirs = |agent: i64, figure: &Figure| {
        count(
            by_agent
                .get(&(agent, figure.name.to_owned()))
                .copied()
                .unwrap_or(0),
        )
    };
    let (mut waits, mut resolutions, mut responses) = (
        Durations::default(),
        Durations::default(),
        Durations::default(),
    );
    let mut responses_by_agent: HashMap<i64, Durations> = HashMap::new();
    for timed in stored::durations(pool, from, to, &[&WAIT, &RESOLUTION, &FIRST_RESPONSE]).await? {
        let times = count(timed.n);
        let durations: &mut Durations = match timed.figure.as_str() {
            name if name == WAIT.name => &mut waits,
            name if name == RESOLUTION.name => &mut resolutions,
            _ => {
                responses_by_agent
                    .entry(timed.agent)
                    .or_default()
                    .add(timed.seconds, times);
                &mut responses
            }
        };
        durations.add(timed.seconds, times);
    }
    let customers = count(stored::customers(pool, Chain::Wrote, from, to).await?);
    let escalated = count(stored::customers(pool, Chain::Escalated, from, to).await?);
    let (csat_asked, answers) = csat::in_range(pool, from, to).await?;
    let mut answers_by_agent: HashMap<AgentId, Vec<&Answers>> = HashMap::new();
    for answered in &answers {
        if let Some(agent) = answered.agent {
            answers_by_agent.entry(agent).or_default().push(answered);
        }
    }
    let agents = stored::agents(pool)
        .await?
        .into_iter()
        .map(|(id, name, disabled)| {
            let (csat_answers, csat_satisfied_pct) = satisfaction(
                answers_by_agent
                    .get(&AgentId(id))
                    .map_or(&[], Vec::as_slice),
            );
            let report = AgentReport {
                id: AgentId(id),
                name,
                intervened: theirs(id, &INTERVENED),
                resolved: theirs(id, &RESOLVED),
                median_first_response_s: responses_by_agent.get(&id).and_then(Durations::median),
                messages: theirs(id, &AGENT_MESSAGE),
                csat_answers,
                csat_satisfied_pct,
            };
            (disabled, report)
        })
        .filter(|(disabled, agent)| {
            !disabled || agent.intervened + agent.resolved + agent.messages > 0
        })
        .map(|(_, agent)| agent)
        .collect();
    let (csat_answers, csat_satisfied_pct) = satisfaction(&answers.iter().collect::<Vec<_>>());
    Ok(ReportSummary {
        wait_distribution: waits.distribution(),
        csat_asked: count(csat_asked),
        csat_answers,
        csat_satisfied_pct,
        from: rfc3339(from),
        to: rfc3339(to),
        customers,
        escalations: total(&ESCALATION),
        contained_pct: share_pct(customers.saturating_sub(escalated), customers),
        missed_requests: total(&MISSED),
        resolved: total(&RESOLVED),
        auto_resolved: total(&AUTO_RESOLVED),
        median_wait_s: waits.median(),
        p90_wait_s: waits.percentile(90.0),
        median_first_response_s: responses.median(),
        median_resolution_s: resolutions.median(),
        agents,
    })
}

/// How many answers, and the share of them satisfied.
fn satisfaction(answers: &[&Answers]) -> (u64, Option<f64>) {
    let satisfied: u64 = answers
        .iter()
        .filter(|answered| answered.scale.satisfied(answered.score))
        .map(|answered| answered.times)
        .sum();
    let all: u64 = answers.iter().map(|answered| answered.times).sum();
    (all, share_pct(satisfied, all))
}

/// Day by day over `[from, to)` (ms): whole 24 hours from `from`, the
/// first named `first_day` (the date `from` was written with).
pub async fn daily(
    pool: &AnyPool,
    from: i64,
    to: i64,
    first_day: (i64, i64, i64),
) -> Result<Vec<ReportDay>, sqlx::Error> {
    let days = usize::try_from((to - from + DAY_MS - 1) / DAY_MS).unwrap_or(0);
    let mut rows: Vec<ReportDay> = (0..days)
        .map(|n| ReportDay {
            day: date_after(first_day, n as i64),
            customers: 0,
            escalations: 0,
            missed_requests: 0,
            resolved: 0,
        })
        .collect();
    let day = |slot: i64| usize::try_from(slot).unwrap_or(usize::MAX);
    for (slot, customers) in
        stored::customers_by_slot(pool, Chain::Wrote, from, to, Slot::Day).await?
    {
        if let Some(row) = rows.get_mut(day(slot)) {
            row.customers = count(customers);
        }
    }
    for (slot, figure, number) in stored::counts_by_slot(pool, from, to, Slot::Day).await? {
        let Some(row) = rows.get_mut(day(slot)) else {
            continue;
        };
        let field = match figure.as_str() {
            name if name == ESCALATION.name => &mut row.escalations,
            name if name == MISSED.name => &mut row.missed_requests,
            name if name == RESOLVED.name => &mut row.resolved,
            _ => continue,
        };
        *field += count(number);
    }
    Ok(rows)
}

/// The daily report as a CSV file: a header, then one line per day.
pub fn daily_csv(days: &[ReportDay]) -> Bytes {
    let header = [
        "day",
        "customers",
        "escalations",
        "missed_requests",
        "resolved",
    ]
    .map(String::from);
    let rows = days.iter().map(|day| {
        [
            day.day.clone(),
            day.customers.to_string(),
            day.escalations.to_string(),
            day.missed_requests.to_string(),
            day.resolved.to_string(),
        ]
    });
    csv_lines(std::iter::once(header).chain(rows))
}

const DAY_MS: i64 = 86_400_000;

/// `YYYY-MM-DD` of `days` after the date `(year, month, day)`.
fn date_after((year, month, day): (i64, i64, i64), days: i64) -> String {
    let first = time::days_from_civil(year, month, day);
    let (year, month, day) = time::civil_from_days(first + days);
    format!("{year:04}-{month:02}-{day:02}")
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
