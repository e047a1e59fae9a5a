//! Starts the real application on a free port with a fresh database, and
//! speaks to it over HTTP as the dashboard and WhatsApp do.
#![allow(dead_code)]

pub mod cloud_api;
pub mod database;
pub mod events;
pub mod payloads;
pub mod schema;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use handover_core::api::{Agent, NewAgent};
use handover_core::Role;
use handover_server::app::inbound::signature;
use handover_server::platform::config::Config;
use handover_server::platform::db::Backend;
use handover_server::platform::time::Clock;
use handover_server::startup::Application;
use reqwest::header::COOKIE;
use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use sqlx::AnyPool;
use tempfile::TempDir;

pub const APP_SECRET: &str = "test-app-secret";
pub const VERIFY_TOKEN: &str = "test-verify-token";
pub const ADMIN_EMAIL: &str = "meera@example.com";
pub const ADMIN_PASSWORD: &str = "manager-password";
/// 2026-11-25T10:00:00Z: the tests' "now" unless they move the clock.
pub const START_MS: i64 = 1_795_600_800_000;

/// A real 1×1 PNG.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

pub struct TestApp {
    pub addr: SocketAddr,
    config: Config,
    /// The running server, on a runtime of its own.
    running: Option<Running>,
    /// A second pool on the same database, for arranging and checking state.
    pub db: AnyPool,
    pub http: reqwest::Client,
    pub clock: Clock,
    pub database_url: String,
    folder: TempDir,
    /// Dropped after the server and the pool (fields drop in order).
    database: database::TestDatabase,
}

/// A server running on its own runtime.
struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    runtime: tokio::runtime::Runtime,
}

/// Another server on a test's database.
pub struct Server {
    pub addr: SocketAddr,
    running: Option<Running>,
}

impl Server {
    /// Ends it at once, as a kill -9 or a power cut would.
    pub fn crash(self) {
        drop(self);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // As for `TestApp`: the runtime ends in the background.
        if let Some(running) = self.running.take() {
            running.runtime.shutdown_background();
        }
    }
}

/// Statements added to a test's database before the server opens it, in
/// each backend's SQL (triggers differ).
pub struct Prepared<'a> {
    pub sqlite: &'a [&'a str],
    pub postgres: &'a [&'a str],
}

/// A signed-in browser: the session cookie to send with each request.
#[derive(Clone)]
pub struct Session {
    pub cookie: String,
    pub agent: Agent,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // A runtime may not be dropped where blocking is not allowed (a
        // test's own runtime): let it end in the background.
        if let Some(running) = self.running.take() {
            running.runtime.shutdown_background();
        }
    }
}

impl TestApp {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with a configuration the caller may adjust (e.g. a Cloud API).
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_prepared(
            &Prepared {
                sqlite: &[],
                postgres: &[],
            },
            adjust,
        )
        .await
    }

    /// Starts on a new database on the Postgres server of
    /// `HANDOVER_TEST_POSTGRES` (or this machine's), whichever backend the
    /// other tests use: for what only several servers on Postgres do.
    pub async fn start_on_postgres(adjust: impl FnOnce(&mut Config)) -> Self {
        let folder = tempfile::tempdir().expect("temporary folder");
        let database = database::TestDatabase::create_postgres().await;
        Self::start_on(database, folder, adjust).await
    }

    /// Starts on a new SQLite database, whichever backend the other tests
    /// use: for what starts from SQLite.
    pub async fn start_on_sqlite(adjust: impl FnOnce(&mut Config)) -> Self {
        let folder = tempfile::tempdir().expect("temporary folder");
        let database = database::TestDatabase::sqlite(folder.path());
        Self::start_on(database, folder, adjust).await
    }

    /// Starts on `database` (made by the test), with the usual settings.
    pub async fn start_on_database(database: database::TestDatabase) -> Self {
        let folder = tempfile::tempdir().expect("temporary folder");
        Self::start_on(database, folder, |_| {}).await
    }

    /// Starts one more server on this one's database, configuration and
    /// clock, as a second machine behind a load balancer would be.
    pub async fn another_server(&self) -> Server {
        let (addr, running) = Self::serve(&self.config, &self.clock).await;
        Server {
            addr,
            running: Some(running),
        }
    }

    /// Starts on a database to which `schema` was added before the server
    /// opened it (a server's connections do not expect the schema to change
    /// under them), e.g. a trigger that injects a fault.
    pub async fn start_prepared(schema: &Prepared<'_>, adjust: impl FnOnce(&mut Config)) -> Self {
        let folder = tempfile::tempdir().expect("temporary folder");
        let database = database::TestDatabase::create(folder.path()).await;
        let prepare = handover_server::platform::db::connect(&database.url)
            .await
            .expect("database");
        let statements = match database::backend() {
            Backend::Sqlite => schema.sqlite,
            Backend::Postgres => schema.postgres,
        };
        for statement in statements {
            sqlx::query(statement)
                .execute(&prepare)
                .await
                .expect("schema added");
        }
        prepare.close().await;
        Self::start_on(database, folder, adjust).await
    }

    async fn start_on(
        database: database::TestDatabase,
        folder: TempDir,
        adjust: impl FnOnce(&mut Config),
    ) -> Self {
        let mut config = Config::for_tests(&database.url);
        config.media_dir = Some(folder.path().join("media"));
        config.app_secret = Some(APP_SECRET.into());
        config.verify_token = Some(VERIFY_TOKEN.into());
        config.admin_email = Some(ADMIN_EMAIL.into());
        config.admin_password = Some(ADMIN_PASSWORD.into());
        adjust(&mut config);
        let clock = Clock::fixed(START_MS);
        Self::launch(&config, clock, database, folder).await
    }

    async fn launch(
        config: &Config,
        clock: Clock,
        database: database::TestDatabase,
        folder: TempDir,
    ) -> Self {
        let database_url = database.url.clone();
        let (addr, running) = Self::serve(config, &clock).await;
        let db = handover_server::platform::db::connect(&database_url)
            .await
            .expect("test pool");
        Self {
            addr,
            config: config.clone(),
            running: Some(running),
            db,
            http: reqwest::Client::new(),
            clock,
            database_url,
            folder,
            database,
        }
    }

    /// Starts the application on a runtime of its own, so that a crash can
    /// end every task of it at once, as the end of a process does.
    async fn serve(config: &Config, clock: &Clock) -> (SocketAddr, Running) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime for the server");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (started, addr) = tokio::sync::oneshot::channel();
        let (config, clock) = (config.clone(), clock.clone());
        let task = runtime.spawn(async move {
            let app = Application::build_with_clock(&config, clock)
                .await
                .expect("application starts");
            let _ = started.send(app.local_addr());
            app.run_until(async move {
                let _ = stopped.await;
            })
            .await
        });
        let addr = addr.await.expect("the server started");
        (
            addr,
            Running {
                stop,
                task,
                runtime,
            },
        )
    }

    /// Stops the server as SIGTERM does (sends in flight are finished and
    /// recorded), then starts a new one on the same database and clock.
    /// Sessions stay valid; the address changes.
    pub async fn restart(&mut self) {
        self.stop().await;
        let (addr, running) = Self::serve(&self.config, &self.clock).await;
        self.addr = addr;
        self.running = Some(running);
    }

    /// Restarts with a configuration the caller adjusts (a rotated secret, say).
    pub async fn restart_with(&mut self, adjust: impl FnOnce(&mut Config)) {
        self.stop().await;
        adjust(&mut self.config);
        let (addr, running) = Self::serve(&self.config, &self.clock).await;
        self.addr = addr;
        self.running = Some(running);
    }

    /// Stops the server as SIGTERM does and says how long it took.
    pub async fn stop(&mut self) -> std::time::Duration {
        let started = std::time::Instant::now();
        if let Some(running) = self.running.take() {
            let _ = running.stop.send(());
            running
                .task
                .await
                .expect("server task")
                .expect("server stopped");
            running.runtime.shutdown_background();
        }
        started.elapsed()
    }

    /// Ends the server at once, as a kill -9 or a power cut would: nothing
    /// in flight is finished or recorded. Then starts a new one on the same
    /// database and clock.
    pub async fn crash_and_restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.runtime.shutdown_background();
        }
        let (addr, running) = Self::serve(&self.config, &self.clock).await;
        self.addr = addr;
        self.running = Some(running);
    }

    /// A transaction holding the database's write turn, as the server's
    /// writers take it (SQLite's write lock, Postgres' advisory lock): the
    /// server's writes wait until it ends.
    pub async fn hold_write_turn(&self) -> sqlx::Transaction<'static, sqlx::Any> {
        match database::backend() {
            Backend::Sqlite => self.db.begin_with("BEGIN IMMEDIATE").await.unwrap(),
            Backend::Postgres => {
                let mut holding = self.db.begin().await.unwrap();
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(handover_server::platform::db::WRITE_TURN)
                    .execute(&mut *holding)
                    .await
                    .unwrap();
                holding
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn now_s(&self) -> i64 {
        self.clock.now_ms() / 1000
    }

    /// Moves the application's clock forward.
    pub fn advance_hours(&self, hours: i64) {
        self.clock.set(self.clock.now_ms() + hours * 3_600_000);
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<Session, Response> {
        let response = self
            .http
            .post(self.url("/api/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        if response.status() != StatusCode::OK {
            return Err(response);
        }
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("handover_session="))
            .and_then(|value| value.split(';').next())
            .expect("session cookie")
            .to_owned();
        let agent = response.json().await.unwrap();
        Ok(Session { cookie, agent })
    }

    pub async fn manager(&self) -> Session {
        self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
            .await
            .expect("manager signs in")
    }

    /// Creates an agent through the API and signs them in.
    pub async fn agent(&self, name: &str) -> Session {
        let manager = self.manager().await;
        let email = format!("{}@example.com", name.to_lowercase());
        let created = self
            .post(
                &manager,
                "/api/agents",
                json!(NewAgent {
                    email: email.clone(),
                    name: name.into(),
                    password: "agent-password".into(),
                    role: Role::Agent,
                }),
            )
            .await;
        assert_eq!(
            created.status(),
            StatusCode::CREATED,
            "agent {name} created"
        );
        self.login(&email, "agent-password")
            .await
            .expect("agent signs in")
    }

    pub async fn get(&self, session: &Session, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .unwrap()
    }

    /// A GET as a browser sends it: asking for a compressed answer.
    pub async fn get_as_browser(&self, session: &Session, path: &str) -> Response {
        self.http
            .get(self.url(path))
            .header(COOKIE, &session.cookie)
            .header("accept-encoding", "gzip, deflate, br, zstd")
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, session: &Session, path: &str) -> Value {
        let response = self.get(session, path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn post(&self, session: &Session, path: &str, body: Value) -> Response {
        self.post_at(self.addr, session, path, body).await
    }

    /// A POST to the server at `addr` (one of several on the database).
    pub async fn post_at(
        &self,
        addr: SocketAddr,
        session: &Session,
        path: &str,
        body: Value,
    ) -> Response {
        self.http
            .post(format!("http://{addr}{path}"))
            .header(COOKIE, &session.cookie)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put(&self, session: &Session, path: &str, body: Value) -> Response {
        self.http
            .put(self.url(path))
            .header(COOKIE, &session.cookie)
            .json(&body)
            .send()
            .await
            .unwrap()
    }

    /// Creates a template and approves it (sandbox review), as a manager would.
    pub async fn approved_template(&self, manager: &Session, draft: Value) -> Value {
        let created = self.post(manager, "/api/templates", draft).await;
        assert_eq!(created.status(), StatusCode::CREATED, "template created");
        let created: Value = created.json().await.unwrap();
        let path = format!("/api/templates/{}/status", created["id"]);
        let approved = self
            .put(manager, &path, json!({"status": "approved"}))
            .await;
        assert_eq!(approved.status(), StatusCode::OK, "template approved");
        approved.json().await.unwrap()
    }

    /// Posts a file: `bytes` as the body with its `content_type`.
    pub async fn post_file(
        &self,
        session: &Session,
        path: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Response {
        self.http
            .post(self.url(path))
            .header(COOKIE, &session.cookie)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(bytes)
            .send()
            .await
            .unwrap()
    }

    /// Sends a request's head alone and reads the whole answer: what the
    /// server decides before reading a body.
    pub async fn headers_only(&self, head: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        tokio::time::timeout(
            std::time::Duration::from_secs(10),
            stream.read_to_end(&mut answer),
        )
        .await
        .expect("answered without the body")
        .unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }

    pub async fn delete(&self, session: &Session, path: &str) -> Response {
        self.http
            .delete(self.url(path))
            .header(COOKIE, &session.cookie)
            .send()
            .await
            .unwrap()
    }

    /// A lifecycle action (`intervene`, `resolve`, `release`) on a chat.
    pub async fn act(&self, session: &Session, wa_id: &str, action: &str) -> Response {
        self.post(session, &format!("/api/users/{wa_id}/{action}"), json!({}))
            .await
    }

    /// Delivers a webhook body signed as WhatsApp signs it.
    pub async fn webhook(&self, body: &Value) -> Response {
        self.webhook_at(self.addr, body).await
    }

    /// Delivers a signed webhook body to the server at `addr`.
    pub async fn webhook_at(&self, addr: SocketAddr, body: &Value) -> Response {
        let raw = body.to_string();
        self.http
            .post(format!("http://{addr}/webhook"))
            .header(
                "x-hub-signature-256",
                signature::sign(APP_SECRET, raw.as_bytes()),
            )
            .header("content-type", "application/json")
            .body(raw)
            .send()
            .await
            .unwrap()
    }

    pub async fn webhook_ok(&self, body: &Value) {
        let response = self.webhook(body).await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "{}",
            response.text().await.unwrap_or_default()
        );
    }

    pub async fn profile(&self, session: &Session, wa_id: &str) -> Value {
        self.get_json(session, &format!("/api/users/{wa_id}")).await
    }

    pub async fn thread(&self, session: &Session, wa_id: &str) -> Vec<Value> {
        let page = self
            .get_json(session, &format!("/api/users/{wa_id}/messages?limit=200"))
            .await;
        page["items"].as_array().cloned().unwrap_or_default()
    }

    /// The first message in the thread written by `author` (user, bot, agent, system).
    pub async fn first_by(&self, session: &Session, wa_id: &str, author: &str) -> Value {
        self.thread(session, wa_id)
            .await
            .into_iter()
            .find(|message| message["author"] == author)
            .unwrap_or_else(|| panic!("no {author} message in the thread of {wa_id}"))
    }

    /// Waits until no message is pending (the sender has handled them all).
    pub async fn settle_outbound(&self) {
        for _ in 0..200 {
            let (pending,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM messages WHERE delivery = 'pending'")
                    .fetch_one(&self.db)
                    .await
                    .unwrap();
            if pending == 0 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("outbound messages were still pending after 5 s");
    }

    /// Uploads a CSV file to `POST /api/imports?{query}`.
    pub async fn upload_csv(
        &self,
        session: &Session,
        query: &str,
        file: impl Into<reqwest::Body>,
    ) -> Response {
        self.http
            .post(self.url(&format!("/api/imports?{query}")))
            .header(COOKIE, &session.cookie)
            .header("content-type", "text/csv")
            .body(file)
            .send()
            .await
            .unwrap()
    }

    /// Imports a file and waits for its report.
    pub async fn import_csv(
        &self,
        session: &Session,
        query: &str,
        file: impl Into<reqwest::Body>,
    ) -> Value {
        let started = self.upload_csv(session, query, file).await;
        assert_eq!(started.status(), StatusCode::ACCEPTED, "import started");
        let started: Value = started.json().await.unwrap();
        let path = format!("/api/imports/{}", started["id"]);
        for _ in 0..1200 {
            let report = self.get_json(session, &path).await;
            if report["state"] != "running" {
                return report;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("the import did not finish within a minute");
    }

    /// Inserts a user directly, as an import will.
    /// Adds a customer as the server's writers would: holding the write
    /// turn (housekeeping, which folds the kept counts' rows holding it
    /// alone, runs as the server starts).
    pub async fn insert_user(&self, wa_id: &str, status: &str, window_expires_at: i64) {
        let mut holding = self.hold_write_turn().await;
        sqlx::query("INSERT INTO users (wa_id, status, window_expires_at, created_at) VALUES ($1, $2, $3, 0)")
            .bind(wa_id)
            .bind(status)
            .bind(window_expires_at)
            .execute(&mut *holding)
            .await
            .expect("insert user");
        holding.commit().await.expect("insert user");
    }
}

/// The `status` field of a JSON error body.
pub async fn error_code(response: Response) -> (StatusCode, String, String) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or_default();
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

/// The fields a 422 names, in order, after checking that it is a 422.
pub async fn refused_fields(response: Response) -> Vec<String> {
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|field| field["field"].as_str().unwrap().to_owned())
        .collect()
}

/// Points outbound messages at `url`, a fake Cloud API, with a token and a
/// phone number id as a real set-up has them.
pub fn use_cloud_api(config: &mut Config, url: String) {
    config.wa_base_url = Some(url);
    config.wa_token = Some("EAAG-test-token".into());
    config.wa_phone_number_id = Some(payloads::PHONE_NUMBER_ID.into());
}

/// A client whose requests come from `127.0.0.n` (sign-ins are throttled
/// per address).
pub fn client_from(n: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, n)))
        .build()
        .unwrap()
}

/// A sign-in from `client`: only its status.
pub async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> StatusCode {
    client
        .post(app.url("/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}
