//! The demo's starting point: the Bloom & Petal bot, an agent called Asha,
//! and customers in every section and in History. Every customer message
//! goes through the webhook pipeline and every agent step through the
//! lifecycle, so counters, system lines and the bot's replies are exactly
//! what the real product would have stored.

use handover_core::api::{Agent, NewAgent};
use handover_core::bot::BotConfig;
use handover_core::templates::{TemplateButton, TemplateCategory, TemplateDraft, TemplateStatus};
use handover_core::{Actor, Command, Role, WaId};

use super::customer::{self, CustomerPhoto, CustomerText};
use crate::app::auth::accounts;
use crate::app::auth::checker::PasswordChecker;
use crate::app::error::AppError;
use crate::app::lifecycle::{self, ChangedBy};
use crate::app::templates;
use crate::platform::db::Db;
use crate::platform::media::MediaFiles;
use crate::platform::outbound;
use crate::store;
use crate::store::events::EventBatch;
use crate::store::messages::{self, Outbound};

/// The demo agent's sign-in, printed at start.
pub const AGENT_EMAIL: &str = "asha@demo.handover.local";
pub const AGENT_PASSWORD: &str = "handover-agent";
const AGENT_NAME: &str = "Asha Rao";

/// The photo a customer sends of her crushed delivery.
const PHOTO: &[u8] = include_bytes!("crushed-box.png");

/// The demo bot, also a worked example of the export/import format.
const BOT_JSON: &str = include_str!("bot.json");

/// What [`seed`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Seeded {
    /// The database was empty; it now holds the demo's customers.
    Customers(usize),
    /// The database already had customers; nothing was added.
    KeptExisting,
}

/// One thing that happens in a story, some minutes before start.
enum Step {
    /// The customer writes; the bot answers as configured.
    Writes(&'static str),
    /// The customer sends the demo photo with this caption.
    SendsPhoto(&'static str),
    /// Asha takes the chat.
    Intervenes,
    /// Asha writes.
    Replies(&'static str),
    /// Asha resolves the chat.
    Resolves,
}

/// One customer's chat so far.
struct Story {
    wa_id: &'static str,
    name: &'static str,
    /// (minutes before start, step), oldest first.
    steps: &'static [(i64, Step)],
}

const STORIES: &[Story] = &[
    Story {
        wa_id: "919820000101",
        name: "Priya Sharma",
        steps: &[
            (42, Step::Writes("Hi")),
            (41, Step::Writes("What are your opening hours?")),
        ],
    },
    Story {
        wa_id: "919820000102",
        name: "Rahul Verma",
        steps: &[(12, Step::Writes("Do you deliver to Bandra?"))],
    },
    Story {
        wa_id: "919820000108",
        name: "Arjun Nair",
        steps: &[
            (7, Step::Writes("Hello")),
            (6, Step::Writes("Do you sell chocolates too?")),
        ],
    },
    Story {
        wa_id: "919820000103",
        name: "Ananya Iyer",
        steps: &[
            (20, Step::Writes("Hello")),
            (
                9,
                Step::Writes("I want a refund for order #4471, the flowers were wilted"),
            ),
        ],
    },
    Story {
        wa_id: "919820000104",
        name: "Karan Mehta",
        steps: &[(4, Step::Writes("Can I talk to a person please?"))],
    },
    Story {
        wa_id: "919820000105",
        name: "Sneha Kapoor",
        steps: &[
            (35, Step::Writes("My bouquet arrived damaged 😞")),
            (30, Step::Intervenes),
            (
                29,
                Step::Replies("I'm so sorry, Sneha! Could you send me a photo of the bouquet? We'll make it right today."),
            ),
            (
                26,
                Step::SendsPhoto("The box as it arrived this morning"),
            ),
            (
                25,
                Step::Writes("Sure, the box was crushed and half the roses are broken."),
            ),
            (
                22,
                Step::Replies("Thank you. A fresh bouquet is on its way and will reach you by 6 PM; the delivery fee is refunded."),
            ),
        ],
    },
    Story {
        wa_id: "919820000106",
        name: "Vikram Singh",
        steps: &[
            (
                185,
                Step::Writes("I need to change the delivery address for my order"),
            ),
            (183, Step::Writes("agent")),
            (175, Step::Intervenes),
            (
                174,
                Step::Replies("Hi Vikram, happy to help. What's the new address?"),
            ),
            (170, Step::Writes("14 Hill Road, Bandra West")),
            (
                168,
                Step::Replies("Done! Your order will go to 14 Hill Road, Bandra West today."),
            ),
            (166, Step::Writes("Perfect, thanks!")),
            (165, Step::Resolves),
        ],
    },
    Story {
        wa_id: "919820000107",
        name: "Fatima Khan",
        steps: &[(51 * 60, Step::Writes("What are your prices?"))],
    },
];

/// The demo bot's configuration.
pub fn bot_config() -> BotConfig {
    serde_json::from_str(BOT_JSON).expect("the demo bot configuration is valid JSON")
}

/// Fills an empty database with the demo: the bot (unless one was saved),
/// Asha, and the customers' chats. A database that already has customers is
/// left as it is, so restarting the demo keeps what people did in it.
pub async fn seed(
    db: &Db,
    passwords: &PasswordChecker,
    files: &MediaFiles,
    now: i64,
) -> Result<Seeded, AppError> {
    if store::customers::any(&db.pool).await? {
        return Ok(Seeded::KeptExisting);
    }
    if !store::bot::any_saved(&db.pool).await? {
        let started = now - 3 * 24 * 3_600_000;
        let mut write = db.begin_write().await?;
        store::bot::save(
            &mut write.tx,
            &bot_config(),
            None,
            "Demo: Bloom & Petal",
            started,
        )
        .await?;
        write.commit().await?;
    }
    seed_templates(db, now).await?;
    let agent = demo_agent(db, passwords, now).await?;
    for story in STORIES {
        play(db, files, &agent, story, now).await?;
    }
    Ok(Seeded::Customers(STORIES.len()))
}

/// The shop's templates: one approved for agents to send, one waiting for
/// review, unless templates exist already.
async fn seed_templates(db: &Db, now: i64) -> Result<(), AppError> {
    if !store::templates::list(&db.pool).await?.is_empty() {
        return Ok(());
    }
    let order_update = TemplateDraft {
        name: "order_update".into(),
        language: "en".into(),
        category: TemplateCategory::Utility,
        header: Some("Your flowers are on their way".into()),
        header_media_id: None,
        body: "Hi {{1}}, your order {{2}} left our shop and arrives today.".into(),
        footer: Some("Bloom & Petal".into()),
        buttons: vec![TemplateButton::QuickReply {
            text: "Talk to us".into(),
        }],
    };
    let mut write = db.begin_write().await?;
    let created = templates::create(&mut write.tx, &order_update, now).await?;
    templates::review(
        &mut write.tx,
        created.id,
        TemplateStatus::Approved,
        None,
        now,
    )
    .await?;
    let festive_offer = TemplateDraft {
        name: "festive_offer".into(),
        language: "en".into(),
        category: TemplateCategory::Marketing,
        header: None,
        header_media_id: None,
        body: "Hi {{1}}! Diwali hampers are 15% off until {{2}}.".into(),
        footer: None,
        buttons: Vec::new(),
    };
    templates::create(&mut write.tx, &festive_offer, now).await?;
    write.commit().await?;
    Ok(())
}

/// Asha's account, created on first use.
async fn demo_agent(db: &Db, passwords: &PasswordChecker, now: i64) -> Result<Agent, AppError> {
    if let Some((agent, _)) = store::agents::with_password(&db.pool, AGENT_EMAIL).await? {
        return Ok(agent);
    }
    let asha = NewAgent {
        name: AGENT_NAME.into(),
        email: AGENT_EMAIL.into(),
        password: AGENT_PASSWORD.into(),
        role: Role::Agent,
    };
    accounts::create(db, passwords, &asha, None, now).await
}

async fn play(
    db: &Db,
    files: &MediaFiles,
    agent: &Agent,
    story: &Story,
    now: i64,
) -> Result<(), AppError> {
    let wa_id = WaId::parse(story.wa_id)
        .map_err(|error| AppError::bad_request("invalid_wa_id", format!("demo story: {error}")))?;
    for (minutes_ago, step) in story.steps {
        let at = now - minutes_ago * 60_000;
        match step {
            Step::Writes(text) => {
                let message = CustomerText {
                    wa_id: &wa_id,
                    name: story.name,
                    text,
                    at_ms: at,
                };
                customer::write(db, &message).await?;
            }
            Step::SendsPhoto(caption) => {
                let photo = CustomerPhoto {
                    wa_id: &wa_id,
                    name: story.name,
                    caption,
                    png: PHOTO,
                    at_ms: at,
                };
                customer::send_photo(db, files, &photo).await?;
            }
            Step::Intervenes => {
                let command = Command::Intervene(actor(agent));
                agent_step(db, agent, &wa_id, command, "An agent took the chat", at).await?;
            }
            Step::Resolves => {
                let command = Command::Resolve(actor(agent));
                let reason = "Resolved; handed back to the bot";
                agent_step(db, agent, &wa_id, command, reason, at).await?;
            }
            Step::Replies(text) => agent_writes(db, agent, &wa_id, text, at).await?,
        }
    }
    Ok(())
}

fn actor(agent: &Agent) -> Actor {
    Actor {
        agent: agent.id,
        role: agent.role,
    }
}

async fn agent_step(
    db: &Db,
    agent: &Agent,
    wa_id: &WaId,
    command: Command,
    reason: &str,
    at: i64,
) -> Result<(), AppError> {
    let mut write = db.begin_write().await?;
    let mut batch = EventBatch::default();
    let by = ChangedBy::Agent(agent);
    lifecycle::apply(&mut write.tx, &mut batch, wa_id, command, by, reason, at).await?;
    batch.record(&mut write.tx, at).await?;
    write.commit().await?;
    Ok(())
}

async fn agent_writes(
    db: &Db,
    agent: &Agent,
    wa_id: &WaId,
    text: &str,
    at: i64,
) -> Result<(), AppError> {
    let payload = outbound::text_payload(wa_id, text);
    let message = Outbound::from_agent(wa_id, agent.id, text, &payload);
    let mut write = db.begin_write().await?;
    let id = messages::queue_outbound(&mut write.tx, &message, at).await?;
    let mut batch = EventBatch::default();
    batch.message(id);
    batch.customer(wa_id);
    batch.record(&mut write.tx, at).await?;
    write.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_bot_passes_the_same_validation_as_an_import() {
        assert_eq!(bot_config().validate(), Ok(()));
    }

    #[test]
    fn every_story_has_a_valid_number_and_steps_in_time_order() {
        let mut numbers = std::collections::HashSet::new();
        for story in STORIES {
            assert!(WaId::parse(story.wa_id).is_ok(), "{}", story.wa_id);
            assert!(numbers.insert(story.wa_id), "{} twice", story.wa_id);
            let minutes: Vec<i64> = story.steps.iter().map(|(m, _)| *m).collect();
            assert!(
                minutes.windows(2).all(|pair| pair[0] > pair[1]),
                "{}: {minutes:?}",
                story.name
            );
        }
    }
}
