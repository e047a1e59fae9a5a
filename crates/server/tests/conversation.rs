//! The conversation as WhatsApp users see it, over the real HTTP API and
//! the Cloud API's wire format: quoted replies both ways (a customer's
//! `context.id`, an agent's `reply_to` sent as `context.message_id`), and
//! the team's setup reaching every open dashboard as it changes.

mod support;

use serde_json::{json, Value};
use support::cloud_api::FakeCloudApi;
use support::events::{read_events_until, subscribe};
use support::payloads::{inbound, text};
use support::{error_code, TestApp};

const PRIYA: &str = "919876543210";

fn quoting(wamid: &str, at: i64, quoted: &str, body: &str) -> Value {
    inbound(
        PRIYA,
        "Priya",
        wamid,
        at,
        json!({"type": "text", "text": {"body": body},
               "context": {"from": "15550783881", "id": quoted}}),
    )
}

fn by_text<'a>(thread: &'a [Value], text: &str) -> &'a Value {
    thread
        .iter()
        .find(|m| m["text"] == text)
        .unwrap_or_else(|| panic!("no message {text:?}"))
}

#[tokio::test]
async fn quoted_replies_show_what_they_answer_both_ways() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| support::use_cloud_api(config, url)).await;
    let manager = app.manager().await;
    let t = app.now_s();
    app.webhook_ok(&text(
        PRIYA,
        "wamid.1",
        t - 60,
        "Is the cake ready?\nIt is for tonight",
    ))
    .await;
    app.webhook_ok(&quoting("wamid.2", t - 50, "wamid.1", "And the roses?"))
        .await;
    app.webhook_ok(&quoting("wamid.3", t - 40, "wamid.gone", "This one?"))
        .await;

    let thread = app.thread(&manager, PRIYA).await;
    let cake = by_text(&thread, "Is the cake ready?\nIt is for tonight");
    assert!(
        cake.get("reply_to").is_none(),
        "a message that quotes nothing"
    );
    let roses = by_text(&thread, "And the roses?");
    assert_eq!(roses["reply_to"]["id"], cake["id"]);
    assert_eq!(roses["reply_to"]["author"], "user");
    assert_eq!(
        roses["reply_to"]["text"], "Is the cake ready?",
        "its first line"
    );
    let unknown = by_text(&thread, "This one?");
    assert_eq!(
        unknown["reply_to"],
        json!({"id": null, "author": null, "text": null}),
        "the quoted message is not stored here"
    );

    // An agent answers the first message, quoting it.
    app.webhook_ok(&text(PRIYA, "wamid.4", t - 30, "agent please"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    let sent = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/messages"),
            json!({"text": "Yes, ready at five", "reply_to": cake["id"]}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["reply_to"]["id"], cake["id"]);
    app.settle_outbound().await;
    let request = fake
        .requests()
        .into_iter()
        .find(|r| r.body["text"]["body"] == "Yes, ready at five")
        .expect("the reply was sent");
    assert_eq!(request.body["context"], json!({"message_id": "wamid.1"}));

    // What cannot be quoted is refused, saying why; nothing is sent.
    let note = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/notes"),
            json!({"text": "she is a regular"}),
        )
        .await;
    let note: Value = note.json().await.unwrap();
    for (reply_to, says) in [
        (note["id"].clone(), "not on WhatsApp"),
        (json!(999_999), "no message 999999"),
    ] {
        let refused = app
            .post(
                &manager,
                &format!("/api/users/{PRIYA}/messages"),
                json!({"text": "Quoting", "reply_to": reply_to}),
            )
            .await;
        let (status, code, message) = error_code(refused).await;
        assert_eq!((status.as_u16(), code.as_str()), (422, "invalid_reply_to"));
        assert!(message.contains(says), "{message}");
    }
    let thread = app.thread(&manager, PRIYA).await;
    assert!(thread.iter().all(|m| m["text"] != "Quoting"));
}

#[tokio::test]
async fn a_managers_change_to_the_setup_reaches_every_open_dashboard() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    let ravis_dashboard = subscribe(&app, &ravi, None).await;

    let created = app
        .post(
            &manager,
            "/api/canned-replies",
            json!({"shortcut": "/hours", "text": "We are open 9 to 6."}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let saved = app
        .put(
            &manager,
            "/api/closing-reasons",
            json!({"reasons": ["Refunded"], "required": false}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let labelled = app
        .put(
            &manager,
            &format!("/api/users/{PRIYA}/labels"),
            json!(["vip"]),
        )
        .await;
    assert_eq!(labelled.status(), 200);
    app.approved_template(
        &manager,
        json!({"name": "order_ready", "language": "en", "category": "utility", "body": "Your order is ready."}),
    )
    .await;

    // Ravi's dashboard is told of each (else this waits in vain and fails).
    let wanted = ["canned_replies", "closing_reasons", "labels", "templates"];
    read_events_until(ravis_dashboard, |events| {
        wanted.iter().all(|part| {
            events
                .iter()
                .any(|(_, name, data)| name == "setup" && data["part"] == *part)
        })
    })
    .await;
}

#[tokio::test]
async fn a_template_shows_as_the_customer_read_it() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    app.approved_template(
        &manager,
        json!({"name": "refund_processed", "language": "en", "category": "utility",
               "header": "Refund update",
               "body": "Hi {{1}}, your refund of {{2}} for order {{3}} is on its way.",
               "footer": "Bloom & Petal",
               "buttons": [{"type": "quick_reply", "text": "Thanks"}, {"type": "quick_reply", "text": "Call me"}]}),
    )
    .await;
    let sent = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/messages"),
            json!({"template": {"name": "refund_processed", "language": "en", "params": ["Fatima", "599", "#4480"]}}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let thread = app.thread(&manager, PRIYA).await;
    let template = thread
        .iter()
        .find(|m| m["kind"] == "template")
        .expect("the template in the thread");
    assert_eq!(
        template["template_text"],
        json!({"header": "Refund update",
               "body": "Hi Fatima, your refund of 599 for order #4480 is on its way.",
               "footer": "Bloom & Petal",
               "buttons": ["Thanks", "Call me"]})
    );
}

/// The WhatsApp id our message `words` was sent as.
async fn wamid_of(app: &TestApp, words: &str) -> String {
    let (wamid,): (String,) = sqlx::query_as("SELECT wamid FROM messages WHERE text = $1")
        .bind(words)
        .fetch_one(&app.db)
        .await
        .unwrap();
    wamid
}

async fn resend(app: &TestApp, session: &support::Session, id: &Value) -> reqwest::Response {
    app.post(
        session,
        &format!("/api/users/{PRIYA}/messages/{id}/resend"),
        json!({}),
    )
    .await
}

async fn react(
    app: &TestApp,
    session: &support::Session,
    id: &Value,
    emoji: &str,
) -> reqwest::Response {
    app.put(
        session,
        &format!("/api/users/{PRIYA}/messages/{id}/reaction"),
        json!({"emoji": emoji}),
    )
    .await
}

/// WhatsApp's callback that message `wamid` failed with `code`.
fn failed_with(wamid: &str, at: i64, code: u32, title: &str) -> Value {
    support::payloads::envelope(json!({"statuses": [{
        "id": wamid, "status": "failed", "timestamp": at.to_string(), "recipient_id": PRIYA,
        "errors": [{"code": code, "title": title, "error_data": {"details": title}}]
    }]}))
}

#[tokio::test]
async fn a_failure_a_retry_can_mend_is_sent_again_and_one_it_cannot_says_what_to_do() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| support::use_cloud_api(config, url)).await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    let t = app.now_s();
    app.webhook_ok(&text(PRIYA, "wamid.1", t - 60, "agent please"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    for words in ["Your order ships today", "It left the shop"] {
        let sent = app
            .post(
                &manager,
                &format!("/api/users/{PRIYA}/messages"),
                json!({"text": words}),
            )
            .await;
        assert_eq!(sent.status(), 201);
    }
    app.settle_outbound().await;
    let limited = wamid_of(&app, "Your order ships today").await;
    let closed = wamid_of(&app, "It left the shop").await;
    app.webhook_ok(&failed_with(&limited, t, 130429, "Rate limit hit"))
        .await;
    app.webhook_ok(&failed_with(&closed, t, 131047, "Re-engagement message"))
        .await;
    let thread = app.thread(&manager, PRIYA).await;
    let first = by_text(&thread, "Your order ships today").clone();
    let second = by_text(&thread, "It left the shop").clone();
    assert_eq!(
        (first["delivery"].as_str(), second["delivery"].as_str()),
        (Some("failed"), Some("failed"))
    );

    // Only the holder sends a session message again; then it goes out as a
    // new message, which the failed one names, and counts nothing twice.
    let before = app.profile(&manager, PRIYA).await["session_messages"].clone();
    assert_eq!(resend(&app, &ravi, &first["id"]).await.status(), 409);
    let again = resend(&app, &manager, &first["id"]).await;
    assert_eq!(again.status(), 201);
    let again: Value = again.json().await.unwrap();
    assert_ne!(again["id"], first["id"]);
    assert_eq!(again["text"], "Your order ships today");
    app.settle_outbound().await;
    let thread = app.thread(&manager, PRIYA).await;
    let old = thread.iter().find(|m| m["id"] == first["id"]).unwrap();
    assert_eq!(old["resent_as"], again["id"]);
    let new = thread.iter().find(|m| m["id"] == again["id"]).unwrap();
    assert_eq!(new["delivery"], "sent");
    let sends = fake
        .requests()
        .iter()
        .filter(|r| r.body["text"]["body"] == "Your order ships today")
        .count();
    assert_eq!(sends, 2, "sent once more");
    assert_eq!(
        app.profile(&manager, PRIYA).await["session_messages"],
        before
    );
    let (status, code, _) = error_code(resend(&app, &manager, &first["id"]).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "already_resent"));

    // Outside the window only a template reaches the customer: no retry.
    let (status, code, message) = error_code(resend(&app, &manager, &second["id"]).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "not_retryable"));
    assert!(message.contains("send a template"), "{message}");
}

/// What the sandbox told WhatsApp that is no message (`status` bodies),
/// waiting a moment for those sent in the background.
async fn told(app: &TestApp, manager: &support::Session, at_least: usize) -> Vec<Value> {
    for _ in 0..100 {
        let outbox = app.get_json(manager, "/api/sandbox/outbox").await;
        let statuses: Vec<Value> = outbox
            .as_array()
            .unwrap()
            .iter()
            .filter(|sent| sent["payload"]["status"] == "read")
            .map(|sent| sent["payload"].clone())
            .collect();
        if statuses.len() >= at_least {
            return statuses;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("WhatsApp was told fewer than {at_least} things");
}

#[tokio::test]
async fn a_chat_is_read_by_whoever_handles_it_and_the_customer_sees_blue_ticks() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    let t = app.now_s();
    for (n, words) in ["Hello", "Is the cake ready?", "agent please"]
        .iter()
        .enumerate()
    {
        app.webhook_ok(&text(
            PRIYA,
            &format!("wamid.{n}"),
            t - 60 + n as i64,
            words,
        ))
        .await;
    }
    let unread = |profile: Value| profile["unread"].as_u64().unwrap();
    assert_eq!(unread(app.profile(&manager, PRIYA).await), 3);
    let listed = app.get_json(&manager, "/api/users?status=requesting").await;
    assert_eq!(listed["items"][0]["unread"], 3);

    // Nobody holds the chat: anyone who opens it reads it for the team.
    let read = app
        .post(&ravi, &format!("/api/users/{PRIYA}/read"), json!({}))
        .await;
    assert_eq!(read.status(), 200);
    assert_eq!(unread(read.json().await.unwrap()), 0);
    let receipts = told(&app, &manager, 1).await;
    assert_eq!(
        receipts[0],
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.2"})
    );

    // Held by the manager: only they read it.
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    app.webhook_ok(&text(PRIYA, "wamid.3", t - 10, "Hello?"))
        .await;
    app.webhook_ok(&text(PRIYA, "wamid.4", t - 9, "Anyone?"))
        .await;
    let by_ravi = app
        .post(&ravi, &format!("/api/users/{PRIYA}/read"), json!({}))
        .await;
    assert_eq!(
        unread(by_ravi.json().await.unwrap()),
        2,
        "Ravi does not hold it"
    );
    let by_holder = app
        .post(&manager, &format!("/api/users/{PRIYA}/read"), json!({}))
        .await;
    assert_eq!(unread(by_holder.json().await.unwrap()), 0);
    assert_eq!(told(&app, &manager, 2).await[0]["message_id"], "wamid.4");

    // While the holder types: the typing indicator, once per 25 s.
    for _ in 0..3 {
        let typing = app
            .post(&manager, &format!("/api/users/{PRIYA}/typing"), json!({}))
            .await;
        assert_eq!(typing.status(), 204);
    }
    let receipts = told(&app, &manager, 3).await;
    let typing: Vec<&Value> = receipts
        .iter()
        .filter(|r| r.get("typing_indicator").is_some())
        .collect();
    assert_eq!(typing.len(), 1);
    assert_eq!(typing[0]["typing_indicator"], json!({"type": "text"}));

    // Read receipts off: the count still clears, WhatsApp is not told.
    assert_eq!(
        app.put(&ravi, "/api/read-receipts", json!({"enabled": false}))
            .await
            .status(),
        403
    );
    let off = app
        .put(&manager, "/api/read-receipts", json!({"enabled": false}))
        .await;
    assert_eq!(off.status(), 200);
    assert_eq!(
        app.get_json(&ravi, "/api/read-receipts").await,
        json!({"enabled": false})
    );
    app.webhook_ok(&text(PRIYA, "wamid.5", t - 5, "Thanks"))
        .await;
    let read = app
        .post(&manager, &format!("/api/users/{PRIYA}/read"), json!({}))
        .await;
    assert_eq!(unread(read.json().await.unwrap()), 0);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(told(&app, &manager, 3).await.len(), 3, "nothing more told");
}

#[tokio::test]
async fn a_mention_waits_for_whoever_was_away_and_a_chat_passed_on_tells_its_new_holder() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent please"))
        .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);

    // Ravi has no dashboard open: the mention waits for him.
    let note = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/notes"),
            json!({"text": "@ravi can you take this one?"}),
        )
        .await;
    assert_eq!(note.status(), 201);
    let mine = app.get_json(&ravi, "/api/me/mentions").await;
    assert_eq!(mine["unread"], 1);
    let first = &mine["items"][0];
    assert_eq!(first["text"], "@ravi can you take this one?");
    assert_eq!(first["by"]["name"], manager.agent.name);
    assert_eq!(first["customer"], "Priya Sharma");
    assert_eq!(first["wa_id"], PRIYA);
    assert_eq!(first["read"], false);
    assert_eq!(
        app.get_json(&manager, "/api/me/mentions").await["unread"],
        0,
        "only the one mentioned"
    );
    let read = app.post(&ravi, "/api/me/mentions/read", json!({})).await;
    let read: Value = read.json().await.unwrap();
    assert_eq!(
        (read["unread"].as_u64(), read["items"][0]["read"].as_bool()),
        (Some(0), Some(true))
    );

    // The chat passed to him: his dashboard is told who passed it on.
    let ravis_dashboard = subscribe(&app, &ravi, None).await;
    let passed = app
        .post(
            &manager,
            &format!("/api/users/{PRIYA}/transfer"),
            json!({"agent_id": ravi.agent.id}),
        )
        .await;
    assert_eq!(passed.status(), 200);
    let events = read_events_until(ravis_dashboard, |events| {
        events.iter().any(|(_, name, _)| name == "handover")
    })
    .await;
    let handover = events
        .iter()
        .find(|(_, name, _)| name == "handover")
        .map(|(_, _, data)| data["handover"].clone())
        .unwrap();
    assert_eq!(handover["agent"], ravi.agent.id.0);
    assert_eq!(handover["by"]["name"], manager.agent.name);
    assert_eq!(handover["customer"], "Priya Sharma");
}

#[tokio::test]
async fn the_holder_reacts_to_a_customers_message_and_whatsapp_gets_a_reaction() {
    let (fake, url) = FakeCloudApi::start(vec![]).await;
    let app = TestApp::start_with(|config| support::use_cloud_api(config, url)).await;
    let manager = app.manager().await;
    let ravi = app.agent("Ravi").await;
    app.webhook_ok(&text(
        PRIYA,
        "wamid.1",
        app.now_s() - 5,
        "agent please, my cake is late",
    ))
    .await;
    assert_eq!(app.act(&manager, PRIYA, "intervene").await.status(), 200);
    app.settle_outbound().await;
    let thread = app.thread(&manager, PRIYA).await;
    let cake = by_text(&thread, "agent please, my cake is late")["id"].clone();
    let bot = thread.iter().find(|m| m["author"] == "bot").unwrap()["id"].clone();

    let reacted = react(&app, &manager, &cake, "👍").await;
    assert_eq!(reacted.status(), 200);
    let reacted: Value = reacted.json().await.unwrap();
    assert_eq!(reacted["reactions"][0]["emoji"], "👍");
    assert_eq!(reacted["reactions"][0]["author"], "agent");
    assert_eq!(reacted["reactions"][0]["agent"]["name"], manager.agent.name);
    assert_eq!(react(&app, &manager, &cake, "❤️").await.status(), 200);
    let on_screen = app.thread(&manager, PRIYA).await;
    let reactions = &by_text(&on_screen, "agent please, my cake is late")["reactions"];
    assert_eq!(reactions.as_array().unwrap().len(), 1, "one per person");
    assert_eq!(reactions[0]["emoji"], "❤️");
    assert_eq!(react(&app, &manager, &cake, "").await.status(), 200);
    let on_screen = app.thread(&manager, PRIYA).await;
    assert_eq!(
        by_text(&on_screen, "agent please, my cake is late")["reactions"],
        json!([])
    );
    assert!(
        on_screen.iter().all(|m| m["content_type"] != "reaction"),
        "no message of its own"
    );

    // WhatsApp got each as its `type: reaction`, naming the customer's message.
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent = fake
            .requests()
            .into_iter()
            .filter(|r| r.body["type"] == "reaction")
            .map(|r| r.body["reaction"].clone())
            .collect::<Vec<Value>>();
        if sent.len() == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let emojis: Vec<&str> = sent.iter().map(|r| r["emoji"].as_str().unwrap()).collect();
    assert_eq!(emojis.len(), 3);
    for emoji in ["👍", "❤️", ""] {
        assert!(emojis.contains(&emoji), "{emojis:?}");
    }
    assert!(sent.iter().all(|r| r["message_id"] == "wamid.1"));

    // Only the holder; only the customer's messages; one emoji.
    assert_eq!(react(&app, &ravi, &cake, "👍").await.status(), 409);
    assert_eq!(react(&app, &manager, &bot, "👍").await.status(), 422);
    assert_eq!(
        react(&app, &manager, &json!(999_999), "👍").await.status(),
        404
    );
    assert_eq!(
        react(&app, &manager, &cake, "not an emoji").await.status(),
        422
    );
}
