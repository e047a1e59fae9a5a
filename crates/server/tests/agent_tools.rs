//! An agent's daily tools over the real HTTP API: private notes that never
//! leave and never count, mentions that reach the colleague, the team's
//! canned replies with variables, labels on chats and closing reasons.

mod support;

use serde_json::{json, Value};
use support::cloud_api::FakeCloudApi;
use support::events::{read_events_until, subscribe};
use support::payloads::text;
use support::{error_code, refused_fields, TestApp};

const PRIYA: &str = "919876543210";

#[tokio::test]
async fn a_note_never_leaves_never_counts_and_tells_the_colleague_it_mentions() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| support::use_cloud_api(config, url)).await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    let before = app.profile(&manager, PRIYA).await;
    let ravis_stream = subscribe(&app, &ravi, None).await;

    let created = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/notes"),
            json!({"text": "@ravi she was promised a refund on the phone"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let note: Value = created.json().await.unwrap();
    assert_eq!(note["kind"], "note");
    assert_eq!(note["author"], "agent");
    assert_eq!(note["agent"]["name"], "Meera");

    // Ravi is told, with the chat and the words.
    let events = read_events_until(ravis_stream, |events| {
        events.iter().any(|(_, name, _)| name == "mention")
    })
    .await;
    let mention = events
        .iter()
        .find(|(_, name, _)| name == "mention")
        .map(|(_, _, data)| data["mention"].clone())
        .expect("a mention event");
    assert_eq!(mention["agent"], ravi.agent.id.0);
    assert_eq!(mention["wa_id"], PRIYA);
    assert_eq!(mention["by"]["name"], "Meera");

    // Kept through a resolve and a new intervention; never sent, never counted.
    assert_eq!(app.act(&manager, PRIYA, "resolve").await.status(), 200);
    app.settle_outbound().await;
    assert!(
        fake.requests()
            .iter()
            .all(|r| !r.body.to_string().contains("promised a refund")),
        "the note went to WhatsApp"
    );
    let after = app.profile(&manager, PRIYA).await;
    assert_eq!(after["session_messages"], before["session_messages"]);
    let thread = app.thread(&manager, PRIYA).await;
    let kept = thread.iter().filter(|m| m["kind"] == "note").count();
    assert_eq!(kept, 1);
    // The chat list's preview is the customer's words, not the note.
    let listed = app.get_json(&manager, "/api/users?status=closed").await;
    let preview = listed["items"][0]["last_message_preview"].to_string();
    assert!(!preview.contains("promised a refund"), "{preview}");

    let empty = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/notes"),
            json!({"text": "   "}),
        )
        .await;
    assert_eq!(error_code(empty).await.1, "invalid_text");
    let nobody = app
        .post(
            &manager,
            "/api/users/911111111111/notes",
            json!({"text": "hi"}),
        )
        .await;
    assert_eq!(nobody.status(), 404);
}

#[tokio::test]
async fn canned_replies_are_the_managers_with_only_known_variables() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;

    let created = app
        .post(
            &manager,
            "/api/canned-replies",
            json!({"shortcut": "/refund", "text": "Hi {{name}}, I'm {{agent}}. Your refund for {{wa_id}} is on its way."}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let reply: Value = created.json().await.unwrap();
    assert_eq!(reply["shortcut"], "refund", "the leading / is dropped");

    // Agents read the list, only managers change it.
    let listed = app.get_json(&ravi, "/api/canned-replies").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let by_agent = app
        .post(
            &ravi,
            "/api/canned-replies",
            json!({"shortcut": "hi", "text": "Hello"}),
        )
        .await;
    assert_eq!(by_agent.status(), 403);

    let unknown = app
        .post(
            &manager,
            "/api/canned-replies",
            json!({"shortcut": "late sorry", "text": "Sorry {{customer}}"}),
        )
        .await;
    assert_eq!(
        refused_fields(unknown).await,
        ["shortcut".to_owned(), "text".to_owned()]
    );
    let twice = app
        .post(
            &manager,
            "/api/canned-replies",
            json!({"shortcut": "refund", "text": "Again"}),
        )
        .await;
    assert_eq!(twice.status(), 409);

    let id = reply["id"].as_i64().unwrap();
    let edited = app
        .put(
            &manager,
            &format!("/api/canned-replies/{id}"),
            json!({"shortcut": "refund", "text": "Hello {{name}}, refunded."}),
        )
        .await;
    assert_eq!(edited.status(), 200);
    let listed = app.get_json(&ravi, "/api/canned-replies").await;
    assert_eq!(listed[0]["text"], "Hello {{name}}, refunded.");
    assert_eq!(
        app.delete(&manager, &format!("/api/canned-replies/{id}"))
            .await
            .status(),
        204
    );
    assert_eq!(
        app.delete(&manager, &format!("/api/canned-replies/{id}"))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn labels_show_on_the_profile_filter_the_table_and_keep_who_and_when() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    app.webhook_ok(&text("919812345678", "wamid.2", app.now_s(), "hi"))
        .await;

    let set = app
        .put(
            &ravi,
            &format!("/api/users/{PRIYA}/labels"),
            json!(["Refund", "  VIP ", "refund"]),
        )
        .await;
    assert_eq!(set.status(), 200);
    let profile: Value = set.json().await.unwrap();
    assert_eq!(
        profile["labels"],
        json!(["Refund", "VIP"]),
        "as written, once whatever the case"
    );
    assert_eq!(
        app.profile(&manager, PRIYA).await["labels"],
        json!(["Refund", "VIP"])
    );

    let table = app
        .get_json(&manager, "/api/users/table?label=refund")
        .await;
    let phones: Vec<&str> = table["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["wa_id"].as_str().unwrap())
        .collect();
    assert_eq!(phones, [PRIYA]);
    let listed = app.get_json(&manager, "/api/users?status=active").await;
    let priya = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["wa_id"] == PRIYA)
        .unwrap();
    assert_eq!(priya["labels"], json!(["Refund", "VIP"]));
    assert_eq!(
        app.get_json(&manager, "/api/labels").await,
        json!(["Refund", "VIP"])
    );
    // Another chat's "vip" is the team's "VIP": one label to filter by.
    let other = app
        .put(&manager, "/api/users/919812345678/labels", json!(["vip"]))
        .await;
    let other: Value = other.json().await.unwrap();
    assert_eq!(other["labels"], json!(["VIP"]));
    let vip = app.get_json(&manager, "/api/users/table?label=vip").await;
    assert_eq!(vip["items"].as_array().unwrap().len(), 2);

    // Taking one off is recorded too, with who and when.
    app.put(
        &manager,
        &format!("/api/users/{PRIYA}/labels"),
        json!(["vip"]),
    )
    .await;
    let changes: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT label, added, agent_id, at FROM label_changes WHERE wa_id = $1 ORDER BY id",
    )
    .bind(PRIYA)
    .fetch_all(&app.db)
    .await
    .unwrap();
    let (ravi_id, meera_id) = (ravi.agent.id.0, manager.agent.id.0);
    assert_eq!(
        changes,
        [
            ("Refund".to_owned(), 1, ravi_id, support::START_MS),
            ("VIP".to_owned(), 1, ravi_id, support::START_MS),
            ("Refund".to_owned(), 0, meera_id, support::START_MS),
        ]
    );
    let table = app
        .get_json(&manager, "/api/users/table?label=refund")
        .await;
    assert!(table["items"].as_array().unwrap().is_empty());

    let bad = app
        .put(
            &manager,
            &format!("/api/users/{PRIYA}/labels"),
            json!(["<script>"]),
        )
        .await;
    assert_eq!(error_code(bad).await.1, "invalid_labels");
}

#[tokio::test]
async fn resolve_takes_a_reason_from_the_managers_list_and_may_require_one() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;

    // Optional by default, and an empty list takes none.
    assert_eq!(
        app.get_json(&ravi, "/api/closing-reasons").await,
        json!({"reasons": [], "required": false})
    );
    let by_agent = app
        .put(
            &ravi,
            "/api/closing-reasons",
            json!({"reasons": ["Refunded"], "required": true}),
        )
        .await;
    assert_eq!(by_agent.status(), 403);
    let saved = app
        .put(
            &manager,
            "/api/closing-reasons",
            json!({"reasons": [" Refunded ", "Order delivered", "Refunded"], "required": true}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(
        saved.json::<Value>().await.unwrap(),
        json!({"reasons": ["Refunded", "Order delivered"], "required": true})
    );

    assert_eq!(app.act(&ravi, PRIYA, "intervene").await.status(), 200);
    let without = app.act(&ravi, PRIYA, "resolve").await;
    let (status, code, _) = error_code(without).await;
    assert_eq!((status.as_u16(), code.as_str()), (422, "closing_reason"));
    let unknown = app
        .post(
            &ravi,
            &format!("/api/users/{PRIYA}/resolve"),
            json!({"reason": "Customer was rude"}),
        )
        .await;
    assert_eq!(error_code(unknown).await.1, "closing_reason");
    assert_eq!(app.profile(&ravi, PRIYA).await["status"], "intervened");

    let resolved = app
        .post(
            &ravi,
            &format!("/api/users/{PRIYA}/resolve"),
            json!({"reason": "Refunded"}),
        )
        .await;
    assert_eq!(resolved.status(), 200);
    let reasons: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT closing_reason, agent_id FROM transitions WHERE wa_id = $1 AND closing_reason IS NOT NULL",
    )
    .bind(PRIYA)
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(reasons, [("Refunded".to_owned(), Some(ravi.agent.id.0))]);
    let thread = app.thread(&ravi, PRIYA).await;
    assert!(
        thread
            .iter()
            .any(|m| m["text"] == "Resolved by Ravi · Refunded"),
        "the thread says why it was closed"
    );
}
