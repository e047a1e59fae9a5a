//! The two timers: missed requests when the window closes, and live chats
//! resolved after the customer went quiet — including across a restart.

mod support;

use handover_server::app::timers;
use handover_server::platform::config::Config;
use handover_server::platform::db::Db;
use handover_server::platform::time::Clock;
use handover_server::startup::Application;
use support::payloads::text;
use support::{TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, APP_SECRET, START_MS};

const PRIYA: &str = "919876543210";
const HOUR: i64 = 3_600_000;

async fn sweep(app: &TestApp, idle_hours: i64) -> timers::Swept {
    timers::sweep(
        &Db::new(app.db.clone()),
        app.clock.now_ms(),
        idle_hours * HOUR,
    )
    .await
    .unwrap()
}

async fn commands(app: &TestApp) -> Vec<String> {
    sqlx::query_as::<_, (String,)>("SELECT command FROM transitions WHERE wa_id = $1 ORDER BY id")
        .bind(PRIYA)
        .fetch_all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|(command,)| command)
        .collect()
}

#[tokio::test]
async fn a_request_nobody_took_before_the_window_closed_is_closed_as_missed() {
    let app = TestApp::start().await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent please"))
        .await;

    app.advance_hours(23);
    assert_eq!(
        sweep(&app, 24).await,
        timers::Swept::default(),
        "the window is still open"
    );
    app.clock.set(app.clock.now_ms() + HOUR + 60_000);
    assert_eq!(sweep(&app, 24).await, timers::Swept { missed: 1, idle: 0 });

    let manager = app.manager().await;
    let profile = app.profile(&manager, PRIYA).await;
    assert_eq!(profile["status"], "closed");
    assert_eq!(commands(&app).await, ["escalate", "window_expired"]);
    let last = app.thread(&manager, PRIYA).await.pop().unwrap();
    assert_eq!(
        last["text"],
        "Missed request: the window closed before an agent joined"
    );
    let (missed,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM transitions WHERE command = 'window_expired'")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(missed, 1, "counted once, for reports");
    assert_eq!(
        sweep(&app, 24).await,
        timers::Swept::default(),
        "and only once"
    );
}

#[tokio::test]
async fn a_live_chat_is_resolved_after_the_configured_quiet_time_and_not_before() {
    let app = TestApp::start().await;
    let asha = app.agent("Asha").await;
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent please"))
        .await;
    assert_eq!(app.act(&asha, PRIYA, "intervene").await.status(), 200);

    app.advance_hours(3);
    app.webhook_ok(&text(PRIYA, "wamid.2", app.now_s(), "still there?"))
        .await;
    app.advance_hours(3);
    assert_eq!(
        sweep(&app, 4).await,
        timers::Swept::default(),
        "3 h quiet is under 4 h"
    );
    app.advance_hours(1);
    assert_eq!(sweep(&app, 4).await, timers::Swept { missed: 0, idle: 1 });

    let profile = app.profile(&asha, PRIYA).await;
    assert_eq!(
        (
            profile["status"].as_str(),
            profile["assigned_agent"].is_null()
        ),
        (Some("closed"), true)
    );
    let last = app.thread(&asha, PRIYA).await.pop().unwrap();
    assert_eq!(
        last["text"],
        "Resolved automatically: no message from the customer for 4 hours"
    );
    assert_eq!(
        commands(&app).await,
        ["escalate", "intervene", "idle_timeout"]
    );
}

#[tokio::test]
async fn timers_are_applied_by_a_restarted_server_from_stored_times() {
    let folder = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/handover.db", folder.path().display());
    let mut config = Config::for_tests(&url);
    config.app_secret = Some(APP_SECRET.into());
    config.admin_email = Some(ADMIN_EMAIL.into());
    config.admin_password = Some(ADMIN_PASSWORD.into());
    let clock = Clock::fixed(START_MS);

    // First run: the customer asks for an agent, then the server stops.
    let first = Application::build_with_clock(&config, clock.clone())
        .await
        .unwrap();
    let addr = first.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(first.run_until(async move {
        let _ = stopped.await;
    }));
    let body = text(PRIYA, "wamid.1", START_MS / 1000, "agent please").to_string();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/webhook"))
        .header(
            "x-hub-signature-256",
            handover_server::app::inbound::signature::sign(APP_SECRET, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    stop.send(()).unwrap();
    running.await.unwrap().unwrap();

    // A day later a new server starts on the same database.
    clock.set(START_MS + 25 * HOUR);
    let second = Application::build_with_clock(&config, clock.clone())
        .await
        .unwrap();
    tokio::spawn(second.run_until(std::future::pending()));

    let db = handover_server::platform::db::connect(&url).await.unwrap();
    for _ in 0..200 {
        let (status,): (String,) = sqlx::query_as("SELECT status FROM users WHERE wa_id = $1")
            .bind(PRIYA)
            .fetch_one(&db)
            .await
            .unwrap();
        if status == "closed" {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the restarted server did not close the missed request");
}
