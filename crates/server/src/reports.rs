//! The managers' reports, put together from the store's raw figures: the
//! counts as they are, durations as medians and percentiles in seconds.

use std::collections::HashMap;

use axum::body::Bytes;
use handover_core::reports::{
    median, percentile, share_pct, wait_distribution, AgentReport, ReportDay, ReportSummary,
};
use handover_core::AgentId;
use sqlx::AnyPool;

use crate::contacts::export::csv_lines;
use crate::store::csat::{self, Answer};
use crate::store::reports::{self as stored, DailyCount};
use crate::time::{self, rfc3339};

/// The longest range one report covers.
pub const MAX_RANGE_MS: i64 = 366 * 86_400_000;

/// The summary of `[from, to)` (ms).
pub async fn summary(pool: &AnyPool, from: i64, to: i64) -> Result<ReportSummary, sqlx::Error> {
    let counts = stored::counts(pool, from, to).await?;
    let waits = seconds(stored::waits(pool, from, to).await?);
    let resolutions = seconds(stored::resolutions(pool, from, to).await?);
    let mut responses_by_agent: HashMap<i64, Vec<f64>> = HashMap::new();
    let mut all_responses = Vec::new();
    for (agent, took_ms) in stored::first_responses(pool, from, to).await? {
        let took = took_ms as f64 / 1000.0;
        responses_by_agent.entry(agent).or_default().push(took);
        all_responses.push(took);
    }
    let (csat_asked, answers) = csat::in_range(pool, from, to).await?;
    let mut answers_by_agent: HashMap<AgentId, Vec<&Answer>> = HashMap::new();
    for answer in &answers {
        if let Some(agent) = answer.agent {
            answers_by_agent.entry(agent).or_default().push(answer);
        }
    }
    let agents = stored::agents(pool, from, to)
        .await?
        .into_iter()
        .filter(|agent| !agent.disabled || agent.intervened + agent.resolved + agent.messages > 0)
        .map(|agent| {
            let theirs = answers_by_agent.get(&AgentId(agent.id));
            (agent, satisfaction(theirs.map_or(&[], Vec::as_slice)))
        })
        .map(|(agent, (csat_answers, csat_satisfied_pct))| AgentReport {
            csat_answers,
            csat_satisfied_pct,
            id: AgentId(agent.id),
            median_first_response_s: responses_by_agent
                .get(&agent.id)
                .and_then(|theirs| median(theirs)),
            name: agent.name,
            intervened: count(agent.intervened),
            resolved: count(agent.resolved),
            messages: count(agent.messages),
        })
        .collect();
    let customers = count(counts.customers);
    let (csat_answers, csat_satisfied_pct) = satisfaction(&answers.iter().collect::<Vec<_>>());
    Ok(ReportSummary {
        wait_distribution: wait_distribution(&waits),
        csat_asked: count(csat_asked),
        csat_answers,
        csat_satisfied_pct,
        from: rfc3339(from),
        to: rfc3339(to),
        customers,
        escalations: count(counts.escalations),
        contained_pct: share_pct(
            customers.saturating_sub(count(counts.escalated_customers)),
            customers,
        ),
        missed_requests: count(counts.missed_requests),
        resolved: count(counts.resolved),
        auto_resolved: count(counts.auto_resolved),
        median_wait_s: median(&waits),
        p90_wait_s: percentile(&waits, 90.0),
        median_first_response_s: median(&all_responses),
        median_resolution_s: median(&resolutions),
        agents,
    })
}

/// How many answers, and the share of them satisfied.
fn satisfaction(answers: &[&Answer]) -> (u64, Option<f64>) {
    let satisfied = answers
        .iter()
        .filter(|answer| answer.scale.satisfied(answer.score))
        .count() as u64;
    let all = answers.len() as u64;
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
    for what in [
        DailyCount::Customers,
        DailyCount::Escalations,
        DailyCount::MissedRequests,
        DailyCount::Resolved,
    ] {
        for (day, number) in stored::daily(pool, what, from, to).await? {
            let Some(row) = usize::try_from(day).ok().and_then(|day| rows.get_mut(day)) else {
                continue;
            };
            let field = match what {
                DailyCount::Customers => &mut row.customers,
                DailyCount::Escalations => &mut row.escalations,
                DailyCount::MissedRequests => &mut row.missed_requests,
                DailyCount::Resolved => &mut row.resolved,
            };
            *field = count(number);
        }
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

fn seconds(durations_ms: Vec<i64>) -> Vec<f64> {
    durations_ms
        .into_iter()
        .map(|ms| ms as f64 / 1000.0)
        .collect()
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
