//! The reports broken down (`handover_core::breakdowns`): the store's rows
//! of a range grouped by hour, weekday and hour, tag, source, label,
//! closing reason or escalation cause, and the CSV file of each.

use std::collections::HashMap;

use axum::body::Bytes;
use handover_core::breakdowns::{cause_key, hour_key, weekday_hour_key, Breakdown, BreakdownRow};
use handover_core::reports::{share_pct, Durations};
use sqlx::AnyPool;

use crate::app::contacts::export::csv_lines;
use crate::store::breakdowns as stored;
use crate::store::reports::{self as stored_reports, Slot};
use crate::store::rollups::{
    request_cause, Chain, Trait, ESCALATION, REQUEST_MISSED, REQUEST_WAIT, RESOLVED,
};

/// What one row adds up.
#[derive(Default)]
struct Group {
    customers: u64,
    /// Of `customers`, those who entered Requesting.
    escalated_customers: u64,
    escalations: u64,
    missed: u64,
    waits: Durations,
    resolved: u64,
}

impl Group {
    /// Adds customers who wrote, or (`Chain::Escalated`) who escalated.
    fn add_customers(&mut self, chain: Chain, customers: u64) {
        match chain {
            Chain::Wrote => self.customers += customers,
            Chain::Escalated => self.escalated_customers += customers,
        }
    }
}

type Groups = HashMap<String, Group>;

/// `by` over `[from, to)` (ms, on quarter hours); hours are local to `offset_ms`.
pub async fn breakdown(
    pool: &AnyPool,
    by: Breakdown,
    from: i64,
    to: i64,
    offset_ms: i64,
) -> Result<Vec<BreakdownRow>, sqlx::Error> {
    let mut groups = Groups::new();
    match by {
        Breakdown::Hour => {
            by_hour(pool, by, from, to, Slot::Hour { offset_ms }, &mut groups).await?
        }
        Breakdown::WeekdayHour => {
            by_hour(
                pool,
                by,
                from,
                to,
                Slot::WeekdayHour { offset_ms },
                &mut groups,
            )
            .await?;
        }
        Breakdown::Intent | Breakdown::ClosingReason => {
            by_reason(pool, by, from, to, &mut groups).await?
        }
        Breakdown::Tag => by_trait(pool, by, Trait::Tag, from, to, &mut groups).await?,
        Breakdown::Source => by_trait(pool, by, Trait::Source, from, to, &mut groups).await?,
        Breakdown::Label => by_trait(pool, by, Trait::Label, from, to, &mut groups).await?,
    }
    let row = |key: String, group: Group| BreakdownRow {
        key,
        customers: by.counts_customers().then_some(group.customers),
        contained_pct: by
            .counts_customers()
            .then(|| {
                let contained = group.customers.saturating_sub(group.escalated_customers);
                share_pct(contained, group.customers)
            })
            .flatten(),
        escalations: by.counts_requests().then_some(group.escalations),
        missed_requests: by.counts_requests().then_some(group.missed),
        median_wait_s: group.waits.median(),
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

/// By local hour of the day or of the week, from the rollups: customers
/// once in each hour of each day they wrote in, requests when made.
async fn by_hour(
    pool: &AnyPool,
    by: Breakdown,
    from: i64,
    to: i64,
    slot: Slot,
    groups: &mut Groups,
) -> Result<(), sqlx::Error> {
    for (at, figure, number) in stored_reports::counts_by_slot(pool, from, to, slot).await? {
        let group = groups.entry(slot_key(by, at)).or_default();
        match figure.as_str() {
            name if name == ESCALATION.name => group.escalations += count(number),
            name if name == REQUEST_MISSED.name => group.missed += count(number),
            _ => {}
        }
    }
    for chain in [Chain::Wrote, Chain::Escalated] {
        for (at, customers) in
            stored_reports::customers_by_slot(pool, chain, from, to, slot).await?
        {
            let group = groups.entry(slot_key(by, at)).or_default();
            group.add_customers(chain, count(customers));
        }
    }
    Ok(())
}

/// By why chats entered Requesting or why they were resolved, from the
/// rollups.
async fn by_reason(
    pool: &AnyPool,
    by: Breakdown,
    from: i64,
    to: i64,
    groups: &mut Groups,
) -> Result<(), sqlx::Error> {
    let cause = |reason: &str| {
        let (cause, by_agent) = request_cause(reason);
        cause_key(cause, by_agent)
    };
    for counted in stored_reports::counts(pool, from, to).await? {
        let number = count(counted.n);
        match (by, counted.figure.as_str()) {
            (Breakdown::Intent, name) if name == ESCALATION.name => {
                groups
                    .entry(cause(&counted.reason))
                    .or_default()
                    .escalations += number;
            }
            (Breakdown::Intent, name) if name == REQUEST_MISSED.name => {
                groups.entry(cause(&counted.reason)).or_default().missed += number;
            }
            (Breakdown::ClosingReason, name) if name == RESOLVED.name => {
                let key = match counted.reason.as_str() {
                    "" => "(no reason)".to_owned(),
                    reason => reason.to_owned(),
                };
                groups.entry(key).or_default().resolved += number;
            }
            _ => {}
        }
    }
    if by == Breakdown::Intent {
        for timed in stored_reports::durations(pool, from, to, &[&REQUEST_WAIT]).await? {
            let group = groups.entry(cause(&timed.reason)).or_default();
            group.waits.add(timed.seconds, count(timed.n));
        }
    }
    Ok(())
}

/// By the customer's tag, source or labels as they are now, from the
/// rollups by trait.
async fn by_trait(
    pool: &AnyPool,
    by: Breakdown,
    customer_trait: Trait,
    from: i64,
    to: i64,
    groups: &mut Groups,
) -> Result<(), sqlx::Error> {
    for (value, figure, number) in stored::counts(pool, customer_trait, from, to).await? {
        let group = groups.entry(trait_key(by, &value)).or_default();
        match figure.as_str() {
            name if name == ESCALATION.name => group.escalations += count(number),
            name if name == REQUEST_MISSED.name => group.missed += count(number),
            name if name == RESOLVED.name => group.resolved += count(number),
            _ => {}
        }
    }
    for (value, seconds, times) in stored::waits(pool, customer_trait, from, to).await? {
        let group = groups.entry(trait_key(by, &value)).or_default();
        group.waits.add(seconds, count(times));
    }
    for chain in [Chain::Wrote, Chain::Escalated] {
        let counted =
            stored_reports::customers_by(pool, chain, Some(customer_trait), from, to).await?;
        for (value, customers) in counted {
            let group = groups.entry(trait_key(by, &value)).or_default();
            group.add_customers(chain, count(customers));
        }
    }
    Ok(())
}

/// The key of an hour slot: `0..24`, or `weekday * 24 + hour` (Monday 0).
fn slot_key(by: Breakdown, slot: i64) -> String {
    let hour = slot.rem_euclid(24) as u32;
    match by {
        Breakdown::WeekdayHour => weekday_hour_key(slot.div_euclid(24) as usize, hour),
        _ => hour_key(hour),
    }
}

/// The key a value of a customer trait is shown under ('' is none).
fn trait_key(by: Breakdown, value: &str) -> String {
    let none = match by {
        Breakdown::Tag => "(no tag)",
        Breakdown::Source => "(none)",
        _ => "(no label)",
    };
    if value.is_empty() { none } else { value }.to_owned()
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
    }
    if by.times_waits() {
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
