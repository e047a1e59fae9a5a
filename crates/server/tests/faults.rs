//! The server under faults: a stop with dashboards open, a database that
//! refuses to record what WhatsApp answered, and a crash in the middle of a
//! send. Nothing is lost, nothing is sent twice, and a stop never hangs.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::json;
use support::cloud_api::FakeCloudApi;
use support::payloads::{envelope, text};
use support::{Prepared, TestApp};

const PRIYA: &str = "919876543210";
const ROHAN: &str = "919822222222";

/// While the switch is on, records of a `sent` status fail as a full disk
/// would make them fail.
const FAULT: Prepared = Prepared {
    sqlite: &[
        "CREATE TABLE fault (refuse_records INTEGER NOT NULL)",
        "INSERT INTO fault VALUES (0)",
        "CREATE TRIGGER refuse_records BEFORE UPDATE OF delivery ON messages
         WHEN new.delivery = 'sent' AND (SELECT refuse_records FROM fault) = 1
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    ],
    postgres: &[
        "CREATE TABLE fault (refuse_records BIGINT NOT NULL)",
        "INSERT INTO fault VALUES (0)",
        "CREATE FUNCTION refuse_records() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF new.delivery = 'sent' AND (SELECT refuse_records FROM fault) = 1 THEN
                 RAISE EXCEPTION 'could not extend file: No space left on device';
             END IF;
             RETURN new;
         END $$",
        "CREATE TRIGGER refuse_records BEFORE UPDATE OF delivery ON messages
         FOR EACH ROW EXECUTE FUNCTION refuse_records()",
    ],
};

async fn app_with_cloud_api() -> (TestApp, FakeCloudApi) {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_prepared(&FAULT, |config| support::use_cloud_api(config, url)).await;
    (app, fake)
}

async fn refuse_records(app: &TestApp, refuse: bool) {
    sqlx::query("UPDATE fault SET refuse_records = $1")
        .bind(i64::from(refuse))
        .execute(&app.db)
        .await
        .unwrap();
}

/// Requests the fake Cloud API received for `to`.
fn sends_to(fake: &FakeCloudApi, to: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.body["to"] == to)
        .count()
}

/// The bot's first message to `to`: (id, delivery, wamid).
async fn bot_message(app: &TestApp, to: &str) -> (i64, String, Option<String>) {
    sqlx::query_as(
        "SELECT id, delivery, wamid FROM messages WHERE wa_id = $1 AND author = 'bot' ORDER BY id LIMIT 1",
    )
    .bind(to)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn wait_until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} did not happen within 10 s");
}

#[tokio::test]
async fn a_stop_with_dashboards_open_ends_their_streams_and_completes_at_once() {
    let mut app = TestApp::start().await;
    let manager = app.manager().await;
    let streams = [
        app.get(&manager, "/api/events").await,
        app.get(&manager, "/api/events").await,
    ];

    let took = app.stop().await;
    assert!(took < Duration::from_secs(5), "the stop took {took:?}");

    for stream in streams {
        let mut body = stream.bytes_stream();
        let mut received = String::new();
        while let Some(chunk) = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("the stream ends")
        {
            received.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
        }
        assert!(
            received.contains("event: end\n")
                && received.contains("data: {\"reason\":\"server_stopping\"}"),
            "the dashboard is told to reconnect: {received:?}"
        );
        assert!(received.contains("retry: 2000"), "{received:?}");
    }
}

#[tokio::test]
async fn a_send_whose_outcome_cannot_be_recorded_is_recorded_later_and_never_sent_twice() {
    let (app, fake) = app_with_cloud_api().await;
    refuse_records(&app, true).await;

    app.webhook_ok(&text(PRIYA, "wamid.in.1", app.now_s(), "Hi"))
        .await;
    wait_until("the greeting is sent", async || sends_to(&fake, PRIYA) == 1).await;
    // The record keeps failing for a while; the send is not repeated.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(sends_to(&fake, PRIYA), 1);
    let (id, delivery, _) = bot_message(&app, PRIYA).await;
    assert_eq!(delivery, "pending");

    refuse_records(&app, false).await;
    wait_until("the outcome is recorded", async || {
        bot_message(&app, PRIYA).await.1 == "sent"
    })
    .await;
    assert_eq!(sends_to(&fake, PRIYA), 1, "sent exactly once");
    let (_, _, wamid) = bot_message(&app, PRIYA).await;
    assert_eq!(wamid.as_deref(), Some("wamid.fake.1"));
    // Every send carries its marker, which WhatsApp echoes in its statuses.
    assert_eq!(
        fake.requests()[0].body["biz_opaque_callback_data"],
        format!("handover:{id}")
    );
}

#[tokio::test]
async fn after_a_crash_mid_send_whatsapps_status_settles_the_message_and_none_is_sent_again() {
    let (mut app, fake) = app_with_cloud_api().await;
    refuse_records(&app, true).await;
    app.webhook_ok(&text(PRIYA, "wamid.in.1", app.now_s(), "Hi"))
        .await;
    app.webhook_ok(&text(ROHAN, "wamid.in.2", app.now_s(), "Hi"))
        .await;
    wait_until("both greetings are sent", async || {
        sends_to(&fake, PRIYA) == 1 && sends_to(&fake, ROHAN) == 1
    })
    .await;

    // Killed between WhatsApp's answers and their records.
    app.crash_and_restart().await;
    refuse_records(&app, false).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        (sends_to(&fake, PRIYA), sends_to(&fake, ROHAN)),
        (1, 1),
        "nothing is sent again after the restart"
    );

    // WhatsApp's status for Priya's greeting names it by its marker.
    let (priya_id, _, _) = bot_message(&app, PRIYA).await;
    let wamid = fake
        .requests()
        .iter()
        .position(|r| r.body["to"] == PRIYA)
        .map(|n| format!("wamid.fake.{}", n + 1))
        .unwrap();
    app.webhook_ok(&envelope(json!({"statuses": [{
        "id": wamid, "status": "delivered", "timestamp": app.now_s().to_string(), "recipient_id": PRIYA,
        "biz_opaque_callback_data": format!("handover:{priya_id}")
    }]})))
    .await;
    let (_, delivery, recorded) = bot_message(&app, PRIYA).await;
    assert_eq!(
        (delivery.as_str(), recorded.as_deref()),
        ("delivered", Some(wamid.as_str()))
    );

    // No word ever comes for Rohan's: after ten minutes it is marked failed
    // with what happened, so that an agent can send it again.
    app.clock.set(app.clock.now_ms() + 11 * 60 * 1000);
    wait_until("the unconfirmed send is given up", async || {
        bot_message(&app, ROHAN).await.1 == "failed"
    })
    .await;
    let manager = app.manager().await;
    let greeting = app.first_by(&manager, ROHAN, "bot").await;
    assert!(
        greeting["failure_reason"]
            .as_str()
            .unwrap()
            .contains("never confirmed it. It was not sent again"),
        "{greeting}"
    );
    assert_eq!(sends_to(&fake, ROHAN), 1);
}

#[tokio::test]
async fn an_unexpected_database_failure_answers_500_with_an_id_and_changes_nothing() {
    let broken = Prepared {
        sqlite: &[
            "CREATE TRIGGER broken_intervene BEFORE UPDATE OF status ON users
             WHEN new.status = 'intervened'
             BEGIN SELECT RAISE(ABORT, 'database disk image is malformed'); END",
        ],
        postgres: &[
            "CREATE FUNCTION broken_intervene() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF new.status = 'intervened' THEN
                     RAISE EXCEPTION 'database disk image is malformed';
                 END IF;
                 RETURN new;
             END $$",
            "CREATE TRIGGER broken_intervene BEFORE UPDATE OF status ON users
             FOR EACH ROW EXECUTE FUNCTION broken_intervene()",
        ],
    };
    let app = TestApp::start_prepared(&broken, |_| {}).await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    let manager = app.manager().await;
    let response = app.act(&manager, PRIYA, "intervene").await;
    assert_eq!(response.status(), 500);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "internal_error");
    let id = body["error"]["error_id"].as_str().unwrap_or_default();
    assert!(
        id.len() == 12 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "an id to find the details in the log by: {body}"
    );
    assert!(
        !body.to_string().contains("malformed"),
        "the detail stays in the log: {body}"
    );
    assert_eq!(app.profile(&manager, PRIYA).await["status"], "active");
}
