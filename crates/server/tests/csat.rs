//! Customer satisfaction after a Resolve: asked once per resolve, with
//! buttons or a list inside the window and the approved template outside
//! it; the customer's tap recorded once against the agent and the chat,
//! shown on the profile; switched on and off by managers.

mod support;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::payloads::{inbound, text};
use support::{refused_fields, Session, TestApp};

const PRIYA: &str = "919876543210";
const RAHUL: &str = "919811112222";

async fn switch_on(app: &TestApp, manager: &Session, settings: Value) {
    let saved = app.put(manager, "/api/csat", settings).await;
    assert_eq!(saved.status(), StatusCode::OK);
}

fn five_point() -> Value {
    json!({"enabled": true, "scale": "one_to_five",
           "question": "How did we do today?", "thanks": "Thanks for telling us!"})
}

/// Everything the transport sent to `wa_id`, oldest first.
async fn sent_to(app: &TestApp, wa_id: &str) -> Vec<Value> {
    app.settle_outbound().await;
    sqlx::query_as::<_, (String,)>("SELECT payload FROM sandbox_outbox ORDER BY id")
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(payload,)| serde_json::from_str::<Value>(&payload).unwrap())
        .filter(|payload| payload["to"] == wa_id)
        .collect()
}

/// A customer escalates, `agent` takes the chat, answers and resolves it.
async fn served_and_resolved(app: &TestApp, agent: &Session, wa_id: &str, wamid: &str) {
    app.webhook_ok(&text(wa_id, wamid, app.now_s(), "agent"))
        .await;
    assert_eq!(
        app.act(agent, wa_id, "intervene").await.status(),
        StatusCode::OK
    );
    let answered = app
        .post(
            agent,
            &format!("/api/users/{wa_id}/messages"),
            json!({"text": "Done!"}),
        )
        .await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    assert_eq!(
        app.act(agent, wa_id, "resolve").await.status(),
        StatusCode::OK
    );
}

fn list_tap(wa_id: &str, wamid: &str, at: i64, id: &str) -> Value {
    let tap = json!({"type": "interactive", "interactive": {"type": "list_reply",
                     "list_reply": {"id": id, "title": "a rating"}}});
    inbound(wa_id, "Priya", wamid, at, tap)
}

/// The ids of the rows of the list the customer was last sent.
fn row_ids(question: &Value) -> Vec<String> {
    question["interactive"]["action"]["sections"][0]["rows"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_resolve_asks_once_and_the_first_answer_is_kept_against_the_agent() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    switch_on(&app, &manager, five_point()).await;

    served_and_resolved(&app, &asha, PRIYA, "wamid.1").await;
    let sent = sent_to(&app, PRIYA).await;
    let question = sent.last().unwrap();
    assert_eq!(question["type"], "interactive");
    assert_eq!(question["interactive"]["type"], "list");
    assert_eq!(
        question["interactive"]["body"]["text"],
        "How did we do today?"
    );
    let ids = row_ids(question);
    assert_eq!(ids.len(), 5);
    let survey = ids[0].trim_end_matches(":5").to_owned();
    assert_eq!(
        ids,
        (1..=5)
            .rev()
            .map(|n| format!("{survey}:{n}"))
            .collect::<Vec<_>>()
    );
    // The question shows in the thread as the bot's.
    let bot_line = app.thread(&asha, PRIYA).await.last().unwrap().clone();
    assert_eq!(bot_line["author"], "bot");
    assert_eq!(bot_line["text"], "How did we do today?");
    assert!(app.profile(&asha, PRIYA).await["satisfaction"].is_null());

    // Priya taps 4: kept, thanked, and the chat stays closed (no welcome).
    let before = sent.len();
    app.webhook_ok(&list_tap(
        PRIYA,
        "wamid.2",
        app.now_s(),
        &format!("{survey}:4"),
    ))
    .await;
    let profile = app.profile(&asha, PRIYA).await;
    assert_eq!(profile["status"], "closed");
    assert_eq!(profile["satisfaction"]["score"], 4);
    assert_eq!(profile["satisfaction"]["scale"], "one_to_five");
    assert_eq!(profile["satisfaction"]["satisfied"], true);
    assert_eq!(profile["satisfaction"]["agent"], "Asha");
    let sent = sent_to(&app, PRIYA).await;
    assert_eq!(sent.len(), before + 1, "one thank-you");
    assert_eq!(
        sent.last().unwrap()["text"]["body"],
        "Thanks for telling us!"
    );

    // A second tap, and the same tap delivered again, change nothing.
    app.webhook_ok(&list_tap(
        PRIYA,
        "wamid.3",
        app.now_s(),
        &format!("{survey}:1"),
    ))
    .await;
    app.webhook_ok(&list_tap(
        PRIYA,
        "wamid.2",
        app.now_s(),
        &format!("{survey}:4"),
    ))
    .await;
    assert_eq!(app.profile(&asha, PRIYA).await["satisfaction"]["score"], 4);
    assert_eq!(sent_to(&app, PRIYA).await.len(), before + 1, "thanked once");

    // Another customer cannot answer Priya's survey: their tap is the bot's.
    app.webhook_ok(&list_tap(
        RAHUL,
        "wamid.4",
        app.now_s(),
        &format!("{survey}:1"),
    ))
    .await;
    assert!(app.profile(&asha, RAHUL).await["satisfaction"].is_null());

    // A later resolve is a new survey, with ids of its own.
    app.advance_hours(1);
    served_and_resolved(&app, &asha, PRIYA, "wamid.5").await;
    let again = sent_to(&app, PRIYA).await;
    let second = row_ids(again.last().unwrap());
    assert_ne!(second[0], ids[0]);
    let asked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM csat_surveys WHERE wa_id = $1")
        .bind(PRIYA)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(asked, 2);
}

#[tokio::test]
async fn thumbs_go_out_as_two_buttons_and_switched_off_nobody_is_asked() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;

    // Off (the default): a resolve sends nothing after the agent's answer.
    served_and_resolved(&app, &asha, PRIYA, "wamid.1").await;
    let sent = sent_to(&app, PRIYA).await;
    assert_eq!(sent.last().unwrap()["text"]["body"], "Done!");

    let mut thumbs = five_point();
    thumbs["scale"] = json!("thumbs");
    switch_on(&app, &manager, thumbs).await;
    served_and_resolved(&app, &asha, RAHUL, "wamid.2").await;
    let question = sent_to(&app, RAHUL).await.pop().unwrap();
    assert_eq!(question["interactive"]["type"], "button");
    let buttons = question["interactive"]["action"]["buttons"]
        .as_array()
        .unwrap();
    let titles: Vec<&str> = buttons
        .iter()
        .map(|b| b["reply"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["👍 Yes", "👎 No"]);
    let down = buttons[1]["reply"]["id"].as_str().unwrap();
    let tap = json!({"type": "interactive", "interactive": {"type": "button_reply",
                     "button_reply": {"id": down, "title": "👎 No"}}});
    app.webhook_ok(&inbound(RAHUL, "Rahul", "wamid.3", app.now_s(), tap))
        .await;
    let rating = &app.profile(&asha, RAHUL).await["satisfaction"];
    assert_eq!(
        (rating["score"].as_i64(), rating["satisfied"].as_bool()),
        (Some(0), Some(false))
    );

    // Switched off again: the next resolve asks nobody.
    let mut off = five_point();
    off["enabled"] = json!(false);
    switch_on(&app, &manager, off).await;
    app.advance_hours(1);
    served_and_resolved(&app, &asha, RAHUL, "wamid.4").await;
    assert_eq!(
        sent_to(&app, RAHUL).await.last().unwrap()["text"]["body"],
        "Done!"
    );
}

#[tokio::test]
async fn outside_the_window_the_approved_template_asks_and_its_tap_brings_the_question() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    app.approved_template(
        &manager,
        json!({"name": "feedback_invite", "language": "en", "category": "utility",
               "body": "How was your chat with us? Tap below to rate it.",
               "buttons": [{"type": "quick_reply", "text": "Rate us"}]}),
    )
    .await;
    let mut settings = five_point();
    settings["template"] = json!({"name": "feedback_invite", "language": "en"});
    switch_on(&app, &manager, settings).await;

    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;
    assert_eq!(
        app.act(&asha, PRIYA, "intervene").await.status(),
        StatusCode::OK
    );
    // A day passes with the chat held: the window closes.
    app.advance_hours(25);
    assert_eq!(
        app.act(&asha, PRIYA, "resolve").await.status(),
        StatusCode::OK
    );
    let invite = sent_to(&app, PRIYA).await.pop().unwrap();
    assert_eq!(invite["type"], "template");
    assert_eq!(invite["template"]["name"], "feedback_invite");
    let button = &invite["template"]["components"][0];
    assert_eq!(button["type"], "button");
    assert_eq!(button["sub_type"], "quick_reply");
    assert_eq!(button["index"], "0");
    let payload = button["parameters"][0]["payload"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        payload.starts_with("csat:") && payload.ends_with(":open"),
        "{payload}"
    );
    let profile = app.profile(&asha, PRIYA).await;
    assert_eq!(profile["template_messages"], 1);

    // Priya taps the template's button: the window opens, the question follows.
    let tap = json!({"type": "button", "button": {"text": "Rate us", "payload": payload}});
    app.webhook_ok(&inbound(PRIYA, "Priya", "wamid.2", app.now_s(), tap))
        .await;
    let question = sent_to(&app, PRIYA).await.pop().unwrap();
    let ids = row_ids(&question);
    assert_eq!(ids[0], payload.replace(":open", ":5"));
    app.webhook_ok(&list_tap(PRIYA, "wamid.3", app.now_s(), &ids[0]))
        .await;
    let rating = &app.profile(&asha, PRIYA).await["satisfaction"];
    assert_eq!(
        (rating["score"].as_i64(), rating["agent"].as_str()),
        (Some(5), Some("Asha"))
    );
    assert_eq!(app.profile(&asha, PRIYA).await["status"], "closed");
}

#[tokio::test]
async fn the_settings_are_for_managers_and_a_template_must_fit() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let off = app.get_json(&manager, "/api/csat").await;
    assert_eq!(off["enabled"], false);
    assert_eq!(
        app.get(&asha, "/api/csat").await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.put(&asha, "/api/csat", five_point()).await.status(),
        StatusCode::FORBIDDEN
    );

    let mut blank = five_point();
    blank["question"] = json!("  ");
    let refused = app.put(&manager, "/api/csat", blank).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused_fields(refused).await, ["question"]);

    // No such template; one with parameters; one without a quick reply.
    app.approved_template(
        &manager,
        json!({"name": "with_params", "language": "en", "category": "utility",
               "body": "Hi {{1}}", "buttons": [{"type": "quick_reply", "text": "Rate"}]}),
    )
    .await;
    app.approved_template(
        &manager,
        json!({"name": "no_buttons", "language": "en", "category": "utility", "body": "Rate us"}),
    )
    .await;
    for (name, says) in [
        ("missing", "no template"),
        ("with_params", "parameters"),
        ("no_buttons", "quick reply"),
    ] {
        let mut settings = five_point();
        settings["template"] = json!({"name": name, "language": "en"});
        let refused = app.put(&manager, "/api/csat", settings).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        let body: Value = refused.json().await.unwrap();
        let problem = &body["error"]["fields"][0];
        assert_eq!(problem["field"], "template", "{name}");
        assert!(
            problem["message"].as_str().unwrap().contains(says),
            "{name}: {problem}"
        );
    }
    assert_eq!(
        app.get_json(&manager, "/api/csat").await,
        off,
        "nothing refused was kept"
    );

    switch_on(&app, &manager, five_point()).await;
    let saved = app.get_json(&manager, "/api/csat").await;
    assert_eq!(saved["enabled"], true);
    assert_eq!(saved["question"], "How did we do today?");
}
