//! The chat lifecycle through the API: a whole conversation with every
//! counter checked, the intervene race, the window rules and permissions.

mod support;

use serde_json::json;
use support::payloads::text;
use support::{error_code, Session, TestApp};

const PRIYA: &str = "919876543210";

async fn order_template(app: &TestApp) {
    let manager = app.manager().await;
    app.approved_template(
        &manager,
        json!({"name": "order_update", "language": "en", "category": "utility",
        "body": "Hi {{1}}, your order {{2}} is on its way."}),
    )
    .await;
}

fn system_lines(thread: &[serde_json::Value]) -> Vec<String> {
    thread
        .iter()
        .filter(|m| m["author"] == "system")
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_whole_conversation_keeps_every_counter_exact() {
    let app = TestApp::start().await;
    order_template(&app).await;
    let asha = app.agent("Asha").await;
    let t = app.now_s();

    // 1. A new customer says hello; the bot greets them.
    app.webhook_ok(&text(PRIYA, "wamid.1", t, "Hi")).await;
    let profile = app.profile(&asha, PRIYA).await;
    assert_eq!(
        (
            profile["status"].as_str(),
            profile["session_messages"].as_u64()
        ),
        (Some("active"), Some(2))
    );
    assert_eq!(profile["source"], "Organic");

    // 2. They ask for a person: the bot says so and escalates.
    app.webhook_ok(&text(PRIYA, "wamid.2", t + 10, "Can I talk to an agent?"))
        .await;
    let profile = app.profile(&asha, PRIYA).await;
    assert_eq!(profile["status"], "requesting");
    assert_eq!(profile["unresolved_queries"], 1);
    assert_eq!(profile["session_messages"], 4);

    // 3. Asha intervenes and writes.
    let taken = app.act(&asha, PRIYA, "intervene").await;
    assert_eq!(taken.status(), 200);
    let taken: serde_json::Value = taken.json().await.unwrap();
    assert_eq!(taken["status"], "intervened");
    assert_eq!(taken["assigned_agent"]["name"], "Asha");
    let sent = app
        .post(
            &asha,
            &format!("/api/users/{PRIYA}/messages"),
            json!({"text": "Hello Priya, I'm Asha."}),
        )
        .await;
    assert_eq!(sent.status(), 201);
    let sent: serde_json::Value = sent.json().await.unwrap();
    assert_eq!(
        (sent["author"].as_str(), sent["agent"]["name"].as_str()),
        (Some("agent"), Some("Asha"))
    );

    // 4. The customer answers; the bot stays silent while Asha holds the chat.
    app.webhook_ok(&text(PRIYA, "wamid.3", t + 60, "My order 123 is late"))
        .await;

    // 5. A template, then Resolve.
    let template = app
        .post(&asha, &format!("/api/users/{PRIYA}/messages"),
              json!({"template": {"name": "order_update", "language": "en", "params": ["Priya", "123"]}}))
        .await;
    assert_eq!(template.status(), 201);
    let resolved = app.act(&asha, PRIYA, "resolve").await;
    assert_eq!(resolved.status(), 200);

    // 6. The customer writes again: back to Active, and the bot answers.
    app.webhook_ok(&text(PRIYA, "wamid.4", t + 120, "Thanks!"))
        .await;
    app.settle_outbound().await;

    let profile = app.profile(&asha, PRIYA).await;
    // Session: 4 inbound + 3 bot (greeting, escalation, reply after resolve) + 1 agent text.
    assert_eq!(profile["session_messages"], 8);
    assert_eq!(profile["template_messages"], 1);
    assert_eq!(profile["unresolved_queries"], 1);
    assert_eq!(profile["status"], "active");
    assert_eq!(profile["assigned_agent"], serde_json::Value::Null);
    assert_eq!(
        profile["last_active_at"],
        handover_server::platform::time::rfc3339((t + 120) * 1000)
    );
    let thread = app.thread(&asha, PRIYA).await;
    assert_eq!(
        system_lines(&thread),
        [
            "Requested an agent",
            "Intervened by Asha",
            "Resolved by Asha",
            "Reopened: the customer wrote again"
        ]
    );
    let bot_after_agent = thread
        .iter()
        .skip_while(|m| m["text"] != "Hello Priya, I'm Asha.")
        .take_while(|m| m["author"] != "system" || m["text"] != "Resolved by Asha")
        .filter(|m| m["author"] == "bot")
        .count();
    assert_eq!(
        bot_after_agent, 0,
        "the bot is silent while the chat is intervened"
    );
    let (transitions,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM transitions WHERE wa_id = $1")
            .bind(PRIYA)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(transitions, 4);
}

#[tokio::test]
async fn twenty_agents_intervening_at_once_have_exactly_one_winner() {
    let app = TestApp::start().await;
    let mut agents: Vec<Session> = Vec::new();
    for n in 0..20 {
        agents.push(app.agent(&format!("Agent{n:02}")).await);
    }
    // Several chats, so that the race is run more than once.
    for round in 0..5 {
        let customer = format!("91987654320{round}");
        app.webhook_ok(&text(
            &customer,
            &format!("wamid.{round}"),
            app.now_s(),
            "agent please",
        ))
        .await;
        let path = format!("/api/users/{customer}/intervene");
        let attempts = agents.iter().map(|agent| app.post(agent, &path, json!({})));
        let responses = futures_util::future::join_all(attempts).await;

        let mut winners = 0;
        for response in responses {
            match response.status().as_u16() {
                200 => winners += 1,
                409 => {
                    let (_, code, message) = error_code(response).await;
                    assert_eq!(code, "held_by_another_agent");
                    assert_eq!(message, "Another agent is already handling this chat.");
                }
                other => panic!(
                    "round {round}: unexpected status {other}: {}",
                    response.text().await.unwrap()
                ),
            }
        }
        assert_eq!(winners, 1, "round {round}");
        let (intervened,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM transitions WHERE wa_id = $1 AND to_status = 'intervened'",
        )
        .bind(&customer)
        .fetch_one(&app.db)
        .await
        .unwrap();
        assert_eq!(intervened, 1, "round {round}");
    }
}

#[tokio::test]
async fn the_window_allows_intervening_at_23_hours_and_refuses_at_25() {
    let app = TestApp::start().await;
    order_template(&app).await;
    let asha = app.agent("Asha").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;

    app.advance_hours(23);
    let taken = app.act(&asha, PRIYA, "intervene").await;
    assert_eq!(taken.status(), 200);
    let released = app.act(&asha, PRIYA, "release").await;
    assert_eq!(released.status(), 200);
    assert_eq!(
        app.profile(&asha, PRIYA).await["unresolved_queries"],
        2,
        "release re-enters Requesting"
    );
    assert_eq!(app.act(&asha, PRIYA, "intervene").await.status(), 200);

    app.advance_hours(2);
    let text_refused = app
        .post(
            &asha,
            &format!("/api/users/{PRIYA}/messages"),
            json!({"text": "Still there?"}),
        )
        .await;
    let (status, code, _) = error_code(text_refused).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "window_closed"));
    let template = app
        .post(&asha, &format!("/api/users/{PRIYA}/messages"),
              json!({"template": {"name": "order_update", "language": "en", "params": ["Priya", "9"]}}))
        .await;
    assert_eq!(template.status(), 201, "templates go out any time");

    let resolved = app.act(&asha, PRIYA, "resolve").await;
    assert_eq!(resolved.status(), 200);
    let again = app.act(&asha, PRIYA, "intervene").await;
    let (status, code, message) = error_code(again).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "window_closed"));
    assert!(message.contains("24-hour window"));
    let manager = app.manager().await;
    let sections = app.get_json(&manager, "/api/sections").await;
    assert_eq!(sections["history"], 1);
}

#[tokio::test]
async fn only_the_holder_releases_and_only_holder_or_manager_resolves_or_transfers() {
    let app = TestApp::start().await;
    let asha = app.agent("Asha").await;
    let ravi = app.agent("Ravi").await;
    let manager = app.manager().await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "human please"))
        .await;
    let path = |action: &str| format!("/api/users/{PRIYA}/{action}");

    assert_eq!(
        app.post(&asha, &path("intervene"), json!({}))
            .await
            .status(),
        200
    );
    let (status, code, _) = error_code(app.post(&ravi, &path("release"), json!({})).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "not_holder"));
    let (_, code, _) = error_code(app.post(&ravi, &path("resolve"), json!({})).await).await;
    assert_eq!(code, "not_holder_or_manager");
    let (_, code, _) = error_code(
        app.post(&ravi, &path("messages"), json!({"text": "hi"}))
            .await,
    )
    .await;
    assert_eq!(code, "not_holder");

    let transfer = app
        .post(&asha, &path("transfer"), json!({"agent_id": ravi.agent.id}))
        .await;
    assert_eq!(transfer.status(), 200);
    assert_eq!(
        app.profile(&ravi, PRIYA).await["assigned_agent"]["name"],
        "Ravi"
    );
    let (status, _, _) = error_code(
        app.post(&ravi, &path("transfer"), json!({"agent_id": 9999}))
            .await,
    )
    .await;
    assert_eq!(status, 422);

    assert_eq!(
        app.post(&manager, &path("resolve"), json!({}))
            .await
            .status(),
        200
    );
    let (_, code, _) = error_code(app.post(&manager, &path("resolve"), json!({})).await).await;
    assert_eq!(code, "illegal_transition");
    let thread = app.thread(&manager, PRIYA).await;
    assert_eq!(
        system_lines(&thread),
        [
            "Requested an agent",
            "Intervened by Asha",
            "Transferred to Ravi by Asha",
            "Resolved by Meera"
        ]
    );
}

#[tokio::test]
async fn templates_are_checked_before_anything_is_sent() {
    let app = TestApp::start().await;
    order_template(&app).await;
    let asha = app.agent("Asha").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "hello"))
        .await;
    let path = format!("/api/users/{PRIYA}/messages");
    let send = |body: serde_json::Value| app.post(&asha, &path, body);

    let (status, code, message) = error_code(
        send(
            json!({"template": {"name": "order_update", "language": "en", "params": ["only one"]}}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (422, "wrong_parameter_count")
    );
    assert_eq!(
        message,
        "template: order_update takes 2 parameter(s); 1 given."
    );
    let (status, code, _) =
        error_code(send(json!({"template": {"name": "nope", "language": "en"}})).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (422, "unknown_template"));
    let (status, code, _) = error_code(send(json!({"txt": "typo"})).await).await;
    assert_eq!((status.as_u16(), code.as_str()), (422, "invalid_body"));
    let (status, _, _) = error_code(send(json!({"text": "   "})).await).await;
    assert_eq!(status, 422);
    assert_eq!(app.profile(&asha, PRIYA).await["template_messages"], 0);
}

#[tokio::test]
async fn a_message_from_the_same_second_as_resolve_reopens_the_chat_but_an_older_one_does_not() {
    let app = TestApp::start().await;
    let asha = app.agent("Asha").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s() - 5, "agent"))
        .await;
    assert_eq!(app.act(&asha, PRIYA, "intervene").await.status(), 200);
    // Resolved half-way through a second.
    app.clock.set(app.clock.now_ms() + 500);
    assert_eq!(app.act(&asha, PRIYA, "resolve").await.status(), 200);

    app.webhook_ok(&text(
        PRIYA,
        "wamid.late",
        app.now_s() - 3,
        "sent before the resolve",
    ))
    .await;
    assert_eq!(app.profile(&asha, PRIYA).await["status"], "closed");
    app.webhook_ok(&text(PRIYA, "wamid.same", app.now_s(), "thanks"))
        .await;
    assert_eq!(app.profile(&asha, PRIYA).await["status"], "active");
}
