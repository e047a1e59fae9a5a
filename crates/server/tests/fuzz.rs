//! Fuzzing what the outside world sends: WhatsApp's webhook bodies and
//! the CSV files managers upload. Whatever arrives, the parser answers
//! with a delivery or a clear error (never a panic), keeps what it stores
//! within WhatsApp's limits, and an import counts every row exactly once.
//! The number of cases is fixed, so the run takes a bounded time.

mod support;

use handover_server::app::contacts::import;
use handover_server::app::inbound::payload::{self, MAX_NAME, MAX_TEXT, MAX_WAMID};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use support::payloads::envelope;
use support::TestApp;

/// Keys and words of real Cloud API payloads, so that random bodies often
/// look like real ones and reach deep into the parser.
const KEYS: &[&str] = &[
    "messages",
    "statuses",
    "contacts",
    "from",
    "id",
    "timestamp",
    "type",
    "text",
    "body",
    "edit",
    "original_message_id",
    "message",
    "revoke",
    "system",
    "new_wa_id",
    "wa_id",
    "profile",
    "name",
    "errors",
    "status",
    "recipient_id",
    "order",
    "product_items",
    "quantity",
    "item_price",
    "currency",
    "interactive",
    "list_reply",
    "button_reply",
    "title",
    "context",
    "referral",
    "source_id",
    "caption",
    "latitude",
    "longitude",
    "biz_opaque_callback_data",
    "image",
    "audio",
    "voice",
    "reaction",
    "emoji",
];
const WORDS: &[&str] = &[
    "text",
    "image",
    "audio",
    "edit",
    "revoke",
    "system",
    "request_welcome",
    "order",
    "reaction",
    "interactive",
    "button",
    "list_reply",
    "button_reply",
    "nfm_reply",
    "unsupported",
    "user_changed_number",
    "read",
    "played",
    "failed",
    "delivered",
    "sent",
    "919876543210",
    "+91 98765 43210",
    "1700000000",
    "99999999999999999999",
    "-1",
    "",
    "handover:12",
    "handover:x",
    "wamid.HBgM",
    "abc",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|n| json!(n)),
        proptest::sample::select(WORDS).prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        (0usize..6000).prop_map(|n| Value::from("é".repeat(n))),
    ];
    leaf.prop_recursive(5, 80, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((proptest::sample::select(KEYS), inner), 0..7).prop_map(
                |pairs| Value::Object(
                    pairs
                        .into_iter()
                        .map(|(key, value)| (key.to_owned(), value))
                        .collect()
                )
            ),
        ]
    })
}

/// Checks what a parse of `body` gave: never a panic, and bounded fields.
fn parsed_within_limits(body: &[u8]) -> Result<(), TestCaseError> {
    let Ok(delivery) = payload::parse(body) else {
        return Ok(());
    };
    for message in &delivery.messages {
        prop_assert!(message
            .text
            .as_ref()
            .is_none_or(|t| t.chars().count() <= MAX_TEXT + 1));
        prop_assert!(message.wamid.chars().count() <= MAX_WAMID + 1);
        prop_assert!(message.raw.len() <= 16 * 1024);
        prop_assert!(message
            .reply_id
            .as_ref()
            .is_none_or(|id| id.chars().count() <= MAX_WAMID + 1));
    }
    for name in delivery.contacts.values() {
        prop_assert!(name.chars().count() <= MAX_NAME + 1);
    }
    for notice in &delivery.notices {
        prop_assert!(notice.wamid.chars().count() <= MAX_WAMID + 1);
    }
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn the_webhook_parser_takes_any_envelope_content_without_panicking() {
    runner(3_000)
        .run(&json_value(), |value| {
            let body = envelope(json!({
                "contacts": value.get("contacts").cloned().unwrap_or(Value::Null),
                "messages": value.get("messages").cloned().unwrap_or_else(|| json!([value.clone()])),
                "statuses": value.get("statuses").cloned().unwrap_or_else(|| json!([value])),
            }));
            parsed_within_limits(body.to_string().as_bytes())
        })
        .unwrap();
}

#[test]
fn the_webhook_parser_takes_any_json_and_any_bytes_without_panicking() {
    runner(2_000)
        .run(&json_value(), |value| {
            parsed_within_limits(value.to_string().as_bytes())
        })
        .unwrap();
    runner(2_000)
        .run(&proptest::collection::vec(any::<u8>(), 0..600), |bytes| {
            parsed_within_limits(&bytes)
        })
        .unwrap();
}

#[test]
fn the_csv_header_reader_takes_any_bytes_without_panicking() {
    let cell = prop_oneof![
        proptest::sample::select(vec!["name", "phone", "Mobile No", "\"", "\"\"", "", " "])
            .prop_map(str::to_owned),
        "\\PC{0,12}",
    ];
    let row = proptest::collection::vec(cell, 0..6).prop_map(|cells| cells.join(","));
    let file = proptest::collection::vec(row, 0..5).prop_map(|rows| rows.join("\r\n"));
    runner(3_000)
        .run(&file, |file| {
            let _ = import::layout(file.as_bytes());
            Ok(())
        })
        .unwrap();
    runner(1_000)
        .run(&proptest::collection::vec(any::<u8>(), 0..400), |bytes| {
            let _ = import::layout(&bytes);
            Ok(())
        })
        .unwrap();
}

/// A random CSV file of customers: good numbers, repeats, bad numbers,
/// quotes, blank lines and ragged rows.
fn customer_file() -> impl Strategy<Value = String> {
    let phone = prop_oneof![
        (0u32..40).prop_map(|n| format!("98200{n:05}")),
        (0u32..40).prop_map(|n| format!("+91 98200 {n:05}")),
        proptest::sample::select(vec!["", "12", "not a phone", "\"98200,00001\"", "+1 555"])
            .prop_map(str::to_owned),
    ];
    let name = prop_oneof![
        "[A-Za-z ]{0,12}",
        Just("\"Rao, Asha\"".to_owned()),
        Just("\"unclosed".to_owned()),
    ];
    let row = prop_oneof![
        8 => (name, phone, "[a-z]{0,6}").prop_map(|(n, p, c)| format!("{n},{p},{c}")),
        1 => Just(String::new()),
        1 => Just("only one cell".to_owned()),
    ];
    proptest::collection::vec(row, 0..60)
        .prop_map(|rows| format!("name,phone,city\n{}\n", rows.join("\n")))
}

#[test]
fn every_row_of_a_random_file_is_counted_once_and_only_good_numbers_are_stored() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = runtime.block_on(TestApp::start());
    let manager = runtime.block_on(app.manager());
    let count_users = || async {
        let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&app.db)
            .await
            .unwrap();
        users
    };
    runner(40)
        .run(&customer_file(), |file| {
            runtime.block_on(async {
                let before = count_users().await;
                let report = app
                    .import_csv(&manager, "source=Fuzz&country=IN", file)
                    .await;
                let n = |key: &str| report[key].as_i64().unwrap_or(-1);
                prop_assert_eq!(report["state"].as_str(), Some("done"), "{}", report);
                prop_assert_eq!(
                    n("rows"),
                    n("created") + n("updated") + n("unchanged") + n("skipped"),
                    "{}",
                    report
                );
                let users = count_users().await;
                prop_assert_eq!(users, before + n("created"), "{}", report);
                let (total,): (i64,) =
                    sqlx::query_as("SELECT CAST(SUM(users) AS BIGINT) FROM user_totals")
                        .fetch_one(&app.db)
                        .await
                        .unwrap();
                prop_assert_eq!(total, users);
                Ok(())
            })
        })
        .unwrap();
}
