//! `handover-bench live [USERS] [SECONDS] [--servers N] [--db-rtt-ms MS]`:
//! the live path under load, against the release server started on a
//! database seeded with `USERS` customers. In one run it prints the floor
//! (`GET /healthz`), signed deliveries per second with 0, 200 and 500
//! event streams open (new and known customers, bot replies and
//! escalations), how late the streams see each delivery and whether they
//! saw every event, deliveries paced at 1,000/s, status-only deliveries,
//! one delivery as large as the webhook takes (with an agent's notes
//! meanwhile), and the servers' peak memory. The bot's replies go to a fake Cloud API
//! inside the bench, which accepts each at once.
//!
//! On Postgres, `--servers N` starts N servers on the one database, each
//! taking every Nth request and stream, and `--db-rtt-ms MS` puts a proxy
//! between them and Postgres that adds that round trip to every exchange
//! (a database on another machine of the same zone: about 0.5 ms).

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use handover_server::app::inbound::signature;
use serde_json::{json, Value};

const APP_SECRET: &str = "bench-app-secret";
const ADMIN: (&str, &str) = ("bench@handover.local", "bench-password");
/// Requests in flight at once.
const CONCURRENCY: usize = 64;
/// Streams one agent may open (the server's bound).
const STREAMS_PER_AGENT: usize = 8;
/// The stream counts measured.
const STREAM_COUNTS: [usize; 3] = [0, 200, 500];

type Failure = Box<dyn std::error::Error>;
type Acked = Arc<Mutex<HashMap<u64, Instant>>>;

/// What a run measures, from its arguments.
struct Setup {
    users: i64,
    seconds: u64,
    servers: usize,
    db_rtt: Option<Duration>,
}

impl Setup {
    fn parse(args: impl Iterator<Item = String>) -> Result<Self, Failure> {
        let mut positional = Vec::new();
        let mut servers = 1;
        let mut db_rtt = None;
        let mut args = args;
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--servers" => servers = value("--servers")?.parse()?,
                "--db-rtt-ms" => {
                    let ms: f64 = value("--db-rtt-ms")?.parse()?;
                    if !(0.0..=1_000.0).contains(&ms) {
                        return Err("--db-rtt-ms takes 0 to 1000 (milliseconds)".into());
                    }
                    db_rtt = Some(Duration::from_secs_f64(ms / 1e3));
                }
                _ => positional.push(arg),
            }
        }
        let mut positional = positional.into_iter();
        Ok(Self {
            users: positional
                .next()
                .map(|n| n.parse())
                .transpose()?
                .unwrap_or(1_000_000),
            seconds: positional
                .next()
                .map(|n| n.parse())
                .transpose()?
                .unwrap_or(10),
            servers: servers.max(1),
            db_rtt,
        })
    }
}

pub async fn run(args: impl Iterator<Item = String>) -> Result<(), Failure> {
    let Setup {
        users,
        seconds,
        servers,
        db_rtt,
    } = Setup::parse(args)?;
    let folder = super::tempfile_folder()?;
    let (url, backend) = super::database::create(&folder, "live").await?;
    let postgres = handover_server::platform::db::is_postgres_url(&url);
    // A SQLite file has one writer: more servers on it would only wait.
    let servers = if postgres { servers } else { 1 };
    {
        let pool = handover_server::platform::db::connect(&url).await?;
        println!("{backend}: seeding {users} customers…");
        super::seed(&pool, users, 1, handover_server::platform::time::now_ms()).await?;
        let (single, write) = driver_round_trips(&pool).await?;
        println!(
            "\nsqlx {backend}, one connection, nothing else running:\n\
             {:<44}{:>8.1} µs ({:.0} statements/s)\n\
             {:<44}{:>8.1} µs ({:.0} statements/s)",
            "a statement (SELECT 1)",
            micros(single),
            1.0 / single.as_secs_f64(),
            "an indexed UPDATE of one customer",
            micros(write),
            1.0 / write.as_secs_f64(),
        );
        pool.close().await;
    }
    let server_url = match db_rtt {
        Some(round_trip) if postgres => {
            let (through, upstream) = through_proxy(&url)?;
            let proxy = super::delay_proxy::start(upstream, round_trip)?;
            println!(
                "\nthe servers reach Postgres through a proxy adding {:.2} ms to each round trip",
                round_trip.as_secs_f64() * 1e3
            );
            through.replace("{proxy}", &proxy)
        }
        _ => url.clone(),
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY * 2)
        .build()?;
    let cloud_api = fake_cloud_api().await?;
    // One after another: the first creates the bench's manager.
    let mut started = Vec::with_capacity(servers);
    for n in 0..servers {
        let server = Server::start(&server_url, &cloud_api, &folder.join(format!("server-{n}")))?;
        wait_until_up(&http, &server.base).await?;
        started.push(server);
    }
    let bases: Vec<String> = started.iter().map(|server| server.base.clone()).collect();
    let period = Duration::from_secs(seconds);
    let bases = &bases[..];

    println!(
        "\nlive path ({seconds} s per figure, {CONCURRENCY} requests in flight, {servers} server{} sharing them)",
        if servers == 1 { "" } else { "s" }
    );
    let floor = drive(period, None, |n| {
        let http = http.clone();
        let base = pick(bases, n).to_owned();
        async move {
            http.get(format!("{base}/healthz"))
                .send()
                .await
                .map(|r| r.status().as_u16())
        }
    })
    .await;
    floor.print("GET /healthz (floor)");

    let counter = Arc::new(AtomicU64::new(0));
    let cookies = sign_in_agents(&http, &bases[0], STREAM_COUNTS[2]).await?;
    for streams in STREAM_COUNTS {
        let watching = Streams::open(&http, bases, &cookies, streams).await?;
        eprintln!("(measuring deliveries with {streams} streams open)");
        let acked: Acked = Arc::default();
        let figures = drive(period, None, |_| {
            deliver(&http, bases, &counter, users, Some(acked.clone()))
        })
        .await;
        figures.print(&format!("POST /webhook, {streams} streams"));
        println!(
            "{:<44}{:>8.0}% of the floor",
            "",
            100.0 * figures.per_second() / floor.per_second().max(1.0)
        );
        if streams > 0 {
            let acked = acked.lock().unwrap().clone();
            watching.report(&acked).await;
        }
    }

    let paced = drive(period, Some(1_000), |_| {
        deliver(&http, bases, &counter, users, None)
    })
    .await;
    paced.print("POST /webhook, paced at 1,000/s");

    let statuses = drive(period, None, |n| {
        let http = http.clone();
        let base = pick(bases, n).to_owned();
        async move { post_signed(&http, &base, &status_delivery(n)).await }
    })
    .await;
    statuses.print("POST /webhook, statuses only");
    // Read before the large delivery, which measures its own peak.
    let peaks: Vec<String> = started
        .iter()
        .map(|server| format!("{} MB", server.peak_rss_mb()))
        .collect();
    println!("server peak memory (VmHWM): {}", peaks.join(", "));
    super::large_delivery::measure(&http, &bases[0], started[0].child.id(), &cookies[0], users)
        .await?;
    drop(started);
    let _ = std::fs::remove_dir_all(&folder);
    Ok(())
}

/// Statements through sqlx's SQLite driver are handed to the connection's
/// own thread and back, and the writer pays that for every statement: how
/// long one takes on this machine with nothing else running, for the
/// smallest statement and for an indexed update inside a transaction.
async fn driver_round_trips(pool: &sqlx::AnyPool) -> Result<(Duration, Duration), Failure> {
    const STATEMENTS: u32 = 20_000;
    let mut conn = pool.acquire().await?;
    let started = Instant::now();
    for _ in 0..STATEMENTS {
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
    }
    let single = started.elapsed() / STATEMENTS;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let started = Instant::now();
    for n in 0..STATEMENTS {
        sqlx::query("UPDATE users SET session_messages = session_messages + 1 WHERE wa_id = $1")
            .bind((910_000_000_000_u64 + u64::from(n % 1000)).to_string())
            .execute(&mut *tx)
            .await?;
    }
    let write = started.elapsed() / STATEMENTS;
    tx.rollback().await?;
    Ok((single, write))
}

/// The server taking request `n`: each in turn.
fn pick(bases: &[String], n: u64) -> &str {
    &bases[usize::try_from(n).unwrap_or(0) % bases.len()]
}

/// `url` with its host and port replaced by `{proxy}`, and the host and
/// port it named.
fn through_proxy(url: &str) -> Result<(String, String), Failure> {
    let (scheme, rest) = url.split_once("://").ok_or("a Postgres URL has a scheme")?;
    let (user, rest) = match rest.split_once('@') {
        Some((user, rest)) => (format!("{user}@"), rest),
        None => (String::new(), rest),
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = &rest[..end];
    let upstream = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    };
    Ok((
        format!("{scheme}://{user}{{proxy}}{}", &rest[end..]),
        upstream,
    ))
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// The release server on the seeded database, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(url: &str, cloud_api: &str, folder: &std::path::Path) -> Result<Self, Failure> {
        let binary = std::env::current_exe()?.with_file_name("handover-server");
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(&binary)
            .env("HANDOVER_DATABASE_URL", url)
            .env("HANDOVER_BIND", format!("127.0.0.1:{port}"))
            .env("HANDOVER_MEDIA_DIR", folder.join("media"))
            .env("HANDOVER_APP_SECRET", APP_SECRET)
            .env("HANDOVER_ADMIN_EMAIL", ADMIN.0)
            .env("HANDOVER_ADMIN_PASSWORD", ADMIN.1)
            .env("HANDOVER_SEND_RATE", "1000")
            .env("HANDOVER_WA_BASE_URL", cloud_api)
            .env("HANDOVER_WA_TOKEN", "bench-token")
            .env("HANDOVER_WA_PHONE_NUMBER_ID", "106540352242922")
            .env("HANDOVER_MAX_STREAMS", "1000")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| {
                format!(
                    "could not start {}: {error} (cargo xtask bench live builds it)",
                    binary.display()
                )
            })?;
        Ok(Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
        })
    }

    fn peak_rss_mb(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|line| line.starts_with("VmHWM:"))
                    .and_then(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .map_or(0, |kb| kb / 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// WhatsApp's Cloud API as the servers' replies meet it: every message
/// accepted at once with a new wamid. Returns its base URL.
async fn fake_cloud_api() -> Result<String, Failure> {
    let sent = Arc::new(AtomicU64::new(0));
    let accept = move || {
        let n = sent.fetch_add(1, Ordering::Relaxed);
        async move {
            axum::Json(json!({
                "messaging_product": "whatsapp",
                "messages": [{"id": format!("wamid.sent.{n}")}]
            }))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = axum::Router::new().fallback(accept);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

async fn wait_until_up(http: &reqwest::Client, base: &str) -> Result<(), Failure> {
    for _ in 0..600 {
        if http.get(format!("{base}/healthz")).send().await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("the server did not start within a minute".into())
}

/// Throughput and latency of one figure.
struct Figures {
    failed: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Figures {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&self, p: usize) -> Duration {
        percentile(&self.latencies, p)
    }

    fn print(&self, name: &str) {
        let failed = match self.failed {
            0 => String::new(),
            n => format!("   {n} failed"),
        };
        println!(
            "{name:<44}{:>8.0}/s   p50 {:>6.1} ms   p99 {:>6.1} ms{failed}",
            self.per_second(),
            self.percentile(50).as_secs_f64() * 1e3,
            self.percentile(99).as_secs_f64() * 1e3,
        );
    }
}

/// The `p`th percentile of sorted durations.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted
        .get(sorted.len().saturating_sub(1) * p / 100)
        .copied()
        .unwrap_or_default()
}

/// Runs `request(n)` for `period` with [`CONCURRENCY`] in flight, starting
/// at most `rate` per second when given.
async fn drive<F, Fut>(period: Duration, rate: Option<u32>, request: F) -> Figures
where
    F: Fn(u64) -> Fut,
    Fut: std::future::Future<Output = Result<u16, reqwest::Error>>,
{
    let started = Instant::now();
    let interval = rate.map(|rate| Duration::from_secs(1) / rate);
    let requests = futures_util::stream::iter(0u64..).take_while(|_| {
        let going = started.elapsed() < period;
        async move { going }
    });
    let results: Vec<(bool, Duration)> = requests
        .map(|n| {
            let call = request(n);
            async move {
                if let Some(interval) = interval {
                    let at = started + interval * u32::try_from(n).unwrap_or(u32::MAX);
                    tokio::time::sleep_until(at.into()).await;
                }
                let at = Instant::now();
                let ok = matches!(call.await, Ok(200));
                (ok, at.elapsed())
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = results
        .iter()
        .filter(|(ok, _)| *ok)
        .map(|(_, took)| *took)
        .collect();
    latencies.sort();
    Figures {
        failed: results.len() - latencies.len(),
        elapsed,
        latencies,
    }
}

pub(super) async fn post_signed(
    http: &reqwest::Client,
    base: &str,
    body: &str,
) -> Result<u16, reqwest::Error> {
    http.post(format!("{base}/webhook"))
        .header(
            "x-hub-signature-256",
            signature::sign(APP_SECRET, body.as_bytes()),
        )
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .map(|response| response.status().as_u16())
}

/// A webhook body carrying `value`, as WhatsApp wraps it.
pub(super) fn envelope(value: Value) -> String {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] =
        json!({"display_phone_number": "15550783881", "phone_number_id": "106540352242922"});
    json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}]
    })
    .to_string()
}

pub(super) fn now_s() -> String {
    (handover_server::platform::time::now_ms() / 1000).to_string()
}

/// One customer message: a known customer three times in four, a new one
/// otherwise; one in ten asks for a person (an escalation). Its text names
/// it, so streams can tell when they saw it.
fn deliver<'a>(
    http: &'a reqwest::Client,
    bases: &'a [String],
    counter: &'a AtomicU64,
    users: i64,
    acked: Option<Acked>,
) -> impl std::future::Future<Output = Result<u16, reqwest::Error>> + 'a {
    let n = counter.fetch_add(1, Ordering::Relaxed);
    let base = pick(bases, n);
    let step = i64::try_from(n).unwrap_or(i64::MAX);
    let wa_id = if n % 4 == 3 {
        920_000_000_000 + step
    } else {
        910_000_000_000 + (step.wrapping_mul(7_919)).rem_euclid(users.max(1))
    };
    let text = if n % 10 == 0 {
        format!("agent please bench-{n}")
    } else {
        format!("where is my order bench-{n}")
    };
    let body = envelope(json!({
        "contacts": [{"profile": {"name": format!("Customer {wa_id}")}, "wa_id": wa_id.to_string()}],
        "messages": [{"from": wa_id.to_string(), "id": format!("wamid.bench.{n}"),
                      "timestamp": now_s(), "type": "text", "text": {"body": text}}]
    }));
    async move {
        let status = post_signed(http, base, &body).await;
        if let (Some(acked), Ok(200)) = (&acked, &status) {
            acked.lock().unwrap().insert(n, Instant::now());
        }
        status
    }
}

/// A `delivered` status for a message this server never sent (kept until
/// its wamid is known, as WhatsApp's early statuses are).
fn status_delivery(n: u64) -> String {
    envelope(json!({
        "statuses": [{"id": format!("wamid.out.{n}"), "status": "delivered",
                      "timestamp": now_s(), "recipient_id": (910_000_000_000u64 + n).to_string()}]
    }))
}

/// Signs in enough agents to open `streams` streams (the admin creates them).
async fn sign_in_agents(
    http: &reqwest::Client,
    base: &str,
    streams: usize,
) -> Result<Vec<String>, Failure> {
    let admin = sign_in(http, base, ADMIN.0, ADMIN.1).await?;
    let mut cookies = vec![admin.clone()];
    for n in 1..streams.div_ceil(STREAMS_PER_AGENT) {
        let email = format!("agent{n}@bench.local");
        http.post(format!("{base}/api/agents"))
            .header("cookie", &admin)
            .json(&json!({"email": email, "name": format!("Agent {n}"), "password": "agent-password", "role": "agent"}))
            .send()
            .await?;
        cookies.push(sign_in(http, base, &email, "agent-password").await?);
    }
    Ok(cookies)
}

async fn sign_in(
    http: &reqwest::Client,
    base: &str,
    email: &str,
    password: &str,
) -> Result<String, Failure> {
    let response = http
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await?;
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::to_owned);
    cookie.ok_or_else(|| format!("{email} could not sign in ({})", response.status()).into())
}

/// Open event streams, each noting the ids it received and when it saw
/// each delivery.
struct Streams {
    tasks: Vec<tokio::task::JoinHandle<()>>,
    logs: Vec<Arc<Mutex<StreamLog>>>,
}

#[derive(Default)]
struct StreamLog {
    ids: Vec<i64>,
    delivered: HashMap<u64, Instant>,
}

impl Streams {
    async fn open(
        http: &reqwest::Client,
        bases: &[String],
        cookies: &[String],
        count: usize,
    ) -> Result<Self, Failure> {
        let mut tasks = Vec::new();
        let mut logs = Vec::new();
        for n in 0..count {
            let base = pick(bases, n as u64);
            let response = http
                .get(format!("{base}/api/events"))
                .header("cookie", &cookies[n / STREAMS_PER_AGENT])
                .send()
                .await?;
            if response.status() != 200 {
                return Err(format!("stream {n} refused: {}", response.status()).into());
            }
            let log: Arc<Mutex<StreamLog>> = Arc::default();
            logs.push(log.clone());
            tasks.push(tokio::spawn(read_stream(response, log)));
        }
        Ok(Self { tasks, logs })
    }

    /// Whether every stream saw every event from the one it started at, in
    /// order (waiting up to 30 s for streams still catching up), and how
    /// long after its 200 each delivery reached the streams.
    async fn report(self, acked: &HashMap<u64, Instant>) {
        let ended = Instant::now();
        let newest = |logs: &[Arc<Mutex<StreamLog>>]| -> Vec<Option<i64>> {
            logs.iter()
                .map(|log| log.lock().unwrap().ids.last().copied())
                .collect()
        };
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let lasts = newest(&self.logs);
            let head = lasts.iter().flatten().max().copied();
            let caught_up = lasts.iter().all(|last| *last == head);
            if caught_up || ended.elapsed() > Duration::from_secs(30) {
                break;
            }
        }
        let caught_up_after = ended.elapsed();
        // Events go on arriving (the sender works through the bot's
        // replies): compare every stream up to the newest event all of
        // them have reached.
        let snapshots: Vec<Vec<i64>> = self
            .logs
            .iter()
            .map(|log| log.lock().unwrap().ids.clone())
            .collect();
        let cut = snapshots
            .iter()
            .map(|ids| ids.last().copied().unwrap_or(0))
            .min()
            .unwrap_or(0);
        let upto = |ids: &Vec<i64>| -> Vec<i64> {
            ids.iter().copied().take_while(|id| *id <= cut).collect()
        };
        let longest = snapshots
            .iter()
            .map(upto)
            .max_by_key(Vec::len)
            .unwrap_or_default();
        let in_order = longest.windows(2).all(|pair| pair[0] < pair[1]);
        let mut complete = 0;
        for ids in &snapshots {
            let ids = upto(ids);
            // Streams opened one after another start at different events:
            // each must hold every event from its first one on.
            let from = ids.first().map_or(longest.len(), |first| {
                longest.partition_point(|id| id < first)
            });
            if in_order && ids == longest[from..] {
                complete += 1;
            }
        }
        let mut lags = Vec::new();
        for log in &self.logs {
            let log = log.lock().unwrap();
            lags.extend(log.delivered.iter().filter_map(|(n, seen)| {
                acked
                    .get(n)
                    .map(|acked| seen.saturating_duration_since(*acked))
            }));
        }
        lags.sort();
        println!(
            "{:<44}{complete} of {} streams saw all {} events in order (the last {:.1} s after the load); 200 → event p50 {:.1} ms, p95 {:.1} ms",
            "",
            self.logs.len(),
            longest.len(),
            caught_up_after.as_secs_f64(),
            percentile(&lags, 50).as_secs_f64() * 1e3,
            percentile(&lags, 95).as_secs_f64() * 1e3
        );
        for task in self.tasks {
            task.abort();
        }
    }
}

async fn read_stream(response: reqwest::Response, log: Arc<Mutex<StreamLog>>) {
    let mut bytes = response.bytes_stream();
    let mut buffer = String::new();
    while let Some(Ok(chunk)) = bytes.next().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let seen = Instant::now();
            let mut log = log.lock().unwrap();
            for line in frame.lines() {
                if let Some(id) = line
                    .strip_prefix("id:")
                    .and_then(|id| id.trim().parse().ok())
                {
                    log.ids.push(id);
                }
                if let Some(n) = line.strip_prefix("data:").and_then(delivery_named) {
                    log.delivered.entry(n).or_insert(seen);
                }
            }
        }
    }
}

/// The delivery an event's inbound message names (`bench-N`), if any;
/// read without parsing the JSON, so the readers take little of the
/// machine the server runs on.
fn delivery_named(data: &str) -> Option<u64> {
    if !data.contains("\"direction\":\"in\"") {
        return None;
    }
    let after = data.split_once("bench-")?.1;
    let digits = after
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(after.len());
    after[..digits].parse().ok()
}
