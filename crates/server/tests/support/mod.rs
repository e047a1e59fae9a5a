//! Starts the real application on a free port with a fresh database.

use std::net::SocketAddr;

use handover_server::config::Config;
use handover_server::startup::Application;
use sqlx::SqlitePool;
use tempfile::TempDir;

pub struct TestApp {
    pub addr: SocketAddr,
    /// A second pool on the same database, for arranging and checking state.
    pub db: SqlitePool,
    pub http: reqwest::Client,
    _folder: TempDir,
}

impl TestApp {
    pub async fn start() -> Self {
        let folder = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}/handover.db", folder.path().display());
        let app = Application::build(&Config::for_tests(&url))
            .await
            .expect("application starts");
        let addr = app.local_addr();
        tokio::spawn(app.run_until(std::future::pending()));
        let db = handover_server::db::connect(&url).await.expect("test pool");
        Self {
            addr,
            db,
            http: reqwest::Client::new(),
            _folder: folder,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Inserts a user as the webhook will once it exists: `window_expires_at`
    /// is None for users who never wrote.
    pub async fn insert_user(&self, wa_id: &str, status: &str, window_expires_at: Option<i64>) {
        sqlx::query(
            "INSERT INTO users (wa_id, status, window_expires_at, created_at) VALUES (?1, ?2, ?3, 0)",
        )
        .bind(wa_id)
        .bind(status)
        .bind(window_expires_at)
        .execute(&self.db)
        .await
        .expect("insert user");
    }
}
