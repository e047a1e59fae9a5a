//! Agents and managers: sign-in, sessions, roles and account management.

mod support;

use reqwest::header::COOKIE;
use serde_json::json;
use support::{error_code, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

#[tokio::test]
async fn the_configured_manager_can_sign_in_and_see_themselves() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    assert_eq!(manager.agent.role, handover_core::Role::Manager);
    let me = app.get_json(&manager, "/api/me").await;
    assert_eq!(me["email"], ADMIN_EMAIL);
    assert_eq!(me["role"], "manager");
}

#[tokio::test]
async fn the_session_cookie_is_httponly_and_samesite_strict() {
    let app = TestApp::start().await;
    let response = app
        .http
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
}

#[tokio::test]
async fn every_api_route_but_login_needs_a_session() {
    let app = TestApp::start().await;
    for path in [
        "/api/me",
        "/api/sections",
        "/api/users",
        "/api/agents",
        "/api/events",
        "/api/openapi.json",
    ] {
        let response = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
    let forged = app
        .http
        .get(app.url("/api/me"))
        .header(COOKIE, "handover_session=forged")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_repeated_failures_are_slowed_down() {
    let app = TestApp::start().await;
    for _ in 0..5 {
        let (status, _, message) = error_code(
            app.login(ADMIN_EMAIL, "wrong password")
                .await
                .err()
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401);
        assert_eq!(message, "Wrong e-mail or password.");
    }
    let locked = app
        .login(ADMIN_EMAIL, ADMIN_PASSWORD)
        .await
        .err()
        .expect("locked out");
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    // Other accounts are not affected.
    let (status, _, _) = error_code(
        app.login("nobody@example.com", "whatever1")
            .await
            .err()
            .unwrap(),
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let response = app.post(&manager, "/api/auth/logout", json!({})).await;
    assert_eq!(response.status(), 204);
    assert_eq!(app.get(&manager, "/api/me").await.status(), 401);
}

#[tokio::test]
async fn an_agent_is_refused_manager_routes_with_403() {
    let app = TestApp::start().await;
    let asha = app.agent("Asha").await;
    let create = app
        .post(&asha, "/api/agents", json!({"email": "x@example.com", "name": "X", "password": "password1", "role": "agent"}))
        .await;
    assert_eq!(create.status(), 403);
    assert_eq!(app.get(&asha, "/api/sandbox/outbox").await.status(), 403);
    // Agents may list colleagues, to transfer chats.
    assert_eq!(app.get(&asha, "/api/agents").await.status(), 200);
}

#[tokio::test]
async fn managers_create_disable_and_reset_agents() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let id = asha.agent.id.0;

    let duplicate = app
        .post(&manager, "/api/agents", json!({"email": "ASHA@example.com", "name": "Asha 2", "password": "password1", "role": "agent"}))
        .await;
    let (status, code, message) = error_code(duplicate).await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "email_taken"));
    assert!(message.contains("already has an account"));

    let weak = app
        .post(&manager, "/api/agents", json!({"email": "ravi@example.com", "name": "Ravi", "password": "short", "role": "agent"}))
        .await;
    let (status, _, message) = error_code(weak).await;
    assert_eq!(status, 422);
    assert!(message.starts_with("password:"), "{message}");

    let disable = app
        .http
        .patch(app.url(&format!("/api/agents/{id}")))
        .header(COOKIE, &manager.cookie)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disable.status(), 200);
    assert_eq!(
        app.get(&asha, "/api/me").await.status(),
        401,
        "sessions end when disabled"
    );
    let refused = app
        .login("asha@example.com", "agent-password")
        .await
        .err()
        .unwrap();
    assert_eq!(refused.status(), 403);

    let reset = app
        .http
        .patch(app.url(&format!("/api/agents/{id}")))
        .header(COOKIE, &manager.cookie)
        .json(&json!({"disabled": false, "password": "new-password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 200);
    assert!(app.login("asha@example.com", "new-password").await.is_ok());
    assert!(
        app.login("asha@example.com", "agent-password")
            .await
            .is_err(),
        "the old password no longer works"
    );

    let nobody = app
        .http
        .patch(app.url("/api/agents/999999"))
        .header(COOKIE, &manager.cookie)
        .json(&json!({"password": "another-password"}))
        .send()
        .await
        .unwrap();
    let (status, _, message) = error_code(nobody).await;
    assert_eq!(status, 404);
    assert!(message.contains("999999"), "{message}");
}

#[tokio::test]
async fn malformed_requests_get_json_errors_that_say_what_is_wrong() {
    let app = TestApp::start().await;
    let not_json = app
        .http
        .post(app.url("/api/auth/login"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(not_json).await;
    assert_eq!((status.as_u16(), code.as_str()), (400, "invalid_json"));
    assert!(!message.is_empty());
    let missing_field = app
        .http
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": "a@b.io"}))
        .send()
        .await
        .unwrap();
    let (status, code, message) = error_code(missing_field).await;
    assert_eq!((status.as_u16(), code.as_str()), (422, "invalid_body"));
    assert!(message.contains("password"), "{message}");
    let manager = app.manager().await;
    let (status, code, _) = error_code(app.get(&manager, "/api/users?limit=many").await).await;
    assert_eq!((status.as_u16(), code.as_str()), (400, "invalid_query"));
}

#[tokio::test]
async fn people_change_their_own_password_only_by_giving_the_current_one() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let asha_elsewhere = app
        .login("asha@example.com", "agent-password")
        .await
        .unwrap();
    let change = |session: &support::Session, body: serde_json::Value| {
        let request = app
            .http
            .put(app.url("/api/me/password"))
            .header(COOKIE, &session.cookie)
            .json(&body);
        async move { request.send().await.unwrap() }
    };

    // A session left open is not enough: the current password is asked for.
    let (status, code, message) = error_code(
        change(
            &asha,
            json!({"current_password": "a guess", "new_password": "asha-new-password"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status.as_u16(), code.as_str()),
        (422, "wrong_current_password")
    );
    assert!(message.starts_with("current_password:"), "{message}");
    assert!(app
        .login("asha@example.com", "agent-password")
        .await
        .is_ok());

    let changed = change(
        &asha,
        json!({"current_password": "agent-password", "new_password": "asha-new-password"}),
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        app.get(&asha, "/api/me").await.status(),
        200,
        "this session stays"
    );
    assert_eq!(
        app.get(&asha_elsewhere, "/api/me").await.status(),
        401,
        "the other sessions end"
    );
    assert!(app
        .login("asha@example.com", "agent-password")
        .await
        .is_err());
    assert!(app
        .login("asha@example.com", "asha-new-password")
        .await
        .is_ok());

    // Nor can a manager set their own password as if it were someone else's.
    let id = manager.agent.id.0;
    let (status, code, message) = error_code(
        app.http
            .patch(app.url(&format!("/api/agents/{id}")))
            .header(COOKIE, &manager.cookie)
            .json(&json!({"password": "taken-over-password"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status.as_u16(), code.as_str()), (409, "own_password"));
    assert!(message.contains("current one"), "{message}");
    assert!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.is_ok());
}

#[tokio::test]
async fn guesses_of_the_current_password_are_throttled_like_sign_ins() {
    let app = TestApp::start().await;
    let asha = app.agent("Asha").await;
    let mut statuses = Vec::new();
    for n in 0..8 {
        let response = app
            .http
            .put(app.url("/api/me/password"))
            .header(COOKIE, &asha.cookie)
            .json(&json!({"current_password": format!("guess {n}"), "new_password": "asha-new-password"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [422, 429].contains(s)),
        "{statuses:?}"
    );
}
