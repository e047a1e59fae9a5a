//! First-message tags (managers): the rules in the order they are tried,
//! how many customers each tagged, and a form to add or change one.

use handover_core::tags::{TagMatch, TagRule, TagRuleDraft};
use handover_core::FieldError;
use leptos::prelude::*;

use crate::api::{self, ApiError};

/// What the pattern field holds for each kind of rule.
fn pattern_label(kind: TagMatch) -> &'static str {
    match kind {
        TagMatch::Exact => "The whole first message",
        TagMatch::Prefix => "The first message starts with",
        TagMatch::Regex => "Regular expression (e.g. (?i)order\\s*#\\d+)",
        TagMatch::Referral => "Ad source id (referral.source_id)",
    }
}

/// A priority after every existing rule's.
fn next_priority(rules: &[TagRule]) -> i64 {
    rules
        .iter()
        .map(|rule| rule.priority)
        .max()
        .map_or(10, |highest| highest + 10)
}

#[component]
pub fn TagsPage() -> impl IntoView {
    let rules = LocalResource::new(api::fetch_tag_rules);
    let editing = RwSignal::new(None::<i64>);
    let kind = RwSignal::new(TagMatch::Exact);
    let pattern = RwSignal::new(String::new());
    let tag = RwSignal::new(String::new());
    let priority = RwSignal::new(String::from("10"));
    let failure = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);

    // A new rule goes after the others unless told otherwise.
    Effect::new(move |_| {
        if let Some(Ok(list)) = rules.get() {
            if editing.get_untracked().is_none() {
                priority.set(next_priority(&list).to_string());
            }
        }
    });
    let reset = move || {
        editing.set(None);
        kind.set(TagMatch::Exact);
        pattern.set(String::new());
        tag.set(String::new());
        failure.set(None);
        if let Some(Ok(list)) = rules.get_untracked() {
            priority.set(next_priority(&list).to_string());
        }
    };
    let edit = move |rule: TagRule| {
        editing.set(Some(rule.id));
        kind.set(rule.kind);
        pattern.set(rule.pattern);
        tag.set(rule.tag);
        priority.set(rule.priority.to_string());
        failure.set(None);
        notice.set(None);
    };

    let save = Action::new_local(|(id, draft): &(Option<i64>, TagRuleDraft)| {
        api::save_tag_rule(*id, draft.clone())
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(rule)) => {
            notice.set(Some(format!("Saved the rule for “{}”.", rule.tag)));
            reset();
            rules.refetch();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let remove = Action::new_local(|id: &i64| api::delete_tag_rule(*id));
    Effect::new(move |_| match remove.value().get() {
        Some(Ok(())) => {
            notice.set(Some(
                "Deleted the rule; the customers it tagged keep their tag.".into(),
            ));
            rules.refetch();
        }
        Some(Err(error)) => notice.set(Some(error.to_string())),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Ok(priority) = priority.get_untracked().trim().parse::<i64>() else {
            failure.set(Some(ApiError::Server {
                status: 422,
                message: "The priority must be a whole number.".into(),
                fields: vec![FieldError {
                    field: "priority".into(),
                    message: "use a whole number; lower numbers are tried first".into(),
                }],
            }));
            return;
        };
        notice.set(None);
        save.dispatch((
            editing.get_untracked(),
            TagRuleDraft {
                kind: kind.get_untracked(),
                pattern: pattern.get_untracked(),
                tag: tag.get_untracked(),
                priority,
            },
        ));
    };
    let field_problem = move |field: &'static str| {
        move || {
            failure
                .with(|error| error.as_ref().and_then(|error| error.problem_with(field)))
                .map(|message| view! { <span class="field-error">{message}</span> })
        }
    };

    view! {
        <div class="manage-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"First-message tags"</h1>
                </header>
                <p class="bot-help">
                    "A customer's first message is checked against these rules in priority order; the first rule that matches gives its tag, shown as First Message on the profile. A tag never changes afterwards, even if the rule does."
                </p>
                {move || notice.get().map(|message| view! { <p class="bot-notice" role="status">{message}</p> })}
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"Priority"</th>
                            <th scope="col">"Match"</th>
                            <th scope="col">"Pattern"</th>
                            <th scope="col">"Tag"</th>
                            <th scope="col" class="number-cell">"Tagged"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || match rules.get() {
                            None => view! { <tr><td colspan="6" class="empty-cell">"Loading rules…"</td></tr> }.into_any(),
                            Some(Err(error)) => view! { <tr><td colspan="6" class="empty-cell">{error.to_string()}</td></tr> }.into_any(),
                            Some(Ok(list)) if list.is_empty() => view! {
                                <tr><td colspan="6" class="empty-cell">"No rules yet. Add one below, e.g. the pre-filled text of a product page's WhatsApp link."</td></tr>
                            }.into_any(),
                            Some(Ok(list)) => list.into_iter().map(|rule| {
                                let shown = rule.clone();
                                let id = rule.id;
                                view! {
                                    <tr class:editing=move || editing.get() == Some(id)>
                                        <td>{rule.priority}</td>
                                        <td>{rule.kind.label()}</td>
                                        <td><code class="pattern">{rule.pattern.clone()}</code></td>
                                        <td><span class="tag-chip">{rule.tag.clone()}</span></td>
                                        <td class="number-cell">{rule.tagged}</td>
                                        <td class="row-actions">
                                            <button type="button" class="button" aria-label=format!("Edit the rule for {}", rule.tag) on:click=move |_| edit(shown.clone())>"Edit"</button>
                                            <button type="button" class="button button-quiet-danger" aria-label=format!("Delete the rule for {}", rule.tag) on:click=move |_| { remove.dispatch(id); }>"Delete"</button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view().into_any(),
                        }}
                    </tbody>
                </table>
            </section>
            <section class="panel">
                <form class="rule-form" on:submit=submit aria-label="Tag rule">
                    <h2>{move || if editing.get().is_some() { "Change the rule" } else { "Add a rule" }}</h2>
                    <div class="form-row">
                        <label class="field">
                            <span class="field-label">"Match"</span>
                            <select
                                aria-label="Match"
                                prop:value=move || kind.get().as_str()
                                on:change=move |event| if let Some(chosen) = TagMatch::parse(&event_target_value(&event)) { kind.set(chosen) }
                            >
                                {TagMatch::ALL.map(|each| view! { <option value=each.as_str()>{each.label()}</option> }).collect_view()}
                            </select>
                        </label>
                        <label class="field">
                            <span class="field-label">"Tag"</span>
                            <input prop:value=tag placeholder="e.g. Diwali ad" on:input=move |event| tag.set(event_target_value(&event)) />
                            {field_problem("tag")}
                        </label>
                        <label class="field">
                            <span class="field-label">"Priority"</span>
                            <input type="number" class="number" prop:value=priority on:input=move |event| priority.set(event_target_value(&event)) />
                            {field_problem("priority")}
                        </label>
                    </div>
                    <label class="field">
                        <span class="field-label">{move || pattern_label(kind.get())}</span>
                        <input class="pattern-input" aria-label="Pattern" prop:value=pattern on:input=move |event| pattern.set(event_target_value(&event)) />
                        {field_problem("pattern")}
                    </label>
                    <div class="dialog-actions">
                        <Show when=move || editing.get().is_some()>
                            <button type="button" class="button" on:click=move |_| reset()>"Cancel"</button>
                        </Show>
                        <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                            {move || if editing.get().is_some() { "Save changes" } else { "Add rule" }}
                        </button>
                    </div>
                </form>
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_rule_goes_after_the_others() {
        assert_eq!(next_priority(&[]), 10);
        let rule = |priority| TagRule {
            id: priority,
            kind: TagMatch::Exact,
            pattern: "hi".into(),
            tag: "Hi".into(),
            priority,
            tagged: 0,
        };
        assert_eq!(next_priority(&[rule(5), rule(30), rule(-2)]), 40);
    }

    #[test]
    fn every_kind_says_what_to_type() {
        for kind in TagMatch::ALL {
            assert!(!pattern_label(kind).is_empty());
        }
    }
}
