//! One delivery as large as the webhook takes (8 MB of customers'
//! messages, each with its contact, as WhatsApp writes them): how long it
//! takes to be answered, how much memory the server takes for it, and how
//! long an agent's note waits meanwhile, written every 50 ms to a chat the
//! delivery does not touch.

use std::time::{Duration, Instant};

use serde_json::json;

use super::live::{envelope, now_s, post_signed};

type Failure = Box<dyn std::error::Error>;

/// The webhook's body limit, less room for the envelope.
const BODY_BYTES: usize = 8 * 1024 * 1024 - 4_096;
/// How often the agent writes a note while the delivery is stored.
const NOTE_EVERY: Duration = Duration::from_millis(50);

/// Sends the delivery to the server at `base` (process `pid`), the notes
/// with `cookie`, and prints the figures.
pub async fn measure(
    http: &reqwest::Client,
    base: &str,
    pid: u32,
    cookie: &str,
    users: i64,
) -> Result<(), Failure> {
    let (body, messages) = large_body(users);
    // The peak is measured from here: the kernel forgets the one before.
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5")?;
    let before = memory_kb(pid, "VmRSS:");
    let started = Instant::now();
    let delivery = post_signed(http, base, &body);
    tokio::pin!(delivery);
    let mut waits = Vec::new();
    let answer = loop {
        tokio::select! {
            answer = &mut delivery => break answer?,
            () = tokio::time::sleep(NOTE_EVERY) => {
                let asked = Instant::now();
                let noted = http
                    .post(format!("{base}/api/users/{NOTED}/notes"))
                    .header("cookie", cookie)
                    .json(&json!({"text": "Called back about the order"}))
                    .send()
                    .await?;
                if !noted.status().is_success() {
                    return Err(format!("a note was refused: {}", noted.status()).into());
                }
                waits.push(asked.elapsed());
            }
        }
    };
    let took = started.elapsed();
    let peak = memory_kb(pid, "VmHWM:");
    waits.sort_unstable();
    let longest = waits.last().copied().unwrap_or_default();
    println!(
        "{:<44}{:>8.1} s   answered {answer}   {:.0} messages/s",
        format!(
            "one delivery of {messages} messages ({:.1} MB)",
            body.len() as f64 / 1e6
        ),
        took.as_secs_f64(),
        messages as f64 / took.as_secs_f64(),
    );
    println!(
        "{:<44}{:>8} MB more at the peak (from {} MB)",
        "",
        peak.saturating_sub(before) / 1024,
        before / 1024
    );
    println!(
        "{:<44}{:>8.0} ms the longest wait of {} notes written meanwhile",
        "",
        longest.as_secs_f64() * 1e3,
        waits.len()
    );
    Ok(())
}

/// The customer the agent writes notes to (seeded, and never in the
/// delivery, whose customers are numbered from 1).
const NOTED: &str = "910000000000";

/// A body just under the limit: known customers' texts, each with its
/// contact. Returns it and how many messages it carries.
fn large_body(users: i64) -> (String, usize) {
    let mut contacts = Vec::new();
    let mut messages = Vec::new();
    let mut size = 0;
    let at = now_s();
    let mut n: i64 = 0;
    while size < BODY_BYTES - 1_024 {
        n += 1;
        let wa_id = (910_000_000_000 + 1 + (n * 7_919).rem_euclid((users - 1).max(1))).to_string();
        let contact = json!({"profile": {"name": format!("Customer {wa_id}")}, "wa_id": wa_id});
        let message = json!({"from": wa_id, "id": format!("wamid.large.{n}"), "timestamp": at,
                             "type": "text", "text": {"body": format!("where is my order large-{n}")}});
        size += contact.to_string().len() + message.to_string().len() + 2;
        contacts.push(contact);
        messages.push(message);
    }
    let count = messages.len();
    let body = envelope(json!({"contacts": contacts, "messages": messages}));
    (body, count)
}

/// A figure of `/proc/{pid}/status`, in kB (0 when it cannot be read).
fn memory_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
}
