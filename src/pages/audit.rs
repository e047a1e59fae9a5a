//! The audit log (managers): who took, passed on, released or resolved
//! chats, and who changed the bot, templates, tag rules, the team, API
//! tokens or settings; newest first, filtered by person, kind and dates.

use handover_core::audit::{AuditAction, AuditEntry};
use leptos::prelude::*;

use crate::api::{self, AuditQuery};
use crate::{clock, places};

#[component]
pub fn AuditPage() -> impl IntoView {
    let team = LocalResource::new(api::fetch_agents);
    let agent = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let query = Memo::new(move |_| AuditQuery {
        agent: agent.get().parse().ok(),
        action: AuditAction::parse(&action.get()),
        from: Some(first.get())
            .filter(|d| !d.is_empty())
            .and_then(|d| clock::local_midnight_after(&d, 0)),
        to: Some(last.get())
            .filter(|d| !d.is_empty())
            .and_then(|d| clock::local_midnight_after(&d, 1)),
        cursor: None,
    });
    // Pages shown so far for the filter in force; "Show older" adds one.
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let next = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    // Each answer comes back with the query it answers: one for a filter
    // since changed is dropped, not shown under the new one.
    let load = Action::new_local(|asked: &AuditQuery| {
        let asked = asked.clone();
        async move { (asked.clone(), api::fetch_audit(asked).await) }
    });
    Effect::new(move |_| {
        let query = query.get();
        entries.set(Vec::new());
        next.set(None);
        load.dispatch(query);
    });
    Effect::new(move |_| {
        let Some((asked, answer)) = load.value().get() else {
            return;
        };
        let current = query.get_untracked();
        if (AuditQuery {
            cursor: None,
            ..asked
        }) != current
        {
            return;
        }
        match answer {
            Ok(page) => {
                failure.set(None);
                entries.update(|shown| shown.extend(page.items));
                next.set(page.next_cursor);
            }
            Err(error) => failure.set(Some(error.message())),
        }
    });
    let older = move |_| {
        if let Some(cursor) = next.get_untracked() {
            load.dispatch(AuditQuery {
                cursor: Some(cursor),
                ..query.get_untracked()
            });
        }
    };
    view! {
        <div class="manage-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Audit log"</h1>
                </header>
                <p class="bot-help">"Who did what, and when: chats taken, transferred, released and resolved, and every change to the bot, templates, tag rules, the team, API tokens and settings."</p>
                <div class="audit-filters" role="group" aria-label="Filter the audit log">
                    <label>"Who "
                        <select aria-label="Who" prop:value=agent on:change=move |ev| agent.set(event_target_value(&ev))>
                            <option value="">"Everyone"</option>
                            {move || team.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|member| {
                                let id = member.agent.id.0.to_string();
                                view! { <option value=id>{member.agent.name}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label>"What "
                        <select aria-label="What" prop:value=action on:change=move |ev| action.set(event_target_value(&ev))>
                            <option value="">"Everything"</option>
                            {AuditAction::ALL.into_iter().map(|kind| view! { <option value=kind.as_str()>{kind.label()}</option> }).collect_view()}
                        </select>
                    </label>
                    <label>"From "<input type="date" prop:value=first on:change=move |ev| first.set(event_target_value(&ev)) /></label>
                    <label>"To "<input type="date" prop:value=last on:change=move |ev| last.set(event_target_value(&ev)) /></label>
                </div>
                {move || failure.get().map(|message| view! { <p class="bot-notice error" role="alert">{message}</p> })}
                <table class="data-table audit-table">
                    <thead><tr>
                        <th>"When"</th>
                        <th>"Who"</th>
                        <th>"What"</th>
                        <th>"On"</th>
                        <th>"Detail"</th>
                    </tr></thead>
                    <tbody>
                        {move || entries.get().into_iter().map(|entry| view! { <AuditRow entry /> }).collect_view()}
                    </tbody>
                </table>
                {move || (entries.with(Vec::is_empty) && !load.pending().get() && failure.get().is_none()).then(|| view! {
                    <p class="empty-cell">"Nothing was recorded for this filter."</p>
                })}
                {move || next.get().map(|_| view! {
                    <div class="dialog-actions">
                        <button type="button" class="button" on:click=older disabled=move || load.pending().get()>"Show older"</button>
                    </div>
                })}
            </section>
        </div>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let when = clock::local_clock(&entry.at).unwrap_or_else(|| entry.at.clone());
    let who = entry
        .agent
        .map(|agent| agent.name)
        .unwrap_or_else(|| "—".to_owned());
    let subject = match handover_core::WaId::parse(&entry.subject) {
        Ok(wa_id) if entry.action.is_chat() => {
            let href = places::chat(&wa_id);
            let number = format!("+{wa_id}");
            match entry.customer {
                Some(name) => view! {
                    <a href=href.clone() rel=places::rel(&href)>{name}</a>
                    " "
                    <span class="muted">{number}</span>
                }
                .into_any(),
                None => {
                    view! { <a href=href.clone() rel=places::rel(&href)>{number}</a> }.into_any()
                }
            }
        }
        _ => view! { <span>{entry.subject}</span> }.into_any(),
    };
    view! {
        <tr>
            <td class="audit-when">{when}</td>
            <td>{who}</td>
            <td><span class="audit-kind" data-kind=entry.action.as_str()>{entry.action.label()}</span></td>
            <td>{subject}</td>
            <td>{entry.detail}</td>
        </tr>
    }
}
