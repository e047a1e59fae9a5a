//! The reports broken down (`handover_core::breakdowns`): the store's rows
//! of a range grouped by hour, weekday and hour, tag, source, label,
//! closing reason or escalation cause, and the CSV file of each.

use std::collections::{HashMap, HashSet};

use axum::body::Bytes;
use handover_core::breakdowns::{cause_key, hour_key, weekday_hour_key, Breakdown, BreakdownRow};
use handover_core::reports::{median, share_pct};
use sqlx::AnyPool;

use crate::contacts::export::csv_lines;
use crate::store::breakdowns::{self as stored, Traits};

const HOUR_MS: i64 = 3_600_000;

/// What one row adds up.
#[derive(Default)]
struct Group {
    customers: HashSet<String>,
    escalations: u64,
    missed: u64,
    waits_s: Vec<f64>,
    resolved: u64,
}

/// `by` over `[from, to)` (ms); hours are local to `offset_ms`.
pub async fn breakdown(
    pool: &AnyPool,
    by: Breakdown,
    from: i64,
    to: i64,
    offset_ms: i64,
) -> Result<Vec<BreakdownRow>, sqlx::Error> {
    let mut groups: HashMap<String, Group> = HashMap::new();
    let requests = stored::requests(pool, from, to).await?;
    let escalated: HashSet<&str> = requests.iter().map(|r| r.wa_id.as_str()).collect();
    if by.counts_requests() {
        for request in &requests {
            let keys = match by {
                Breakdown::Hour | Breakdown::WeekdayHour => {
                    vec![local_key(by, request.at + offset_ms)]
                }
                Breakdown::Intent => vec![cause_key(request.cause.as_deref(), request.by_agent)],
                _ => trait_keys(by, &request.traits),
            };
            for key in keys {
                let group = groups.entry(key).or_default();
                group.escalations += 1;
                match &request.ended {
                    Some((command, _)) if command == "window_expired" => group.missed += 1,
                    Some((command, at)) if command == "intervene" => {
                        group.waits_s.push((at - request.at) as f64 / 1000.0);
                    }
                    _ => {}
                }
            }
        }
    }
    if by.counts_customers() {
        let customers: Vec<(String, String)> = match by {
            Breakdown::Hour | Breakdown::WeekdayHour => {
                stored::customer_hours(pool, from, to, offset_ms)
                    .await?
                    .into_iter()
                    .map(|(wa_id, hour)| (local_key(by, hour * HOUR_MS), wa_id))
                    .collect()
            }
            _ => stored::customers(pool, from, to)
                .await?
                .into_iter()
                .flat_map(|(wa_id, traits)| {
                    trait_keys(by, &traits)
                        .into_iter()
                        .map(move |key| (key, wa_id.clone()))
                })
                .collect(),
        };
        for (key, wa_id) in customers {
            groups.entry(key).or_default().customers.insert(wa_id);
        }
    }
    if by.counts_resolves() {
        for resolve in stored::resolves(pool, from, to).await? {
            let keys = match by {
                Breakdown::ClosingReason => vec![resolve
                    .closing_reason
                    .unwrap_or_else(|| "(no reason)".to_owned())],
                _ => trait_keys(by, &resolve.traits),
            };
            for key in keys {
                groups.entry(key).or_default().resolved += 1;
            }
        }
    }
    let row = |key: String, group: Group| {
        let customers = group.customers.len() as u64;
        let contained = group
            .customers
            .iter()
            .filter(|wa_id| !escalated.contains(wa_id.as_str()))
            .count() as u64;
        BreakdownRow {
            key,
            customers: by.counts_customers().then_some(customers),
            contained_pct: by
                .counts_customers()
                .then(|| share_pct(contained, customers))
                .flatten(),
            escalations: by.counts_requests().then_some(group.escalations),
            missed_requests: by.counts_requests().then_some(group.missed),
            median_wait_s: median(&group.waits_s),
            resolved: by.counts_resolves().then_some(group.resolved),
        }
    };
    let rows = match by {
        Breakdown::Hour => (0..24)
            .map(hour_key)
            .map(|key| {
                let group = groups.remove(&key).unwrap_or_default();
                row(key, group)
            })
            .collect(),
        Breakdown::WeekdayHour => (0..7)
            .flat_map(|day| (0..24).map(move |hour| weekday_hour_key(day, hour)))
            .map(|key| {
                let group = groups.remove(&key).unwrap_or_default();
                row(key, group)
            })
            .collect(),
        _ => {
            let mut rows: Vec<BreakdownRow> = groups
                .into_iter()
                .map(|(key, group)| row(key, group))
                .collect();
            rows.sort_by(|a, b| {
                let weight = |row: &BreakdownRow| {
                    (
                        row.escalations.unwrap_or(0),
                        row.customers.unwrap_or(0),
                        row.resolved.unwrap_or(0),
                    )
                };
                weight(b).cmp(&weight(a)).then_with(|| a.key.cmp(&b.key))
            });
            rows
        }
    };
    Ok(rows)
}

/// The hour or weekday-and-hour key of a local time (ms since the epoch,
/// already shifted by the offset). The epoch's day was a Thursday.
fn local_key(by: Breakdown, local_ms: i64) -> String {
    let hours = local_ms.div_euclid(HOUR_MS);
    let hour = hours.rem_euclid(24) as u32;
    match by {
        Breakdown::WeekdayHour => {
            let weekday = (hours.div_euclid(24) + 3).rem_euclid(7) as usize;
            weekday_hour_key(weekday, hour)
        }
        _ => hour_key(hour),
    }
}

/// The keys a customer's traits file them under.
fn trait_keys(by: Breakdown, traits: &Traits) -> Vec<String> {
    match by {
        Breakdown::Tag => vec![traits.tag.clone().unwrap_or_else(|| "(no tag)".to_owned())],
        Breakdown::Source => vec![if traits.source.is_empty() {
            "(none)".to_owned()
        } else {
            traits.source.clone()
        }],
        Breakdown::Label if traits.labels.is_empty() => vec!["(no label)".to_owned()],
        Breakdown::Label => traits.labels.clone(),
        _ => Vec::new(),
    }
}

/// How one column of the CSV file reads a row.
type Cell = fn(&BreakdownRow) -> String;

/// A breakdown as a CSV file: its key column, then the columns it counts.
pub fn csv(by: Breakdown, rows: &[BreakdownRow]) -> Bytes {
    let mut header = vec![by.as_str().to_owned()];
    let mut columns: Vec<(&str, Cell)> = Vec::new();
    if by.counts_customers() {
        columns.push(("customers", |row| opt(row.customers)));
        columns.push(("contained_pct", |row| opt_f(row.contained_pct)));
    }
    if by.counts_requests() {
        columns.push(("escalations", |row| opt(row.escalations)));
        columns.push(("missed_requests", |row| opt(row.missed_requests)));
        columns.push(("median_wait_s", |row| opt_f(row.median_wait_s)));
    }
    if by.counts_resolves() {
        columns.push(("resolved", |row| opt(row.resolved)));
    }
    header.extend(columns.iter().map(|(name, _)| (*name).to_owned()));
    let lines = rows.iter().map(|row| {
        std::iter::once(row.key.clone())
            .chain(columns.iter().map(|(_, value)| value(row)))
            .collect::<Vec<_>>()
    });
    csv_lines(std::iter::once(header).chain(lines))
}

fn opt(value: Option<u64>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}

fn opt_f(value: Option<f64>) -> String {
    value.map(|n| n.to_string()).unwrap_or_default()
}
