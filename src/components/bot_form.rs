//! The bot's configuration as a form: the bot's messages, its intents
//! (examples, keywords, a reply as text, buttons or a list, "always hand to
//! an agent") and the escalation rules and business hours. It edits the
//! same draft document as the JSON view, so the two always agree and the
//! server checks either the same way.

use handover_core::bot::config::limits;
use handover_core::bot::{BotConfig, BusinessHours, Choice, Intent, Reply};
use leptos::prelude::*;

/// The draft as the page holds it: the document's text and its reading.
#[derive(Clone, Copy)]
pub struct Draft {
    pub text: RwSignal<String>,
    pub parsed: Memo<Result<BotConfig, String>>,
}

impl Draft {
    /// A value read from the draft (the type's default while it does not parse).
    fn read<T: Default>(self, get: impl Fn(&BotConfig) -> T) -> T {
        self.parsed
            .with(|parsed| parsed.as_ref().map(&get).unwrap_or_default())
    }

    /// Applies `change` to the draft, if it parses.
    fn edit(self, change: impl FnOnce(&mut BotConfig)) {
        let Ok(mut config) = self.parsed.get_untracked() else {
            return;
        };
        change(&mut config);
        self.text.set(pretty(&config));
    }

    /// Applies `change` to intent `n`, if it exists.
    fn edit_intent(self, n: usize, change: impl FnOnce(&mut Intent)) {
        self.edit(|config| {
            if let Some(intent) = config.intents.get_mut(n) {
                change(intent);
            }
        });
    }
}

/// The document as the JSON view shows it and the server receives it.
pub fn pretty(config: &BotConfig) -> String {
    serde_json::to_string_pretty(config).unwrap_or_default()
}

/// One entry per line, as typed (blank lines are dropped by [`tidy`]).
fn lines(text: &str) -> Vec<String> {
    if text.is_empty() {
        Vec::new()
    } else {
        text.split('\n').map(str::to_owned).collect()
    }
}

/// Drops the blank examples and keywords left by editing line by line.
pub fn tidy(config: &mut BotConfig) {
    let keep = |list: &mut Vec<String>| list.retain(|entry| !entry.trim().is_empty());
    for intent in &mut config.intents {
        keep(&mut intent.examples);
        keep(&mut intent.keywords);
    }
    keep(&mut config.escalation.request_keywords);
}

/// A fresh intent for "Add intent", with an id no other intent has.
fn new_intent(existing: &[Intent]) -> Intent {
    let id = (1..)
        .map(|n| format!("intent_{n}"))
        .find(|id| existing.iter().all(|intent| &intent.id != id))
        .unwrap_or_default();
    Intent {
        id,
        examples: Vec::new(),
        keywords: Vec::new(),
        reply: Reply::Text {
            text: String::new(),
        },
        always_escalate: false,
    }
}

/// The reply kinds offered, as the select names them.
const REPLY_KINDS: [(&str, &str); 3] = [
    ("text", "Text"),
    ("buttons", "Quick reply buttons (up to 3)"),
    ("list", "List (up to 10 rows)"),
];

fn kind_of(reply: &Reply) -> &'static str {
    match reply {
        Reply::Text { .. } => "text",
        Reply::Buttons { .. } => "buttons",
        Reply::List { .. } => "list",
    }
}

/// `reply` turned into `kind`, keeping its text (and choices where both
/// kinds have them).
fn convert(reply: &Reply, kind: &str) -> Reply {
    let text = reply.text().to_owned();
    let choices = match reply {
        Reply::Buttons { buttons, .. } => buttons.clone(),
        Reply::List { rows, .. } => rows.clone(),
        Reply::Text { .. } => Vec::new(),
    };
    match kind {
        "buttons" => Reply::Buttons {
            text,
            buttons: choices.into_iter().take(limits::BUTTONS).collect(),
        },
        "list" => Reply::List {
            text,
            button: "Choose".into(),
            rows: choices,
        },
        _ => Reply::Text { text },
    }
}

fn choices_mut(reply: &mut Reply) -> Option<&mut Vec<Choice>> {
    match reply {
        Reply::Buttons { buttons, .. } => Some(buttons),
        Reply::List { rows, .. } => Some(rows),
        Reply::Text { .. } => None,
    }
}

fn choices(reply: &Reply) -> &[Choice] {
    match reply {
        Reply::Buttons { buttons, .. } => buttons,
        Reply::List { rows, .. } => rows,
        Reply::Text { .. } => &[],
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[component]
pub fn BotForm(draft: Draft) -> impl IntoView {
    let valid = Memo::new(move |_| draft.parsed.with(Result::is_ok));
    let intents = Memo::new(move |_| draft.read(|c| c.intents.len()));
    let asks = Memo::new(move |_| draft.read(|c| c.escalation.on_request));
    let counts_fallbacks =
        Memo::new(move |_| draft.read(|c| c.escalation.after_fallbacks.is_some()));
    let has_hours = Memo::new(move |_| draft.read(|c| c.business_hours.is_some()));
    let hours = move |get: fn(&BusinessHours) -> String| {
        draft.read(move |c| c.business_hours.as_ref().map(get).unwrap_or_default())
    };
    let edit_hours = move |change: Box<dyn FnOnce(&mut BusinessHours)>| {
        draft.edit(|c| {
            if let Some(hours) = c.business_hours.as_mut() {
                change(hours);
            }
        })
    };

    view! {
        <Show
            when=move || valid.get()
            fallback=move || view! {
                <p class="form-error" role="alert">
                    {move || draft.parsed.with(|p| p.as_ref().err().cloned()).map(|error| format!("The document does not read as a bot configuration ({error}). Fix it in the JSON view, or roll back to a saved version."))}
                </p>
            }
        >
            <div class="bot-form">
                <fieldset class="form-section">
                    <legend>"Messages"</legend>
                    <label class="field">
                        <span class="field-label">"Welcome (new customers, and after a chat is resolved)"</span>
                        <textarea rows="3" prop:value=move || draft.read(|c| c.welcome.clone())
                            on:input=move |e| { let v = event_target_value(&e); draft.edit(|c| c.welcome = v) }></textarea>
                    </label>
                    <label class="field">
                        <span class="field-label">"Fallback (no intent is confident enough)"</span>
                        <textarea rows="2" prop:value=move || draft.read(|c| c.fallback.clone())
                            on:input=move |e| { let v = event_target_value(&e); draft.edit(|c| c.fallback = v) }></textarea>
                    </label>
                    <label class="field field-inline">
                        <span class="field-label">"Confidence needed to answer"</span>
                        <input type="number" min="0.05" max="1" step="0.05" class="number"
                            prop:value=move || draft.read(|c| c.threshold.to_string())
                            on:input=move |e| { if let Ok(v) = event_target_value(&e).parse::<f64>() { draft.edit(|c| c.threshold = v) } } />
                        <span class="field-hint">"0.80 means 80% alike after normalising case, accents and punctuation"</span>
                    </label>
                </fieldset>

                <fieldset class="form-section">
                    <legend>"Intents"</legend>
                    <p class="bot-help">"Each intent answers when a message is close to one of its examples or contains one of its keywords. Buttons and list rows lead to the intent whose id they carry."</p>
                    {move || (0..intents.get()).map(|n| view! { <IntentEditor draft n /> }).collect_view()}
                    <button type="button" class="button" on:click=move |_| draft.edit(|c| { let intent = new_intent(&c.intents); c.intents.push(intent) })>
                        "Add intent"
                    </button>
                </fieldset>

                <fieldset class="form-section">
                    <legend>"Handing over to an agent"</legend>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || asks.get()
                            on:change=move |e| { let on = event_target_checked(&e); draft.edit(|c| c.escalation.on_request = on) } />
                        "When the customer asks for a person (these words, or the button below)"
                    </label>
                    <Show when=move || asks.get()>
                        <div class="form-row">
                            <label class="field">
                                <span class="field-label">"Words that ask for a person (one per line)"</span>
                                <textarea rows="3" prop:value=move || draft.read(|c| c.escalation.request_keywords.join("\n"))
                                    on:input=move |e| { let v = lines(&event_target_value(&e)); draft.edit(|c| c.escalation.request_keywords = v) }></textarea>
                            </label>
                            <label class="field">
                                <span class="field-label">"Id of the \"Talk to an agent\" button"</span>
                                <input prop:value=move || draft.read(|c| c.escalation.request_button_id.clone())
                                    on:input=move |e| { let v = event_target_value(&e); draft.edit(|c| c.escalation.request_button_id = v) } />
                            </label>
                        </div>
                    </Show>
                    <div class="check">
                        <input type="checkbox" id="bot-after-fallbacks" prop:checked=move || counts_fallbacks.get()
                            on:change=move |e| { let on = event_target_checked(&e); draft.edit(|c| c.escalation.after_fallbacks = on.then_some(2)) } />
                        <label for="bot-after-fallbacks">"After this many answers in a row the bot could not give:"</label>
                        <input type="number" min="1" max="10" class="number" aria-label="Fallbacks in a row"
                            disabled=move || !counts_fallbacks.get()
                            prop:value=move || draft.read(|c| c.escalation.after_fallbacks.map(|n| n.to_string()).unwrap_or_default())
                            on:input=move |e| { if let Ok(n) = event_target_value(&e).parse::<u32>() { draft.edit(|c| c.escalation.after_fallbacks = Some(n)) } } />
                    </div>
                    <p class="bot-help">"Intents marked \"Always hand to an agent\" hand over too."</p>
                    <label class="field">
                        <span class="field-label">"Told to the customer on hand-over"</span>
                        <textarea rows="2" prop:value=move || draft.read(|c| c.escalation.message.clone())
                            on:input=move |e| { let v = event_target_value(&e); draft.edit(|c| c.escalation.message = v) }></textarea>
                    </label>
                    <label class="field">
                        <span class="field-label">"Told instead outside business hours (when agents are back is added)"</span>
                        <textarea rows="2" prop:value=move || draft.read(|c| c.escalation.after_hours_message.clone())
                            on:input=move |e| { let v = event_target_value(&e); draft.edit(|c| c.escalation.after_hours_message = v) }></textarea>
                    </label>
                </fieldset>

                <fieldset class="form-section">
                    <legend>"While a customer waits for an agent"</legend>
                    <p class="bot-help">"The bot never sends a fallback to a waiting customer, and nothing for a photo or a voice note. The first thing they write gets this once:"</p>
                    <label class="field">
                        <span class="field-label">"Holding message ({position} becomes their place in the queue)"</span>
                        <textarea rows="2" prop:value=move || draft.read(|c| c.escalation.holding_message.clone())
                            on:input=move |e| { let v = event_target_value(&e); draft.edit(|c| c.escalation.holding_message = v) }></textarea>
                    </label>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || draft.read(|c| c.answer_while_waiting)
                            on:change=move |e| { let on = event_target_checked(&e); draft.edit(|c| c.answer_while_waiting = on) } />
                        "Still answer questions an intent recognises while they wait"
                    </label>
                </fieldset>

                <fieldset class="form-section">
                    <legend>"Business hours"</legend>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || has_hours.get()
                            on:change=move |e| {
                                let on = event_target_checked(&e);
                                draft.edit(|c| c.business_hours = on.then(|| BusinessHours {
                                    utc_offset_minutes: 330,
                                    days: vec![1, 2, 3, 4, 5, 6],
                                    opens: "09:00".into(),
                                    closes: "18:00".into(),
                                }))
                            } />
                        "Agents work set hours (otherwise: always)"
                    </label>
                    <Show when=move || has_hours.get()>
                        <div class="days" role="group" aria-label="Open days">
                            {DAYS.iter().enumerate().map(|(n, day)| {
                                let number = n as u8 + 1;
                                view! {
                                    <label class="check day">
                                        <input type="checkbox"
                                            prop:checked=move || draft.read(|c| c.business_hours.as_ref().is_some_and(|h| h.days.contains(&number)))
                                            on:change=move |e| {
                                                let on = event_target_checked(&e);
                                                edit_hours(Box::new(move |h| {
                                                    h.days.retain(|d| *d != number);
                                                    if on { h.days.push(number); h.days.sort_unstable(); }
                                                }))
                                            } />
                                        {*day}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <div class="form-row">
                            <label class="field">
                                <span class="field-label">"Opens"</span>
                                <input type="time" prop:value=move || hours(|h| h.opens.clone())
                                    on:input=move |e| { let v = event_target_value(&e); edit_hours(Box::new(move |h| h.opens = v)) } />
                            </label>
                            <label class="field">
                                <span class="field-label">"Closes"</span>
                                <input type="time" prop:value=move || hours(|h| h.closes.clone())
                                    on:input=move |e| { let v = event_target_value(&e); edit_hours(Box::new(move |h| h.closes = v)) } />
                            </label>
                            <label class="field">
                                <span class="field-label">"Minutes from UTC"</span>
                                <input type="number" min="-720" max="840" step="15" class="number"
                                    prop:value=move || hours(|h| h.utc_offset_minutes.to_string())
                                    on:input=move |e| { if let Ok(v) = event_target_value(&e).parse::<i32>() { edit_hours(Box::new(move |h| h.utc_offset_minutes = v)) } } />
                            </label>
                        </div>
                    </Show>
                </fieldset>
            </div>
        </Show>
    }
}

/// One intent: id, examples, keywords, reply and "always hand to an agent".
#[component]
fn IntentEditor(draft: Draft, n: usize) -> impl IntoView {
    let read = move |get: fn(&Intent) -> String| {
        draft.read(move |c| c.intents.get(n).map(get).unwrap_or_default())
    };
    let kind = Memo::new(move |_| {
        draft.read(move |c| c.intents.get(n).map_or("text", |i| kind_of(&i.reply)))
    });
    let count = Memo::new(move |_| {
        draft.read(move |c| c.intents.get(n).map_or(0, |i| choices(&i.reply).len()))
    });
    let limit = move || {
        if kind.get() == "buttons" {
            limits::BUTTONS
        } else {
            limits::LIST_ROWS
        }
    };
    let title = move || {
        let id = read(|i| i.id.clone());
        if id.trim().is_empty() {
            format!("Intent {}", n + 1)
        } else {
            id
        }
    };

    view! {
        <section class="intent" aria-label=title>
            <div class="intent-head">
                <label class="field">
                    <span class="field-label">"Id"</span>
                    <input class="intent-id" prop:value=move || read(|i| i.id.clone())
                        on:input=move |e| { let v = event_target_value(&e); draft.edit_intent(n, |i| i.id = v) } />
                </label>
                <label class="check">
                    <input type="checkbox" prop:checked=move || draft.read(|c| c.intents.get(n).is_some_and(|i| i.always_escalate))
                        on:change=move |e| { let on = event_target_checked(&e); draft.edit_intent(n, |i| i.always_escalate = on) } />
                    "Always hand to an agent"
                </label>
                <button type="button" class="button button-quiet-danger" on:click=move |_| draft.edit(|c| { if n < c.intents.len() { c.intents.remove(n); } })>
                    "Remove"
                </button>
            </div>
            <div class="form-row">
                <label class="field">
                    <span class="field-label">"Example phrases (one per line)"</span>
                    <textarea rows="3" prop:value=move || read(|i| i.examples.join("\n"))
                        on:input=move |e| { let v = lines(&event_target_value(&e)); draft.edit_intent(n, |i| i.examples = v) }></textarea>
                </label>
                <label class="field">
                    <span class="field-label">"Keywords (one per line)"</span>
                    <textarea rows="3" prop:value=move || read(|i| i.keywords.join("\n"))
                        on:input=move |e| { let v = lines(&event_target_value(&e)); draft.edit_intent(n, |i| i.keywords = v) }></textarea>
                </label>
            </div>
            <label class="field">
                <span class="field-label">"Reply type"</span>
                <select prop:value=move || kind.get().to_owned()
                    on:change=move |e| { let v = event_target_value(&e); draft.edit_intent(n, |i| i.reply = convert(&i.reply, &v)) }>
                    {REPLY_KINDS.map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span class="field-label">"Reply text"</span>
                <textarea rows="2" prop:value=move || read(|i| i.reply.text().to_owned())
                    on:input=move |e| {
                        let v = event_target_value(&e);
                        draft.edit_intent(n, |i| match &mut i.reply {
                            Reply::Text { text } | Reply::Buttons { text, .. } | Reply::List { text, .. } => *text = v,
                        })
                    }></textarea>
            </label>
            <Show when=move || kind.get() == "list">
                <label class="field field-inline">
                    <span class="field-label">"List button"</span>
                    <input prop:value=move || draft.read(|c| match c.intents.get(n).map(|i| &i.reply) { Some(Reply::List { button, .. }) => button.clone(), _ => String::new() })
                        on:input=move |e| { let v = event_target_value(&e); draft.edit_intent(n, |i| if let Reply::List { button, .. } = &mut i.reply { *button = v }) } />
                </label>
            </Show>
            <Show when=move || kind.get() != "text">
                <div class="choices">
                    <span class="field-label">{move || if kind.get() == "list" {
                        "Rows: title, the intent it leads to, and an optional description"
                    } else {
                        "Buttons: title, and the intent it leads to"
                    }}</span>
                    {move || (0..count.get()).map(|m| view! { <ChoiceEditor draft n m rows=move || kind.get() == "list" /> }).collect_view()}
                    <button type="button" class="button" disabled=move || { count.get() >= limit() }
                        on:click=move |_| draft.edit_intent(n, |i| if let Some(list) = choices_mut(&mut i.reply) { list.push(Choice { id: String::new(), title: String::new(), description: None }) })>
                        {move || if kind.get() == "list" { "Add row" } else { "Add button" }}
                    </button>
                </div>
            </Show>
        </section>
    }
}

/// One button or list row: the intent id it leads to, its title, and for
/// list rows a description.
#[component]
fn ChoiceEditor(
    draft: Draft,
    n: usize,
    m: usize,
    #[prop(into)] rows: Signal<bool>,
) -> impl IntoView {
    let read = move |get: fn(&Choice) -> String| {
        draft.read(move |c| {
            c.intents
                .get(n)
                .and_then(|i| choices(&i.reply).get(m))
                .map(get)
                .unwrap_or_default()
        })
    };
    let edit = move |change: Box<dyn FnOnce(&mut Choice)>| {
        draft.edit_intent(n, |i| {
            if let Some(choice) = choices_mut(&mut i.reply).and_then(|list| list.get_mut(m)) {
                change(choice);
            }
        })
    };
    view! {
        <div class="choice">
            <input aria-label="Title" placeholder="Title" prop:value=move || read(|c| c.title.clone())
                on:input=move |e| { let v = event_target_value(&e); edit(Box::new(move |c| c.title = v)) } />
            <input aria-label="Leads to intent (id)" placeholder="Leads to intent (id)" prop:value=move || read(|c| c.id.clone())
                on:input=move |e| { let v = event_target_value(&e); edit(Box::new(move |c| c.id = v)) } />
            <Show when=move || rows.get()>
                <input aria-label="Description" placeholder="Description (optional)" prop:value=move || read(|c| c.description.clone().unwrap_or_default())
                    on:input=move |e| { let v = event_target_value(&e); edit(Box::new(move |c| c.description = Some(v).filter(|d| !d.is_empty()))) } />
            </Show>
            <button type="button" class="button button-quiet-danger" aria-label="Remove"
                on:click=move |_| draft.edit_intent(n, |i| if let Some(list) = choices_mut(&mut i.reply) { if m < list.len() { list.remove(m); } })>
                "×"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_what_is_typed_and_tidy_drops_the_blank_ones() {
        assert_eq!(lines(""), Vec::<String>::new());
        assert_eq!(lines("refund\n"), ["refund", ""]);
        let mut config = BotConfig::default();
        config.intents.push(Intent {
            examples: lines("where is my order\n\n"),
            keywords: lines("track\n "),
            ..new_intent(&[])
        });
        config.escalation.request_keywords = lines("agent\n");
        tidy(&mut config);
        assert_eq!(config.intents[0].examples, ["where is my order"]);
        assert_eq!(config.intents[0].keywords, ["track"]);
        assert_eq!(config.escalation.request_keywords, ["agent"]);
    }

    #[test]
    fn a_new_intent_gets_an_id_no_other_intent_has() {
        let first = new_intent(&[]);
        assert_eq!(first.id, "intent_1");
        let second = new_intent(std::slice::from_ref(&first));
        assert_eq!(second.id, "intent_2");
    }

    #[test]
    fn changing_the_reply_kind_keeps_the_text_and_what_choices_fit() {
        let list = Reply::List {
            text: "Pick".into(),
            button: "Choose".into(),
            rows: (1..=5)
                .map(|n| Choice {
                    id: format!("row_{n}"),
                    title: format!("Row {n}"),
                    description: None,
                })
                .collect(),
        };
        let buttons = convert(&list, "buttons");
        assert_eq!(kind_of(&buttons), "buttons");
        assert_eq!(buttons.text(), "Pick");
        assert_eq!(choices(&buttons).len(), limits::BUTTONS);
        let text = convert(&buttons, "text");
        assert_eq!(
            text,
            Reply::Text {
                text: "Pick".into()
            }
        );
    }
}
