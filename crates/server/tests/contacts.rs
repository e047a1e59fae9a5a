//! Managers' contacts: CSV imports with a chosen Source (a messy real-world
//! file with its exact report, the same file twice, a dry run, 100,000 rows,
//! size limits, an import cut off by a stop), the users table's filters,
//! order and pages, and the CSV export.

mod support;

use std::time::Instant;

use handover_server::platform::config::Config;
use handover_server::startup::Application;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::payloads::{inbound, text};
use support::{error_code, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};

const QUERY: &str = "source=Diwali%20fair&country=IN";

/// A file as people send them: a byte-order mark, CRLF line ends, quoted
/// fields with commas and line breaks, a repeated number, bad and local
/// numbers, a blank row, and two customers who are already known. (Meera's
/// row spans lines 4 to 6, so the repeated number is on line 7.)
const MESSY: &str = "\u{feff}Name,Phone Number,City,Notes\r\n\
Asha Rao,+91 98200 12345,Pune,\r\n\
\"Kumar, Ravi\",098200 54321,Mumbai,\"likes roses, lilies\"\r\n\
\"Meera\r\nIyer\",9820011111,Chennai,\"multi\r\nline note\"\r\n\
Duplicate Asha,+919820012345,Delhi,\r\n\
Bad,12345,,\r\n\
No phone,,,\r\n\
Priya from the fair,919876543210,Jaipur,\r\n\
Nameless no more,+91 99999 88888,,\r\n\
,,,\r\n\
Sam Lee,+1 415 555 2671,San Francisco,\r\n";

const PRIYA: &str = "919876543210";

/// Priya wrote on WhatsApp before the import; another customer was
/// imported earlier without a name.
async fn known_customers(app: &TestApp) {
    app.webhook_ok(&text(PRIYA, "wamid.p1", app.now_s(), "hello"))
        .await;
    app.insert_user("919999988888", "active", 0).await;
}

/// Every stored user, as rows of text, to compare before and after.
async fn users_dump(app: &TestApp) -> Vec<String> {
    type Row = (
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        String,
        Option<String>,
        i64,
        i64,
        i64,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT wa_id, name, status, last_active_at, window_expires_at, source,
                first_message_tag, template_messages, session_messages, unresolved_queries, attributes
         FROM users ORDER BY wa_id",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    rows.into_iter().map(|row| format!("{row:?}")).collect()
}

fn counts(report: &Value) -> [u64; 5] {
    ["rows", "created", "updated", "unchanged", "skipped"]
        .map(|key| report[key].as_u64().unwrap_or(u64::MAX))
}

#[tokio::test]
async fn a_messy_file_is_imported_with_an_exact_report_and_known_customers_keep_their_source() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    known_customers(&app).await;
    let priya_before = app.profile(&manager, PRIYA).await;

    let report = app.import_csv(&manager, QUERY, MESSY).await;
    assert_eq!(report["state"], "done", "{report}");
    assert_eq!(report["dry_run"], false);
    assert_eq!(counts(&report), [9, 4, 2, 0, 3], "{report}");
    assert_eq!(report["processed_bytes"], report["total_bytes"]);
    let skipped: Vec<(u64, &str, &str)> = report["skipped_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap(),
                row["phone"].as_str().unwrap(),
                row["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3);
    assert_eq!(
        skipped[0],
        (7, "+919820012345", "the same number as line 2")
    );
    assert_eq!((skipped[1].0, skipped[1].1), (8, "12345"));
    assert!(skipped[1].2.contains("not a valid number"), "{skipped:?}");
    assert_eq!(skipped[2], (9, "", "no phone number"));

    // New customers: the chosen Source, Active, no window (History).
    let asha = app.profile(&manager, "919820012345").await;
    assert_eq!(
        (
            &asha["name"],
            &asha["source"],
            &asha["status"],
            &asha["window_open"]
        ),
        (
            &json!("Asha Rao"),
            &json!("Diwali fair"),
            &json!("active"),
            &json!(false)
        )
    );
    assert_eq!(asha["attributes"], json!({"City": "Pune"}));
    assert_eq!(asha["last_active_at"], Value::Null);
    let kumar = app.profile(&manager, "919820054321").await;
    assert_eq!(kumar["name"], "Kumar, Ravi");
    assert_eq!(kumar["attributes"]["Notes"], "likes roses, lilies");
    let meera = app.profile(&manager, "919820011111").await;
    assert_eq!(meera["name"], "Meera Iyer");
    assert_eq!(meera["attributes"]["Notes"], "multi\r\nline note");
    assert_eq!(
        app.profile(&manager, "14155552671").await["name"],
        "Sam Lee"
    );

    // Known customers keep their Source, name and counters.
    let priya = app.profile(&manager, PRIYA).await;
    for kept in [
        "name",
        "source",
        "status",
        "session_messages",
        "last_active_at",
        "window_expires_at",
    ] {
        assert_eq!(priya[kept], priya_before[kept], "{kept}");
    }
    assert_eq!(priya["attributes"], json!({"City": "Jaipur"}));
    let nameless = app.profile(&manager, "919999988888").await;
    assert_eq!(
        nameless["name"], "Nameless no more",
        "an empty name is filled"
    );
    assert_eq!(nameless["source"], "Organic");

    let sections = app.get_json(&manager, "/api/sections").await;
    assert_eq!(
        sections["history"], 5,
        "four new customers and the nameless one"
    );
    assert_eq!(sections["active"], 1, "Priya");
    let facets = app.get_json(&manager, "/api/users/facets").await;
    assert_eq!(facets["sources"], json!(["Organic", "API", "Diwali fair"]));

    // The downloadable report lists every skipped row.
    let csv = app
        .get(
            &manager,
            &format!("/api/imports/{}/report.csv", report["id"]),
        )
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "line,phone,reason");
    assert_eq!(lines[1], "7,'+919820012345,the same number as line 2");
    assert_eq!(lines.len(), 4);
}

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    known_customers(&app).await;
    app.import_csv(&manager, QUERY, MESSY).await;
    let after_first = users_dump(&app).await;
    let events_after_first: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events")
        .fetch_one(&app.db)
        .await
        .unwrap();

    let again = app.import_csv(&manager, QUERY, MESSY).await;
    assert_eq!(counts(&again), [9, 0, 0, 6, 3], "{again}");
    assert_eq!(users_dump(&app).await, after_first);
    let events: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM events")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        events, events_after_first,
        "nothing changed, nothing announced"
    );
}

#[tokio::test]
async fn a_dry_run_reports_what_the_import_would_do_and_writes_nothing() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    known_customers(&app).await;
    let before = users_dump(&app).await;

    let dry = app
        .import_csv(&manager, &format!("{QUERY}&dry_run=true"), MESSY)
        .await;
    assert_eq!(dry["dry_run"], true);
    assert_eq!(counts(&dry), [9, 4, 2, 0, 3], "{dry}");
    assert_eq!(users_dump(&app).await, before);
    let facets = app.get_json(&manager, "/api/users/facets").await;
    assert_eq!(
        facets["sources"],
        json!(["Organic", "API"]),
        "a dry run adds no source"
    );

    let real = app.import_csv(&manager, QUERY, MESSY).await;
    assert_eq!(counts(&real), counts(&dry));
}

#[tokio::test]
async fn a_hundred_thousand_rows_are_imported_in_seconds() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let mut file = String::from("name,mobile\n");
    for n in 0..100_000 {
        file.push_str(&format!("Customer {n},98{n:08}\n"));
    }
    let started = Instant::now();
    let report = app.import_csv(&manager, QUERY, file).await;
    let took = started.elapsed();
    println!("100,000 rows imported in {took:?}");
    assert_eq!(counts(&report), [100_000, 100_000, 0, 0, 0], "{report}");
    let sections = app.get_json(&manager, "/api/sections").await;
    assert_eq!(sections["history"], 100_000);
}

#[tokio::test]
async fn a_file_of_bad_rows_is_counted_whole_and_reported_in_bounded_size() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let long_phone = "x".repeat(500);
    let mut file = String::from("name,mobile\n");
    for n in 0..25_000 {
        file.push_str(&format!("Nobody {n},{long_phone}{n}\n"));
    }
    let report = app.import_csv(&manager, QUERY, file).await;
    assert_eq!(report["skipped"], 25_000, "every bad row is counted");
    let csv = app
        .get(
            &manager,
            &format!("/api/imports/{}/report.csv", report["id"]),
        )
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(rows.len() - 1, 10_000, "the first ten thousand are kept");
    assert!(rows[1].starts_with("2,"), "{}", rows[1]);
    assert!(csv.len() < 3_000_000, "the report is {} bytes", csv.len());
}

#[tokio::test]
async fn files_over_the_configured_size_are_refused_with_413() {
    let app = TestApp::start_with(|config| config.import_max_mb = 1).await;
    let manager = app.manager().await;
    let big = format!("name,phone\n{}", "Asha,+919820012345\n".repeat(60_000));
    let (status, code, message) =
        error_code(app.upload_csv(&manager, QUERY, big.clone()).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
    );
    assert!(message.contains("1 MB"), "{message}");

    // Sent without a length, in chunks: refused all the same.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big
        .as_bytes()
        .chunks(64 * 1024)
        .map(|chunk| Ok(chunk.to_vec()))
        .collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let (status, _, _) = error_code(app.upload_csv(&manager, QUERY, body).await).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let imports: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM imports")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(imports.0, 0);
}

#[tokio::test]
async fn bad_uploads_are_refused_with_what_to_fix() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    let cases = [
        (
            "source=&country=IN",
            "name,phone\nA,9820012345\n",
            StatusCode::BAD_REQUEST,
            "invalid_source",
        ),
        (
            "source=Organic&country=IN",
            "name,phone\nA,9820012345\n",
            StatusCode::BAD_REQUEST,
            "invalid_source",
        ),
        (
            "source=Fair&country=India",
            "name,phone\nA,9820012345\n",
            StatusCode::BAD_REQUEST,
            "invalid_country",
        ),
        (
            QUERY,
            "name,city\nA,Pune\n",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_file",
        ),
        (QUERY, "", StatusCode::UNPROCESSABLE_ENTITY, "invalid_file"),
    ];
    for (query, file, status, code) in cases {
        let (got_status, got_code, message) =
            error_code(app.upload_csv(&manager, query, file).await).await;
        assert_eq!(
            (got_status, got_code.as_str()),
            (status, code),
            "{query} {file:?}: {message}"
        );
    }
    let latin1 = b"name,phone\nJos\xe9,9820012345\n".to_vec();
    let (_, code, message) = error_code(app.upload_csv(&manager, QUERY, latin1).await).await;
    assert_eq!(code, "invalid_file");
    assert!(message.contains("UTF-8"), "{message}");

    let agent = app.agent("Asha").await;
    let refused = app.upload_csv(&agent, QUERY, "name,phone\n").await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_import_cut_off_by_a_stop_is_marked_failed_at_the_next_start() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    sqlx::query(
        "INSERT INTO imports (file_name, source, country, dry_run, state, total_bytes, agent_id, created_at)
         VALUES ('big.csv', 'Fair', 'IN', 0, 'running', 1000, $1, 0)",
    )
    .bind(manager.agent.id.0)
    .execute(&app.db)
    .await
    .unwrap();

    let mut config = Config::for_tests(&app.database_url);
    config.admin_email = Some(ADMIN_EMAIL.into());
    config.admin_password = Some(ADMIN_PASSWORD.into());
    Application::build(&config)
        .await
        .expect("a new server starts");

    let report = app.get_json(&manager, "/api/imports/1").await;
    assert_eq!(report["state"], "failed");
    assert!(report["failure"]
        .as_str()
        .unwrap()
        .contains("upload the file again"));
}

/// Customers of every kind: three who wrote (one asked for an agent, one
/// was tagged), and three imported who never wrote.
async fn mixed_customers(app: &TestApp, manager: &support::Session) {
    let rule = app
        .post(
            manager,
            "/api/tag-rules",
            json!({"kind": "prefix", "pattern": "I want the hamper", "tag": "Hamper", "priority": 1}),
        )
        .await;
    assert_eq!(rule.status(), StatusCode::CREATED);
    let t = app.now_s();
    let says = |from: &str, name: &str, wamid: &str, at: i64, body: &str| {
        inbound(
            from,
            name,
            wamid,
            at,
            json!({"type": "text", "text": {"body": body}}),
        )
    };
    app.webhook_ok(&says("919800000001", "Rohan Das", "w1", t - 300, "hello"))
        .await;
    app.webhook_ok(&says(
        "919800000002",
        "Zoya Ali",
        "w2",
        t - 200,
        "I want the hamper",
    ))
    .await;
    app.webhook_ok(&says(
        "919800000003",
        "Dev Patel",
        "w3",
        t - 100,
        "agent please",
    ))
    .await;
    let file = "name,phone,city\n=HYPERLINK(\"http://x\"),9820000001,@Pune\nKumar Ravi,9820000002,Delhi\nLata,9820000003,\n";
    let report = app.import_csv(manager, QUERY, file).await;
    assert_eq!(report["created"], 3, "{report}");
}

fn phones(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["wa_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_users_table_filters_searches_sorts_and_pages_every_customer() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    mixed_customers(&app, &manager).await;
    let table = |query: &'static str| {
        let (app, manager) = (&app, &manager);
        async move {
            phones(
                &app.get_json(manager, &format!("/api/users/table?{query}"))
                    .await,
            )
        }
    };

    // Newest Last Active first; those who never wrote last (by number).
    let everyone = table("").await;
    assert_eq!(
        everyone,
        [
            "919800000003",
            "919800000002",
            "919800000001",
            "919820000003",
            "919820000002",
            "919820000001"
        ]
    );
    let mut oldest_first = everyone.clone();
    oldest_first.reverse();
    assert_eq!(table("order=last_active_asc").await, oldest_first);

    assert_eq!(table("window=open").await, everyone[..3]);
    assert_eq!(table("window=closed").await, everyone[3..]);
    assert_eq!(table("source=Diwali%20fair").await, everyone[3..]);
    assert_eq!(
        table("source=Organic&order=last_active_asc").await,
        ["919800000001", "919800000002", "919800000003"]
    );
    assert_eq!(table("tag=Hamper").await, ["919800000002"]);
    assert_eq!(table("status=requesting").await, ["919800000003"]);
    assert_eq!(
        table("status=requesting&window=closed").await,
        Vec::<String>::new()
    );
    assert_eq!(table("q=kumar").await, ["919820000002"]);
    assert_eq!(table("q=%2B9198000").await, everyone[..3]);

    // Each row is the whole profile, with every parameter.
    let page = app.get_json(&manager, "/api/users/table?tag=Hamper").await;
    assert_eq!(
        page["items"][0],
        app.profile(&manager, "919800000002").await
    );
    assert_eq!(page["items"][0]["first_message_tag"], "Hamper");

    // Pages of two walk everyone once, in order.
    let mut walked = Vec::new();
    let mut cursor = String::new();
    loop {
        let page = app
            .get_json(
                &manager,
                &format!("/api/users/table?limit=2&cursor={cursor}"),
            )
            .await;
        walked.extend(phones(&page));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(walked, everyone);

    let (status, code, _) =
        error_code(app.get(&manager, "/api/users/table?window=soon").await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "invalid_window")
    );
    let (_, code, _) =
        error_code(app.get(&manager, "/api/users/table?cursor=nonsense").await).await;
    assert_eq!(code, "invalid_cursor");
    let agent = app.agent("Asha").await;
    assert_eq!(
        app.get(&agent, "/api/users/table").await.status(),
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_export_is_the_filtered_table_as_csv_with_formulas_made_inert() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    mixed_customers(&app, &manager).await;
    let labelled = app
        .put(
            &manager,
            "/api/users/919820000001/labels",
            json!(["vip", "refund"]),
        )
        .await;
    assert_eq!(labelled.status(), StatusCode::OK);

    let response = app
        .get(&manager, "/api/users/export?source=Diwali%20fair")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("attachment"));
    let csv = response.text().await.unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(csv.starts_with("phone,name,status,last_active,template_messages,session_messages,unresolved_queries,source,first_message,window"));
    let formula = rows.iter().find(|row| &row[0] == "919820000001").unwrap();
    assert_eq!(&formula[1], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&formula[7], "Diwali fair");
    assert_eq!(&formula[9], "closed");
    assert_eq!(
        &formula[12], "{\"city\":\"@Pune\"}",
        "a JSON cell starts with {{, so it is kept"
    );
    assert_eq!(&formula[13], "refund; vip", "the chat's labels");

    // Without a filter: everyone, with the seven parameters.
    let all = app
        .get(&manager, "/api/users/export")
        .await
        .text()
        .await
        .unwrap();
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(all.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 6);
    let dev = rows.iter().find(|row| &row[0] == "919800000003").unwrap();
    assert_eq!((&dev[2], &dev[6], &dev[9]), ("requesting", "1", "open"));
    assert!(
        dev[3].ends_with('Z'),
        "Last Active in RFC 3339, UTC: {:?}",
        &dev[3]
    );
}

#[tokio::test]
async fn the_export_downloads_whole_when_the_browser_asks_for_gzip() {
    let app = TestApp::start().await;
    let manager = app.manager().await;
    // More customers than one chunk of the file, so the body streams in parts.
    for n in 0..2_500 {
        app.insert_user(&format!("9198{n:08}"), "active", 0).await;
    }

    let response = app.get_as_browser(&manager, "/api/users/export").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let compressed = response.bytes().await.expect("the whole body arrives");
    let mut csv = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&compressed[..]), &mut csv)
        .expect("a complete gzip stream");
    let rows = csv::Reader::from_reader(csv.as_bytes())
        .records()
        .map(Result::unwrap)
        .count();
    assert_eq!(rows, 2_500);
}
