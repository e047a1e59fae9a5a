//! The managers' reports over a scripted day, every figure checked against
//! numbers counted by hand from the script.

mod support;

use handover_core::reports::{ReportDay, ReportSummary};
use handover_server::app::timers;
use handover_server::platform::db::Db;
use reqwest::StatusCode;
use serde_json::json;
use support::payloads::{inbound, text};
use support::{error_code, Session, TestApp};

const BOT_ONLY: &str = "919800000001";
const ROSES: &str = "919800000002";
const REFUND: &str = "919800000003";
const MISSED: &str = "919800000004";
const PASSED_ON: &str = "919800000005";

/// 2026-11-25 in UTC, the scripted day.
const DAY: &str = "from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z";
/// 2026-11-25T00:00:00Z in ms.
const MIDNIGHT: i64 = 1_795_564_800_000;

/// Sets the clock to `hh:mm:ss` on the scripted day (negative hours: the
/// day before).
fn at(app: &TestApp, hours: i64, minutes: i64, seconds: i64) {
    app.clock
        .set(MIDNIGHT + ((hours * 60 + minutes) * 60 + seconds) * 1000);
}

async fn writes(app: &TestApp, customer: &str, wamid: &str, words: &str) {
    app.webhook_ok(&text(customer, wamid, app.now_s(), words))
        .await;
}

async fn says(app: &TestApp, agent: &Session, customer: &str, words: &str) {
    let sent = app
        .post(
            agent,
            &format!("/api/users/{customer}/messages"),
            json!({"text": words}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
}

async fn acts(app: &TestApp, agent: &Session, customer: &str, action: &str) {
    let response = app.act(agent, customer, action).await;
    assert_eq!(response.status(), StatusCode::OK, "{action} {customer}");
}

/// The satisfaction survey last sent to `customer`: its answer ids, 5 first.
async fn survey_ids(app: &TestApp, customer: &str) -> Vec<String> {
    app.settle_outbound().await;
    let payloads: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM sandbox_outbox ORDER BY id DESC")
            .fetch_all(&app.db)
            .await
            .unwrap();
    let question: serde_json::Value = payloads
        .iter()
        .map(|(payload,)| serde_json::from_str::<serde_json::Value>(payload).unwrap())
        .find(|payload| payload["to"] == customer && payload["interactive"]["type"] == "list")
        .expect("a survey was sent");
    question["interactive"]["action"]["sections"][0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The customer taps one of a survey's answers.
async fn rates(app: &TestApp, customer: &str, wamid: &str, answer: &str) {
    let tap = json!({"type": "interactive", "interactive": {"type": "list_reply",
                     "list_reply": {"id": answer, "title": "rating"}}});
    app.webhook_ok(&inbound(customer, "Customer", wamid, app.now_s(), tap))
        .await;
}

async fn report(app: &TestApp, manager: &Session, range: &str) -> ReportSummary {
    let response = app
        .get(manager, &format!("/api/reports/summary?{range}"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_scripted_day_adds_up_to_the_figures_counted_by_hand() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let ravi = app.agent("Ravi").await;
    let survey = app
        .put(
            &manager,
            "/api/csat",
            json!({"enabled": true, "scale": "one_to_five", "question": "How did we do?", "thanks": "Thanks!"}),
        )
        .await;
    assert_eq!(survey.status(), StatusCode::OK);

    // The evening before: a customer asks for a person; nobody comes.
    at(&app, -4, 0, 0);
    writes(&app, MISSED, "wamid.m1", "agent").await;

    // 10:00 a customer the bot handles alone; two ask for a person.
    at(&app, 10, 0, 0);
    writes(&app, BOT_ONLY, "wamid.b1", "Hello").await;
    writes(&app, ROSES, "wamid.r1", "agent").await;
    at(&app, 10, 5, 0);
    writes(&app, REFUND, "wamid.f1", "human please").await;
    // Asha takes the roses after 2 minutes, answers a minute later,
    // resolves at 10:10.
    at(&app, 10, 2, 0);
    acts(&app, &asha, ROSES, "intervene").await;
    at(&app, 10, 3, 0);
    says(&app, &asha, ROSES, "Red or white?").await;
    at(&app, 10, 10, 0);
    // Ravi takes the refund after 5 minutes, answers 30 s later, twice.
    acts(&app, &ravi, REFUND, "intervene").await;
    acts(&app, &asha, ROSES, "resolve").await;
    at(&app, 10, 10, 30);
    says(&app, &ravi, REFUND, "Your refund is on its way.").await;
    at(&app, 10, 11, 0);
    says(&app, &ravi, REFUND, "Anything else?").await;
    // The roses customer rates Asha 5 of 5.
    at(&app, 10, 12, 0);
    let roses_survey = survey_ids(&app, ROSES).await;
    rates(&app, ROSES, "wamid.r2", &roses_survey[0]).await;
    at(&app, 10, 20, 0);
    acts(&app, &ravi, REFUND, "resolve").await;
    // The refund customer rates Ravi 2, then taps 5: the first answer stands.
    at(&app, 10, 25, 0);
    let refund_survey = survey_ids(&app, REFUND).await;
    rates(&app, REFUND, "wamid.f2", &refund_survey[3]).await;
    rates(&app, REFUND, "wamid.f3", &refund_survey[0]).await;

    // 10:30 a customer asks; Asha takes it at 10:40, leaves a note, answers
    // at 10:45 and passes it back at 10:50; Ravi takes it at 11:00 and
    // resolves it at 11:05 without writing.
    at(&app, 10, 30, 0);
    writes(&app, PASSED_ON, "wamid.p1", "agent").await;
    at(&app, 10, 40, 0);
    acts(&app, &asha, PASSED_ON, "intervene").await;
    at(&app, 10, 42, 0);
    let note = app
        .post(
            &asha,
            &format!("/api/users/{PASSED_ON}/notes"),
            json!({"text": "@Ravi knows this order"}),
        )
        .await;
    assert_eq!(note.status(), StatusCode::CREATED);
    at(&app, 10, 45, 0);
    says(&app, &asha, PASSED_ON, "Let me find a colleague.").await;
    at(&app, 10, 50, 0);
    acts(&app, &asha, PASSED_ON, "release").await;
    at(&app, 11, 0, 0);
    acts(&app, &ravi, PASSED_ON, "intervene").await;
    at(&app, 11, 5, 0);
    acts(&app, &ravi, PASSED_ON, "resolve").await;

    // 20:00:01 the evening-before request's window has closed.
    at(&app, 20, 0, 1);
    let swept = timers::sweep(
        &Db::new(app.db.clone()),
        app.clock.now_ms(),
        1000 * 3_600_000,
    )
    .await
    .unwrap();
    assert_eq!(swept.missed, 1);

    let day = report(&app, &manager, DAY).await;
    assert_eq!(day.from, "2026-11-25T00:00:00Z");
    assert_eq!(day.to, "2026-11-26T00:00:00Z");
    // Wrote today: the bot's, the roses, the refund, the passed-on (not
    // the missed one, who wrote the evening before).
    assert_eq!(day.customers, 4);
    // Into Requesting: roses, refund, passed-on, and its release.
    assert_eq!(day.escalations, 4);
    // One of four never asked for a person.
    assert_eq!(day.contained_pct, Some(25.0));
    assert_eq!(day.missed_requests, 1);
    assert_eq!(day.resolved, 3);
    assert_eq!(day.auto_resolved, 0);
    // Waits 120, 300, 600 and 600 s (the release started a new wait).
    assert_eq!(day.median_wait_s, Some(450.0));
    assert_eq!(day.p90_wait_s, Some(600.0));
    // First responses: Asha 60 and 300 (the note is not an answer), Ravi 30.
    assert_eq!(day.median_first_response_s, Some(60.0));
    // Entering Requesting → resolved: 600, 900, 900 (from the release).
    assert_eq!(day.median_resolution_s, Some(900.0));
    // Waits of 2, 5, 10 and 10 minutes.
    let bands: Vec<(&str, u64)> = day
        .wait_distribution
        .iter()
        .map(|band| (band.label.as_str(), band.chats))
        .collect();
    assert_eq!(
        bands,
        [
            ("Under 1 min", 0),
            ("1–5 min", 1),
            ("5–15 min", 3),
            ("15–60 min", 0),
            ("1–4 h", 0),
            ("4 h or more", 0)
        ]
    );
    // Three resolves asked; two answered (5 and 2); one of two satisfied.
    assert_eq!((day.csat_asked, day.csat_answers), (3, 2));
    assert_eq!(day.csat_satisfied_pct, Some(50.0));

    let row = |name: &str| {
        day.agents
            .iter()
            .find(|agent| agent.name == name)
            .unwrap_or_else(|| panic!("{name} in {:?}", day.agents))
            .clone()
    };
    let (asha_row, ravi_row) = (row("Asha"), row("Ravi"));
    assert_eq!(
        (asha_row.intervened, asha_row.resolved, asha_row.messages),
        (2, 1, 2)
    );
    assert_eq!(asha_row.median_first_response_s, Some(180.0));
    assert_eq!(
        (asha_row.csat_answers, asha_row.csat_satisfied_pct),
        (1, Some(100.0))
    );
    assert_eq!(
        (ravi_row.csat_answers, ravi_row.csat_satisfied_pct),
        (1, Some(0.0))
    );
    assert_eq!(
        (ravi_row.intervened, ravi_row.resolved, ravi_row.messages),
        (2, 2, 2)
    );
    assert_eq!(ravi_row.median_first_response_s, Some(30.0));
    let meera = row(&manager.agent.name);
    assert_eq!(
        (meera.intervened, meera.resolved, meera.messages),
        (0, 0, 0)
    );
    assert_eq!(meera.median_first_response_s, None);

    // The evening before: the missed customer wrote and asked, and that is
    // all; nobody was waited on or answered.
    let before = report(
        &app,
        &manager,
        "from=2026-11-24T00:00:00Z&to=2026-11-25T00:00:00Z",
    )
    .await;
    assert_eq!(
        (before.customers, before.escalations, before.missed_requests),
        (1, 1, 0)
    );
    assert_eq!(before.contained_pct, Some(0.0));
    assert_eq!(before.median_wait_s, None);

    // The same day seen from India (UTC+05:30) runs from 18:30 UTC the day
    // before: the missed customer's 20:00 request is in it, and its
    // window's end (20:00 UTC, 01:30 the next day there) is not.
    let india = report(
        &app,
        &manager,
        "from=2026-11-25T00:00:00%2B05:30&to=2026-11-26T00:00:00%2B05:30",
    )
    .await;
    assert_eq!(india.customers, 5);
    assert_eq!(india.escalations, 5);
    assert_eq!(india.missed_requests, 0);

    // Day by day, and the same as a file a spreadsheet opens.
    let two_days = "from=2026-11-24T00:00:00Z&to=2026-11-26T00:00:00Z";
    let days: Vec<ReportDay> = app
        .get_json(&manager, &format!("/api/reports/daily?{two_days}"))
        .await
        .as_array()
        .unwrap()
        .iter()
        .map(|day| serde_json::from_value(day.clone()).unwrap())
        .collect();
    let day = |day: &str, customers, escalations, missed_requests, resolved| ReportDay {
        day: day.into(),
        customers,
        escalations,
        missed_requests,
        resolved,
    };
    assert_eq!(
        days,
        vec![day("2026-11-24", 1, 1, 0, 0), day("2026-11-25", 4, 4, 1, 3)]
    );
    let file = app
        .get(&manager, &format!("/api/reports/daily.csv?{two_days}"))
        .await;
    assert_eq!(file.status(), StatusCode::OK);
    assert!(file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("handover-daily.csv"));
    assert_eq!(
        file.text().await.unwrap(),
        "day,customers,escalations,missed_requests,resolved\r\n\
         2026-11-24,1,1,0,0\r\n\
         2026-11-25,4,4,1,3\r\n"
    );
    // India's 25 November is named so, and holds the evening before's
    // customer (18:30 UTC onwards).
    let india_days: serde_json::Value = app
        .get_json(
            &manager,
            "/api/reports/daily?from=2026-11-25T00:00:00%2B05:30&to=2026-11-26T00:00:00%2B05:30",
        )
        .await;
    assert_eq!(india_days[0]["day"], "2026-11-25");
    assert_eq!(india_days[0]["customers"], 5);
    assert_eq!(india_days.as_array().unwrap().len(), 1);

    // Broken down. Why chats entered Requesting: three asked for a person
    // (waits 2, 5 and 10 min), one was released by Asha (10 min).
    let by = |what: &str| format!("/api/reports/breakdown?by={what}&{DAY}");
    let intents = app.get_json(&manager, &by("intent")).await;
    assert_eq!(
        intents,
        json!([
            {"key": "Asked for a person", "customers": null, "contained_pct": null, "escalations": 3,
             "missed_requests": 0, "median_wait_s": 300.0, "resolved": null},
            {"key": "Released by an agent", "customers": null, "contained_pct": null, "escalations": 1,
             "missed_requests": 0, "median_wait_s": 600.0, "resolved": null}
        ])
    );
    // Nobody has a first-message tag: one row for all four customers.
    let tags = app.get_json(&manager, &by("tag")).await;
    assert_eq!(
        tags,
        json!([{"key": "(no tag)", "customers": 4, "contained_pct": 25.0, "escalations": 4,
                "missed_requests": 0, "median_wait_s": 450.0, "resolved": 3}])
    );
    // Labels as the chats carry them now; a chat with two counts under each.
    for (customer, labels) in [
        (ROSES, json!(["vip"])),
        (PASSED_ON, json!(["refund", "vip"])),
    ] {
        let labelled = app
            .put(&manager, &format!("/api/users/{customer}/labels"), labels)
            .await;
        assert_eq!(labelled.status(), StatusCode::OK);
    }
    let labels = app.get_json(&manager, &by("label")).await;
    let row = |key: &str, customers, contained: f64, escalations, wait: f64, resolved| {
        json!({"key": key, "customers": customers, "contained_pct": contained,
               "escalations": escalations, "missed_requests": 0, "median_wait_s": wait,
               "resolved": resolved})
    };
    assert_eq!(
        labels,
        json!([
            row("vip", 2, 0.0, 3, 600.0, 2),
            row("refund", 1, 0.0, 2, 600.0, 1),
            row("(no label)", 2, 50.0, 1, 300.0, 1)
        ])
    );
    let sources = app.get_json(&manager, &by("source")).await;
    assert_eq!(sources, json!([row("Organic", 4, 25.0, 4, 450.0, 3)]));
    let reasons = app.get_json(&manager, &by("closing_reason")).await;
    assert_eq!(reasons[0]["key"], "(no reason)");
    assert_eq!(reasons[0]["resolved"], 3);
    assert!(reasons[0]["escalations"].is_null());
    // Every hour of the day is a row; all of it happened between 10 and 11
    // UTC: in India the requests of 10:00 and 10:05 fall at 15:30 and 15:35,
    // those of 10:30 and 10:50 at 16:00 and 16:20.
    let hours = app.get_json(&manager, &by("hour")).await;
    assert_eq!(hours.as_array().unwrap().len(), 24);
    assert_eq!(
        (
            hours[10]["customers"].clone(),
            hours[10]["escalations"].clone()
        ),
        (json!(4), json!(4))
    );
    let india_hours = app
        .get_json(
            &manager,
            "/api/reports/breakdown?by=hour&from=2026-11-25T00:00:00%2B05:30&to=2026-11-26T00:00:00%2B05:30",
        )
        .await;
    assert_eq!(india_hours[15]["escalations"], 2);
    assert_eq!(india_hours[16]["escalations"], 2);
    assert_eq!(
        india_hours[1]["escalations"], 1,
        "the evening before's request, 01:30 there"
    );
    // The heatmap: 25 November 2026 was a Wednesday.
    let week = app.get_json(&manager, &by("weekday_hour")).await;
    assert_eq!(week.as_array().unwrap().len(), 168);
    assert_eq!(week[2 * 24 + 10]["key"], "Wed 10");
    assert_eq!(week[2 * 24 + 10]["escalations"], 4);
    let busy: u64 = week
        .as_array()
        .unwrap()
        .iter()
        .map(|cell| cell["escalations"].as_u64().unwrap())
        .sum();
    assert_eq!(busy, 4);
    // Each as a file, with only the columns it counts.
    let file = app
        .get(
            &manager,
            &format!("/api/reports/breakdown.csv?by=intent&{DAY}"),
        )
        .await;
    assert!(file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("handover-by-intent.csv"));
    assert_eq!(
        file.text().await.unwrap(),
        "intent,escalations,missed_requests,median_wait_s\r\n\
         Asked for a person,3,0,300\r\n\
         Released by an agent,1,0,600\r\n"
    );
    let (status, code, _) = error_code(app.get(&manager, &by("planet")).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_breakdown")
    );
}

#[tokio::test]
async fn a_report_of_a_quiet_range_has_nothing_to_take_medians_of() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let quiet = report(&app, &manager, DAY).await;
    assert_eq!(
        (quiet.customers, quiet.escalations, quiet.resolved),
        (0, 0, 0)
    );
    assert_eq!(quiet.contained_pct, None);
    assert_eq!(quiet.median_wait_s, None);
    assert_eq!(quiet.p90_wait_s, None);
}

#[tokio::test]
async fn reports_are_for_managers_and_ranges_must_make_sense() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let asha = app.agent("Asha").await;
    let forbidden = app.get(&asha, &format!("/api/reports/summary?{DAY}")).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    for (range, says) in [
        ("", "from:"),
        ("from=2026-11-25&to=2026-11-26", "RFC 3339"),
        (
            "from=2026-11-26T00:00:00Z&to=2026-11-25T00:00:00Z",
            "after from",
        ),
        (
            "from=2024-01-01T00:00:00Z&to=2026-01-01T00:00:00Z",
            "366 days",
        ),
        (
            "from=2026-11-25T00:07:00Z&to=2026-11-26T00:00:00Z",
            "quarter hours",
        ),
    ] {
        let (status, code, message) = error_code(
            app.get(&manager, &format!("/api/reports/summary?{range}"))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{range}");
        assert_eq!(code, "invalid_range");
        assert!(message.contains(says), "{range}: {message}");
    }
}

#[tokio::test]
async fn a_customer_counts_once_in_any_range_whatever_order_their_messages_arrive_in() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    at(&app, 13, 0, 0);
    let sent = |hours: i64, minutes: i64| (MIDNIGHT + (hours * 60 + minutes) * 60_000) / 1000;
    // Written at 10:00, 12:00, 11:00 (delivered late), 09:05 (later still),
    // and twice more in the quarter hour of 12:00.
    for (n, (hours, minutes)) in [(10, 0), (12, 0), (11, 0), (9, 5), (12, 5), (12, 14)]
        .into_iter()
        .enumerate()
    {
        let wamid = format!("wamid.late.{n}");
        app.webhook_ok(&text(ROSES, &wamid, sent(hours, minutes), "hello"))
            .await;
    }
    // Another customer writes at 11:10 only.
    app.webhook_ok(&text(REFUND, "wamid.other", sent(11, 10), "hi"))
        .await;
    for (from, to, customers) in [
        ("00:00", "23:45", 2),
        ("09:00", "09:15", 1),
        ("09:15", "10:00", 0),
        ("10:15", "11:00", 0),
        ("11:00", "11:15", 2),
        ("10:00", "12:15", 2),
        ("12:00", "12:15", 1),
        ("12:15", "13:00", 0),
        // Ranges over a late message and the one written after it.
        ("11:00", "12:15", 2),
        ("09:00", "10:15", 1),
    ] {
        let range = format!("from=2026-11-25T{from}:00Z&to=2026-11-25T{to}:00Z");
        let summary = report(&app, &manager, &range).await;
        assert_eq!(summary.customers, customers, "{from}–{to}");
    }
    // By hour: 09, 10, 11 (both) and 12.
    let hours = app
        .get_json(&manager, &format!("/api/reports/breakdown?by=hour&{DAY}"))
        .await;
    let customers: Vec<i64> = (8..=13)
        .map(|hour| hours[hour]["customers"].as_i64().unwrap())
        .collect();
    assert_eq!(customers, [0, 1, 1, 2, 1, 0]);
}

/// The rollups' rows with any count, in order, each key's rows summed
/// (writers on Postgres add to rows of their own connection's): what
/// `rebuild` must give back exactly.
async fn rollup_rows(app: &TestApp) -> Vec<String> {
    let mut rows = Vec::new();
    for sql in [
        "SELECT bucket || ' ' || figure || ' ' || agent_id || ' ' || reason || ' ' || SUM(n)
         FROM report_counts GROUP BY bucket, figure, agent_id, reason HAVING SUM(n) <> 0
         ORDER BY bucket, figure, agent_id, reason",
        "SELECT day || ' ' || figure || ' ' || agent_id || ' ' || reason || ' ' || seconds || ' ' || SUM(n)
         FROM report_durations GROUP BY day, figure, agent_id, reason, seconds HAVING SUM(n) <> 0
         ORDER BY day, figure, agent_id, reason, seconds",
        "SELECT chain || ' ' || bucket || ' ' || gap || ' ' || SUM(n)
         FROM customer_counts_quarterly GROUP BY chain, bucket, gap HAVING SUM(n) <> 0
         ORDER BY chain, bucket, gap",
        "SELECT chain || ' ' || day || ' ' || prev_day || ' ' || SUM(n)
         FROM customer_counts_daily GROUP BY chain, day, prev_day HAVING SUM(n) <> 0
         ORDER BY chain, day, prev_day",
        "SELECT wa_id || ' ' || bucket || ' ' || COALESCE(prev_bucket, -1)
         FROM customer_escalations ORDER BY wa_id, bucket",
        "SELECT trait || ' ' || value || ' ' || day || ' ' || figure || ' ' || SUM(n)
         FROM trait_counts GROUP BY trait, value, day, figure HAVING SUM(n) <> 0
         ORDER BY trait, value, day, figure",
        "SELECT trait || ' ' || value || ' ' || day || ' ' || figure || ' ' || seconds || ' ' || SUM(n)
         FROM trait_durations GROUP BY trait, value, day, figure, seconds HAVING SUM(n) <> 0
         ORDER BY trait, value, day, figure, seconds",
        "SELECT trait || ' ' || value || ' ' || chain || ' ' || day || ' ' || prev_day || ' ' || SUM(n)
         FROM trait_customers_daily GROUP BY trait, value, chain, day, prev_day HAVING SUM(n) <> 0
         ORDER BY trait, value, chain, day, prev_day",
    ] {
        let table: Vec<String> = sqlx::query_scalar(sql).fetch_all(&app.db).await.unwrap();
        rows.extend(table);
    }
    rows
}

#[tokio::test]
async fn customers_count_once_over_days_and_the_rollups_rebuild_the_same() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    at(&app, 23, 50, 0);
    let rule = app
        .post(
            &manager,
            "/api/tag-rules",
            json!({"kind": "prefix", "pattern": "refund please", "tag": "Refunds", "priority": 1}),
        )
        .await;
    assert_eq!(rule.status(), StatusCode::CREATED);
    // Three customers write over four days (22–25 November), delivered out
    // of order: (customer, day, hour, minute). The second's first message
    // delivered gets them a tag.
    let customers = [ROSES, REFUND, MISSED];
    let writes = [
        (0, 22, 10, 0),
        (0, 25, 10, 0),
        (1, 24, 23, 50),
        (0, 23, 10, 5),
        (2, 22, 18, 40),
        (1, 22, 0, 10),
        (0, 23, 10, 0),
        (2, 25, 0, 20),
        (1, 25, 9, 0),
        (0, 22, 23, 59),
        (2, 23, 18, 29),
        (1, 23, 5, 45),
    ];
    let ms = |day: i64, hours: i64, minutes: i64| {
        MIDNIGHT + (day - 25) * 86_400_000 + (hours * 60 + minutes) * 60_000
    };
    for (n, (customer, day, hours, minutes)) in writes.into_iter().enumerate() {
        let wamid = format!("wamid.days.{n}");
        let sent = ms(day, hours, minutes) / 1000;
        let words = if n == 2 { "refund please" } else { "hello" };
        app.webhook_ok(&text(customers[customer], &wamid, sent, words))
            .await;
    }
    // The first is given a label afterwards: their history moves with it.
    let labelled = app
        .put(
            &manager,
            &format!("/api/users/{ROSES}/labels"),
            json!(["vip"]),
        )
        .await;
    assert_eq!(labelled.status(), StatusCode::OK);
    let wrote_in = |from: i64, to: i64| {
        let mut who: Vec<usize> = writes
            .iter()
            .filter(|(_, day, hours, minutes)| (from..to).contains(&ms(*day, *hours, *minutes)))
            .map(|(customer, ..)| *customer)
            .collect();
        who.sort_unstable();
        who.dedup();
        who.len() as u64
    };
    let iso = |at: i64| {
        let seconds = at / 1000 - MIDNIGHT / 1000;
        let (day, rest) = (25 + seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
        format!(
            "2026-11-{day:02}T{:02}:{:02}:00Z",
            rest / 3600,
            rest % 3600 / 60
        )
    };
    // Whole UTC days, days in India, partial days at either end, a quarter.
    let ranges = [
        (ms(22, 0, 0), ms(26, 0, 0)),
        (ms(22, 18, 30), ms(25, 18, 30)),
        (ms(23, 10, 0), ms(25, 9, 0)),
        (ms(22, 10, 15), ms(24, 0, 0)),
        (ms(23, 0, 0), ms(25, 0, 0)),
        (ms(24, 0, 0), ms(25, 9, 15)),
        (ms(23, 10, 0), ms(23, 10, 15)),
        (ms(22, 23, 45), ms(23, 23, 45)),
        (ms(23, 11, 0), ms(24, 23, 45)),
    ];
    let mut reports = Vec::new();
    for (from, to) in ranges {
        let range = format!("from={}&to={}", iso(from), iso(to));
        let summary = report(&app, &manager, &range).await;
        assert_eq!(summary.customers, wrote_in(from, to), "{range}");
        reports.push(summary);
    }
    // Day by day in India: each day counts who wrote in it.
    let india: Vec<ReportDay> = serde_json::from_value(
        app.get_json(
            &manager,
            "/api/reports/daily?from=2026-11-22T00:00:00%2B05:30&to=2026-11-26T00:00:00%2B05:30",
        )
        .await,
    )
    .unwrap();
    let india_midnight = |day: i64| ms(day, 0, 0) - 19_800_000;
    let expected: Vec<u64> = (22..26)
        .map(|day| wrote_in(india_midnight(day), india_midnight(day + 1)))
        .collect();
    let counted: Vec<u64> = india.iter().map(|day| day.customers).collect();
    assert_eq!(counted, expected);
    // By tag and by label, as the customers have them now.
    let all_days = format!("from={}&to={}", iso(ranges[0].0), iso(ranges[0].1));
    let key_and_customers = |rows: serde_json::Value| -> Vec<(String, u64)> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["key"].as_str().unwrap().to_owned(),
                    row["customers"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let tags = app
        .get_json(
            &manager,
            &format!("/api/reports/breakdown?by=tag&{all_days}"),
        )
        .await;
    assert_eq!(
        key_and_customers(tags),
        [("(no tag)".to_owned(), 2), ("Refunds".to_owned(), 1)]
    );
    let some_days = format!("from={}&to={}", iso(ranges[3].0), iso(ranges[3].1));
    let labels = app
        .get_json(
            &manager,
            &format!("/api/reports/breakdown?by=label&{some_days}"),
        )
        .await;
    assert_eq!(
        key_and_customers(labels),
        [("(no label)".to_owned(), 2), ("vip".to_owned(), 1)]
    );

    // Filled afresh from the stored history, the rollups are what the
    // server kept as it went, and the reports read the same.
    let kept = rollup_rows(&app).await;
    assert!(!kept.is_empty());
    let mut tx = app.db.begin().await.unwrap();
    handover_server::store::rollups::rebuild(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rollup_rows(&app).await, kept);
    for ((from, to), before) in ranges.into_iter().zip(reports) {
        let range = format!("from={}&to={}", iso(from), iso(to));
        assert_eq!(report(&app, &manager, &range).await, before, "{range}");
    }

    // A database whose rollups a migration has just made (empty, and the
    // rebuild asked for) has them filled when the server next opens it.
    for table in [
        "report_counts",
        "report_durations",
        "customer_counts_quarterly",
        "customer_counts_daily",
        "customer_escalations",
        "trait_counts",
        "trait_durations",
        "trait_customers_daily",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&app.db)
            .await
            .unwrap();
    }
    sqlx::query("INSERT INTO settings (key, value) VALUES ('report_rollups', 'rebuild')")
        .execute(&app.db)
        .await
        .unwrap();
    let reopened = handover_server::platform::db::connect(&app.database_url)
        .await
        .unwrap();
    reopened.close().await;
    assert_eq!(rollup_rows(&app).await, kept);
}

/// The chain of quarter hours a customer wrote in, row by row.
async fn activity_rows(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT wa_id || ' ' || bucket || ' ' || COALESCE(prev_bucket, -1)
         FROM customer_activity ORDER BY wa_id, bucket",
    )
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn many_customers_in_one_delivery_count_as_they_would_one_by_one() {
    // (customer, day, hour, minute), in the order WhatsApp sends them: the
    // first alone, the rest in one delivery. In it, ROSES writes before
    // their first message (a late one), REFUND twice in one quarter hour,
    // MISSED in three quarter hours of three days out of order.
    let writes = [
        (ROSES, 25, 10, 0),
        (ROSES, 23, 10, 0),
        (REFUND, 22, 10, 0),
        (MISSED, 23, 18, 29),
        (REFUND, 22, 10, 5),
        (MISSED, 22, 18, 40),
        (MISSED, 24, 1, 0),
    ];
    let ms = |day: i64, hours: i64, minutes: i64| {
        MIDNIGHT + (day - 25) * 86_400_000 + (hours * 60 + minutes) * 60_000
    };
    let payloads: Vec<serde_json::Value> = writes
        .iter()
        .enumerate()
        .map(|(n, (customer, day, hours, minutes))| {
            let sent = ms(*day, *hours, *minutes) / 1000;
            text(customer, &format!("wamid.batch.{n}"), sent, "hello")
        })
        .collect();

    let one_by_one = TestApp::start().await;
    at(&one_by_one, 23, 50, 0);
    for payload in &payloads {
        one_by_one.webhook_ok(payload).await;
    }

    let together = TestApp::start().await;
    at(&together, 23, 50, 0);
    together.webhook_ok(&payloads[0]).await;
    let mut delivery = payloads[1].clone();
    let value = |payload: &mut serde_json::Value| -> serde_json::Value {
        payload["entry"][0]["changes"][0]["value"].take()
    };
    let mut all = value(&mut delivery);
    for payload in &payloads[2..] {
        let mut more = payload.clone();
        let more = value(&mut more);
        for list in ["messages", "contacts"] {
            let items = more[list].as_array().unwrap().clone();
            all[list].as_array_mut().unwrap().extend(items);
        }
    }
    delivery["entry"][0]["changes"][0]["value"] = all;
    together.webhook_ok(&delivery).await;

    let chain = activity_rows(&together).await;
    assert_eq!(chain.len(), 6, "{chain:?}");
    assert_eq!(chain, activity_rows(&one_by_one).await);
    let kept = rollup_rows(&together).await;
    assert_eq!(kept, rollup_rows(&one_by_one).await);
    let mut tx = together.db.begin().await.unwrap();
    handover_server::store::rollups::rebuild(&mut tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rollup_rows(&together).await, kept);
    let manager = together.manager().await;
    let summary = report(
        &together,
        &manager,
        "from=2026-11-22T00:00:00Z&to=2026-11-26T00:00:00Z",
    )
    .await;
    assert_eq!(summary.customers, 3);
}
