//! Three servers on one Postgres database, as behind a load balancer
//! without sticky sessions, behave as one: a race between agents on
//! different servers has one winner, a delivery Meta retries to every
//! server counts once, each bot reply goes to WhatsApp once, a dashboard
//! on one server sees what another handled at once, a status callback
//! racing the send it names is never lost, and a timer fires once even
//! after the server that would have fired it was killed.

mod support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use handover_server::app::timers;
use handover_server::platform::db::Db;
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::json;
use support::cloud_api::FakeCloudApi;
use support::events::read_events_until;
use support::payloads::{status, text};
use support::{Server, Session, TestApp};

const HOUR: i64 = 3_600_000;

/// Three servers on one new Postgres database, sending to one fake Cloud
/// API, chats resolved after an hour of quiet.
async fn three_servers() -> (TestApp, [Server; 2], FakeCloudApi) {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_on_postgres(|config| {
        support::use_cloud_api(config, url);
        config.idle_resolve_hours = 1;
    })
    .await;
    let others = [app.another_server().await, app.another_server().await];
    (app, others, fake)
}

/// A dashboard's event stream on `server`, open before the test goes on.
async fn open_stream(app: &TestApp, server: &Server, session: &Session) -> reqwest::Response {
    let stream = app
        .http
        .get(format!("http://{}/api/events", server.addr))
        .header(COOKIE, &session.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream
}

fn customer(n: usize) -> String {
    format!("9198{n:08}")
}

async fn count(app: &TestApp, sql: &str, wa_id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(wa_id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn twenty_agents_on_three_servers_race_for_one_chat_and_one_wins() {
    let (app, [b, c], _fake) = three_servers().await;
    let servers: [SocketAddr; 3] = [app.addr, b.addr, c.addr];
    let wa_id = customer(1);
    app.webhook_ok(&text(&wa_id, "wamid.1", app.now_s(), "hello"))
        .await;
    app.webhook_ok(&text(&wa_id, "wamid.2", app.now_s(), "agent please"))
        .await;
    let manager = app.manager().await;
    assert_eq!(app.profile(&manager, &wa_id).await["status"], "requesting");

    let mut agents = Vec::new();
    for n in 0..20 {
        agents.push(app.agent(&format!("Agent{n}")).await);
    }
    let path = format!("/api/users/{wa_id}/intervene");
    let answers = join_all(
        agents
            .iter()
            .enumerate()
            .map(|(n, agent)| app.post_at(servers[n % 3], agent, &path, json!({}))),
    )
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(|answer| answer.status()).collect();
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let lost = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, lost), (1, 19), "{statuses:?}");

    let winner = statuses.iter().position(|s| *s == StatusCode::OK).unwrap();
    let profile = app.profile(&manager, &wa_id).await;
    assert_eq!(profile["status"], "intervened");
    assert_eq!(profile["assigned_agent"]["id"], agents[winner].agent.id.0);
    let intervened = count(
        &app,
        "SELECT COUNT(*) FROM transitions WHERE wa_id = $1 AND command = 'intervene'",
        &wa_id,
    )
    .await;
    assert_eq!(intervened, 1, "one transition recorded");
}

#[tokio::test]
async fn a_delivery_retried_to_every_server_at_once_counts_once() {
    let (app, [b, c], _fake) = three_servers().await;
    let wa_id = customer(2);
    let delivery = text(&wa_id, "wamid.retried", app.now_s(), "hello");
    let answers = join_all(
        [app.addr, b.addr, c.addr]
            .into_iter()
            .map(|server| app.webhook_at(server, &delivery)),
    )
    .await;
    assert!(
        answers
            .iter()
            .all(|answer| answer.status() == StatusCode::OK),
        "each server acknowledges it"
    );
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND wamid = 'wamid.retried'",
        &wa_id,
    )
    .await;
    assert_eq!(stored, 1);
    let manager = app.manager().await;
    let profile = app.profile(&manager, &wa_id).await;
    // Their message and the bot's greeting, each counted once.
    assert_eq!(profile["session_messages"], 2, "{profile}");
    let greetings = count(
        &app,
        "SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND author = 'bot'",
        &wa_id,
    )
    .await;
    assert_eq!(greetings, 1, "the bot answered once");
}

#[tokio::test]
async fn each_bot_reply_is_sent_to_whatsapp_once_by_one_of_the_servers() {
    let (app, [b, c], fake) = three_servers().await;
    let servers = [app.addr, b.addr, c.addr];
    let customers: Vec<String> = (0..30).map(|n| customer(100 + n)).collect();
    let app = &app;
    let answers = join_all(customers.iter().enumerate().map(|(n, wa_id)| {
        let delivery = text(wa_id, &format!("wamid.in.{n}"), app.now_s(), "hello");
        async move { app.webhook_at(servers[n % 3], &delivery).await.status() }
    }))
    .await;
    assert!(answers.iter().all(|status| *status == StatusCode::OK));
    app.settle_outbound().await;

    let mut sends: HashMap<String, usize> = HashMap::new();
    for request in fake.requests() {
        if let Some(to) = request.body["to"].as_str() {
            *sends.entry(to.to_owned()).or_default() += 1;
        }
    }
    for wa_id in &customers {
        assert_eq!(sends.get(wa_id), Some(&1), "greeting to {wa_id}");
    }
    assert_eq!(sends.len(), customers.len());
    let sent: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM messages WHERE author = 'bot' AND delivery = 'sent'",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(sent, 30, "every greeting recorded as sent");
}

/// WhatsApp may call back about a message before the sender has recorded
/// WhatsApp's answer for it, on another server. Whichever commits first,
/// the callback is applied: the message ends delivered and nothing is left
/// waiting for it.
#[tokio::test]
async fn status_callbacks_racing_the_sends_they_name_on_other_servers_are_all_applied() {
    let (app, [b, c], fake) = three_servers().await;
    // The answers take a little while, so the callbacks land around them.
    fake.answer_after(Duration::from_millis(15));
    let servers = [app.addr, b.addr, c.addr];
    let customers: Vec<String> = (0..40).map(|n| customer(300 + n)).collect();
    let app = &app;
    let callbacks = async {
        let mut called_back = 0;
        let deadline = Instant::now() + Duration::from_secs(20);
        while called_back < customers.len() && Instant::now() < deadline {
            let requests = fake.requests();
            let new: Vec<(usize, String)> = requests
                .iter()
                .enumerate()
                .skip(called_back)
                .map(|(n, request)| (n + 1, request.body["to"].as_str().unwrap().to_owned()))
                .collect();
            called_back = requests.len();
            join_all(new.into_iter().map(|(n, to)| async move {
                // Some before the answer, some at once, some after it.
                tokio::time::sleep(Duration::from_millis((n as u64 * 7) % 30)).await;
                let delivered = status(&format!("wamid.fake.{n}"), "delivered", app.now_s(), &to);
                let answer = app.webhook_at(servers[(n + 1) % 3], &delivered).await;
                assert_eq!(answer.status(), StatusCode::OK);
            }))
            .await;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        called_back
    };
    let deliveries = join_all(customers.iter().enumerate().map(|(n, wa_id)| {
        let delivery = text(wa_id, &format!("wamid.race.{n}"), app.now_s(), "hello");
        async move { app.webhook_at(servers[n % 3], &delivery).await.status() }
    }));
    let (answers, called_back) = tokio::join!(deliveries, callbacks);
    assert!(answers.iter().all(|status| *status == StatusCode::OK));
    assert_eq!(called_back, customers.len(), "one send per greeting");
    app.settle_outbound().await;

    let deliveries: Vec<(String, String)> =
        sqlx::query_as("SELECT wa_id, delivery FROM messages WHERE author = 'bot' ORDER BY wa_id")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(deliveries.len(), customers.len());
    for (wa_id, delivery) in &deliveries {
        assert_eq!(delivery, "delivered", "the greeting to {wa_id}");
    }
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM early_statuses")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        kept, 0,
        "no callback is left waiting for a message it found"
    );
}

#[tokio::test]
async fn a_dashboard_on_one_server_sees_a_message_another_server_handled_at_once() {
    let (app, [b, _c], _fake) = three_servers().await;
    let manager = app.manager().await;
    let stream = open_stream(&app, &b, &manager).await;

    let wa_id = customer(3);
    let sent = Instant::now();
    let reader = tokio::spawn({
        let wa_id = wa_id.clone();
        async move {
            read_events_until(stream, |events| {
                events
                    .iter()
                    .any(|(_, name, data)| name == "user" && data["profile"]["wa_id"] == wa_id)
            })
            .await;
            sent.elapsed()
        }
    });
    app.webhook_ok(&text(&wa_id, "wamid.crossing", app.now_s(), "hello"))
        .await;
    let took = reader.await.unwrap();
    println!("server A's message reached server B's stream after {took:?}");
    // Without word from server A, server B would find it at its next look
    // at the log, up to 5 s later.
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[tokio::test]
async fn a_timer_fires_once_after_the_server_that_would_fire_it_was_killed() {
    let (app, [b, c], _fake) = three_servers().await;
    let wa_id = customer(4);
    app.webhook_ok(&text(&wa_id, "wamid.1", app.now_s(), "agent please"))
        .await;
    let asha = app.agent("Asha").await;
    let intervened = app
        .post_at(
            c.addr,
            &asha,
            &format!("/api/users/{wa_id}/intervene"),
            json!({}),
        )
        .await;
    assert_eq!(intervened.status(), StatusCode::OK);

    // Server C dies; the customer goes quiet for longer than the hour.
    c.crash();
    app.advance_hours(2);

    // The remaining servers and a new one sweep at the same moment.
    let sweepers: Vec<Db> = join_all((0..3).map(|_| async {
        Db::new(
            handover_server::platform::db::connect(&app.database_url)
                .await
                .unwrap(),
        )
    }))
    .await;
    let now = app.clock.now_ms();
    let swept = join_all(
        sweepers
            .iter()
            .map(|db| async move { timers::sweep(db, now, HOUR).await.unwrap() }),
    )
    .await;
    let resolved: usize = swept.iter().map(|swept| swept.idle).sum();
    assert_eq!(resolved, 1, "{swept:?}");

    // A server started now sweeps at once and finds nothing left to do.
    let d = app.another_server().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let manager = app.manager().await;
    let profile = app.profile(&manager, &wa_id).await;
    assert_eq!(profile["status"], "closed");
    let fired = count(
        &app,
        "SELECT COUNT(*) FROM transitions WHERE wa_id = $1 AND command = 'idle_timeout'",
        &wa_id,
    )
    .await;
    assert_eq!(fired, 1, "resolved once");
    drop((b, d));
}

#[tokio::test]
async fn signing_out_on_one_server_ends_the_dashboards_stream_on_another() {
    let (app, [b, _c], _fake) = three_servers().await;
    let manager = app.manager().await;
    let stream = open_stream(&app, &b, &manager).await;

    let signed_out = app.post(&manager, "/api/auth/logout", json!({})).await;
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    let mut body = stream.bytes_stream();
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !seen.contains("event: end") {
        match tokio::time::timeout_at(deadline, futures_util::StreamExt::next(&mut body)).await {
            Ok(Some(Ok(chunk))) => seen.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(_) => break,
            Err(_) => panic!("server B's stream was still open 2 s after the sign-out: {seen}"),
        }
    }
    assert!(seen.contains("event: end"), "{seen}");
    let after = app
        .http
        .get(format!("http://{}/api/me", b.addr))
        .header(COOKIE, &manager.cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn guesses_spread_over_the_servers_wait_as_long_as_guesses_to_one() {
    let (app, [b, c], _fake) = three_servers().await;
    let guess = |server: SocketAddr| {
        let http = app.http.clone();
        async move {
            http.post(format!("http://{server}/api/auth/login"))
                .json(&json!({"email": support::ADMIN_EMAIL, "password": "not it"}))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    // Five free failures per account and address: three on A, two on B.
    for server in [app.addr, app.addr, app.addr, b.addr, b.addr] {
        assert_eq!(guess(server).await, StatusCode::UNAUTHORIZED);
    }
    // Server C heard of all five: it refuses, although its own failures
    // (at most three here) are fewer than the five free ones. On a busy
    // machine the news may take a moment, so C is asked up to three times.
    let mut answers = Vec::new();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        answers.push(guess(c.addr).await);
        if answers.last() == Some(&StatusCode::TOO_MANY_REQUESTS) {
            break;
        }
    }
    assert_eq!(
        answers.last(),
        Some(&StatusCode::TOO_MANY_REQUESTS),
        "{answers:?}"
    );
}

#[tokio::test]
async fn deliveries_spread_over_three_servers_at_once_count_exactly_and_every_stream_sees_every_event(
) {
    let (app, [b, c], _fake) = three_servers().await;
    let servers = [app.addr, b.addr, c.addr];
    let manager = app.manager().await;
    let streams = [
        open_stream(&app, &b, &manager).await,
        open_stream(&app, &c, &manager).await,
    ];
    let first_event: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(&app.db)
        .await
        .unwrap();

    // 24 customers write 6 messages each, all at once: each message to the
    // next server, every third also retried to another at the same time;
    // one customer in four asks for a person.
    const CUSTOMERS: usize = 24;
    const MESSAGES: usize = 6;
    let app = &app;
    let answers = join_all((0..CUSTOMERS).map(|n| async move {
        let wa_id = customer(500 + n);
        let mut answers = Vec::new();
        for m in 0..MESSAGES {
            let words = if n % 4 == 0 && m == 2 {
                "agent please"
            } else {
                "where is my order"
            };
            let delivery = text(&wa_id, &format!("wamid.{n}.{m}"), app.now_s(), words);
            let to = servers[(n + m) % 3];
            if m % 3 == 0 {
                let again = servers[(n + m + 1) % 3];
                let (one, other) = tokio::join!(
                    app.webhook_at(to, &delivery),
                    app.webhook_at(again, &delivery)
                );
                answers.extend([one.status(), other.status()]);
            } else {
                answers.push(app.webhook_at(to, &delivery).await.status());
            }
        }
        answers
    }))
    .await;
    assert!(answers
        .iter()
        .flatten()
        .all(|status| *status == StatusCode::OK));

    for n in 0..CUSTOMERS {
        let wa_id = customer(500 + n);
        let wamids: Vec<String> = sqlx::query_scalar(
            "SELECT wamid FROM messages WHERE wa_id = $1 AND direction = 'in' ORDER BY id",
        )
        .bind(&wa_id)
        .fetch_all(&app.db)
        .await
        .unwrap();
        let sent: Vec<String> = (0..MESSAGES).map(|m| format!("wamid.{n}.{m}")).collect();
        assert_eq!(wamids, sent, "each stored once, in the order sent");
        let profile = app.profile(&manager, &wa_id).await;
        assert_eq!(profile["unread"], MESSAGES, "{profile}");
    }
    // The counts, kept as the batches went, are those of a full count.
    let (customers, totals): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users), (SELECT CAST(SUM(users) AS BIGINT) FROM user_totals)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(totals, customers);
    let (requesting, active): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users WHERE status = 'requesting'),
                (SELECT COUNT(*) FROM users WHERE status = 'active')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert!(requesting >= (CUSTOMERS / 4) as i64, "{requesting}");
    let sections = app.get_json(&manager, "/api/sections").await;
    assert_eq!(sections["requesting"], requesting, "{sections}");
    assert_eq!(sections["active"], active, "{sections}");
    // The reports' figures, added batch by batch, count each customer once
    // in the quarter hour they wrote and escalated in.
    let figures: (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM customer_counts_quarterly WHERE chain = 'wrote'),
                (SELECT COUNT(*) FROM customer_activity),
                (SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM customer_counts_quarterly WHERE chain = 'escalated'),
                (SELECT COUNT(*) FROM customer_escalations)",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let customers = CUSTOMERS as i64;
    assert_eq!(figures, (customers, customers, requesting, requesting));
    // Writers sharing the turn added to rows of their own connection's;
    // housekeeping folds them into one row per key, every figure kept.
    let rollups = [
        "report_counts",
        "report_durations",
        "customer_counts_quarterly",
        "customer_counts_daily",
        "trait_counts",
        "trait_durations",
        "trait_customers_daily",
    ];
    let totals = |sharded: bool| {
        let db = app.db.clone();
        async move {
            let mut totals = Vec::new();
            for table in rollups {
                let sql = if sharded {
                    format!("SELECT COUNT(DISTINCT shard) FROM {table} WHERE shard <> 0")
                } else {
                    format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM {table}")
                };
                totals.push(
                    sqlx::query_scalar::<_, i64>(&sql)
                        .fetch_one(&db)
                        .await
                        .unwrap(),
                );
            }
            totals
        }
    };
    let before = totals(false).await;
    assert!(totals(true).await[2] > 1, "several connections' rows");
    let db = Db::new(app.db.clone());
    handover_server::app::housekeeping::tidy(&db, app.clock.now_ms())
        .await
        .unwrap();
    assert_eq!(totals(false).await, before, "the same figures, folded");
    assert_eq!(totals(true).await, [0; 7], "one row per key");

    // Both dashboards, on two servers, see every event written since they
    // opened, once each, in the order of the log.
    let logged: Vec<i64> = sqlx::query_scalar("SELECT id FROM events WHERE id > $1 ORDER BY id")
        .bind(first_event)
        .fetch_all(&app.db)
        .await
        .unwrap();
    let newest = *logged.last().unwrap();
    for stream in streams {
        let seen = read_events_until(stream, |events| {
            events.last().is_some_and(|(id, _, _)| *id >= newest)
        })
        .await;
        let ids: Vec<i64> = seen.iter().map(|(id, _, _)| *id).collect();
        assert_eq!(ids, logged, "every event once, in order");
        let counts = seen
            .iter()
            .rev()
            .find(|(_, name, _)| name == "sections")
            .map(|(_, _, data)| data["counts"].clone())
            .unwrap();
        assert_eq!(counts, sections, "the last counts sent");
    }
}

#[tokio::test]
async fn a_batch_numbers_its_events_in_the_events_turn_and_is_answered_after_its_commit() {
    let (app, [b, _c], _fake) = three_servers().await;
    let newest_event = || async {
        sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM events")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    let before = newest_event().await;
    // Another transaction holds the turn in which events are numbered.
    let mut holding = app.db.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(handover_server::platform::db::EVENTS_TURN)
        .execute(&mut *holding)
        .await
        .unwrap();
    let wa_id = customer(7);
    let delivery = text(&wa_id, "wamid.numbered", app.now_s(), "hello");
    let answer = app.webhook_at(b.addr, &delivery);
    tokio::pin!(answer);
    let early = tokio::time::timeout(Duration::from_millis(1_000), &mut answer).await;
    assert!(early.is_err(), "no answer before its events are numbered");
    assert_eq!(newest_event().await, before);
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM messages WHERE wa_id = $1",
        &wa_id,
    )
    .await;
    assert_eq!(stored, 0, "nothing of it visible before its commit");
    holding.rollback().await.unwrap();
    assert_eq!(answer.await.status(), StatusCode::OK);
    assert!(newest_event().await > before);
}
