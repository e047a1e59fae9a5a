//! Memory under what anonymous clients can send, measured alone in this
//! process (the server runs in it, and no other test does).

mod support;

use futures_util::StreamExt;
use reqwest::StatusCode;
use support::{client_from, sign_in, TestApp};

/// The resident memory of this process (the server runs in it), in bytes.
fn resident_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

#[tokio::test]
async fn three_hundred_sign_ins_with_huge_or_made_up_e_mails_grow_memory_by_less_than_32_mb() {
    let app = TestApp::start().await;
    // Twenty addresses, and a warm-up sign-in from each, so that what is
    // allocated once (clients, connections) is not counted.
    let clients: Vec<_> = (10..30).map(client_from).collect();
    for client in &clients {
        sign_in(&app, client, "warm@example.com", "warm-up-password").await;
    }
    let before = resident_bytes();
    let huge = "x".repeat(200_000);
    let sign_ins = (0..300).map(|n| {
        let client = &clients[n % clients.len()];
        let email = if n % 2 == 0 {
            format!("{huge}{n}@example.com")
        } else {
            format!("nobody{n}@example.com")
        };
        let app = &app;
        async move { sign_in(app, client, &email, "some-password").await }
    });
    let answers = futures_util::stream::iter(sign_ins)
        .buffer_unordered(20)
        .collect::<Vec<_>>()
        .await;
    let grew = resident_bytes().saturating_sub(before);
    assert!(
        grew < 32 * 1024 * 1024,
        "memory grew by {} MB",
        grew / 1024 / 1024
    );
    assert!(answers.iter().all(|status| matches!(
        *status,
        StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNAUTHORIZED
            | StatusCode::TOO_MANY_REQUESTS
    )));
}
