//! What the people who run the server rely on: the readiness check a load
//! balancer asks, and a backup taken while the server writes.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use handover_core::ErrorBody;
use serde_json::Value;
use sqlx::{Connection, SqliteConnection};
use support::payloads::text;
use support::TestApp;

#[tokio::test]
async fn a_running_server_is_ready_and_says_what_it_checked() {
    let app = TestApp::start().await;
    let response = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let checked: Value = response.json().await.unwrap();
    assert_eq!(checked["database"], "ok");
    assert_eq!(checked["sender"], "running");
}

#[tokio::test]
async fn a_server_whose_database_takes_no_writes_is_not_ready_but_still_alive() {
    let app = TestApp::start().await;
    let holding = app.hold_write_turn().await;

    let response = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(response.status(), 503);
    let body: ErrorBody = response.json().await.unwrap();
    assert!(
        body.error.message.contains("did not take a write"),
        "{}",
        body.error.message
    );
    // Alive all the same: a restart would not help.
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    holding.rollback().await.unwrap();
    let response = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(
        response.status(),
        200,
        "ready again once the writer lets go"
    );
}

/// Runs `handover-server backup` against `database_url`.
fn backup(database_url: &str, path: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_handover-server"))
        .args(["backup", &path.to_string_lossy()])
        .env("HANDOVER_DATABASE_URL", database_url)
        .output()
        .expect("the binary runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_write_load_opens_and_has_every_acknowledged_message() {
    let app = Arc::new(TestApp::start_on_sqlite(|_| {}).await);
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let writing = Arc::new(AtomicBool::new(true));
    let mut writers = Vec::new();
    for writer in 0..4 {
        let (app, acknowledged, writing) = (app.clone(), acknowledged.clone(), writing.clone());
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while writing.load(Ordering::Relaxed) {
                let from = format!("91980000{writer}{:03}", n % 500);
                let wamid = format!("wamid.backup.{writer}.{n}");
                let delivery = text(&from, &wamid, app.now_s(), "Is my order ready?");
                if app.webhook(&delivery).await.status() == 200 {
                    acknowledged.lock().unwrap().push(wamid);
                }
                n += 1;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    // A backup of a small database can be done before any write lands: the
    // copy is taken again (to a new file) until one overlapped some.
    let folder = tempfile::tempdir().unwrap();
    let mut attempt = 0;
    let (path, before, during, output) = loop {
        let path = folder
            .path()
            .join(format!("backups/handover-copy-{attempt}.db"));
        let before = acknowledged.lock().unwrap().clone();
        let database_url = app.database_url.clone();
        let copy_path = path.clone();
        let output = tokio::task::spawn_blocking(move || backup(&database_url, &copy_path))
            .await
            .unwrap();
        let during = acknowledged.lock().unwrap().len() - before.len();
        attempt += 1;
        if during > 0 || attempt == 5 {
            break (path, before, during, output);
        }
    };
    writing.store(false, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(said.contains("checked"), "{said}");
    assert!(
        before.len() > 20,
        "{} deliveries before the backup",
        before.len()
    );
    assert!(during > 0, "the server went on writing while it was copied");

    let mut copy = SqliteConnection::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .expect("the copy opens");
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(integrity, "ok");
    let kept: Vec<String> =
        sqlx::query_scalar("SELECT wamid FROM messages WHERE wamid LIKE 'wamid.backup.%'")
            .fetch_all(&mut copy)
            .await
            .unwrap();
    let missing: Vec<&String> = before
        .iter()
        .filter(|wamid| !kept.contains(wamid))
        .collect();
    assert!(
        missing.is_empty(),
        "acknowledged but not in the copy: {missing:?}"
    );
    copy.close().await.unwrap();

    // The copy is a database the server starts on, with the same inbox.
    let restored =
        TestApp::start_on_database(support::database::TestDatabase::sqlite_at(&path)).await;
    let manager = restored.manager().await;
    let thread = restored.thread(&manager, "919800000000").await;
    assert!(thread
        .iter()
        .any(|message| message["text"] == "Is my order ready?"));
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file_and_says_what_postgres_users_do() {
    let app = TestApp::start_on_sqlite(|_| {}).await;
    let folder = tempfile::tempdir().unwrap();
    let existing = folder.path().join("taken.db");
    std::fs::write(&existing, b"keep me").unwrap();

    let refused = backup(&app.database_url, &existing);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");

    let postgres = backup(
        "postgres://handover@db.internal/handover",
        &folder.path().join("new.db"),
    );
    assert!(!postgres.status.success());
    assert!(String::from_utf8_lossy(&postgres.stderr).contains("pg_dump"));

    let nowhere = backup(
        &format!("sqlite://{}/absent.db", folder.path().display()),
        &folder.path().join("new.db"),
    );
    assert!(!nowhere.status.success());
    assert!(String::from_utf8_lossy(&nowhere.stderr).contains("no database file"));
    assert!(
        !folder.path().join("absent.db").exists(),
        "no empty database is made"
    );
}

/// A scrape parsed: each sample by its name with labels, and the metric
/// names that were described with `# HELP` and `# TYPE`.
struct Scrape {
    samples: std::collections::BTreeMap<String, f64>,
    described: Vec<String>,
}

impl Scrape {
    fn parse(text: &str) -> Self {
        let mut samples = std::collections::BTreeMap::new();
        let mut described = Vec::new();
        for line in text.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let mut words = rest.split(' ');
                described.push(words.next().unwrap().to_owned());
                let kind = words.next().unwrap();
                assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            } else if !line.starts_with('#') {
                let (name, value) = line.rsplit_once(' ').expect("name value");
                let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
                assert!(name.starts_with("handover_"), "{line}");
                assert!(
                    samples.insert(name.to_owned(), value).is_none(),
                    "twice: {line}"
                );
            }
        }
        Scrape { samples, described }
    }

    fn value(&self, sample: &str) -> f64 {
        *self
            .samples
            .get(sample)
            .unwrap_or_else(|| panic!("{sample} is not in the scrape: {:?}", self.samples.keys()))
    }

    /// A histogram's buckets never fall, and the last one counts them all.
    fn check_histogram(&self, name: &str) -> f64 {
        let buckets: Vec<f64> = self
            .samples
            .iter()
            .filter(|(sample, _)| sample.starts_with(&format!("{name}_bucket{{")))
            .map(|(_, value)| *value)
            .collect();
        assert!(buckets.len() > 5, "{name} has buckets");
        let count = self.value(&format!("{name}_count"));
        assert_eq!(self.value(&format!("{name}_bucket{{le=\"+Inf\"}}")), count);
        assert!(
            buckets.iter().all(|bucket| *bucket <= count),
            "{name}: {buckets:?}"
        );
        count
    }
}

async fn scrape(app: &TestApp, token: Option<&str>) -> reqwest::Response {
    let mut request = app.http.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn prometheus_reads_what_happened_on_the_server() {
    // WhatsApp answers the first send with a 500, then takes every one.
    let (fake, url) = support::cloud_api::FakeCloudApi::start(vec![500]).await;
    let app = TestApp::start_with(|config| {
        support::use_cloud_api(config, url);
        config.metrics_token = Some("scrape-secret".into());
    })
    .await;

    assert_eq!(scrape(&app, None).await.status(), 401);
    assert_eq!(scrape(&app, Some("guess")).await.status(), 401);

    for (n, customer) in ["919800000001", "919800000002", "919800000003"]
        .iter()
        .enumerate()
    {
        let delivery = text(
            customer,
            &format!("wamid.metrics.{n}"),
            app.now_s(),
            "Hello",
        );
        app.webhook_ok(&delivery).await;
    }
    let forged = app
        .http
        .post(app.url("/webhook"))
        .header("x-hub-signature-256", "sha256=00")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 401);
    for _ in 0..2 {
        assert!(app.login(support::ADMIN_EMAIL, "wrong").await.is_err());
    }
    app.settle_outbound().await;
    let manager = app.manager().await;
    let _first = support::events::subscribe(&app, &manager, None).await;
    let _second = support::events::subscribe(&app, &manager, None).await;

    let response = scrape(&app, Some("scrape-secret")).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let scraped = Scrape::parse(&response.text().await.unwrap());

    assert_eq!(
        scraped.value("handover_webhook_deliveries_total{result=\"ok\"}"),
        3.0
    );
    assert_eq!(
        scraped.value("handover_webhook_deliveries_total{result=\"refused\"}"),
        1.0
    );
    assert_eq!(
        scraped.value("handover_webhook_deliveries_total{result=\"unavailable\"}"),
        0.0
    );
    assert_eq!(
        scraped.check_histogram("handover_webhook_duration_seconds"),
        4.0
    );
    let answered = fake.requests.lock().unwrap().clone();
    let took = answered.iter().filter(|call| call.answered == 200).count();
    assert!(took >= 3, "each customer was greeted");
    assert_eq!(
        scraped.value("handover_whatsapp_calls_total{status=\"500\"}"),
        1.0
    );
    assert_eq!(
        scraped.value("handover_whatsapp_calls_total{status=\"200\"}"),
        took as f64
    );
    assert_eq!(scraped.value("handover_sign_in_failures_total"), 2.0);
    assert_eq!(scraped.value("handover_event_streams_open"), 2.0);
    assert_eq!(
        scraped.value("handover_outbox_messages{source=\"chat\"}"),
        0.0
    );
    assert_eq!(
        scraped.value("handover_outbox_messages{source=\"campaign\"}"),
        0.0
    );
    assert!(scraped.check_histogram("handover_db_write_seconds") >= 3.0);
    scraped.check_histogram("handover_db_write_wait_seconds");
    assert_eq!(scraped.value("handover_imports_running"), 0.0);
    for sample in scraped.samples.keys() {
        let name = sample.split('{').next().unwrap();
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| name.strip_suffix(suffix))
            .filter(|family| scraped.described.iter().any(|d| d == family))
            .unwrap_or(name);
        assert!(
            scraped.described.iter().any(|d| d == family),
            "{sample} has no # TYPE"
        );
    }
}

#[tokio::test]
async fn without_a_metrics_token_there_is_nothing_to_scrape() {
    let app = TestApp::start().await;
    let response = scrape(&app, Some("anything")).await;
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert!(body.error.message.contains("HANDOVER_METRICS_TOKEN"));
}

#[tokio::test]
async fn json_logs_name_each_request_by_the_id_it_came_with() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let folder = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_handover-server"))
        .env(
            "HANDOVER_DATABASE_URL",
            format!("sqlite://{}/handover.db", folder.path().display()),
        )
        .env("HANDOVER_BIND", "127.0.0.1:0")
        .env("HANDOVER_LOG_FORMAT", "json")
        .env("RUST_LOG", "info,tower_http=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let mut logged = Vec::new();
    let url = loop {
        let line = lines.next().expect("the server starts").unwrap();
        let entry: Value =
            serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"));
        let message = entry["message"].as_str().unwrap_or_default().to_owned();
        logged.push(entry);
        if let Some(url) = message.strip_prefix("Handover is running at ") {
            break url.to_owned();
        }
    };

    let http = reqwest::Client::new();
    let given = http
        .get(format!("{url}/api/no-such-thing"))
        .header("x-request-id", "proxy-7f3a")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "proxy-7f3a");
    let made = http.get(format!("{url}/healthz")).send().await.unwrap();
    let made_id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(made_id.len(), 16, "a new id: {made_id}");
    let odd = http
        .get(format!("{url}/healthz"))
        .header("x-request-id", "x".repeat(500))
        .send()
        .await
        .unwrap();
    assert_eq!(
        odd.headers()["x-request-id"].len(),
        16,
        "too long: replaced"
    );

    // The lines of both requests, each naming its request.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let named = |logged: &[Value], id: &str| {
        logged
            .iter()
            .any(|entry| entry["span"]["request_id"] == id && entry["span"]["path"].is_string())
    };
    let mut lines = lines;
    let reader = std::thread::spawn(move || {
        let mut logged = logged;
        while !(named(&logged, "proxy-7f3a") && named(&logged, &made_id)) {
            assert!(
                std::time::Instant::now() < deadline,
                "request lines: {logged:#?}"
            );
            let line = lines.next().expect("more lines").unwrap();
            logged.push(serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}")));
        }
        logged
    });
    let logged = tokio::task::spawn_blocking(move || reader.join())
        .await
        .unwrap()
        .expect("both requests were logged");
    let line = logged
        .iter()
        .find(|entry| entry["span"]["request_id"] == "proxy-7f3a")
        .unwrap();
    assert_eq!(line["span"]["path"], "/api/no-such-thing");
    assert!(line["timestamp"].is_string() && line["level"].is_string());
    server.kill().unwrap();
    server.wait().unwrap();
}
