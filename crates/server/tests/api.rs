//! The server's outer contract over a real socket: health, section counts,
//! errors, and start-up against a database that does not exist yet.

mod support;

use handover_core::{ErrorBody, SectionCounts};
use handover_server::config::Config;
use handover_server::startup::Application;
use handover_server::time::{now_ms, WINDOW_MS};
use support::TestApp;

#[tokio::test]
async fn healthz_answers_200_when_the_database_answers() {
    let app = TestApp::start().await;
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn sections_of_a_fresh_database_are_all_zero() {
    let app = TestApp::start().await;
    let response = app.http.get(app.url("/api/sections")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<SectionCounts>().await.unwrap(),
        SectionCounts::default()
    );
}

#[tokio::test]
async fn sections_count_open_windows_per_status_and_everyone_else_as_history() {
    let app = TestApp::start().await;
    let open = Some(now_ms() + WINDOW_MS / 2);
    let expired = Some(now_ms() - 1_000);
    app.insert_user("911111111101", "active", open).await;
    app.insert_user("911111111102", "active", open).await;
    app.insert_user("911111111103", "requesting", open).await;
    app.insert_user("911111111104", "intervened", open).await;
    app.insert_user("911111111105", "closed", open).await;
    app.insert_user("911111111106", "closed", open).await;
    app.insert_user("911111111107", "closed", open).await;
    // Window closed, whatever the status: History.
    app.insert_user("911111111108", "requesting", expired).await;
    app.insert_user("911111111109", "active", expired).await;
    // Imported, never wrote: History.
    app.insert_user("911111111110", "active", None).await;

    let counts: SectionCounts = app
        .http
        .get(app.url("/api/sections"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(
        counts,
        SectionCounts {
            active: 2,
            requesting: 1,
            intervened: 1,
            closed: 3,
            history: 3,
        }
    );
}

#[tokio::test]
async fn unknown_api_paths_get_a_json_404_not_the_web_app() {
    let app = TestApp::start().await;
    let response = app
        .http
        .get(app.url("/api/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, "not_found");
    assert!(body.error.message.contains("/api/no-such-thing"));
}

#[tokio::test]
async fn start_up_creates_a_missing_database_folder_and_file() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("nested/deeper/handover.db");
    let url = format!("sqlite://{}", file.display());

    let app = Application::build(&Config::for_tests(&url)).await.unwrap();

    assert!(file.exists(), "the database file was created");
    drop(app);
}

#[tokio::test]
async fn start_up_refuses_a_non_sqlite_url_with_a_message_naming_it() {
    let error = Application::build(&Config::for_tests("postgres://localhost/handover"))
        .await
        .err()
        .expect("start-up fails");
    let message = error.to_string();
    assert!(
        message.contains("postgres://localhost/handover"),
        "{message}"
    );
    assert!(message.contains("sqlite://"), "{message}");
}

#[tokio::test]
async fn start_up_reports_a_port_already_in_use() {
    let first = TestApp::start().await;
    let folder = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(format!("sqlite://{}/h.db", folder.path().display()));
    config.bind = first.addr;

    let error = Application::build(&config)
        .await
        .err()
        .expect("second bind fails");

    assert!(
        error.to_string().contains(&first.addr.to_string()),
        "{error}"
    );
}
