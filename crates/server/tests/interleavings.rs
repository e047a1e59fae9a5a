//! Counters stay exact whatever happens at once: random runs of customer
//! messages, WhatsApp's retries of them, delivery statuses, and agents
//! intervening, replying, resolving, releasing and transferring (several
//! at the same moment) against the real server. After each run every
//! profile counter equals what the stored messages and transitions say,
//! each message WhatsApp delivered is stored once, and the section counts
//! match the chats in them. The number of runs is fixed.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join_all;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use support::payloads::{status, text};
use support::{Session, TestApp};

const CUSTOMERS: [&str; 3] = ["919800000001", "919800000002", "919800000003"];
const WORDS: [&str; 4] = ["hi", "agent please", "where is my order", "thanks"];
const ACTIONS: [&str; 4] = ["intervene", "resolve", "release", "transfer"];

#[derive(Debug, Clone)]
enum Op {
    /// A customer writes (a new message).
    Write { customer: usize, word: usize },
    /// WhatsApp delivers an earlier message again.
    Retry { earlier: usize },
    /// A status for one of our messages (which, and which status).
    Status { message: usize, read: bool },
    /// Someone acts on a chat.
    Act {
        who: usize,
        customer: usize,
        action: usize,
    },
    /// Someone replies in a chat.
    Reply { who: usize, customer: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..CUSTOMERS.len(), 0..WORDS.len()).prop_map(|(customer, word)| Op::Write { customer, word }),
        2 => any::<usize>().prop_map(|earlier| Op::Retry { earlier }),
        1 => (any::<usize>(), any::<bool>()).prop_map(|(message, read)| Op::Status { message, read }),
        4 => (0..3usize, 0..CUSTOMERS.len(), 0..ACTIONS.len())
            .prop_map(|(who, customer, action)| Op::Act { who, customer, action }),
        2 => (0..3usize, 0..CUSTOMERS.len()).prop_map(|(who, customer)| Op::Reply { who, customer }),
    ]
}

/// Steps of one to three things happening at the same moment.
fn run() -> impl Strategy<Value = Vec<Vec<Op>>> {
    proptest::collection::vec(proptest::collection::vec(op(), 1..4), 4..16)
}

struct World {
    app: TestApp,
    people: Vec<Session>,
}

/// Deliveries sent so far (to retry), in order.
type Sent = Vec<Value>;

/// Does `op` (a write sends `sent[own]`); returns the answer's status and
/// body, or `None` when there was nothing to do.
async fn apply(world: &World, op: &Op, sent: &Sent, own: Option<usize>) -> Option<(u16, String)> {
    let app = &world.app;
    let response = match op {
        Op::Write { .. } => app.webhook(sent.get(own?)?).await,
        Op::Retry { earlier } => {
            let body = sent.get(earlier % sent.len().max(1))?;
            app.webhook(body).await
        }
        Op::Status { message, read } => {
            let ours: Vec<(String, String)> = sqlx::query_as(
                "SELECT wamid, wa_id FROM messages WHERE direction = 'out' AND wamid IS NOT NULL ORDER BY id",
            )
            .fetch_all(&app.db)
            .await
            .unwrap();
            let (wamid, to) = ours.get(message % ours.len().max(1))?;
            let state = if *read { "read" } else { "delivered" };
            app.webhook(&status(wamid, state, app.now_s(), to)).await
        }
        Op::Act {
            who,
            customer,
            action,
        } => {
            let path = format!("/api/users/{}/{}", CUSTOMERS[*customer], ACTIONS[*action]);
            let to = &world.people[(who + 1) % world.people.len()];
            let body = json!({"agent_id": to.agent.id});
            app.post(&world.people[*who], &path, body).await
        }
        Op::Reply { who, customer } => {
            let path = format!("/api/users/{}/messages", CUSTOMERS[*customer]);
            app.post(&world.people[*who], &path, json!({"text": "On it"}))
                .await
        }
    };
    let code = response.status().as_u16();
    Some((code, response.text().await.unwrap_or_default()))
}

async fn count(app: &TestApp, sql: &str, wa_id: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(wa_id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    n
}

/// Every counter against the rows it counts.
async fn check(
    world: &World,
    written: &BTreeMap<&str, BTreeSet<String>>,
) -> Result<(), TestCaseError> {
    let app = &world.app;
    let manager = &world.people[0];
    app.settle_outbound().await;
    let mut in_sections = BTreeMap::<String, i64>::new();
    for wa_id in CUSTOMERS {
        let expected_inbound = written.get(wa_id).map_or(0, BTreeSet::len) as i64;
        if expected_inbound == 0 {
            continue;
        }
        let profile = app.profile(manager, wa_id).await;
        let stored_inbound = count(
            app,
            "SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND author = 'user'",
            wa_id,
        )
        .await;
        prop_assert_eq!(
            stored_inbound,
            expected_inbound,
            "each delivered message once: {}",
            wa_id
        );
        // Each profile counter and the rows it counts.
        for (counter, rows) in [
            (
                "session_messages",
                "SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND kind = 'session'",
            ),
            (
                "template_messages",
                "SELECT COUNT(*) FROM messages WHERE wa_id = $1 AND kind = 'template'",
            ),
            (
                "unresolved_queries",
                "SELECT COUNT(*) FROM transitions WHERE wa_id = $1 AND to_status = 'requesting'",
            ),
        ] {
            let counted = count(app, rows, wa_id).await;
            prop_assert_eq!(
                profile[counter].as_i64(),
                Some(counted),
                "{}: {}",
                counter,
                profile
            );
        }
        let last: Option<(String,)> = sqlx::query_as(
            "SELECT to_status FROM transitions WHERE wa_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(wa_id)
        .fetch_optional(&app.db)
        .await
        .unwrap();
        let status = last.map_or("active".to_owned(), |(status,)| status);
        prop_assert_eq!(
            profile["status"].as_str(),
            Some(status.as_str()),
            "{}",
            profile
        );
        *in_sections.entry(status).or_default() += 1;
    }
    let counts = app.get_json(manager, "/api/sections").await;
    for section in ["active", "requesting", "intervened", "closed"] {
        prop_assert_eq!(
            counts[section].as_i64(),
            Some(in_sections.get(section).copied().unwrap_or(0)),
            "{}: {}",
            section,
            counts
        );
    }
    prop_assert_eq!(counts["history"].as_i64(), Some(0), "{}", counts);
    Ok(())
}

#[test]
fn random_interleavings_of_deliveries_retries_and_agents_keep_every_counter_exact() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&run(), |steps| {
            runtime.block_on(async {
                let app = TestApp::start().await;
                let people = vec![
                    app.manager().await,
                    app.agent("Asha").await,
                    app.agent("Ravi").await,
                ];
                let world = World { app, people };
                let mut sent: Sent = Vec::new();
                let mut written: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
                let mut n = 0;
                for step in &steps {
                    let mut own = Vec::new();
                    for op in step {
                        n += 1;
                        own.push(if let Op::Write { customer, word } = op {
                            let wamid = format!("wamid.run.{n}");
                            written
                                .entry(CUSTOMERS[*customer])
                                .or_default()
                                .insert(wamid.clone());
                            sent.push(text(
                                CUSTOMERS[*customer],
                                &wamid,
                                world.app.now_s(),
                                WORDS[*word],
                            ));
                            Some(sent.len() - 1)
                        } else {
                            None
                        });
                    }
                    let started = step
                        .iter()
                        .zip(&own)
                        .map(|(op, own)| apply(&world, op, &sent, *own));
                    for (op, answer) in step.iter().zip(join_all(started).await) {
                        if let Some((code, body)) = answer {
                            prop_assert!(code < 500, "{:?} answered {}: {}", op, code, body);
                        }
                    }
                }
                check(&world, &written).await
            })
        })
        .unwrap();
}
