//! The server's own measurements, written in Prometheus' text format at
//! `GET /metrics`: counters and latency histograms kept in memory by this
//! process (each server of several is scraped on its own), and gauges read
//! when scraped (open streams here, the outbox and imports from the
//! database). Names start with `handover_`, times are in seconds, and every
//! label has a fixed, small set of values.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// Counts of durations per bucket, with their sum.
#[derive(Default)]
pub struct Histogram {
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, took: Duration) {
        let seconds = took.as_secs_f64();
        if let Some(bucket) = BUCKETS.iter().position(|bound| seconds <= *bound) {
            self.buckets[bucket].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        header(out, name, help, "histogram");
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {count}");
    }
}

/// How a webhook delivery was answered.
#[derive(Debug, Clone, Copy)]
pub enum DeliveryResult {
    /// 200: committed.
    Ok,
    /// 4xx: refused (a bad signature, a malformed body); WhatsApp retries.
    Refused,
    /// 5xx: the server could not take it now; WhatsApp retries.
    Unavailable,
}

impl DeliveryResult {
    const ALL: [DeliveryResult; 3] = [Self::Ok, Self::Refused, Self::Unavailable];

    pub fn of_status(status: u16) -> Self {
        match status {
            200..=299 => Self::Ok,
            400..=499 => Self::Refused,
            _ => Self::Unavailable,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Refused => "refused",
            Self::Unavailable => "unavailable",
        }
    }
}

/// The label of one call to WhatsApp: its HTTP status (the usual ones by
/// number, others by class), `unreachable` when no answer came, `error`
/// when the call was not made or its answer could not be used.
pub fn call_label(status: Option<u16>, retryable: bool) -> &'static str {
    match (status, retryable) {
        (Some(200), _) => "200",
        (Some(400), _) => "400",
        (Some(401), _) => "401",
        (Some(403), _) => "403",
        (Some(404), _) => "404",
        (Some(429), _) => "429",
        (Some(500), _) => "500",
        (Some(502), _) => "502",
        (Some(503), _) => "503",
        (Some(504), _) => "504",
        (Some(200..=299), _) => "2xx",
        (Some(400..=499), _) => "4xx",
        (Some(_), _) => "5xx",
        (None, true) => "unreachable",
        (None, false) => "error",
    }
}

/// What the database says when scraped.
#[derive(Debug, Default)]
pub struct Backlog {
    /// Messages queued and not yet sent: to chats, and of campaigns.
    pub outbox_chat: i64,
    pub outbox_campaign: i64,
    /// Imports running, and how far through their files they are.
    pub imports_running: i64,
    pub import_bytes_processed: i64,
    pub import_bytes_total: i64,
}

/// This process' counters and histograms.
#[derive(Default)]
pub struct Metrics {
    deliveries: [AtomicU64; 3],
    delivery_seconds: Histogram,
    /// Calls to WhatsApp (sends and uploads) by their label.
    calls: Mutex<Vec<(&'static str, u64)>>,
    sign_in_failures: AtomicU64,
    write_wait_seconds: Histogram,
    write_seconds: Histogram,
}

impl Metrics {
    pub fn delivery(&self, result: DeliveryResult, took: Duration) {
        self.deliveries[result as usize].fetch_add(1, Ordering::Relaxed);
        self.delivery_seconds.observe(took);
    }

    pub fn whatsapp_call(&self, label: &'static str) {
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        match calls.iter_mut().find(|(known, _)| *known == label) {
            Some((_, count)) => *count += 1,
            None => calls.push((label, 1)),
        }
    }

    pub fn sign_in_failed(&self) {
        self.sign_in_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// A write transaction: how long it waited for the write turn, and how
    /// long it held it until its commit.
    pub fn write(&self, waited: Duration, held: Duration) {
        self.write_wait_seconds.observe(waited);
        self.write_seconds.observe(held);
    }

    /// Everything, in Prometheus' text format.
    pub fn render(&self, open_streams: usize, backlog: &Backlog) -> String {
        let mut out = String::with_capacity(4096);
        let name = "handover_webhook_deliveries_total";
        header(
            &mut out,
            name,
            "Webhook deliveries by how they were answered.",
            "counter",
        );
        for result in DeliveryResult::ALL {
            let count = self.deliveries[result as usize].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}{{result=\"{}\"}} {count}", result.label());
        }
        self.delivery_seconds.write(
            &mut out,
            "handover_webhook_duration_seconds",
            "Time from a webhook delivery's arrival to its answer.",
        );
        let name = "handover_whatsapp_calls_total";
        header(
            &mut out,
            name,
            "Calls to WhatsApp (sends and uploads) by HTTP status.",
            "counter",
        );
        let mut calls = self.calls.lock().unwrap_or_else(|p| p.into_inner()).clone();
        calls.sort();
        for (label, count) in calls {
            let _ = writeln!(out, "{name}{{status=\"{label}\"}} {count}");
        }
        let name = "handover_outbox_messages";
        header(&mut out, name, "Messages queued and not yet sent.", "gauge");
        let _ = writeln!(out, "{name}{{source=\"chat\"}} {}", backlog.outbox_chat);
        let _ = writeln!(
            out,
            "{name}{{source=\"campaign\"}} {}",
            backlog.outbox_campaign
        );
        gauge(
            &mut out,
            "handover_event_streams_open",
            "Live event streams open on this server.",
            open_streams as i64,
        );
        self.write_wait_seconds.write(
            &mut out,
            "handover_db_write_wait_seconds",
            "Time a write transaction waited for the database's write turn.",
        );
        self.write_seconds.write(
            &mut out,
            "handover_db_write_seconds",
            "Time a write transaction held the write turn, until its commit.",
        );
        counter(
            &mut out,
            "handover_sign_in_failures_total",
            "Sign-ins and password changes refused for a wrong password.",
            self.sign_in_failures.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "handover_imports_running",
            "CSV imports running.",
            backlog.imports_running,
        );
        gauge(
            &mut out,
            "handover_import_processed_bytes",
            "Bytes of the running imports' files applied so far.",
            backlog.import_bytes_processed,
        );
        gauge(
            &mut out,
            "handover_import_total_bytes",
            "Bytes of the running imports' files.",
            backlog.import_bytes_total,
        );
        out
    }
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

fn counter(out: &mut String, name: &str, help: &str, value: u64) {
    header(out, name, help, "counter");
    let _ = writeln!(out, "{name} {value}");
}

fn gauge(out: &mut String, name: &str, help: &str, value: i64) {
    header(out, name, help, "gauge");
    let _ = writeln!(out, "{name} {value}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_counts_each_duration_in_its_bucket_and_every_one_above() {
        let histogram = Histogram::default();
        histogram.observe(Duration::from_micros(800));
        histogram.observe(Duration::from_millis(30));
        histogram.observe(Duration::from_secs(20));
        let mut out = String::new();
        histogram.write(&mut out, "h", "help");
        assert!(out.contains("h_bucket{le=\"0.001\"} 1\n"), "{out}");
        assert!(out.contains("h_bucket{le=\"0.025\"} 1\n"), "{out}");
        assert!(out.contains("h_bucket{le=\"0.05\"} 2\n"), "{out}");
        assert!(out.contains("h_bucket{le=\"10\"} 2\n"), "{out}");
        assert!(out.contains("h_bucket{le=\"+Inf\"} 3\n"), "{out}");
        assert!(out.contains("h_count 3\n"), "{out}");
        assert!(out.contains("h_sum 20.0308\n"), "{out}");
    }

    #[test]
    fn call_labels_are_a_small_fixed_set() {
        assert_eq!(call_label(Some(200), false), "200");
        assert_eq!(call_label(Some(418), false), "4xx");
        assert_eq!(call_label(Some(599), true), "5xx");
        assert_eq!(call_label(None, true), "unreachable");
        assert_eq!(call_label(None, false), "error");
    }
}
