//! The section counts are kept as customers change (not counted over every
//! customer at each read): as time passes, windows close one by one, quarter
//! hours of kept counts go by and housekeeping folds them, and the counts
//! a dashboard reads always equal a count over every customer.

mod support;

use serde_json::Value;
use support::payloads::text;
use support::{Session, TestApp};

const MINUTE: i64 = 60_000;

/// The counts a full count over every customer gives at `now`.
async fn counted_over_everyone(app: &TestApp, now: i64) -> [i64; 4] {
    let mut counts = [0; 4];
    for (n, status) in ["active", "requesting", "intervened", "closed"]
        .iter()
        .enumerate()
    {
        counts[n] = sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE status = $1 AND window_expires_at > $2",
        )
        .bind(*status)
        .bind(now)
        .fetch_one(&app.db)
        .await
        .unwrap();
    }
    counts
}

async fn read(app: &TestApp, session: &Session) -> [i64; 4] {
    let sections: Value = app.get_json(session, "/api/sections").await;
    ["active", "requesting", "intervened", "closed"]
        .map(|section| sections[section].as_i64().unwrap())
}

#[tokio::test]
async fn the_kept_counts_equal_a_full_count_as_windows_close_and_quarter_hours_go_by() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let start = app.clock.now_ms();
    // Windows ending every seven minutes over the next day and a half, in
    // every status, some already closed.
    for n in 0..320_i64 {
        let status = ["active", "requesting", "intervened", "closed"][(n % 4) as usize];
        let ends = start - 30 * MINUTE + n * 7 * MINUTE;
        app.insert_user(&format!("9195{n:08}"), status, ends).await;
    }
    // Customers who write, move between sections and are resolved, now.
    for n in 0..12 {
        let wa_id = format!("9194{n:08}");
        let words = if n % 3 == 0 { "agent please" } else { "hello" };
        app.webhook_ok(&text(
            &wa_id,
            &format!("wamid.kept.{n}"),
            app.now_s(),
            words,
        ))
        .await;
        if n % 3 == 0 && n % 2 == 0 {
            assert_eq!(app.act(&manager, &wa_id, "intervene").await.status(), 200);
            assert_eq!(app.act(&manager, &wa_id, "resolve").await.status(), 200);
        }
    }
    let db = handover_server::platform::db::Db::new(app.db.clone());
    // Through the day, in steps that fall on and between quarter hours,
    // folding now and then as housekeeping does.
    for step in 0..40_i64 {
        let now = app.clock.now_ms();
        assert_eq!(
            read(&app, &manager).await,
            counted_over_everyone(&app, now).await,
            "{} minutes in",
            (now - start) / MINUTE
        );
        if step % 5 == 4 {
            handover_server::app::housekeeping::tidy(&db, now)
                .await
                .unwrap();
        }
        app.clock.set(now + 53 * MINUTE + (step % 3) * 15 * MINUTE);
    }
    assert_eq!(
        read(&app, &manager).await,
        [0, 0, 0, 0],
        "every window closed"
    );
}
