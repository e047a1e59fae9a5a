//! The managers' audit view: what people did to chats and to the setup,
//! newest first, filtered by person, kind of change and time, page by page.

mod support;

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{json, Value};
use support::payloads::text;
use support::{error_code, TestApp};

const PRIYA: &str = "919876543210";

fn entries(page: &Value) -> Vec<(String, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["action"].as_str().unwrap().to_owned(),
                entry["agent"]["name"].as_str().unwrap_or("").to_owned(),
                entry["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_change_people_make_is_listed_with_who_and_when_and_can_be_filtered() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let boss = manager.agent.name.clone();
    let asha = app.agent("Asha").await;
    let ravi = app.agent("Ravi").await;

    // Asha and Ravi were added by the manager (the last two entries).
    // Chats: Asha takes Priya's, passes it to Ravi, who resolves it.
    app.webhook_ok(&text(PRIYA, "wamid.1", app.now_s(), "agent"))
        .await;
    assert_eq!(
        app.act(&asha, PRIYA, "intervene").await.status(),
        StatusCode::OK
    );
    let passed = app
        .post(
            &asha,
            &format!("/api/users/{PRIYA}/transfer"),
            json!({"agent_id": ravi.agent.id}),
        )
        .await;
    assert_eq!(passed.status(), StatusCode::OK);
    assert_eq!(
        app.act(&ravi, PRIYA, "resolve").await.status(),
        StatusCode::OK
    );

    // The setup, an hour later: the bot, a template, a tag rule, a team
    // member, an API token made and revoked, the survey.
    app.advance_hours(1);
    let later = app.clock.now_ms();
    let bot = app.get_json(&manager, "/api/bot").await;
    assert_eq!(
        app.put(&manager, "/api/bot", bot["config"].clone())
            .await
            .status(),
        StatusCode::OK
    );
    app.approved_template(
        &manager,
        json!({"name": "order_update", "language": "en", "category": "utility", "body": "Your order is ready."}),
    )
    .await;
    let rule = app
        .post(
            &manager,
            "/api/tag-rules",
            json!({"kind": "prefix", "pattern": "I saw your ad", "tag": "ad", "priority": 1}),
        )
        .await;
    assert_eq!(rule.status(), StatusCode::CREATED);
    let disabled = app
        .http
        .patch(app.url(&format!("/api/agents/{}", asha.agent.id)))
        .header(reqwest::header::COOKIE, &manager.cookie)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), StatusCode::OK);
    let token: Value = app
        .post(&manager, "/api/tokens", json!({"name": "Shop orders"}))
        .await
        .json()
        .await
        .unwrap();
    let revoked = app
        .delete(&manager, &format!("/api/tokens/{}", token["token"]["id"]))
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let survey = app
        .put(
            &manager,
            "/api/csat",
            json!({"enabled": true, "scale": "thumbs", "question": "Happy?", "thanks": "Thanks!"}),
        )
        .await;
    assert_eq!(survey.status(), StatusCode::OK);

    let all = app.get_json(&manager, "/api/audit").await;
    let listed = entries(&all);
    let kinds: Vec<&str> = listed
        .iter()
        .map(|(action, _, _)| action.as_str())
        .collect();
    // Newest first; the template was created, then approved.
    assert_eq!(
        kinds,
        [
            "settings",
            "api_token",
            "api_token",
            "agent",
            "tag_rule",
            "template",
            "template",
            "bot",
            "resolve",
            "transfer",
            "intervene",
            "agent",
            "agent"
        ]
    );
    assert_eq!(listed[3], ("agent".into(), boss.clone(), "Asha".into()));
    assert_eq!(all["items"][3]["detail"], "Disabled");
    assert_eq!(listed[8], ("resolve".into(), "Ravi".into(), PRIYA.into()));
    assert_eq!(
        all["items"][8]["customer"], "Priya Sharma",
        "a chat says whose"
    );
    assert!(all["items"][0].get("customer").is_none());
    assert_eq!(listed[9], ("transfer".into(), "Asha".into(), PRIYA.into()));
    assert!(all["items"][9]["detail"]
        .as_str()
        .unwrap()
        .contains("Transferred to Ravi"));
    assert_eq!(listed[5].2, "order_update (en)");
    assert_eq!(all["items"][5]["detail"], "Marked approved");
    assert_eq!(all["items"][6]["detail"], "Created");
    assert_eq!(
        all["items"][4]["detail"],
        "Created: prefix \"I saw your ad\" → tag ad"
    );
    assert_eq!(all["items"][1]["detail"], "Revoked");
    assert_eq!(all["items"][2]["detail"], "Created");
    assert_eq!(all["items"][2]["subject"], "Shop orders");
    assert_eq!(all["items"][0]["subject"], "Satisfaction survey");

    // Filtered: by person, by kind, by time.
    let hers = app
        .get_json(&manager, &format!("/api/audit?agent_id={}", asha.agent.id))
        .await;
    assert_eq!(
        entries(&hers)
            .iter()
            .map(|e| e.0.as_str())
            .collect::<Vec<_>>(),
        ["transfer", "intervene"]
    );
    let templates = app.get_json(&manager, "/api/audit?action=template").await;
    assert_eq!(entries(&templates).len(), 2);
    let since = handover_server::platform::time::rfc3339(later);
    let setup = app
        .get_json(&manager, &format!("/api/audit?from={since}"))
        .await;
    assert_eq!(entries(&setup).len(), 8, "everything but the chat");
    let before = app
        .get_json(&manager, &format!("/api/audit?to={since}"))
        .await;
    assert_eq!(entries(&before).len(), 5, "the team made and the chat");

    // Page by page: every entry once.
    let mut seen = HashSet::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(&manager, &format!("/api/audit?limit=4&cursor={cursor}"))
            .await;
        for entry in page["items"].as_array().unwrap() {
            assert!(
                seen.insert(entry["id"].as_i64().unwrap()),
                "shown twice: {entry}"
            );
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen.len(), 13);
}

#[tokio::test]
async fn the_audit_view_is_for_managers_and_refuses_filters_it_cannot_read() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    assert_eq!(
        app.get(&asha, "/api/audit").await.status(),
        StatusCode::FORBIDDEN
    );
    for (query, says) in [
        ("action=escalate", "action:"),
        ("from=yesterday", "from:"),
        ("cursor=abc", "cursor:"),
    ] {
        let (status, _, message) =
            error_code(app.get(&manager, &format!("/api/audit?{query}")).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(message.contains(says), "{query}: {message}");
    }
}
