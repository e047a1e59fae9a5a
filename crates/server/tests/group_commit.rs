//! Deliveries that arrive together are applied in one transaction (group
//! commit), and each is answered only after that transaction commits: a
//! batch that cannot commit answers none of its deliveries 200 and keeps
//! nothing, and one delivery that fails is refused alone. A delivery
//! larger than a piece is applied piece by piece: an agent's action gets
//! in between, and one sent again after a failed piece counts once.

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::payloads::{envelope, status, text};
use support::{Prepared, TestApp};

const PRIYA: &str = "919876543210";
const ROHAN: &str = "919822222222";
const ASHA: &str = "919833333333";

/// Sends `deliveries` at once while the test holds the write turn, so
/// that the server's writer takes them as one batch when the lock is
/// released. Returns the answers, in the same order.
async fn in_one_batch(app: &TestApp, deliveries: &[Value]) -> Vec<StatusCode> {
    let holding = app.hold_write_turn().await;
    let sent = futures_util::future::join_all(
        deliveries
            .iter()
            .map(|delivery| async { app.webhook(delivery).await.status() }),
    );
    let release = async {
        // Long enough for all of them to reach the server and queue, even
        // on a busy machine.
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        holding.rollback().await.unwrap();
    };
    let (answers, ()) = tokio::join!(sent, release);
    answers
}

/// Three customers' messages in one batch; Rohan's says `rohans_text`.
async fn three_in_one_batch(app: &TestApp, rohans_text: &str) -> [StatusCode; 3] {
    let at = app.now_s();
    let deliveries = [
        text(PRIYA, "wamid.priya", at, "hello"),
        text(ROHAN, "wamid.rohan", at, rohans_text),
        text(ASHA, "wamid.asha", at, "hi there"),
    ];
    let answers = in_one_batch(app, &deliveries).await;
    [answers[0], answers[1], answers[2]]
}

/// A database that cannot store a message saying "poison".
const POISON: Prepared = Prepared {
    sqlite: &["CREATE TRIGGER broken_message BEFORE INSERT ON messages
         WHEN new.text = 'poison'
         BEGIN SELECT RAISE(ABORT, 'database disk image is malformed'); END"],
    postgres: &[
        "CREATE FUNCTION broken_message() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
             IF new.text = 'poison' THEN
                 RAISE EXCEPTION 'database disk image is malformed';
             END IF;
             RETURN new;
         END $$",
        "CREATE TRIGGER broken_message BEFORE INSERT ON messages
         FOR EACH ROW EXECUTE FUNCTION broken_message()",
    ],
};

/// One delivery of a text from each of `customers`, the `poisoned`th
/// saying "poison".
fn many_in_one(customers: &[String], at: i64, poisoned: Option<usize>) -> Value {
    let contacts: Vec<Value> = customers
        .iter()
        .map(|wa_id| json!({"profile": {"name": format!("Customer {wa_id}")}, "wa_id": wa_id}))
        .collect();
    let messages: Vec<Value> = customers
        .iter()
        .enumerate()
        .map(|(n, wa_id)| {
            let body = if Some(n) == poisoned {
                "poison".to_owned()
            } else {
                format!("order {n}")
            };
            json!({"from": wa_id, "id": format!("wamid.many.{n}"), "timestamp": at.to_string(),
                   "type": "text", "text": {"body": body}})
        })
        .collect();
    envelope(json!({"contacts": contacts, "messages": messages}))
}

async fn messages_from(app: &TestApp, wa_id: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND direction = 'in'")
        .bind(wa_id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn logged_events(app: &TestApp) -> Vec<Value> {
    let payloads: Vec<String> = sqlx::query_scalar("SELECT payload FROM events ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap();
    payloads
        .iter()
        .map(|payload| serde_json::from_str(payload).unwrap())
        .collect()
}

#[tokio::test]
async fn a_batch_that_cannot_commit_answers_none_of_its_deliveries_and_keeps_nothing() {
    // While the switch is on, a message saying "poison" breaks a rule that
    // the database checks only at COMMIT: the whole batch's commit fails.
    let fault = Prepared {
        sqlite: &[
            "CREATE TABLE fault (armed INTEGER NOT NULL)",
            "INSERT INTO fault VALUES (1)",
            "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
            "CREATE TABLE orphan (parent_id INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
            "CREATE TRIGGER fail_at_commit AFTER INSERT ON messages
             WHEN new.text = 'poison' AND (SELECT armed FROM fault) = 1
             BEGIN INSERT INTO orphan VALUES (42); END",
        ],
        postgres: &[
            "CREATE TABLE fault (armed BIGINT NOT NULL)",
            "INSERT INTO fault VALUES (1)",
            "CREATE TABLE parent (id BIGINT PRIMARY KEY)",
            "CREATE TABLE orphan (parent_id BIGINT REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED)",
            "CREATE FUNCTION fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF new.text = 'poison' AND (SELECT armed FROM fault) = 1 THEN
                     INSERT INTO orphan VALUES (42);
                 END IF;
                 RETURN NULL;
             END $$",
            "CREATE TRIGGER fail_at_commit AFTER INSERT ON messages
             FOR EACH ROW EXECUTE FUNCTION fail_at_commit()",
        ],
    };
    let app = TestApp::start_prepared(&fault, |_| {}).await;
    let manager = app.manager().await;
    let events_before = logged_events(&app).await.len();

    let answers = three_in_one_batch(&app, "poison").await;
    assert!(
        answers
            .iter()
            .all(|status| *status == StatusCode::SERVICE_UNAVAILABLE),
        "no delivery of a batch that did not commit is answered 200: {answers:?}"
    );
    for wa_id in [PRIYA, ROHAN, ASHA] {
        assert_eq!(
            messages_from(&app, wa_id).await,
            0,
            "nothing of {wa_id} kept"
        );
        let response = app.get(&manager, &format!("/api/users/{wa_id}")).await;
        assert_eq!(response.status(), 404, "no profile for {wa_id}");
    }
    assert_eq!(logged_events(&app).await.len(), events_before, "no event");
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE direction = 'out'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(sent, 0, "no bot reply queued");

    // WhatsApp sends them again once the fault is gone: each stored once.
    sqlx::query("UPDATE fault SET armed = 0")
        .execute(&app.db)
        .await
        .unwrap();
    let answers = three_in_one_batch(&app, "poison").await;
    assert_eq!(answers, [StatusCode::OK; 3]);
    let answers = three_in_one_batch(&app, "poison").await;
    assert_eq!(
        answers,
        [StatusCode::OK; 3],
        "a retry is acknowledged again"
    );
    for wa_id in [PRIYA, ROHAN, ASHA] {
        assert_eq!(messages_from(&app, wa_id).await, 1, "{wa_id} stored once");
        // Their message and the bot's welcome, each counted once.
        assert_eq!(app.profile(&manager, wa_id).await["session_messages"], 2);
    }
    let counts: Value = app.get_json(&manager, "/api/sections").await;
    assert_eq!(counts["active"], 3, "{counts}");
}

#[tokio::test]
async fn a_delivery_that_fails_is_refused_alone_and_the_rest_of_its_batch_is_stored_together() {
    let app = TestApp::start_prepared(&POISON, |_| {}).await;
    let manager = app.manager().await;
    let events_before = logged_events(&app).await.len();

    let [priya, rohan, asha] = three_in_one_batch(&app, "poison").await;
    assert_eq!((priya, asha), (StatusCode::OK, StatusCode::OK));
    assert_eq!(rohan, StatusCode::INTERNAL_SERVER_ERROR);

    assert_eq!(messages_from(&app, PRIYA).await, 1);
    assert_eq!(messages_from(&app, ASHA).await, 1);
    assert_eq!(messages_from(&app, ROHAN).await, 0);
    let response = app.get(&manager, &format!("/api/users/{ROHAN}")).await;
    assert_eq!(
        response.status(),
        404,
        "Rohan's new profile went with his delivery"
    );

    // Both stored deliveries were committed as one batch: the first change
    // of the sections' counts follows both profiles.
    let events = logged_events(&app).await.split_off(events_before);
    let first_count = events
        .iter()
        .position(|event| event["type"] == "sections")
        .expect("a count of the sections");
    let mut profiles: Vec<&str> = events[..first_count]
        .iter()
        .filter(|event| event["type"] == "user")
        .filter_map(|event| event["profile"]["wa_id"].as_str())
        .collect();
    profiles.sort_unstable();
    assert_eq!(profiles, [ASHA, PRIYA], "{events:#?}");
}

/// The id of the bot's welcome to `wa_id`, and the wamid WhatsApp gave it.
async fn welcome(app: &TestApp, wa_id: &str) -> (i64, String) {
    sqlx::query_as(
        "SELECT id, wamid FROM messages WHERE wa_id = $1 AND author = 'bot' ORDER BY id LIMIT 1",
    )
    .bind(wa_id)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

async fn delivery_of(app: &TestApp, wamid: &str) -> String {
    sqlx::query_scalar("SELECT delivery FROM messages WHERE wamid = $1")
        .bind(wamid)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_status_callbacks_of_a_batch_are_applied_together_and_only_forward() {
    let app = TestApp::start().await;
    let at = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.priya.1", at, "hello"))
        .await;
    app.webhook_ok(&text(ROHAN, "wamid.rohan.1", at, "hello"))
        .await;
    app.settle_outbound().await;
    let (priya_welcome, to_priya) = welcome(&app, PRIYA).await;
    let (rohan_welcome, to_rohan) = welcome(&app, ROHAN).await;
    let events_before = logged_events(&app).await.len();

    // Whatever order they queue in: Priya's welcome was read (a late
    // "delivered" changes nothing), Rohan's delivered, a message of
    // another system's twice, and Asha writes in the same batch.
    let deliveries = [
        status(&to_priya, "read", at, PRIYA),
        status(&to_priya, "delivered", at, PRIYA),
        status(&to_rohan, "delivered", at, ROHAN),
        status("wamid.elsewhere", "delivered", at, ASHA),
        status("wamid.elsewhere", "delivered", at, ASHA),
        text(ASHA, "wamid.asha.1", at, "hi there"),
    ];
    let answers = in_one_batch(&app, &deliveries).await;
    assert!(
        answers.iter().all(|answer| *answer == StatusCode::OK),
        "{answers:?}"
    );

    assert_eq!(delivery_of(&app, &to_priya).await, "read");
    assert_eq!(delivery_of(&app, &to_rohan).await, "delivered");
    assert_eq!(messages_from(&app, ASHA).await, 1);
    let kept: Vec<(String, String)> =
        sqlx::query_as("SELECT wamid, status FROM early_statuses ORDER BY wamid")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        kept,
        [("wamid.elsewhere".to_owned(), "delivered".to_owned())],
        "a callback for a message not known yet is kept once"
    );
    // The dashboards hear of both changes, each message as it ended.
    let events = logged_events(&app).await.split_off(events_before);
    for (id, delivery) in [(priya_welcome, "read"), (rohan_welcome, "delivered")] {
        let last = events
            .iter()
            .rev()
            .find(|event| event["type"] == "message" && event["message"]["id"] == id)
            .unwrap_or_else(|| panic!("an event for message {id}: {events:#?}"));
        assert_eq!(last["message"]["delivery"], delivery, "{last}");
    }

    // Sent again by WhatsApp, the same callbacks change nothing (once the
    // bot's welcome to Asha has gone out).
    app.settle_outbound().await;
    let events_before = logged_events(&app).await.len();
    let answers = in_one_batch(&app, &deliveries[..5]).await;
    assert!(
        answers.iter().all(|answer| *answer == StatusCode::OK),
        "{answers:?}"
    );
    assert_eq!(delivery_of(&app, &to_priya).await, "read");
    assert_eq!(logged_events(&app).await.len(), events_before, "no event");
}

#[tokio::test]
async fn a_delivery_of_many_messages_that_fails_midway_keeps_what_was_stored_and_counts_once_when_sent_again(
) {
    let app = TestApp::start_prepared(&POISON, |_| {}).await;
    let manager = app.manager().await;
    let customers: Vec<String> = (0..300).map(|n| format!("9197{n:08}")).collect();
    let at = app.now_s();
    let answer = app.webhook(&many_in_one(&customers, at, Some(200))).await;
    assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE direction = 'in'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    let piece = handover_server::app::inbound::ingest::PIECE as i64;
    assert_eq!(
        stored,
        200 / piece * piece,
        "the pieces before the failing one are kept, the rest not"
    );

    // WhatsApp sends the same delivery again; this time it can be stored.
    let fixed = many_in_one(&customers, at, None);
    for _ in 0..2 {
        assert_eq!(app.webhook(&fixed).await.status(), StatusCode::OK);
    }
    // Stored the first time, in the failed piece, never tried before: the
    // same counters and the same replies.
    let first = app.profile(&manager, &customers[0]).await;
    let replies_to = |wa_id: String| {
        let db = app.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND author = 'bot'",
            )
            .bind(wa_id)
            .fetch_one(&db)
            .await
            .unwrap()
        }
    };
    let greeted = replies_to(customers[0].clone()).await;
    assert!(greeted > 0);
    for wa_id in [&customers[0], &customers[150], &customers[299]] {
        assert_eq!(
            messages_from(&app, wa_id).await,
            1,
            "{wa_id}'s message once"
        );
        let profile = app.profile(&manager, wa_id).await;
        assert_eq!(
            profile["session_messages"], first["session_messages"],
            "{profile}"
        );
        assert_eq!(
            replies_to(wa_id.clone()).await,
            greeted,
            "{wa_id} answered once"
        );
    }
    let (messages, replies): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM messages WHERE direction = 'in'),
                (SELECT COUNT(*) FROM messages WHERE author = 'bot')",
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(messages, 300, "every message once");
    assert_eq!(replies, 300 * greeted, "every customer answered once");
    let sections: Value = app.get_json(&manager, "/api/sections").await;
    assert_eq!(sections["active"], 300);
}

#[tokio::test]
async fn an_agents_note_is_saved_between_the_pieces_of_a_large_delivery_not_after_it() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.webhook_ok(&text(PRIYA, "wamid.priya", app.now_s(), "hello"))
        .await;
    let customers: Vec<String> = (0..2_000).map(|n| format!("9196{n:08}")).collect();
    let large = many_in_one(&customers, app.now_s(), None);
    let delivery = async {
        let answer = app.webhook(&large).await;
        (answer.status(), std::time::Instant::now())
    };
    let note = async {
        // Once the delivery's first pieces are being stored.
        loop {
            let stored: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE direction = 'in'")
                    .fetch_one(&app.db)
                    .await
                    .unwrap();
            if stored > 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let path = format!("/api/users/{PRIYA}/notes");
        let answer = app
            .post(&manager, &path, json!({"text": "Called her back"}))
            .await;
        (answer.status(), std::time::Instant::now())
    };
    let ((delivered, delivered_at), (noted, noted_at)) = tokio::join!(delivery, note);
    assert_eq!(delivered, StatusCode::OK);
    assert!(noted.is_success(), "{noted}");
    assert!(
        noted_at < delivered_at,
        "the note was saved while the delivery was still being stored"
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE direction = 'in'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(stored, 2_001);
}

const MEERA: &str = "919844444444";
const DEV: &str = "919855555555";
const NIKHIL: &str = "919866666666";

/// What a customer's profile and thread show, short of the times.
async fn what_shows(app: &TestApp, manager: &support::Session, wa_id: &str) -> Value {
    let profile = app.profile(manager, wa_id).await;
    let shown: Vec<Value> = [
        "name",
        "status",
        "session_messages",
        "template_messages",
        "unresolved_queries",
        "source",
        "first_message_tag",
        "window_open",
        "last_message_preview",
        "unread",
    ]
    .iter()
    .map(|key| json!([key, profile[key]]))
    .collect();
    let thread: Vec<Value> = app
        .thread(manager, wa_id)
        .await
        .iter()
        .map(|message| json!([message["author"], message["text"]]))
        .collect();
    json!({"profile": shown, "thread": thread})
}

/// Deliveries from customers who write once in a batch are stored and
/// counted ahead, together, and the bot's replies to them queued together:
/// the same as one by one (a batch with a delivery that fails is applied
/// again one by one, each delivery in a savepoint), beside a customer who
/// writes twice in it and a message sent again that was stored before.
#[tokio::test]
async fn a_batch_shows_the_same_as_its_deliveries_applied_one_by_one() {
    let deliveries = |at: i64| {
        vec![
            text(PRIYA, "wamid.b.priya", at, "order 12"),
            text(ROHAN, "wamid.b.rohan", at, "where is my parcel"),
            // Meera writes twice, in one delivery: in this order.
            envelope(json!({"messages": [
                {"from": MEERA, "id": "wamid.b.meera.1", "timestamp": at.to_string(),
                 "type": "text", "text": {"body": "hello"}},
                {"from": MEERA, "id": "wamid.b.meera.2", "timestamp": at.to_string(),
                 "type": "text", "text": {"body": "are you there"}},
            ]})),
            text(ASHA, "wamid.b.asha", at, "agent please"),
            // Dev's message of a minute ago, sent again.
            text(DEV, "wamid.b.dev", at - 60, "my first"),
        ]
    };
    let mut shown = Vec::new();
    for one_by_one in [false, true] {
        let app = TestApp::start_prepared(&POISON, |_| {}).await;
        let manager = app.manager().await;
        let rule = json!({"kind": "prefix", "pattern": "order", "tag": "Orders", "priority": 1});
        let created = app.post(&manager, "/api/tag-rules", rule).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let at = app.now_s() - 60;
        app.webhook_ok(&text(ROHAN, "wamid.a.rohan", at - 60, "hi"))
            .await;
        app.webhook_ok(&text(DEV, "wamid.b.dev", at - 60, "my first"))
            .await;
        let mut batch = deliveries(at);
        if one_by_one {
            batch.push(text(NIKHIL, "wamid.b.nikhil", at, "poison"));
        }
        let answers = in_one_batch(&app, &batch).await;
        assert!(
            answers[..5].iter().all(|answer| *answer == StatusCode::OK),
            "{answers:?}"
        );
        let mut customers = Vec::new();
        for wa_id in [PRIYA, ROHAN, MEERA, ASHA, DEV] {
            customers.push(what_shows(&app, &manager, wa_id).await);
        }
        assert_eq!(
            messages_from(&app, DEV).await,
            1,
            "Dev's message sent again counts once"
        );
        assert_eq!(messages_from(&app, MEERA).await, 2);
        shown.push(customers);
    }
    assert_eq!(shown[0], shown[1], "together (left) and one by one (right)");
    // The batch was applied as the bot and the rules say.
    let [priya, _, meera, asha, _] = &shown[0][..] else {
        unreachable!()
    };
    assert_eq!(priya["profile"][6], json!(["first_message_tag", "Orders"]));
    assert_eq!(asha["profile"][1], json!(["status", "requesting"]));
    let meeras = meera["thread"].as_array().unwrap();
    assert_eq!(meeras[0], json!(["user", "hello"]), "{meeras:?}");
    assert!(meeras.iter().any(|line| line[0] == "bot"), "{meeras:?}");
}
