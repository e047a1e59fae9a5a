//! Hostile input and stolen sessions: password guessing that never locks
//! the owner out and never grows memory, sessions that end everywhere at
//! once, and changes forged by another website.

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::json;
use support::{client_from, sign_in, Session, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn wrong_passwords_from_one_address_never_stop_the_owner_signing_in_from_another() {
    let app = TestApp::start().await;
    let attacker = client_from(66);
    let mut refused = 0;
    for _ in 0..30 {
        match sign_in(&app, &attacker, ADMIN_EMAIL, "guess-guess").await {
            StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        refused >= 20,
        "the guesser is slowed down ({refused} of 30 held back)"
    );
    assert_eq!(
        sign_in(&app, &client_from(1), ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::OK,
        "the owner signs in from their own address"
    );
    // Even the right password waits, from the guesser's address.
    assert_eq!(
        sign_in(&app, &attacker, ADMIN_EMAIL, ADMIN_PASSWORD).await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_hundred_guesses_at_once_check_the_password_at_most_five_times() {
    let app = TestApp::start().await;
    let attacker = client_from(77);
    let guesses = (0..100).map(|_| sign_in(&app, &attacker, ADMIN_EMAIL, "guess-guess"));
    let answers = futures_util::future::join_all(guesses).await;
    let checked = answers
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        (1..=5).contains(&checked),
        "{checked} guesses were checked against the password"
    );
    assert!(answers
        .iter()
        .all(|s| matches!(*s, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS)));
}

/// An open event stream of `session`; resolves to what it received once it
/// ends (or after 10 s).
async fn stream_until_end(app: &TestApp, session: &Session) -> tokio::task::JoinHandle<String> {
    let response = app.get(session, "/api/events").await;
    assert_eq!(response.status(), StatusCode::OK);
    tokio::spawn(async move {
        let mut body = response.bytes_stream();
        let mut received = String::new();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while let Ok(Some(Ok(chunk))) = tokio::time::timeout_at(deadline, body.next()).await {
            received.push_str(&String::from_utf8_lossy(&chunk));
        }
        received
    })
}

const SIGNED_OUT: &str = "data: {\"reason\":\"signed_out\"}";

#[tokio::test]
async fn disabling_an_agent_or_resetting_their_password_closes_their_open_dashboards() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let ravi = app.agent("Ravi").await;
    let asha_stream = stream_until_end(&app, &asha).await;
    let ravi_stream = stream_until_end(&app, &ravi).await;
    let meera_stream = stream_until_end(&app, &manager).await;

    let disable = app
        .http
        .patch(app.url(&format!("/api/agents/{}", asha.agent.id)))
        .header(COOKIE, &manager.cookie)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disable.status(), StatusCode::OK);
    let reset = app
        .http
        .patch(app.url(&format!("/api/agents/{}", ravi.agent.id)))
        .header(COOKIE, &manager.cookie)
        .json(&json!({"password": "a-new-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), StatusCode::OK);

    for (name, stream) in [("Asha", asha_stream), ("Ravi", ravi_stream)] {
        let received = tokio::time::timeout(Duration::from_secs(3), stream)
            .await
            .unwrap_or_else(|_| panic!("{name}'s stream did not close"))
            .unwrap();
        assert!(received.contains(SIGNED_OUT), "{name}: {received:?}");
    }
    // Meera's stays open.
    assert!(!meera_stream.is_finished());
    meera_stream.abort();
}

#[tokio::test]
async fn signing_out_closes_that_sessions_dashboards_and_sessions_ended_elsewhere_are_noticed() {
    let app = TestApp::start().await;
    let phone = app.manager().await;
    let laptop = app.manager().await;
    let phone_stream = stream_until_end(&app, &phone).await;
    let laptop_stream = stream_until_end(&app, &laptop).await;

    let out = app.post(&phone, "/api/auth/logout", json!({})).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let received = tokio::time::timeout(Duration::from_secs(3), phone_stream)
        .await
        .expect("the phone's stream closes at once")
        .unwrap();
    assert!(received.contains(SIGNED_OUT), "{received:?}");

    // A session ended behind the server's back (by another server, say) is
    // noticed at the next check.
    sqlx::query("DELETE FROM sessions")
        .execute(&app.db)
        .await
        .unwrap();
    let received = tokio::time::timeout(Duration::from_secs(8), laptop_stream)
        .await
        .expect("the laptop's stream closes within seconds")
        .unwrap();
    assert!(received.contains(SIGNED_OUT), "{received:?}");
}

#[tokio::test]
async fn a_password_rotated_through_the_configuration_ends_the_old_sessions() {
    let mut app = TestApp::start().await;
    let before = app.manager().await;
    app.restart().await;
    assert_eq!(
        app.get(&before, "/api/me").await.status(),
        StatusCode::OK,
        "the same password keeps sessions across a restart"
    );
    app.restart_with(|config| config.admin_password = Some("a-rotated-password".into()))
        .await;
    assert_eq!(
        app.get(&before, "/api/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert!(app.login(ADMIN_EMAIL, "a-rotated-password").await.is_ok());
}

#[tokio::test]
async fn a_change_forged_by_another_website_is_refused_and_ours_pass() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    app.webhook_ok(&support::payloads::text(
        "919876543210",
        "w1",
        app.now_s(),
        "agent please",
    ))
    .await;
    let intervene = |site: &'static str, origin: Option<&'static str>| {
        let mut request = app
            .http
            .post(app.url("/api/users/919876543210/intervene"))
            .header(COOKIE, &manager.cookie)
            .header("sec-fetch-site", site);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let forged = intervene("cross-site", Some("https://evil.example"))
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let (_, code, message) = support::error_code(forged).await;
    assert_eq!(code, "forbidden");
    assert!(message.contains("another website"), "{message}");
    let profile = app.profile(&manager, "919876543210").await;
    assert_eq!(profile["status"], "requesting", "nothing changed");

    let ours = intervene("same-origin", None).await.unwrap();
    assert_eq!(ours.status(), StatusCode::OK);

    // Every answer says what browsers may do with it.
    let page = app.http.get(app.url("/")).send().await.unwrap();
    let api = app.get(&manager, "/api/me").await;
    for response in [&page, &api] {
        let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
        assert_eq!(header("x-content-type-options"), "nosniff");
        assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    }
}

/// Sends `head` and the start of a body over a raw connection, then stalls;
/// returns what the server answered, if anything, and when.
async fn stall_after(app: &TestApp, head: String) -> (String, std::time::Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut connection = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let started = std::time::Instant::now();
    connection.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(40),
        connection.read_to_end(&mut answer),
    )
    .await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn clients_that_stall_mid_request_are_let_go() {
    let app = TestApp::start().await;
    // Headers never finished: the connection is closed.
    let (answer, took) = stall_after(&app, "POST /webhook HTTP/1.1\r\nhost: x\r\n".into()).await;
    assert!(
        took < std::time::Duration::from_secs(15),
        "headers: {took:?}"
    );
    assert!(!answer.contains("200 OK"), "{answer}");
    // A body that stops half-way: refused, and the connection closed.
    let (answer, took) = stall_after(
        &app,
        "POST /webhook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{\"object\":".into(),
    )
    .await;
    assert!(took < std::time::Duration::from_secs(25), "body: {took:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
