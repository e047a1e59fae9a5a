//! The managers' reports at scale: a history of requests is added to the
//! seeded inbox (three in four customers asked for a person at some time in
//! the last 60 days, an agent took and resolved the chat, and answered every
//! other one of them), then every report of 30 days is timed. The seed's
//! messages were all sent in that range, each customer's on one day.

use handover_core::breakdowns::Breakdown;
use handover_server::app::reports::{self, breakdowns};
use handover_server::platform::time::WINDOW_MS;
use handover_server::store::rollups;

const DAY_MS: i64 = 86_400_000;
/// India's offset from UTC, +05:30.
const INDIA_MS: i64 = 19_800_000;

pub async fn figures(pool: &sqlx::AnyPool, user_count: i64, now: i64) -> Result<(), sqlx::Error> {
    let started = std::time::Instant::now();
    seed_history(pool, user_count, now).await?;
    println!(
        "\n  reports: a request history seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // 30 whole days up to tomorrow's midnight, as the Reports screen asks:
    // in UTC (whole days of the rollups) and in India (a partial day at
    // either end, read from the trail).
    let to = (now / DAY_MS + 1) * DAY_MS;
    let summary = reports::summary(pool, to - 30 * DAY_MS, to).await?;
    println!(
        "  30 days: {} customers, {} escalations, {} resolved, median wait {:?} s",
        summary.customers, summary.escalations, summary.resolved, summary.median_wait_s
    );
    for (zone, offset) in [("UTC", 0), ("India", INDIA_MS)] {
        let (from, to) = (to - 30 * DAY_MS - offset, to - offset);
        super::report(
            &format!("report: summary of 30 days ({zone})"),
            super::time(5, || async {
                reports::summary(pool, from, to).await.unwrap();
            })
            .await,
        );
        super::report(
            &format!("report: day by day ({zone})"),
            super::time(5, || async {
                reports::daily(pool, from, to, (2026, 11, 1)).await.unwrap();
            })
            .await,
        );
        for by in Breakdown::ALL {
            super::report(
                &format!("report: by {} ({zone})", by.as_str()),
                super::time(5, || async {
                    breakdowns::breakdown(pool, by, from, to, offset)
                        .await
                        .unwrap();
                })
                .await,
            );
        }
    }
    Ok(())
}

/// One move of every chat of the history.
struct Step {
    from_status: &'static str,
    to_status: &'static str,
    actor: &'static str,
    command: &'static str,
    /// ms after the request, as SQL over `i`.
    after: &'static str,
    /// What the server measures as it records the move: `waited_ms`,
    /// `since_request_ms`, `first_response_ms`, `request_end`, `request_ms`.
    measured: &'static str,
}

/// The request (ended by the intervene after its wait), the intervene
/// (its wait, and a first answer after a minute in every other chat), the
/// resolve a quarter of an hour later (the time since the request).
const STEPS: [Step; 3] = [
    Step {
        from_status: "active",
        to_status: "requesting",
        actor: "bot",
        command: "escalate",
        after: "0",
        measured: "NULL, NULL, NULL, 'intervene', (i % 600) * 1000",
    },
    Step {
        from_status: "requesting",
        to_status: "intervened",
        actor: "agent",
        command: "intervene",
        after: "(i % 600) * 1000",
        measured: "(i % 600) * 1000, NULL, CASE WHEN i % 4 = 2 THEN 60000 END, NULL, NULL",
    },
    Step {
        from_status: "intervened",
        to_status: "closed",
        actor: "agent",
        command: "resolve",
        after: "(i % 600) * 1000 + 900000",
        measured: "NULL, (i % 600) * 1000 + 900000, NULL, NULL, NULL",
    },
];

/// Each customer `i` with `i % 4 != 0` asked on day `i % 60` before now,
/// waited `i % 600` s for the bench's agent, who answered after a minute
/// (every other chat) and resolved after a quarter of an hour.
async fn seed_history(pool: &sqlx::AnyPool, user_count: i64, now: i64) -> Result<(), sqlx::Error> {
    let (agent,): (i64,) = sqlx::query_as(
        "INSERT INTO agents (email, name, role, password_hash, created_at)
         VALUES ('reports@example.com', 'Reports agent', 'agent', '-', 0) RETURNING id",
    )
    .fetch_one(pool)
    .await?;
    for step in STEPS {
        let Step {
            from_status,
            to_status,
            actor,
            command,
            after,
            measured,
        } = step;
        sqlx::query(&format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1)
             INSERT INTO transitions (wa_id, from_status, to_status, actor, agent_id, reason, at, command,
                                      waited_ms, since_request_ms, first_response_ms, request_end, request_ms)
             SELECT CAST(910000000000 + i AS TEXT), '{from_status}', '{to_status}', '{actor}',
                    CASE WHEN '{actor}' = 'agent' THEN $2 END, '{command}',
                    $3 - (i % 60) * $4 - $5 + {after}, '{command}', {measured}
             FROM n WHERE i % 4 <> 0"
        ))
        .bind(user_count)
        .bind(agent)
        .bind(now)
        .bind(DAY_MS)
        .bind(WINDOW_MS / 24)
        .execute(pool)
        .await?;
    }
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1)
         INSERT INTO messages (wa_id, direction, author, agent_id, kind, content_type, text, sent_at, created_at)
         SELECT CAST(910000000000 + i AS TEXT), 'out', 'agent', $2, 'session', 'text', 'On it!',
                $3 - (i % 60) * $4 - $5 + (i % 600) * 1000 + 60000, $3
         FROM n WHERE i % 4 = 2",
    )
    .bind(user_count)
    .bind(agent)
    .bind(now)
    .bind(DAY_MS)
    .bind(WINDOW_MS / 24)
    .execute(pool)
    .await?;
    // The server keeps its reports' rollups as it goes; a history written
    // straight into the tables is rolled up at once, as after a migration.
    let started = std::time::Instant::now();
    let mut tx = pool.begin().await?;
    rollups::rebuild(&mut tx).await?;
    tx.commit().await?;
    println!(
        "  reports: rollups rebuilt from the history in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    if handover_server::platform::db::Backend::of_pool(pool)
        == handover_server::platform::db::Backend::Postgres
    {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
    Ok(())
}
