//! Demo mode: the seeded shop, and writing as a customer from the dashboard
//! through the webhook pipeline.

mod support;

use handover_server::app::demo::{self, Seeded};
use handover_server::platform::config::Config;
use handover_server::platform::time::Clock;
use handover_server::startup::Application;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{error_code, refused_fields, TestApp, START_MS};

const NEW_CUSTOMER: &str = "919811122233";
const PRIYA: &str = "919820000101";

async fn start_demo() -> TestApp {
    TestApp::start_with(|config| config.demo = true).await
}

fn texts_by(thread: &[Value], author: &str) -> Vec<String> {
    thread
        .iter()
        .filter(|message| message["author"] == author)
        .map(|message| message["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_demo_fills_every_section_and_history_with_consistent_chats() {
    let app = start_demo().await;
    let manager = app.manager().await;

    let counts = app.get_json(&manager, "/api/sections").await;
    assert_eq!(
        counts,
        json!({"active": 3, "requesting": 2, "intervened": 1, "closed": 1, "history": 1})
    );

    // A refund always goes to an agent: counted once, with the bot's words.
    let ananya = app.profile(&manager, "919820000103").await;
    assert_eq!(ananya["status"], "requesting");
    assert_eq!(ananya["unresolved_queries"], 1);
    assert_eq!(ananya["source"], "Organic");

    // Asha holds Sneha's chat and has written to her.
    let sneha = app.profile(&manager, "919820000105").await;
    assert_eq!(sneha["status"], "intervened");
    assert_eq!(sneha["assigned_agent"]["name"], "Asha Rao");
    let thread = app.thread(&manager, "919820000105").await;
    assert_eq!(texts_by(&thread, "agent").len(), 2, "{thread:?}");
    assert!(texts_by(&thread, "system").contains(&"Intervened by Asha Rao".to_owned()));

    // The bot answered Priya from the demo configuration.
    let priya = app.thread(&manager, PRIYA).await;
    let config = demo::seed::bot_config();
    assert_eq!(
        texts_by(&priya, "bot"),
        [
            config.welcome.clone(),
            config.intents[0].reply.text().to_owned()
        ]
    );

    // Vikram's chat was resolved; Fatima wrote two days ago.
    let vikram = app.profile(&manager, "919820000106").await;
    assert_eq!(vikram["status"], "closed");
    assert_eq!(vikram["unresolved_queries"], 1);
    let history = app.get_json(&manager, "/api/users?status=history").await;
    assert_eq!(history["items"][0]["name"], "Fatima Khan");

    // The demo bot is the configuration in force, and Asha can sign in.
    let bot = app.get_json(&manager, "/api/bot").await;
    assert_eq!(bot["config"]["welcome"], config.welcome.as_str());
    let versions = app.get_json(&manager, "/api/bot/versions").await;
    assert_eq!(versions[0]["note"], "Demo: Bloom & Petal");
    assert!(app
        .login(demo::AGENT_EMAIL, demo::AGENT_PASSWORD)
        .await
        .is_ok());
}

#[tokio::test]
async fn writing_as_a_new_customer_creates_them_and_the_bot_answers() {
    let app = start_demo().await;
    let asha = app
        .login(demo::AGENT_EMAIL, demo::AGENT_PASSWORD)
        .await
        .unwrap();
    let status = app.get_json(&asha, "/api/demo").await;
    assert_eq!(status, json!({"enabled": true}));

    let response = app
        .post(
            &asha,
            "/api/demo/messages",
            json!({"wa_id": NEW_CUSTOMER, "name": "Nikhil Rao", "text": "Do you deliver on Sundays?"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let delivered: Value = response.json().await.unwrap();
    assert!(delivered["wamid"]
        .as_str()
        .unwrap()
        .starts_with("wamid.demo."));

    let profile = app.profile(&asha, NEW_CUSTOMER).await;
    assert_eq!(profile["name"], "Nikhil Rao");
    assert_eq!(profile["status"], "active");
    assert_eq!(profile["source"], "Organic");
    assert_eq!(
        profile["session_messages"], 3,
        "the text, a welcome, an answer"
    );
    let thread = app.thread(&asha, NEW_CUSTOMER).await;
    assert_eq!(texts_by(&thread, "user"), ["Do you deliver on Sundays?"]);
    let delivery = demo::seed::bot_config().intents[1].reply.text().to_owned();
    assert_eq!(texts_by(&thread, "bot")[1], delivery);

    // Asking for a person escalates, exactly as from WhatsApp.
    let response = app
        .post(
            &asha,
            "/api/demo/messages",
            json!({"wa_id": NEW_CUSTOMER, "text": "I'd like to talk to a person"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let profile = app.profile(&asha, NEW_CUSTOMER).await;
    assert_eq!(profile["status"], "requesting");
    assert_eq!(profile["unresolved_queries"], 1);
    assert_eq!(
        profile["name"], "Nikhil Rao",
        "no name given: the name stays"
    );
    let counts = app.get_json(&asha, "/api/sections").await;
    assert_eq!(counts["requesting"], 3);

    // The bot's replies leave through the outbox like any other message.
    app.settle_outbound().await;
    let (sent,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM sandbox_outbox WHERE payload LIKE '%' || $1 || '%'")
            .bind(NEW_CUSTOMER)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(sent, 3, "welcome, delivery answer, hand-over notice");
}

#[tokio::test]
async fn a_bad_demo_message_names_each_field_and_stores_nothing() {
    let app = start_demo().await;
    let manager = app.manager().await;
    let response = app
        .post(
            &manager,
            "/api/demo/messages",
            json!({"wa_id": "12ab", "name": "x".repeat(101), "text": "   "}),
        )
        .await;
    let fields = refused_fields(response).await;
    assert_eq!(fields, ["wa_id", "name", "text"]);

    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 8, "only the seeded customers");
}

#[tokio::test]
async fn without_demo_mode_nobody_can_write_as_a_customer() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    assert_eq!(
        app.get_json(&manager, "/api/demo").await,
        json!({"enabled": false})
    );
    let counts = app.get_json(&manager, "/api/sections").await;
    assert_eq!(counts["active"], 0, "nothing is seeded");

    let response = app
        .post(
            &manager,
            "/api/demo/messages",
            json!({"wa_id": NEW_CUSTOMER, "text": "hello"}),
        )
        .await;
    let (status, code, message) = error_code(response).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(code, "not_found");
    assert!(message.contains("--demo"), "{message}");
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(users, 0);

    let signed_out = app.http.get(app.url("/api/demo")).send().await.unwrap();
    assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn restarting_the_demo_keeps_what_people_did_and_seeds_nothing_twice() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/handover.db", folder.path().display());
    let mut config = Config::for_tests(&url);
    config.demo = true;
    let clock = Clock::fixed(START_MS);

    let first = Application::build_with_clock(&config, clock.clone())
        .await
        .unwrap();
    assert_eq!(first.demo, Some(Seeded::Customers(8)));
    drop(first);

    clock.set(START_MS + 3_600_000);
    let second = Application::build_with_clock(&config, clock).await.unwrap();
    assert_eq!(second.demo, Some(Seeded::KeptExisting));
    let db = handover_server::platform::db::connect(&url).await.unwrap();
    let (users, agents, bots): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM agents), (SELECT COUNT(*) FROM bot_configs)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!((users, agents, bots), (8, 1, 1));
}
