//! Team: everyone who works in the inbox, with who is online now (a
//! dashboard open). Managers add people, rename them, change their role,
//! disable and re-enable them, and reset a password; agents see the list.
//! Everyone changes their own password here, giving the current one.

use handover_core::api::{AgentChanges, NewAgent, PasswordChange, TeamMember};
use handover_core::{AgentId, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::workspace::Workspace;

/// How often the list refreshes who is online.
const REFRESH: std::time::Duration = std::time::Duration::from_secs(20);

#[component]
pub fn TeamPage() -> impl IntoView {
    let workspace = Workspace::get();
    let is_manager = workspace.is_manager();
    let me = workspace.agent.with_value(|agent| agent.id);
    let team = LocalResource::new(api::fetch_agents);
    if let Ok(handle) = set_interval_with_handle(move || team.refetch(), REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiError>);
    let change = Callback::new(
        move |(id, changes, done): (AgentId, AgentChanges, &'static str)| {
            spawn_local(async move {
                match api::update_agent(id, changes).await {
                    Ok(agent) => {
                        failure.set(None);
                        notice.set(Some(format!("{} {done}.", agent.name)));
                        team.refetch();
                    }
                    Err(error) => {
                        notice.set(None);
                        failure.set(Some(error));
                    }
                }
            });
        },
    );
    let change_own = Callback::new(move |change: PasswordChange| {
        spawn_local(async move {
            match api::change_password(change).await {
                Ok(_) => {
                    failure.set(None);
                    notice.set(Some(
                        "Your password was changed; your other sessions were signed out.".into(),
                    ));
                }
                Err(error) => {
                    notice.set(None);
                    failure.set(Some(error));
                }
            }
        });
    });

    let rows = move || {
        match team.get() {
        None => view! { <tr><td colspan="5" class="empty-cell">"Loading the team…"</td></tr> }.into_any(),
        Some(Err(error)) => view! { <tr><td colspan="5" class="empty-cell" role="alert">{error.to_string()}</td></tr> }.into_any(),
        Some(Ok(members)) => members
            .into_iter()
            .map(|member| {
                let myself = member.agent.id == me;
                view! { <MemberRow member is_manager myself change change_own /> }
            })
            .collect_view()
            .into_any(),
    }
    };
    let online = move || {
        team.get()
            .and_then(Result::ok)
            .map(|members| members.iter().filter(|member| member.online).count())
    };

    view! {
        <div class="manage-page team-page">
            <section class="panel">
                <div class="panel-head">
                    <h1>"Team"</h1>
                    <span class="muted">{move || online().map(|n| format!("{n} online now"))}</span>
                </div>
                {move || notice.get().map(|text| view! { <p class="bot-notice" role="status">{text}</p> })}
                {move || failure.get().map(|error| view! { <p class="bot-notice error" role="alert">{error.message()}</p> })}
                <div class="table-scroll">
                    <table class="data-table team-table">
                        <thead>
                            <tr>
                                <th>"Name"</th>
                                <th>"E-mail"</th>
                                <th>"Role"</th>
                                <th>"Status"</th>
                                <th class="row-actions">{is_manager.then_some("Actions")}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
            <Show when=move || is_manager>
                <ReadReceiptsSetting />
            </Show>
            <Show when=move || is_manager>
                <NewMemberForm on_added=Callback::new(move |name: String| {
                    failure.set(None);
                    notice.set(Some(format!("{name} was added and can sign in now.")));
                    team.refetch();
                }) />
            </Show>
        </div>
    }
}

/// One person: their name (editable by managers), role, whether they are
/// online or disabled, and the manager's actions.
#[component]
fn MemberRow(
    member: TeamMember,
    is_manager: bool,
    /// The signed-in manager's own row: no disabling or demoting oneself.
    myself: bool,
    /// Applies changes to someone, saying what was done when it worked.
    change: Callback<(AgentId, AgentChanges, &'static str)>,
    /// Changes the signed-in person's own password.
    change_own: Callback<PasswordChange>,
) -> impl IntoView {
    let agent = member.agent;
    let id = agent.id;
    let name = RwSignal::new(agent.name.clone());
    let renaming = RwSignal::new(false);
    let resetting = RwSignal::new(false);
    let password = RwSignal::new(String::new());
    // The one looking at this page has it open, even before their live
    // stream has connected.
    let (status, status_class) = match (agent.disabled, member.online || myself) {
        (true, _) => ("Disabled", "disabled"),
        (false, true) => ("Online", "online"),
        (false, false) => ("Offline", "offline"),
    };
    let rename = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        renaming.set(false);
        let changes = AgentChanges {
            name: Some(name.get_untracked()),
            ..AgentChanges::default()
        };
        change.run((id, changes, "was renamed"));
    };
    let reset = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        resetting.set(false);
        let changes = AgentChanges {
            password: Some(password.get_untracked()),
            ..AgentChanges::default()
        };
        password.set(String::new());
        change.run((
            id,
            changes,
            "has a new password; their other sessions were signed out",
        ));
    };
    let current = RwSignal::new(String::new());
    let change_mine = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        resetting.set(false);
        change_own.run(PasswordChange {
            current_password: current.get_untracked(),
            new_password: password.get_untracked(),
        });
        current.set(String::new());
        password.set(String::new());
    };
    let role_now = agent.role;
    let disabled = agent.disabled;
    view! {
        <tr class="member-row" data-agent-id=id.0.to_string() class:disabled-row=disabled>
            <td>
                <Show
                    when=move || renaming.get()
                    fallback=move || view! { <strong>{name.get()}</strong>{myself.then_some(view! { <span class="muted">" (you)"</span> })} }
                >
                    <form class="inline-form" on:submit=rename>
                        <input aria-label="New name" prop:value=name on:input=move |e| name.set(event_target_value(&e)) required maxlength="100" />
                        <button type="submit" class="button">"Save"</button>
                    </form>
                </Show>
            </td>
            <td class="muted">{agent.email.clone()}</td>
            <td>
                {if is_manager && !myself {
                    view! {
                        <select
                            class="role-select"
                            aria-label=format!("Role of {}", agent.name)
                            on:change=move |event| {
                                let role = if event_target_value(&event) == "manager" { Role::Manager } else { Role::Agent };
                                change.run((id, AgentChanges { role: Some(role), ..AgentChanges::default() }, "has a new role"));
                            }
                        >
                            <option value="agent" selected=role_now == Role::Agent>"Agent"</option>
                            <option value="manager" selected=role_now == Role::Manager>"Manager"</option>
                        </select>
                    }.into_any()
                } else {
                    role_now.label().into_any()
                }}
            </td>
            <td><span class="presence" data-presence=status_class>{status}</span></td>
            <td class="row-actions">
                {(is_manager && !myself).then(|| view! {
                    <button type="button" class="button" on:click=move |_| renaming.update(|on| *on = !*on)>"Rename"</button>
                    <button type="button" class="button" on:click=move |_| resetting.update(|on| *on = !*on)>"Reset password"</button>
                    {if disabled {
                        view! { <button type="button" class="button" on:click=move |_| change.run((id, AgentChanges { disabled: Some(false), ..AgentChanges::default() }, "was enabled"))>"Enable"</button> }.into_any()
                    } else {
                        view! { <button type="button" class="button button-quiet-danger" on:click=move |_| change.run((id, AgentChanges { disabled: Some(true), ..AgentChanges::default() }, "was disabled and signed out"))>"Disable"</button> }.into_any()
                    }}
                    <Show when=move || resetting.get()>
                        <form class="inline-form reset-form" on:submit=reset>
                            <input type="password" aria-label="New password" autocomplete="new-password" minlength="8" required prop:value=password on:input=move |e| password.set(event_target_value(&e)) />
                            <button type="submit" class="button">"Set password"</button>
                        </form>
                    </Show>
                })}
                {myself.then(|| view! {
                    {is_manager.then(|| view! {
                        <button type="button" class="button" on:click=move |_| renaming.update(|on| *on = !*on)>"Rename"</button>
                    })}
                    <button type="button" class="button" on:click=move |_| resetting.update(|on| *on = !*on)>"Change password"</button>
                    <Show when=move || resetting.get()>
                        <form class="inline-form reset-form" on:submit=change_mine>
                            <input type="password" aria-label="Current password" placeholder="Current password" autocomplete="current-password" required prop:value=current on:input=move |e| current.set(event_target_value(&e)) />
                            <input type="password" aria-label="New password" placeholder="New password" autocomplete="new-password" minlength="8" required prop:value=password on:input=move |e| password.set(event_target_value(&e)) />
                            <button type="submit" class="button">"Change"</button>
                        </form>
                    </Show>
                })}
            </td>
        </tr>
    }
}

/// A manager adds someone: name, e-mail, role and a first password.
#[component]
fn NewMemberForm(on_added: Callback<String>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let failure = RwSignal::new(None::<ApiError>);
    let add = Action::new_local(|agent: &NewAgent| api::create_agent(agent.clone()));
    Effect::new(move |_| match add.value().get() {
        Some(Ok(agent)) => {
            failure.set(None);
            name.set(String::new());
            email.set(String::new());
            password.set(String::new());
            on_added.run(agent.name);
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        add.dispatch(NewAgent {
            name: name.get_untracked(),
            email: email.get_untracked(),
            password: password.get_untracked(),
            role: role.get_untracked(),
        });
    };
    view! {
        <section class="panel" aria-labelledby="new-member-title">
            <h2 id="new-member-title">"Add someone to the team"</h2>
            <form class="rule-form" on:submit=submit>
                <div class="form-row">
                    <label class="field">
                        <span class="field-label">"Name"</span>
                        <input required maxlength="100" prop:value=name on:input=move |e| name.set(event_target_value(&e)) />
                    </label>
                    <label class="field">
                        <span class="field-label">"E-mail"</span>
                        <input type="email" required prop:value=email on:input=move |e| email.set(event_target_value(&e)) />
                    </label>
                    <label class="field">
                        <span class="field-label">"Role"</span>
                        <select on:change=move |e| role.set(if event_target_value(&e) == "manager" { Role::Manager } else { Role::Agent })>
                            <option value="agent" selected=true>"Agent"</option>
                            <option value="manager">"Manager"</option>
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">"First password"</span>
                        <input type="password" autocomplete="new-password" minlength="8" required prop:value=password on:input=move |e| password.set(event_target_value(&e)) />
                        <span class="field-hint">"At least 8 characters; they can sign in with it at once."</span>
                    </label>
                </div>
                {move || failure.get().map(|error| view! { <p class="form-error" role="alert">{error.message()}</p> })}
                <div>
                    <button type="submit" class="button button-primary" disabled=move || add.pending().get()>"Add to the team"</button>
                </div>
            </form>
        </section>
    }
}

/// Managers: whether customers see blue ticks when the chat is read, and
/// the typing indicator while the holder writes.
#[component]
fn ReadReceiptsSetting() -> impl IntoView {
    let saved = LocalResource::new(api::fetch_read_receipts);
    let problem = RwSignal::new(None::<String>);
    let enabled = move || saved.get().and_then(Result::ok).is_none_or(|s| s.enabled);
    let change = move |event: leptos::ev::Event| {
        let wanted = event_target_checked(&event);
        spawn_local(async move {
            match api::save_read_receipts(wanted).await {
                Ok(_) => {
                    problem.set(None);
                    saved.refetch();
                }
                Err(error) => problem.set(Some(error.message())),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="read-receipts-title">
            <h2 id="read-receipts-title">"Read receipts"</h2>
            <label class="check-row">
                <input type="checkbox" prop:checked=enabled on:change=change />
                " Customers see blue ticks when the agent handling their chat opens it, and “typing…” while they write"
            </label>
            {move || problem.get().map(|why| view! { <p class="bot-notice error" role="alert">{why}</p> })}
        </section>
    }
}
