//! `handover-bench`: seeds a database at scale and times the queries behind
//! the dashboard, printing figures (run through `cargo xtask bench`); with
//! `live`, drives the release server's live path (see [`live`]).
//!
//! Usage: `handover-bench [USERS] [MESSAGES_PER_USER]` (default 1000000 10),
//! or `handover-bench live [USERS] [SECONDS] [--servers N] [--db-rtt-ms MS]`
//! (default 1000000 10, one server, no added round trip).

mod database;
mod delay_proxy;
mod large_delivery;
mod live;
mod reports;

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use handover_core::customers::{CustomerOrder, WindowFilter};
use handover_core::Status;
use handover_server::app::contacts::import::{self, Job};
use handover_server::app::contacts::{export, phone};
use handover_server::platform::db::Db;
use handover_server::platform::realtime::EventHub;
use handover_server::platform::time::{now_ms, Clock, WINDOW_MS};
use handover_server::store::customers::{ListFilter, Listing};
use handover_server::store::customers_table::{self, TableFilter};
use handover_server::store::imports::{self, NewImport};
use handover_server::store::Cursor;
use handover_server::store::{customers, messages, search, sections};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("live") {
        args.next();
        return live::run(args).await;
    }
    let user_count: i64 = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let per_user: i64 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10);
    let folder = tempfile_folder()?;
    let (url, backend) = database::create(&folder, "queries").await?;
    let pool = handover_server::platform::db::connect(&url).await?;
    let now = now_ms();

    println!(
        "{backend}: seeding {user_count} users and {} messages…",
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
        time(50, || {
            first_page(&pool, Listing::Section(Status::Requesting), &filter, now)
        })
        .await,
    );
    let deep = customers::list(&pool, Listing::History, &filter, None, 200, now)
        .await?
        .next_cursor;
    let deep = Cursor::parse(deep.as_deref()).expect("a cursor this store handed out");
    report(
        "History, a later page (50)",
        time(50, || async {
            customers::list(&pool, Listing::History, &filter, deep.as_ref(), 50, now)
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
        time(50, || {
            first_page(&pool, Listing::Section(Status::Active), &search, now)
        })
        .await,
    );
    report(
        "profile",
        time(50, || async {
            customers::profile(&mut pool.acquire().await.unwrap(), &some_user, now)
                .await
                .unwrap();
        })
        .await,
    );
    report(
        "thread, newest page (50)",
        time(50, || async {
            messages::thread(&pool, &some_user, messages::ThreadPage::Before(None), 50)
                .await
                .unwrap();
        })
        .await,
    );
    search_figures(&pool, now).await;
    users_table_figures(&pool, now).await;
    reports::figures(&pool, user_count, now).await?;
    import_figures(&url, now).await?;
    drop(conn);
    pool.close().await;
    std::fs::remove_dir_all(&folder)?;
    Ok(())
}

/// `GET /api/search` over everyone: names, runs of digits, and words of
/// customers' messages, rare and common.
async fn search_figures(pool: &sqlx::AnyPool, now: i64) {
    let cases = [
        ("search: a name", "Customer 4242"),
        ("search: digits of a number", "00424"),
        ("search: a local number, spaced", "0 100 004 242"),
        ("search: rare words (an invoice)", "INV-4242008"),
        ("search: an order number", "order 4242"),
        ("search: a common word (1 in 12)", "crushed"),
        ("search: a prefix of a common word", "wilt"),
        ("search: a common word being typed", "crushe"),
        ("search: two common words", "deliver kochi"),
    ];
    println!();
    for (name, query) in cases {
        let terms = search::SearchTerms::parse(query).expect("a searchable query");
        let found = search::search(pool, &terms, 20, now).await.unwrap();
        let figures = time(50, || async {
            search::search(pool, &terms, 20, now).await.unwrap();
        })
        .await;
        report(&format!("{name} ({})", found.items.len()), figures);
    }
}

/// The managers' users table at full size: pages under each filter, a
/// search over everyone, and the CSV export's pace.
/// The first page of 50 of a list, as the dashboard asks for it.
async fn first_page(pool: &sqlx::AnyPool, listing: Listing, filter: &ListFilter, now: i64) {
    customers::list(pool, listing, filter, None, 50, now)
        .await
        .unwrap();
}

async fn users_table_figures(pool: &sqlx::AnyPool, now: i64) {
    let any = TableFilter::default;
    let searching = |text: &str| TableFilter {
        query: Some(text.into()),
        ..any()
    };
    let cases = [
        ("users table, first page (50)", any()),
        (
            "users table, oldest first",
            TableFilter {
                order: CustomerOrder::LastActiveAsc,
                ..any()
            },
        ),
        (
            "users table, by source (10%)",
            TableFilter {
                source: Some("Diwali fair".into()),
                ..any()
            },
        ),
        (
            "users table, by tag (1%)",
            TableFilter {
                tag: Some("Hamper".into()),
                ..any()
            },
        ),
        (
            "users table, closed + window closed",
            TableFilter {
                status: Some(Status::Closed),
                window: Some(WindowFilter::Closed),
                ..any()
            },
        ),
        ("users table, number prefix", searching("9100004242")),
        (
            "users table, name search (narrow)",
            searching("Customer 4242"),
        ),
        ("users table, name search (everyone)", searching("Customer")),
    ];
    println!();
    for (name, filter) in &cases {
        let figures = time(50, || async {
            customers_table::page(pool, filter, None, 50, now)
                .await
                .unwrap();
        })
        .await;
        report(name, figures);
    }
    let started = Instant::now();
    let mut bytes = 0;
    let export = export::stream(pool.clone(), TableFilter::default(), now);
    futures_util::pin_mut!(export);
    while let Some(chunk) = export.next().await {
        bytes += chunk.map(|chunk| chunk.len()).unwrap_or(0);
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "{:<38} {took:>8.1} s  ({} MB, {:.0} MB/s)",
        "export of every user as CSV",
        bytes / 1_000_000,
        bytes as f64 / 1e6 / took
    );
}

/// A 100,000-row CSV import into the seeded database, as the server runs it.
async fn import_figures(url: &str, now: i64) -> Result<(), Box<dyn std::error::Error>> {
    let mut file = String::from("name,phone,city\n");
    for n in 0..100_000 {
        file.push_str(&format!("Imported {n},+91 97{n:08},Pune\n"));
    }
    let db = Db::new(handover_server::platform::db::connect(url).await?);
    let layout = import::layout(file.as_bytes())?;
    let (agent,): (i64,) = sqlx::query_as(
        "INSERT INTO agents (email, name, role, password_hash, created_at)
         VALUES ('bench@example.com', 'Bench', 'manager', '-', 0) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await?;
    let mut write = db.begin_write().await?;
    let id = imports::create(
        &mut write.tx,
        &NewImport {
            file_name: "bench.csv",
            source: "Bench",
            country: "IN",
            dry_run: false,
            total_bytes: file.len() as u64,
            agent: handover_core::AgentId(agent),
        },
        now,
    )
    .await?;
    write.commit().await?;
    let job = Job {
        id,
        db: db.clone(),
        events: EventHub::default(),
        clock: Clock::system(),
        source: "Bench".into(),
        country: phone::parse_country("IN")?,
        dry_run: false,
        layout,
        bytes: file.into_bytes().into(),
    };
    let started = Instant::now();
    job.run().await;
    let took = started.elapsed().as_secs_f64();
    let report = imports::report(&db.pool, id, Some(0))
        .await?
        .ok_or("no report")?;
    println!(
        "\nCSV import of 100,000 new rows: {took:.1} s ({:.0} rows/s), created {}, skipped {}",
        100_000.0 / took,
        report.created,
        report.skipped
    );
    Ok(())
}

/// Users spread over the statuses; 4% inside the 24-hour window, the rest
/// in History; every user with `per_user` messages a minute apart on one
/// of the last 30 days. Requesting and
/// Intervened chats are all inside the window, as the timers leave them
/// (a seed with expired ones would have the server closing hundreds of
/// thousands of them through every measurement).
async fn seed(
    pool: &sqlx::AnyPool,
    user_count: i64,
    per_user: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Postgres keeps the count of users, and of their open windows, with
    // triggers that update one row per insert: a million inserts in one
    // statement would pile a million versions of those rows. The seed
    // counts them once instead.
    let postgres = handover_server::platform::db::Backend::of_pool(pool)
        == handover_server::platform::db::Backend::Postgres;
    if postgres {
        for trigger in ["users_total", "users_section_windows"] {
            sqlx::query(&format!("ALTER TABLE users DISABLE TRIGGER {trigger}"))
                .execute(pool)
                .await?;
        }
    }
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1)
         INSERT INTO users (wa_id, name, status, last_active_at, window_expires_at, session_messages,
                            source, first_message_tag, created_at)
         SELECT CAST(910000000000 + i AS TEXT), 'Customer ' || i,
                CASE WHEN i % 4 = 0 THEN 'active'
                     WHEN i % 4 = 3 OR i % 50 >= 2 THEN 'closed'
                     WHEN i % 4 = 1 THEN 'requesting' ELSE 'intervened' END,
                $2 - (i % 50) * $3 / 2 - i, $2 - (i % 50) * $3 / 2 - i + $3, $4,
                CASE i % 10 WHEN 0 THEN 'Diwali fair' WHEN 1 THEN 'API' ELSE 'Organic' END,
                CASE i % 100 WHEN 7 THEN 'Hamper' END, 0
         FROM n",
    )
    .bind(user_count)
    .bind(now)
    .bind(WINDOW_MS)
    .bind(per_user)
    .execute(pool)
    .await?;
    if postgres {
        sqlx::query("UPDATE user_totals SET users = CASE WHEN id = 1 THEN (SELECT COUNT(*) FROM users) ELSE 0 END")
            .execute(pool)
            .await?;
        sqlx::query(
            "INSERT INTO section_windows (status, quarter, shard, n)
             SELECT status, window_expires_at / 900000, 0, COUNT(*) FROM users
             WHERE window_expires_at IS NOT NULL GROUP BY status, window_expires_at / 900000",
        )
        .execute(pool)
        .await?;
        for trigger in ["users_total", "users_section_windows"] {
            sqlx::query(&format!("ALTER TABLE users ENABLE TRIGGER {trigger}"))
                .execute(pool)
                .await?;
        }
    }
    sqlx::query(
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < $1)
         INSERT INTO messages (wa_id, direction, author, kind, content_type, text, sent_at, created_at)
         SELECT CAST(910000000000 + i / $2 AS TEXT), CASE i % 2 WHEN 0 THEN 'in' ELSE 'out' END,
                CASE i % 2 WHEN 0 THEN 'user' ELSE 'bot' END, 'session', 'text',
                CASE i % 12
                    WHEN 0 THEN 'Where is my order ' || (i % 200000) || '?'
                    WHEN 2 THEN 'The box arrived crushed and the flowers are wilted'
                    WHEN 4 THEN 'Can I change the delivery address to ' || (i % 5000) || ' MG Road'
                    WHEN 6 THEN 'Do you deliver to Kochi on Sunday'
                    WHEN 8 THEN 'I want a refund for invoice INV-' || i
                    WHEN 10 THEN 'hello?? is anyone there'
                    ELSE 'Thanks! We will get back to you shortly.'
                END, $3 - ((i / $2) % 30) * 86400000 - ($2 - i % $2) * 60000, $3
         FROM n",
    )
    .bind(user_count * per_user)
    .bind(per_user)
    .bind(now)
    .execute(pool)
    .await?;
    // The quarter hours customers wrote in, as the server notes them with
    // each message.
    sqlx::query(
        "INSERT INTO customer_activity (wa_id, bucket, prev_bucket)
         SELECT wa_id, bucket, LAG(bucket) OVER (PARTITION BY wa_id ORDER BY bucket)
         FROM (SELECT DISTINCT wa_id, sent_at / 900000 AS bucket FROM messages WHERE author = 'user') AS wrote",
    )
    .execute(pool)
    .await?;
    // Postgres plans by its statistics, which a bulk load leaves empty
    // until autovacuum comes round.
    if postgres {
        sqlx::query("ANALYZE").execute(pool).await?;
    }
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
