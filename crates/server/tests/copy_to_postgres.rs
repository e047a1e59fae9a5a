//! Moving from SQLite to Postgres: `handover-server migrate` copies a
//! database in use into a new Postgres one, and a server started on the
//! copy shows the same inbox and goes on from where the old one stopped.

mod support;

use std::process::Command;

use serde_json::{json, Value};
use support::database::TestDatabase;
use support::payloads::text;
use support::{Session, TestApp};

const PRIYA: &str = "919876543210";

/// What a manager sees of the whole inbox.
async fn inbox(app: &TestApp, manager: &Session) -> Vec<Value> {
    let mut seen = vec![app.get_json(manager, "/api/sections").await];
    for path in [
        "/api/users?status=active",
        "/api/users?status=requesting",
        "/api/users?status=intervened",
        "/api/users?status=closed",
        "/api/users?status=history",
        "/api/users/table",
        "/api/agents",
        "/api/tag-rules",
        "/api/canned-replies",
        "/api/bot",
        "/api/bot/versions",
    ] {
        seen.push(app.get_json(manager, path).await);
    }
    let chats = app.get_json(manager, "/api/users/table").await;
    for chat in chats["items"].as_array().unwrap() {
        let wa_id = chat["wa_id"].as_str().unwrap();
        seen.push(
            app.get_json(manager, &format!("/api/users/{wa_id}/messages?limit=200"))
                .await,
        );
    }
    seen
}

fn migrate(from: &str, to: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_handover-server"))
        .args(["migrate", "--from", from, "--to", to])
        .output()
        .expect("handover-server runs")
}

#[tokio::test]
async fn a_sqlite_inbox_copied_to_postgres_is_the_same_inbox_and_goes_on() {
    // An inbox in use: the demo's customers, bot and agent, and a manager's
    // tag rule, canned reply and intervention.
    let mut old = TestApp::start_on_sqlite(|config| config.demo = true).await;
    let manager = old.manager().await;
    let rule = old
        .post(
            &manager,
            "/api/tag-rules",
            json!({"kind": "prefix", "pattern": "order", "tag": "Orders", "priority": 1}),
        )
        .await;
    assert_eq!(rule.status(), 201);
    let canned = old
        .post(
            &manager,
            "/api/canned-replies",
            json!({"shortcut": "/thanks", "text": "Thank you, {{name}}!"}),
        )
        .await;
    assert_eq!(canned.status(), 201);
    old.webhook_ok(&text(
        PRIYA,
        "wamid.copy.1",
        old.now_s(),
        "order 1234 is late",
    ))
    .await;
    old.settle_outbound().await;
    let before = inbox(&old, &manager).await;
    old.stop().await;

    let target = TestDatabase::create_postgres().await;
    let copied = migrate(&old.database_url, &target.url);
    let said = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    assert!(said.contains("messages"), "{said}");
    assert!(said.contains("the same on both"), "{said}");

    // The same inbox, to the byte, from a server on Postgres; the session
    // signed in before the move still works.
    let new = TestApp::start_on_database(target).await;
    let after = inbox(&new, &manager).await;
    assert_eq!(after.len(), before.len());
    for (after, before) in after.iter().zip(&before) {
        assert_eq!(after, before);
    }

    // It goes on: a new message is stored after the copied ones, the bot
    // answers it, and both are counted.
    let profile = new.profile(&manager, PRIYA).await;
    let copied_ids: Vec<i64> = new
        .thread(&manager, PRIYA)
        .await
        .iter()
        .map(|message| message["id"].as_i64().unwrap())
        .collect();
    new.webhook_ok(&text(PRIYA, "wamid.copy.2", new.now_s(), "any news?"))
        .await;
    let thread = new.thread(&manager, PRIYA).await;
    let asked = thread
        .iter()
        .find(|message| message["text"] == "any news?")
        .expect("the new message is in the thread");
    assert!(asked["id"].as_i64().unwrap() > *copied_ids.iter().max().unwrap());
    assert_eq!(
        thread.len(),
        copied_ids.len() + 2,
        "their message and the bot's answer"
    );
    assert_eq!(
        new.profile(&manager, PRIYA).await["session_messages"],
        profile["session_messages"].as_i64().unwrap() + 2
    );

    // A second copy into the same database is refused: it is not empty.
    let again = migrate(&old.database_url, &new.database_url);
    assert!(!again.status.success());
    let said = String::from_utf8_lossy(&again.stderr);
    assert!(said.contains("not empty"), "{said}");
}
