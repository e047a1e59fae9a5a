//! `handover-bench`: seeds a database at scale and times the queries behind
//! the dashboard, printing figures (run through `cargo xtask bench`).
//!
//! Usage: `handover-bench [USERS] [MESSAGES_PER_USER]` (default 1000000 10).

use std::time::{Duration, Instant};

use handover_core::Status;
use handover_server::store::users::{ListFilter, Listing};
use handover_server::store::{messages, sections, users};
use handover_server::time::{now_ms, WINDOW_MS};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let user_count: i64 = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let per_user: i64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10);
    let folder = tempfile_folder()?;
    let url = format!("sqlite://{}/bench.db", folder.display());
    let pool = handover_server::db::connect(&url).await?;
    let now = now_ms();

    println!(
        "Seeding {user_count} users and {} messages…",
        user_count * per_user
    );
    let started = Instant::now();
    seed(&pool, user_count, per_user, now).await?;
    println!("  seeded in {:.1} s", started.elapsed().as_secs_f64());

    let mut conn = pool.acquire().await?;
    let some_user =
        handover_core::WaId::parse(&format!("{}", 910_000_000_000_i64 + user_count / 2))?;
    let counts = sections::counts(&mut conn, now).await?;
    println!("  sections: {counts:?}");

    println!("\nquery                                   median      p95   (of 50 runs)");
    report(
        "GET /api/sections (counts)",
        time(50, || async {
            sections::counts(&mut pool.acquire().await.unwrap(), now)
                .await
                .unwrap();
        })
        .await,
    );
    let filter = ListFilter::default();
    report(
        "section list, first page (50)",
        time(50, || async {
            users::list(
                &pool,
                Listing::Section(Status::Requesting),
                &filter,
                None,
                50,
                now,
            )
            .await
            .unwrap();
        })
        .await,
    );
    let deep = users::list(&pool, Listing::History, &filter, None, 200, now)
        .await?
        .next_cursor;
    report(
        "History, a later page (50)",
        time(50, || async {
            users::list(&pool, Listing::History, &filter, deep.as_deref(), 50, now)
                .await
                .unwrap();
        })
        .await,
    );
    let search = ListFilter {
        query: Some("Customer 4242".into()),
        ..ListFilter::default()
    };
    report(
        "section search by name",
        time(50, || async {
            users::list(
                &pool,
                Listing::Section(Status::Active),
                &search,
                None,
                50,
                now,
            )
            .await
            .unwrap();
        })
        .await,
    );
    report(
        "profile",
        time(50, || async {
            users::profile(&mut pool.acquire().await.unwrap(), &some_user, now)
                .await
                .unwrap();
        })
        .await,
    );
    report(
        "thread, newest page (50)",
        time(50, || async {
            messages::thread(&pool, &some_user, None, 50).await.unwrap();
        })
        .await,
    );
    drop(conn);
    pool.close().await;
    std::fs::remove_dir_all(&folder)?;
    Ok(())
}

/// Users spread over the statuses; 2% inside the 24-hour window, the rest
/// in History; every user with `per_user` messages.
async fn seed(
    pool: &sqlx::SqlitePool,
    user_count: i64,
    per_user: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO users (wa_id, name, status, last_active_at, window_expires_at, session_messages, created_at)
         SELECT 910000000000 + i, 'Customer ' || i,
                CASE i % 4 WHEN 0 THEN 'active' WHEN 1 THEN 'requesting' WHEN 2 THEN 'intervened' ELSE 'closed' END,
                ?2 - (i % 50) * ?3 / 2 - i, ?2 - (i % 50) * ?3 / 2 - i + ?3, ?4, 0
         FROM n",
    )
    .bind(user_count)
    .bind(now)
    .bind(WINDOW_MS)
    .bind(per_user)
    .execute(pool)
    .await?;
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
         INSERT INTO messages (wa_id, direction, author, kind, content_type, text, sent_at, created_at)
         SELECT 910000000000 + i / ?2, CASE i % 2 WHEN 0 THEN 'in' ELSE 'out' END,
                CASE i % 2 WHEN 0 THEN 'user' ELSE 'bot' END, 'session', 'text', 'Message ' || i, ?3, ?3
         FROM n",
    )
    .bind(user_count * per_user)
    .bind(per_user)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

async fn time<F, Fut>(runs: usize, mut run: F) -> (Duration, Duration)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        run().await;
        samples.push(started.elapsed());
    }
    samples.sort();
    (samples[runs / 2], samples[runs * 95 / 100])
}

fn report(name: &str, (median, p95): (Duration, Duration)) {
    println!(
        "{name:<38} {:>8.2} ms {:>8.2} ms",
        median.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
}

fn tempfile_folder() -> std::io::Result<std::path::PathBuf> {
    let folder = std::env::temp_dir().join(format!("handover-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder)?;
    Ok(folder)
}
