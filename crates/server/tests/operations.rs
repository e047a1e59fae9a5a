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

    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("backups/handover-copy.db");
    let before = acknowledged.lock().unwrap().clone();
    let database_url = app.database_url.clone();
    let copy_path = path.clone();
    let output = tokio::task::spawn_blocking(move || backup(&database_url, &copy_path))
        .await
        .unwrap();
    let during = acknowledged.lock().unwrap().len() - before.len();
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
