//! Live events over Server-Sent Events, received by a real client and
//! resumed after a disconnect with Last-Event-ID.

mod support;

use support::events::{read_events, read_events_until, subscribe};
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
async fn a_message_reaches_the_stream_exactly_as_written_whatever_it_holds() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let stream = subscribe(&app, &manager, None).await;
    let written = r#"It's "50$" \ costs $t$5 $t1$ 💸 ; DROP TABLE events; -- ends in $t"#;

    app.webhook_ok(&text("919876543210", "wamid.1", app.now_s(), written))
        .await;

    let events = read_events(stream, 4).await;
    assert_eq!(events[0].1, "message");
    assert_eq!(events[0].2["message"]["text"], written);
    // The log kept it too: a client coming back reads it from there.
    let again = subscribe(&app, &manager, Some(events[0].0 - 1)).await;
    let replayed = read_events(again, 1).await;
    assert_eq!(replayed[0].2["message"]["text"], written);
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
    // Since then: two delivery updates from the sender (a message each;
    // the counts did not change), the second customer (two messages,
    // profile, counts) and the intervention (system line, profile, counts).
    let missed = read_events(resumed, 9).await;
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
    let counts = missed.iter().filter(|(_, name, _)| name == "sections");
    assert_eq!(counts.count(), 2, "counted when customers changed, only");
}

#[tokio::test]
async fn housekeeping_drops_day_old_events_and_expired_sessions_only() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.webhook_ok(&text("919876543210", "wamid.1", app.now_s(), "hello"))
        .await;
    app.settle_outbound().await;
    let now = app.clock.now_ms();
    sqlx::query("INSERT INTO events (payload, at) VALUES ('{}', $1)")
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
        sqlx::query("INSERT INTO early_statuses (wamid, status, at) VALUES ($1, 'read', $2)")
            .bind(wamid)
            .bind(at)
            .execute(&app.db)
            .await
            .unwrap();
    }
    for (at, wamid) in [(now - 9 * 24 * 3_600_000, "wamid.old"), (now, "wamid.new")] {
        sqlx::query("INSERT INTO notices_seen (wamid, at) VALUES ($1, $2)")
            .bind(wamid)
            .bind(at)
            .execute(&app.db)
            .await
            .unwrap();
    }

    let db = handover_server::platform::db::Db::new(app.db.clone());
    handover_server::app::housekeeping::tidy(&db, now)
        .await
        .unwrap();
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

    handover_server::app::housekeeping::tidy(&db, now + 8 * 24 * 3_600_000)
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

/// Every event id in the log, oldest first.
async fn logged_ids(app: &TestApp) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM events ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap()
}

fn ids_of(events: &[(i64, String, serde_json::Value)]) -> Vec<i64> {
    events.iter().map(|(id, _, _)| *id).collect()
}

#[tokio::test]
async fn a_stream_further_behind_than_memory_holds_reads_the_database_then_follows_live() {
    // The process keeps only the newest 4 events in memory.
    let app = TestApp::start_with(|config| config.event_buffer = 4).await;
    let manager = app.manager().await;
    for n in 0..6 {
        app.webhook_ok(&text(
            &format!("91987654321{n}"),
            &format!("wamid.{n}"),
            app.now_s(),
            "hello",
        ))
        .await;
    }
    app.settle_outbound().await;
    let logged = logged_ids(&app).await;
    assert!(logged.len() > 20, "{logged:?}");

    // From the start: everything, read from the database, in order.
    let behind = subscribe(&app, &manager, Some(0)).await;
    let last = *logged.last().unwrap();
    let caught_up = read_events_until(behind, |events| {
        events.last().is_some_and(|(id, _, _)| *id >= last)
    })
    .await;
    assert_eq!(ids_of(&caught_up), logged);

    // Then live, from memory: a stream that resumes at the newest event
    // gets the next delivery and nothing twice.
    let live = subscribe(&app, &manager, Some(last)).await;
    app.webhook_ok(&text("919876543299", "wamid.later", app.now_s(), "later"))
        .await;
    let next = read_events(live, 4).await;
    let logged = logged_ids(&app).await;
    let after: Vec<i64> = logged.into_iter().filter(|id| *id > last).take(4).collect();
    assert_eq!(ids_of(&next), after);
    assert!(next
        .iter()
        .any(|(_, _, data)| data["message"]["text"] == "later"));
}

#[tokio::test]
async fn every_stream_gets_every_event_once_and_in_order_under_concurrent_writes() {
    let app = TestApp::start_with(|config| config.event_buffer = 8).await;
    let manager = app.manager().await;
    let start = logged_ids(&app).await.last().copied().unwrap_or(0);
    let streams = [
        subscribe(&app, &manager, None).await,
        subscribe(&app, &manager, None).await,
        subscribe(&app, &manager, None).await,
    ];
    // Twenty customers write at once; the bot answers each.
    let deliveries = (0..20).map(|n| {
        let app = &app;
        async move {
            app.webhook_ok(&text(
                &format!("9198200{n:05}"),
                &format!("wamid.burst.{n}"),
                app.now_s(),
                "agent please",
            ))
            .await;
        }
    });
    futures_util::future::join_all(deliveries).await;
    app.settle_outbound().await;
    let logged: Vec<i64> = logged_ids(&app)
        .await
        .into_iter()
        .filter(|id| *id > start)
        .collect();
    let last = *logged.last().unwrap();
    let reads = streams.map(|stream| {
        read_events_until(stream, move |events| {
            events.last().is_some_and(|(id, _, _)| *id >= last)
        })
    });
    let counts: serde_json::Value = app.get_json(&manager, "/api/sections").await;
    for received in futures_util::future::join_all(reads).await {
        assert_eq!(ids_of(&received), logged, "each event once, in order");
        // In order also means the newest of each kind is the state now,
        // however the deliveries were batched.
        let newest_counts = received
            .iter()
            .rev()
            .find(|(_, name, _)| name == "sections")
            .map(|(_, _, data)| &data["counts"]);
        assert_eq!(newest_counts, Some(&counts));
        for n in 0..20 {
            let wa_id = format!("9198200{n:05}");
            let newest_profile = received
                .iter()
                .rev()
                .find(|(_, name, data)| name == "user" && data["profile"]["wa_id"] == wa_id)
                .map(|(_, _, data)| &data["profile"]);
            let profile = app.profile(&manager, &wa_id).await;
            assert_eq!(
                newest_profile.map(|p| &p["status"]),
                Some(&profile["status"])
            );
            assert_eq!(
                newest_profile.map(|p| &p["session_messages"]),
                Some(&profile["session_messages"])
            );
        }
    }
}
