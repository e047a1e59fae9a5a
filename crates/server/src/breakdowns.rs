//! The reports broken down (`handover_core::breakdowns`): the store's rows
//! of a range grouped by hour, weekday and hour, tag, source, label,
//! closing reason or escalation cause, and the CSV file of each.

use std::collections::HashMap;

use axum::body::Bytes;
use handover_core::breakdowns::{cause_key, hour_key, weekday_hour_key, Breakdown, BreakdownRow};
use handover_core::reports::{median, share_pct};
use sqlx::AnyPool;

use crate::contacts::export::csv_lines;
use crate::store::breakdowns::{self as stored, Trait};

/// What one row adds up.
#[derive(Default)]
struct Group {
    customers: u64,
    /// Of `customers`, those who never entered Requesting in the range.
    contained: u64,
    escalations: u64,
    missed: u64,
    waits_s: Vec<f64>,
    resolved: u64,
}

/// `by` over `[from, to)` (ms, on quarter hours); hours are local to `offset_ms`.
pub async fn breakdown(
    pool: &AnyPool,
    by: Breakdown,
    from: i64,
    to: i64,
    offset_ms: i64,
) -> Result<Vec<BreakdownRow>, sqlx::Error> {
    let mut groups: HashMap<String, Group> = HashMap::new();
    let customer_trait = match by {
        Breakdown::Tag => Some(Trait::Tag),
        Breakdown::Source => Some(Trait::Source),
        Breakdown::Label => Some(Trait::Labels),
        _ => None,
    };
    if by.counts_requests() {
        for request in stored::requests(pool, from, to, customer_trait).await? {
            let keys = match by {
                Breakdown::Hour | Breakdown::WeekdayHour => {
                    vec![local_key(by, request.at + offset_ms)]
                }
                Breakdown::Intent => vec![cause_key(request.cause.as_deref(), request.by_agent)],
                _ => trait_keys(by, request.group),
            };
            for key in keys {
                let group = groups.entry(key).or_default();
                group.escalations += 1;
                match &request.ended {
                    Some((command, _)) if command == "window_expired" => group.missed += 1,
                    Some((command, after)) if command == "intervene" => {
                        group.waits_s.push(*after as f64 / 1000.0);
                    }
                    _ => {}
                }
            }
        }
    }
    if by.counts_customers() {
        let counted: Vec<(String, i64, i64)> = match (by, customer_trait) {
            (Breakdown::Hour | Breakdown::WeekdayHour, _) => {
                let weekly = by == Breakdown::WeekdayHour;
                stored::customers_by_hour(pool, from, to, offset_ms, weekly)
                    .await?
                    .into_iter()
                    .map(|(slot, customers, escalated)| (slot_key(by, slot), customers, escalated))
                    .collect()
            }
            (_, Some(customer_trait)) => stored::customers_by_trait(pool, from, to, customer_trait)
                .await?
                .into_iter()
                .flat_map(|(value, customers, escalated)| {
                    trait_keys(by, value)
                        .into_iter()
                        .map(move |key| (key, customers, escalated))
                })
                .collect(),
            _ => Vec::new(),
        };
        for (key, customers, escalated) in counted {
            let group = groups.entry(key).or_default();
            group.customers += count(customers);
            group.contained += count(customers - escalated);
        }
    }
    if by.counts_resolves() {
        let resolved = stored::resolves(pool, from, to, customer_trait).await?;
        for (value, resolves) in resolved {
            let keys = match by {
                Breakdown::ClosingReason => {
                    vec![value.unwrap_or_else(|| "(no reason)".to_owned())]
                }
                _ => trait_keys(by, value),
            };
            for key in keys {
                groups.entry(key).or_default().resolved += count(resolves);
            }
        }
    }
    let row = |key: String, group: Group| BreakdownRow {
        key,
        customers: by.counts_customers().then_some(group.customers),
        contained_pct: by
            .counts_customers()
            .then(|| share_pct(group.contained, group.customers))
            .flatten(),
        escalations: by.counts_requests().then_some(group.escalations),
        missed_requests: by.counts_requests().then_some(group.missed),
        median_wait_s: median(&group.waits_s),
        resolved: by.counts_resolves().then_some(group.resolved),
    };
    let rows = match by {
        Breakdown::Hour | Breakdown::WeekdayHour => {
            let slots = if by == Breakdown::Hour { 24 } else { 168 };
            (0..slots)
                .map(|slot| slot_key(by, slot))
                .map(|key| {
                    let group = groups.remove(&key).unwrap_or_default();
                    row(key, group)
                })
                .collect()
        }
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

const HOUR_MS: i64 = 3_600_000;

/// The key of an hour slot: `0..24`, or `weekday * 24 + hour` (Monday 0).
fn slot_key(by: Breakdown, slot: i64) -> String {
    let hour = slot.rem_euclid(24) as u32;
    match by {
        Breakdown::WeekdayHour => weekday_hour_key(slot.div_euclid(24) as usize, hour),
        _ => hour_key(hour),
    }
}

/// The hour or weekday-and-hour key of a local time (ms since the epoch,
/// already shifted by the offset). The epoch's day was a Thursday.
fn local_key(by: Breakdown, local_ms: i64) -> String {
    let hours = local_ms.div_euclid(HOUR_MS);
    let weekday = (hours.div_euclid(24) + 3).rem_euclid(7);
    slot_key(by, weekday * 24 + hours.rem_euclid(24))
}

/// The keys a customer's trait files them under: their tag or source, or
/// each of their labels (a JSON list as stored).
fn trait_keys(by: Breakdown, value: Option<String>) -> Vec<String> {
    match by {
        Breakdown::Tag => vec![value.unwrap_or_else(|| "(no tag)".to_owned())],
        Breakdown::Source => vec![value
            .filter(|source| !source.is_empty())
            .unwrap_or_else(|| "(none)".to_owned())],
        Breakdown::Label => {
            let labels: Vec<String> = value
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default();
            if labels.is_empty() {
                vec!["(no label)".to_owned()]
            } else {
                labels
            }
        }
        _ => Vec::new(),
    }
}

fn count(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
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
