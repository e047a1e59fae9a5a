//! The customers' chains of quarter hours (those they wrote in, those they
//! escalated in): each row linked to the customer's previous one, and
//! counted per quarter hour by how far back that lies and per day by its
//! day, in total and by each customer trait.

use std::collections::{BTreeMap, BTreeSet};

use handover_core::WaId;
use sqlx::AnyConnection;

use super::figures::{QUARTERS_A_DAY, QUARTER_HOUR_MS};
use super::traits::Trait;
use super::{upsert, Shard};
use crate::store::script;
use crate::store::statement::Statement;

/// A chain of quarter hours per customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chain {
    /// The quarter hours a customer wrote in (`customer_activity`).
    Wrote,
    /// The quarter hours a customer moved into Requesting in, not by an
    /// agent (`customer_escalations`).
    Escalated,
}

impl Chain {
    pub const fn name(self) -> &'static str {
        match self {
            Chain::Wrote => "wrote",
            Chain::Escalated => "escalated",
        }
    }

    pub const fn table(self) -> &'static str {
        match self {
            Chain::Wrote => "customer_activity",
            Chain::Escalated => "customer_escalations",
        }
    }

    /// Adds `sign` × the chain rows matching `rows` (alias `c`) to its
    /// counts, and to its counts by each of `traits`.
    pub(super) fn count_sql(
        self,
        rows: &str,
        sign: &str,
        traits: &[Trait],
        shard: Shard,
    ) -> Vec<String> {
        let (name, table) = (self.name(), self.table());
        let by_gap = format!(
            "SELECT '{name}', c.bucket,
                    CASE WHEN c.prev_bucket IS NULL OR c.bucket - c.prev_bucket >= {QUARTERS_A_DAY}
                         THEN {QUARTERS_A_DAY} ELSE c.bucket - c.prev_bucket END,
                    {sign} * COUNT(*)
             FROM {table} c WHERE {rows} GROUP BY 2, 3"
        );
        let by_day = format!(
            "SELECT '{name}', c.bucket / {QUARTERS_A_DAY}, COALESCE(c.prev_bucket / {QUARTERS_A_DAY}, -1),
                    {sign} * COUNT(*)
             FROM {table} c WHERE {rows} GROUP BY 2, 3"
        );
        [
            upsert(
                "customer_counts_quarterly (chain, bucket, gap, n)",
                "chain, bucket, gap",
                &[by_gap],
                shard,
            ),
            upsert(
                "customer_counts_daily (chain, day, prev_day, n)",
                "chain, day, prev_day",
                &[by_day],
                shard,
            ),
            self.trait_sql(rows, sign, traits, shard),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Adds `sign` × the chain rows matching `rows` (alias `c`) to its
    /// counts by each of `traits`.
    pub(super) fn trait_sql(
        self,
        rows: &str,
        sign: &str,
        traits: &[Trait],
        shard: Shard,
    ) -> Option<String> {
        let (name, table) = (self.name(), self.table());
        let by_trait: Vec<String> = traits
            .iter()
            .map(|by| {
                let (join, value) = by.join("c.wa_id");
                format!(
                    "SELECT '{}', {value}, '{name}', c.bucket / {QUARTERS_A_DAY},
                            COALESCE(c.prev_bucket / {QUARTERS_A_DAY}, -1), {sign} * COUNT(*)
                     FROM {table} c {join} WHERE {rows} GROUP BY 2, 4, 5",
                    by.name()
                )
            })
            .collect();
        upsert(
            "trait_customers_daily (trait, value, chain, day, prev_day, n)",
            "trait, chain, day, value, prev_day",
            &by_trait,
            shard,
        )
    }
}

/// Counts (`sign` 1) or uncounts (-1) one chain row, in `shard`'s rows.
async fn count_link(
    conn: &mut AnyConnection,
    (chain, shard): (Chain, Shard),
    wa_id: &WaId,
    bucket: i64,
    sign: i64,
) -> Result<(), sqlx::Error> {
    for sql in chain.count_sql("c.wa_id = $1 AND c.bucket = $2", "$3", &Trait::ALL, shard) {
        sqlx::query(&sql)
            .bind(wa_id.as_str())
            .bind(bucket)
            .bind(sign)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Notes that `wa_id` is in `chain` at `at` (ms), once per quarter hour,
/// linked to their previous one; one noted late (before a later one) is
/// linked in before it. Counted in `shard`'s rows.
async fn note(
    conn: &mut AnyConnection,
    (chain, shard): (Chain, Shard),
    wa_id: &WaId,
    at: i64,
) -> Result<(), sqlx::Error> {
    let bucket = at.div_euclid(QUARTER_HOUR_MS);
    let table = chain.table();
    let added = sqlx::query(&format!(
        "INSERT INTO {table} (wa_id, bucket, prev_bucket)
         VALUES ($1, $2, (SELECT MAX(bucket) FROM {table} WHERE wa_id = $1 AND bucket < $2))
         ON CONFLICT (wa_id, bucket) DO NOTHING"
    ))
    .bind(wa_id.as_str())
    .bind(bucket)
    .execute(&mut *conn)
    .await?;
    if added.rows_affected() == 0 {
        return Ok(());
    }
    count_link(conn, (chain, shard), wa_id, bucket, 1).await?;
    let next: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT MIN(bucket) FROM {table} WHERE wa_id = $1 AND bucket > $2"
    ))
    .bind(wa_id.as_str())
    .bind(bucket)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(next) = next {
        link_next(conn, (chain, shard), wa_id, bucket, next).await?;
    }
    Ok(())
}

/// Links `next`, a later row of `wa_id`'s chain, to `bucket`, a row just
/// added before it, counting it again under its new link.
async fn link_next(
    conn: &mut AnyConnection,
    (chain, shard): (Chain, Shard),
    wa_id: &WaId,
    bucket: i64,
    next: i64,
) -> Result<(), sqlx::Error> {
    count_link(conn, (chain, shard), wa_id, next, -1).await?;
    sqlx::query(&format!(
        "UPDATE {} SET prev_bucket = $3 WHERE wa_id = $1 AND bucket = $2",
        chain.table()
    ))
    .bind(wa_id.as_str())
    .bind(next)
    .bind(bucket)
    .execute(&mut *conn)
    .await?;
    count_link(conn, (chain, shard), wa_id, next, 1).await
}

/// Customers noted at once by one statement at most (two values each).
const NOTED_AT_ONCE: usize = 400;

/// A batch's links to a chain, added ([`link_all`]) but not yet counted.
/// Adding writes only the customers' own rows, which the batch holds;
/// counting writes rows every batch shares (by quarter hour and day), and
/// is done while the events' turn is held: [`Linked::counting`] in one
/// script with the batch's other figures, then [`Linked::finish`].
pub struct Linked {
    chain: Chain,
    /// The rollups' rows the links are counted in.
    shard: Shard,
    /// The links added: customer, quarter hour.
    added: Vec<(String, i64)>,
    /// Later rows a link was added before (a late delivery): customer, the
    /// quarter hour added, the later one to link to it.
    relink: Vec<(WaId, i64, i64)>,
    /// Customers with links in several quarter hours of the batch, noted
    /// one link at a time: customer, quarter hour.
    one_by_one: Vec<(WaId, i64)>,
}

/// Adds the links of `links` to `chain` in a few statements for all of
/// them instead of up to five for each, to be counted later ([`Linked`]).
pub async fn link_all(
    conn: &mut AnyConnection,
    (chain, shard): (Chain, Shard),
    links: &[(WaId, i64)],
) -> Result<Linked, sqlx::Error> {
    let mut buckets: BTreeMap<&WaId, BTreeSet<i64>> = BTreeMap::new();
    for (wa_id, at) in links {
        buckets
            .entry(wa_id)
            .or_default()
            .insert(at.div_euclid(QUARTER_HOUR_MS));
    }
    let mut linked = Linked {
        chain,
        shard,
        added: Vec::new(),
        relink: Vec::new(),
        one_by_one: Vec::new(),
    };
    let mut together = Vec::with_capacity(buckets.len());
    for (wa_id, buckets) in buckets {
        match buckets.first() {
            Some(bucket) if buckets.len() == 1 => together.push((wa_id, *bucket)),
            _ => linked
                .one_by_one
                .extend(buckets.into_iter().map(|bucket| (wa_id.clone(), bucket))),
        }
    }
    for chunk in together.chunks(NOTED_AT_ONCE) {
        add_links(conn, &mut linked, chunk).await?;
    }
    Ok(linked)
}

/// Adds one link for each of `links` (one per customer), keeping those
/// that were new and the later rows they were added before.
async fn add_links(
    conn: &mut AnyConnection,
    linked: &mut Linked,
    links: &[(&WaId, i64)],
) -> Result<(), sqlx::Error> {
    let table = linked.chain.table();
    let mut insert = Statement::new(&format!(
        "INSERT INTO {table} (wa_id, bucket, prev_bucket)
         SELECT v.column1, v.column2,
                (SELECT MAX(p.bucket) FROM {table} p WHERE p.wa_id = v.column1 AND p.bucket < v.column2)
         FROM ("
    ));
    insert.values(links, |row, (wa_id, bucket)| {
        row.bind(wa_id.as_str()).bind(*bucket);
    });
    insert.push(&format!(
        ") AS v WHERE TRUE
         ON CONFLICT (wa_id, bucket) DO NOTHING
         RETURNING wa_id, bucket,
                   (SELECT MIN(n.bucket) FROM {table} n WHERE n.wa_id = {table}.wa_id AND n.bucket > {table}.bucket)"
    ));
    let added: Vec<(String, i64, Option<i64>)> = insert.fetch_all(&mut *conn).await?;
    for (added, bucket, next) in added {
        let customer = links.iter().find(|(wa_id, _)| wa_id.as_str() == added);
        if let (Some((wa_id, _)), Some(next)) = (customer, next) {
            linked.relink.push(((*wa_id).clone(), bucket, next));
        }
        linked.added.push((added, bucket));
    }
    Ok(())
}

impl Linked {
    /// The statements counting the links added, their values written in.
    pub fn counting(&self) -> Vec<String> {
        if self.added.is_empty() {
            return Vec::new();
        }
        let pairs: Vec<String> = self
            .added
            .iter()
            .map(|(wa_id, bucket)| format!("({}, {bucket})", script::text(wa_id)))
            .collect();
        let rows = format!("(c.wa_id, c.bucket) IN (VALUES {})", pairs.join(", "));
        self.chain.count_sql(&rows, "1", &Trait::ALL, self.shard)
    }

    /// What is left once the links added are counted: later rows relinked
    /// to them, and the customers noted one link at a time.
    pub async fn finish(self, conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
        for (wa_id, bucket, next) in &self.relink {
            link_next(conn, (self.chain, self.shard), wa_id, *bucket, *next).await?;
        }
        for (wa_id, bucket) in &self.one_by_one {
            let at = bucket * QUARTER_HOUR_MS;
            note(conn, (self.chain, self.shard), wa_id, at).await?;
        }
        Ok(())
    }
}
