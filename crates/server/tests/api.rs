//! The server's outer contract over a real socket: health, section counts,
//! errors, and start-up against a database that does not exist yet.

mod support;

use handover_core::{ErrorBody, SectionCounts};
use handover_server::platform::config::Config;
use handover_server::platform::time::WINDOW_MS;
use handover_server::startup::Application;
use support::{TestApp, START_MS};

#[tokio::test]
async fn healthz_answers_200_when_the_database_answers() {
    let app = TestApp::start().await;
    let response = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn sections_of_a_fresh_database_are_all_zero() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let response = app.get(&manager, "/api/sections").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<SectionCounts>().await.unwrap(),
        SectionCounts::default()
    );
}

#[tokio::test]
async fn sections_count_open_windows_per_status_and_everyone_else_as_history() {
    let app = TestApp::start().await;
    let open = START_MS + WINDOW_MS / 2;
    let expired = START_MS - 1_000;
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
    app.insert_user("911111111110", "active", 0).await;

    let manager = app.manager().await;
    let counts: SectionCounts = app
        .get(&manager, "/api/sections")
        .await
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
async fn lists_page_through_a_section_with_the_cursor_without_repeats_or_gaps() {
    let app = TestApp::start().await;
    for n in 0..7 {
        app.insert_user(&format!("91222222220{n}"), "active", START_MS + 1_000 + n)
            .await;
    }
    app.insert_user("912222222299", "active", START_MS - 1)
        .await;
    app.insert_user("912222222298", "closed", START_MS + 5_000)
        .await;
    let manager = app.manager().await;

    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(
                &manager,
                &format!("/api/users?status=active&limit=3&cursor={cursor}"),
            )
            .await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["wa_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).rev().map(|n| format!("91222222220{n}")).collect();
    assert_eq!(seen, expected);

    let history = app.get_json(&manager, "/api/users?status=history").await;
    assert_eq!(history["items"][0]["wa_id"], "912222222299");
    let search = app.get_json(&manager, "/api/users?q=9122222222").await;
    assert_eq!(search["items"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn bad_list_parameters_are_refused_with_400_and_a_reason() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    for path in [
        "/api/users?status=open",
        "/api/users?cursor=garbage",
        "/api/users/12-34",
    ] {
        let (status, _, message) = support::error_code(app.get(&manager, path).await).await;
        assert_eq!(status, 400, "{path}");
        assert!(!message.is_empty(), "{path}");
    }
    let (status, code, _) =
        support::error_code(app.get(&manager, "/api/users/919999999999").await).await;
    assert_eq!((status.as_u16(), code.as_str()), (404, "not_found"));
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
async fn start_up_refuses_a_url_of_another_database_with_a_message_naming_it() {
    let error = Application::build(&Config::for_tests("mysql://localhost/handover"))
        .await
        .err()
        .expect("start-up fails");
    let message = error.to_string();
    assert!(message.contains("mysql://localhost/handover"), "{message}");
    assert!(message.contains("sqlite://"), "{message}");
    assert!(message.contains("postgres://"), "{message}");
}

#[tokio::test]
async fn start_up_says_when_postgres_cannot_be_reached() {
    // Nothing listens on port 1.
    let error = Application::build(&Config::for_tests("postgres://127.0.0.1:1/handover"))
        .await
        .err()
        .expect("start-up fails");
    let message = error.to_string();
    assert!(message.contains("could not open the database"), "{message}");
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

#[tokio::test]
async fn an_oversized_json_body_is_refused_with_413_and_a_json_error() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let huge = serde_json::json!({"kind": "exact", "pattern": "x".repeat(300_000), "tag": "Big", "priority": 1});
    let response = app.post(&manager, "/api/tag-rules", huge).await;
    assert_eq!(response.status(), 413);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.error.code, "payload_too_large");
}

#[tokio::test]
async fn a_bad_id_in_the_path_gets_a_json_error_that_says_so() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    for (method, path) in [
        ("PUT", "/api/tag-rules/abc"),
        ("DELETE", "/api/tag-rules/1.5"),
        ("GET", "/api/campaigns/first"),
        ("GET", "/api/imports/%20/report.csv"),
    ] {
        let response = app
            .http
            .request(method.parse().unwrap(), app.url(path))
            .header(reqwest::header::COOKIE, &manager.cookie)
            .header(reqwest::header::ORIGIN, app.url(""))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{method} {path}");
        let body: ErrorBody = response.json().await.expect("a JSON error");
        assert_eq!(body.error.code, "invalid_path", "{method} {path}");
        assert!(
            body.error.message.contains("whole numbers"),
            "{}",
            body.error.message
        );
    }
}
