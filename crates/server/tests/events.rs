//! Live events over Server-Sent Events, received by a real client and
//! resumed after a disconnect with Last-Event-ID.

mod support;

use support::events::{read_events, subscribe};
use support::payloads::text;
use support::TestApp;

#[tokio::test]
async fn a_client_sees_a_new_customer_arrive_and_the_counts_change() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let stream = subscribe(&app, &manager, None).await;

    app.webhook_ok(&text("919876543210", "wamid.1", app.now_s(), "hello"))
        .await;

    let events = read_events(stream, 4).await;
    let names: Vec<&str> = events.iter().map(|(_, name, _)| name.as_str()).collect();
    assert_eq!(names, ["message", "message", "user", "sections"]);
    assert_eq!(events[0].2["message"]["text"], "hello");
    assert_eq!(events[2].2["profile"]["wa_id"], "919876543210");
    assert_eq!(events[3].2["counts"]["active"], 1);
    assert!(
        events.windows(2).all(|pair| pair[0].0 < pair[1].0),
        "ids increase"
    );
}

#[tokio::test]
async fn a_reconnecting_client_resumes_after_its_last_event_and_misses_nothing() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let first = subscribe(&app, &manager, None).await;
    app.webhook_ok(&text("919876543210", "wamid.1", app.now_s(), "one"))
        .await;
    let seen = read_events(first, 4).await;
    let last_seen = seen.last().unwrap().0;
    // The client is gone (dropped) while more happens.
    app.webhook_ok(&text("919876543211", "wamid.2", app.now_s(), "two"))
        .await;
    let intervened = app.act(&manager, "919876543210", "intervene").await;
    assert_eq!(intervened.status(), 200);

    let resumed = subscribe(&app, &manager, Some(last_seen)).await;
    // Since then: two delivery updates from the sender (message + counts
    // each), the second customer (two messages, profile, counts) and the
    // intervention (system line, profile, counts).
    let missed = read_events(resumed, 11).await;
    assert_eq!(
        missed[0].0,
        last_seen + 1,
        "resumes right after the last event seen"
    );
    assert!(missed
        .iter()
        .any(|(_, _, data)| data["message"]["text"] == "two"));
    assert!(missed
        .iter()
        .any(|(_, _, data)| data["message"]["text"] == "Intervened by Meera"));
    let profile_updates: Vec<&str> = missed
        .iter()
        .filter(|(_, name, _)| name == "user")
        .map(|(_, _, data)| data["profile"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(profile_updates, ["active", "intervened"]);
}

#[tokio::test]
async fn housekeeping_drops_day_old_events_and_expired_sessions_only() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.webhook_ok(&text("919876543210", "wamid.1", app.now_s(), "hello"))
        .await;
    app.settle_outbound().await;
    let now = app.clock.now_ms();
    sqlx::query("INSERT INTO events (payload, at) VALUES ('{}', ?1)")
        .bind(now - 25 * 3_600_000)
        .execute(&app.db)
        .await
        .unwrap();
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            sqlx::query_as::<_, (i64,)>(sql)
                .fetch_one(&db)
                .await
                .unwrap()
                .0
        }
    };
    let recent = count("SELECT COUNT(*) FROM events").await - 1;
    // Statuses for messages never known, and notices WhatsApp will not
    // deliver again, go too; recent ones stay.
    for (at, wamid) in [(now - 25 * 3_600_000, "wamid.stray"), (now, "wamid.fresh")] {
        sqlx::query("INSERT INTO early_statuses (wamid, status, at) VALUES (?1, 'read', ?2)")
            .bind(wamid)
            .bind(at)
            .execute(&app.db)
            .await
            .unwrap();
    }
    for (at, wamid) in [(now - 9 * 24 * 3_600_000, "wamid.old"), (now, "wamid.new")] {
        sqlx::query("INSERT INTO notices_seen (wamid, at) VALUES (?1, ?2)")
            .bind(wamid)
            .bind(at)
            .execute(&app.db)
            .await
            .unwrap();
    }

    let db = handover_server::db::Db::new(app.db.clone());
    handover_server::housekeeping::tidy(&db, now).await.unwrap();
    assert_eq!(
        count("SELECT COUNT(*) FROM events").await,
        recent,
        "only the old event went"
    );
    assert_eq!(count("SELECT COUNT(*) FROM early_statuses").await, 1);
    assert_eq!(count("SELECT COUNT(*) FROM notices_seen").await, 1);
    assert_eq!(
        app.get(&manager, "/api/me").await.status(),
        200,
        "a live session stays"
    );

    handover_server::housekeeping::tidy(&db, now + 8 * 24 * 3_600_000)
        .await
        .unwrap();
    assert_eq!(
        count("SELECT COUNT(*) FROM sessions").await,
        0,
        "week-old sessions expire"
    );
}

#[tokio::test]
async fn events_stream_at_once_to_a_browser_that_accepts_gzip() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let stream = app.get_as_browser(&manager, "/api/events").await;
    assert_eq!(stream.status(), 200);
    // A compressor would hold events back until its buffer fills.
    assert!(stream.headers().get("content-encoding").is_none());

    app.webhook_ok(&text("919876543210", "wamid.1", app.now_s(), "hello"))
        .await;
    let events = read_events(stream, 4).await;
    assert_eq!(events[0].2["message"]["text"], "hello");
}
