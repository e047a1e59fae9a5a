//! The Bot page (managers): the configuration as a form or as one JSON
//! document (the same draft), every problem listed by field, export,
//! versions with one-click rollback, and "Try the bot", which runs the
//! unsaved draft without touching customers.

use handover_core::api::{BotVersion, SimulatedMessage, SimulatedTurn, Simulation};
use handover_core::bot::BotConfig;
use handover_core::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::bot_form::{pretty, tidy, BotForm, Draft};
use crate::components::thread::offered_view;

#[component]
pub fn BotPage() -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let version = RwSignal::new(None::<i64>);
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    let versions = LocalResource::new(api::fetch_bot_versions);
    spawn_local(async move {
        match api::fetch_bot().await {
            Ok(document) => {
                draft.set(pretty(&document.config));
                version.set(Some(document.version));
            }
            Err(error) => notice.set(Some(error.to_string())),
        }
    });
    let parsed = Memo::new(move |_| {
        draft.with(|text| serde_json::from_str::<BotConfig>(text).map_err(|e| e.to_string()))
    });
    let as_json = RwSignal::new(false);
    // What Save sends: the draft without the blank lines left by the form,
    // or as typed when it does not parse (the server names the problem).
    let to_save = move || match parsed.get_untracked() {
        Ok(mut config) => {
            tidy(&mut config);
            pretty(&config)
        }
        Err(_) => draft.get_untracked(),
    };

    // Saving goes through the import endpoint, which names the field of
    // every problem, whether of shape or of WhatsApp's limits.
    let save = Action::new_local(move |document: &String| api::import_bot(document.clone()));
    let rollback = Action::new_local(move |id: &i64| api::rollback_bot(*id));
    let settle =
        move |result: Option<Result<handover_core::api::BotDocument, ApiError>>| match result {
            Some(Ok(document)) => {
                draft.set(pretty(&document.config));
                version.set(Some(document.version));
                problems.set(Vec::new());
                failed.set(false);
                notice.set(Some(format!("Saved as version {}.", document.version)));
                versions.refetch();
            }
            Some(Err(ApiError::Server {
                message, fields, ..
            })) => {
                failed.set(true);
                notice.set(Some(message));
                problems.set(fields);
            }
            Some(Err(error)) => {
                failed.set(true);
                notice.set(Some(error.to_string()));
            }
            None => {}
        };
    Effect::new(move |_| settle(save.value().get()));
    Effect::new(move |_| settle(rollback.value().get()));

    // Try the bot: the whole conversation is replayed on every message.
    let typed = RwSignal::new(String::new());
    let said = RwSignal::new(Vec::<String>::new());
    let simulate =
        Action::new_local(move |simulation: &Simulation| api::simulate(simulation.clone()));
    let turns = Signal::derive(move || {
        simulate
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
    });
    let simulation_error = move || match (parsed.get(), simulate.value().get()) {
        (Err(error), _) => Some(format!("The draft is not valid JSON for a bot: {error}")),
        (_, Some(Err(error))) => Some(error.message()),
        _ => None,
    };
    let send = move || {
        let text = typed.get_untracked();
        let Ok(config) = parsed.get_untracked() else {
            return;
        };
        if text.trim().is_empty() {
            return;
        }
        said.update(|said| said.push(text));
        typed.set(String::new());
        let messages = said
            .get_untracked()
            .into_iter()
            .map(|text| SimulatedMessage {
                text: Some(text),
                reply_id: None,
            })
            .collect();
        simulate.dispatch(Simulation {
            config: Some(config),
            messages,
        });
    };

    // Keep the newest reply in sight.
    let conversation = NodeRef::<leptos::html::Ol>::new();
    Effect::new(move |_| {
        said.track();
        turns.track();
        request_animation_frame(move || {
            if let Some(list) = conversation.get_untracked() {
                list.set_scroll_top(list.scroll_height());
            }
        });
    });

    view! {
        <div class="bot-page">
            <section class="bot-editor" aria-label="Bot configuration">
                <header class="bot-head">
                    <h1>"Bot"</h1>
                    <span class="bot-version">{move || version.get().map(|v| if v == 0 { "Built-in default".to_owned() } else { format!("Version {v}") })}</span>
                    <a class="button" href="/api/bot/export" download="handover-bot.json">"Export"</a>
                    <button type="button" class="button button-primary" disabled=move || save.pending().get() on:click=move |_| { save.dispatch(to_save()); }>
                        "Save"
                    </button>
                </header>
                <div class="editor-switch" role="group" aria-label="Edit as">
                    <button type="button" class="button" aria-pressed=move || (!as_json.get()).to_string() on:click=move |_| as_json.set(false)>"Form"</button>
                    <button type="button" class="button" aria-pressed=move || as_json.get().to_string() on:click=move |_| as_json.set(true)>"JSON"</button>
                    <span class="bot-help">{move || if as_json.get() {
                        "The whole configuration as one document: paste an exported one to import it. Saving keeps the previous version."
                    } else {
                        "Changes apply when you save; saving keeps the previous version. Try the draft on the right first."
                    }}</span>
                </div>
                {move || notice.get().map(|message| view! { <p class="bot-notice" class:error=move || failed.get() role="status">{message}</p> })}
                <Show when=move || !problems.with(Vec::is_empty)>
                    <ul class="problems" role="alert" aria-label="Problems">
                        {move || problems.get().into_iter().map(|problem| view! {
                            <li><code>{problem.field}</code>" "{problem.message}</li>
                        }).collect_view()}
                    </ul>
                </Show>
                <Show
                    when=move || as_json.get()
                    fallback=move || view! { <BotForm draft=Draft { text: draft, parsed } /> }
                >
                    <textarea
                        class="bot-json"
                        aria-label="Bot configuration (JSON)"
                        spellcheck="false"
                        prop:value=draft
                        on:input=move |event| draft.set(event_target_value(&event))
                    ></textarea>
                </Show>
                <h2>"Versions"</h2>
                <ul class="versions">
                    {move || versions.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|saved: BotVersion| {
                        let id = saved.id;
                        let note = if saved.note.is_empty() { String::new() } else { format!(" · {}", saved.note) };
                        view! {
                            <li>
                                <span>{format!("Version {id}{}{note}", saved.saved_by.map(|name| format!(" by {name}")).unwrap_or_default())}</span>
                                <button type="button" class="button" on:click=move |_| { rollback.dispatch(id); }>"Roll back"</button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <section class="simulator" aria-label="Try the bot">
                <header class="bot-head">
                    <h2>"Try the bot"</h2>
                    <button type="button" class="button" on:click=move |_| { said.set(Vec::new()); simulate.clear(); }>"Start over"</button>
                </header>
                <p class="bot-help">"Type as a customer. The unsaved draft answers; no customer is touched."</p>
                <ol class="thread simulation" node_ref=conversation>
                    {move || said.get().into_iter().enumerate().map(|(n, text)| {
                        let turn: Option<SimulatedTurn> = turns.with(|turns| turns.get(n).cloned());
                        view! {
                            <li class="bubble" data-author="user"><span class="bubble-author">"Customer"</span><p class="bubble-text">{text}</p></li>
                            {turn.map(|turn| view! {
                                {turn.replies.iter().map(|reply| view! {
                                    <li class="bubble" data-author="bot">
                                        <span class="bubble-author">"Bot"</span>
                                        <p class="bubble-text">{reply.text().to_owned()}</p>
                                        {reply.offered().map(offered_view)}
                                    </li>
                                }).collect_view()}
                                <li class="simulation-facts">
                                    {match_summary(&turn)}
                                    {turn.escalation.clone().map(|reason| view! { <strong class="escalates">{format!(" · Escalates: {reason}")}</strong> })}
                                </li>
                            })}
                        }
                    }).collect_view()}
                </ol>
                {move || simulation_error().map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
                <div class="composer-row">
                    <input
                        class="composer-input"
                        aria-label="Message as a customer"
                        placeholder="Type as a customer…"
                        prop:value=typed
                        on:input=move |event| typed.set(event_target_value(&event))
                        on:keydown=move |event: leptos::ev::KeyboardEvent| if event.key() == "Enter" { send() }
                    />
                    <button type="button" class="button button-primary" on:click=move |_| send()>"Send"</button>
                </div>
            </section>
        </div>
    }
}

/// What the simulator says about how the bot read a message: the intent
/// that answered, or the nearest one and how far it was.
pub fn match_summary(turn: &SimulatedTurn) -> String {
    let percent = |confidence: f64| format!("{:.0}%", confidence * 100.0);
    match (
        &turn.intent,
        turn.confidence,
        &turn.nearest_intent,
        turn.nearest_confidence,
    ) {
        (Some(intent), Some(confidence), _, _) => {
            format!("Intent {intent} · confidence {}", percent(confidence))
        }
        (_, _, Some(nearest), Some(confidence)) => format!(
            "No intent matched · nearest: {nearest} at {}",
            percent(confidence)
        ),
        _ => "No intent matched · no intent is close".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use handover_core::Status;

    fn turn(intent: Option<(&str, f64)>, nearest: Option<(&str, f64)>) -> SimulatedTurn {
        SimulatedTurn {
            replies: Vec::new(),
            intent: intent.map(|(name, _)| name.to_owned()),
            confidence: intent.map(|(_, confidence)| confidence),
            nearest_intent: nearest.map(|(name, _)| name.to_owned()),
            nearest_confidence: nearest.map(|(_, confidence)| confidence),
            escalation: None,
            status: Status::Active,
        }
    }

    #[test]
    fn the_simulator_names_the_nearest_intent_when_none_matched() {
        assert_eq!(
            match_summary(&turn(Some(("track_order", 0.93)), None)),
            "Intent track_order · confidence 93%"
        );
        assert_eq!(
            match_summary(&turn(None, Some(("track_order", 0.62)))),
            "No intent matched · nearest: track_order at 62%"
        );
        assert_eq!(
            match_summary(&turn(None, None)),
            "No intent matched · no intent is close"
        );
    }
}
