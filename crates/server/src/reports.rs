//! The managers' reports, put together from the store's raw figures: the
//! counts as they are, durations as medians and percentiles in seconds.

use handover_core::reports::{median, percentile, share_pct, AgentReport, ReportSummary};
use handover_core::AgentId;
use sqlx::AnyPool;

use crate::store::reports as stored;
use crate::time::rfc3339;

/// The longest range one report covers.
pub const MAX_RANGE_MS: i64 = 366 * 86_400_000;

/// The summary of `[from, to)` (ms).
pub async fn summary(pool: &AnyPool, from: i64, to: i64) -> Result<ReportSummary, sqlx::Error> {
    let counts = stored::counts(pool, from, to).await?;
    let waits = seconds(stored::waits(pool, from, to).await?);
    let resolutions = seconds(stored::resolutions(pool, from, to).await?);
    let responses = stored::first_responses(pool, from, to).await?;
    let agents = stored::agents(pool, from, to)
        .await?
        .into_iter()
        .filter(|agent| !agent.disabled || agent.intervened + agent.resolved + agent.messages > 0)
        .map(|agent| {
            let theirs: Vec<f64> = responses
                .iter()
                .filter(|(by, _)| *by == agent.id)
                .map(|(_, took)| *took as f64 / 1000.0)
                .collect();
            AgentReport {
                id: AgentId(agent.id),
                name: agent.name,
                intervened: count(agent.intervened),
                resolved: count(agent.resolved),
                median_first_response_s: median(&theirs),
                messages: count(agent.messages),
            }
        })
        .collect();
    let all_responses: Vec<f64> = responses
        .iter()
        .map(|(_, took)| *took as f64 / 1000.0)
        .collect();
    let customers = count(counts.customers);
    Ok(ReportSummary {
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

fn seconds(durations_ms: Vec<i64>) -> Vec<f64> {
    durations_ms
        .into_iter()
        .map(|ms| ms as f64 / 1000.0)
        .collect()
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}
