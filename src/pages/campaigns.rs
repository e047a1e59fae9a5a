//! Campaigns (managers): each API campaign's funnel — queued, sent,
//! delivered, read, failed with the reasons — refreshed while it sends;
//! and the API tokens integrations start campaigns with (created and shown
//! once, revoked, last use).

use std::time::Duration;

use handover_core::campaigns::{ApiToken, Campaign, Funnel};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::{clock, format};

/// How often the campaigns and their funnels are refreshed.
const REFRESH: Duration = Duration::from_secs(2);

/// The funnel's bar: each message once, in its furthest step. Shares in
/// per mille of `queued`, so the segments add up to the whole bar.
pub fn bar(funnel: &Funnel) -> [(&'static str, &'static str, u64); 5] {
    let parts = [
        ("read", "Read", funnel.read),
        (
            "delivered",
            "Delivered, not read",
            funnel.delivered.saturating_sub(funnel.read),
        ),
        (
            "sent",
            "Sent, not delivered yet",
            funnel.sent.saturating_sub(funnel.delivered),
        ),
        ("waiting", "Waiting to be sent", funnel.waiting),
        ("failed", "Failed", funnel.failed),
    ];
    let whole = funnel.queued.max(1);
    parts.map(|(class, label, count)| (class, label, count * 1000 / whole))
}

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let campaigns = LocalResource::new(api::fetch_campaigns);
    let listed = Memo::new(move |_| campaigns.get().and_then(Result::ok).unwrap_or_default());
    let sending = move || listed.with(|list| list.iter().any(Campaign::sending));
    if let Ok(handle) = set_interval_with_handle(move || campaigns.refetch(), REFRESH) {
        on_cleanup(move || handle.clear());
    }

    view! {
        <div class="manage-page campaigns-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Campaigns"</h1>
                    <Show when=sending>
                        <span class="live-note" role="status">"Sending…"</span>
                    </Show>
                </header>
                <p class="bot-help">
                    "Your systems start campaigns with POST /api/v1/campaigns and an API token: an approved template, its parameters per recipient, and an idempotency key so a retried request never sends twice. Messages go out paced to WhatsApp's rate; new customers get the Source API."
                </p>
                {move || match campaigns.get() {
                    None => Some(view! { <p class="empty-cell">"Loading campaigns…"</p> }.into_any()),
                    Some(Err(error)) => Some(view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> }.into_any()),
                    Some(Ok(list)) if list.is_empty() => Some(view! {
                        <p class="empty-cell">"No campaigns yet. Create an API token below and call POST /api/v1/campaigns."</p>
                    }.into_any()),
                    Some(Ok(_)) => None,
                }}
                // Keyed by the funnel: a card is drawn again only when its
                // numbers change, so an opened detail stays open.
                <ul class="campaigns">
                    <For each=move || listed.get() key=|c| (c.id, c.funnel.waiting, c.funnel.sent, c.funnel.delivered, c.funnel.read, c.funnel.failed) let:campaign>
                        <CampaignCard campaign />
                    </For>
                </ul>
            </section>
            <ApiTokens />
        </div>
    }
}

#[component]
fn CampaignCard(campaign: Campaign) -> impl IntoView {
    let funnel = campaign.funnel.clone();
    let steps = [
        ("Queued", funnel.queued),
        ("Sent", funnel.sent),
        ("Delivered", funnel.delivered),
        ("Read", funnel.read),
        ("Failed", funnel.failed),
    ];
    let started = clock::local_clock(&campaign.created_at).unwrap_or_default();
    let refused = campaign.refused.len();
    view! {
        <li class="campaign" aria-label=format!("Campaign {}", campaign.name)>
            <div class="campaign-head">
                <div>
                    <h2>{campaign.name.clone()}</h2>
                    <p class="muted">{format!("Template {} ({}) · started {started}", campaign.template, campaign.language)}</p>
                </div>
                {campaign.sending().then(|| view! { <span class="review" data-status="pending">"Sending"</span> })}
            </div>
            <div class="funnel-bar" role="img" aria-label="Funnel">
                {bar(&funnel).into_iter().filter(|(_, _, share)| *share > 0).map(|(class, label, share)| view! {
                    <span class=format!("funnel-part {class}") title=label style=format!("width: {}%", share as f64 / 10.0)></span>
                }).collect_view()}
            </div>
            <dl class="funnel-steps">
                {steps.into_iter().map(|(label, count)| {
                    let alarm = label == "Failed" && count > 0;
                    view! {
                    <div class="funnel-step" data-step=label.to_lowercase() class:alarm=alarm>
                        <dt>{label}</dt>
                        <dd>{format::count(count)}</dd>
                    </div>
                }}).collect_view()}
            </dl>
            {(!campaign.failures.is_empty()).then(|| view! {
                <ul class="failure-reasons" aria-label="Why messages failed">
                    {campaign.failures.iter().map(|f| view! {
                        <li><strong>{format::count(f.count)}</strong>" · "{f.reason.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
            {(refused > 0).then(|| view! {
                <details class="refused">
                    <summary>{format!("{refused} recipient(s) refused by the request")}</summary>
                    <ul>
                        {campaign.refused.iter().map(|r| view! {
                            <li>{format!("#{} {} — {}", r.index, r.phone, r.reason)}</li>
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </li>
    }
}

/// Creating, listing and revoking API tokens.
#[component]
fn ApiTokens() -> impl IntoView {
    let tokens = LocalResource::new(api::fetch_api_tokens);
    // Last use changes as systems call: keep it current.
    if let Ok(handle) = set_interval_with_handle(move || tokens.refetch(), REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let listed = Memo::new(move |_| tokens.get().and_then(Result::ok).unwrap_or_default());
    let name = RwSignal::new(String::new());
    let secret = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<ApiError>);
    let create = Action::new_local(|name: &String| api::create_api_token(name.clone()));
    Effect::new(move |_| match create.value().get() {
        Some(Ok(created)) => {
            secret.set(Some(created.secret));
            name.set(String::new());
            failure.set(None);
            tokens.refetch();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let revoke = Action::new_local(|id: &i64| api::revoke_api_token(*id));
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(_)) => tokens.refetch(),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let when = |time: &Option<String>| {
        time.as_deref()
            .and_then(clock::local_clock)
            .unwrap_or_else(|| "Never".into())
    };
    let row = move |token: ApiToken| {
        let id = token.id;
        let revoked = token.revoked_at.is_some();
        view! {
            <tr class:revoked=revoked>
                <td><strong>{token.name.clone()}</strong></td>
                <td>{clock::local_clock(&token.created_at).unwrap_or_default()}</td>
                <td>{when(&token.last_used_at)}</td>
                <td>
                    {if revoked {
                        view! { <span class="review" data-status="rejected">"Revoked"</span> }.into_any()
                    } else {
                        view! { <span class="review" data-status="approved">"Active"</span> }.into_any()
                    }}
                </td>
                <td class="row-actions">
                    <Show when=move || !revoked>
                        <button type="button" class="button button-quiet-danger" aria-label=format!("Revoke {}", token.name)
                            on:click=move |_| { revoke.dispatch(id); }>"Revoke"</button>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <section class="panel" aria-label="API tokens">
            <header class="panel-head"><h2>"API tokens"</h2></header>
            <form class="token-form" on:submit=move |event| {
                event.prevent_default();
                create.dispatch(name.get_untracked());
            }>
                <input aria-label="Token name" placeholder="What is it for? e.g. Shop orders" prop:value=name
                    on:input=move |event| name.set(event_target_value(&event)) />
                <button type="submit" class="button button-primary" disabled=move || name.with(|n| n.trim().is_empty())>"Create token"</button>
            </form>
            {move || failure.get().map(|error| view! { <p class="bot-notice error" role="alert">{error.message()}</p> })}
            {move || secret.get().map(|secret| view! {
                <div class="token-secret" role="status">
                    <p>"Copy this token now: it is shown only once. Send it as Authorization: Bearer <token>."</p>
                    <input readonly aria-label="New API token" value=secret on:focus=|event| {
                        use wasm_bindgen::JsCast;
                        if let Some(input) = event.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.select();
                        }
                    } />
                </div>
            })}
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {move || match tokens.get() {
                        None => Some(view! { <tr><td colspan="5" class="empty-cell">"Loading tokens…"</td></tr> }.into_any()),
                        Some(Err(error)) => Some(view! { <tr><td colspan="5" class="empty-cell">{error.to_string()}</td></tr> }.into_any()),
                        Some(Ok(list)) if list.is_empty() => Some(view! {
                            <tr><td colspan="5" class="empty-cell">"No API tokens yet."</td></tr>
                        }.into_any()),
                        Some(Ok(_)) => None,
                    }}
                    // Keyed by what changes, so a focused button keeps its focus.
                    <For each=move || listed.get() key=|t| (t.id, t.last_used_at.clone(), t.revoked_at.clone()) let:token>
                        {row(token)}
                    </For>
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_shows_each_message_once_in_its_furthest_step() {
        let funnel = Funnel {
            queued: 1000,
            waiting: 100,
            sent: 850,
            delivered: 600,
            read: 200,
            failed: 50,
        };
        let shares: Vec<(&str, u64)> = bar(&funnel)
            .iter()
            .map(|(class, _, share)| (*class, *share))
            .collect();
        assert_eq!(
            shares,
            [
                ("read", 200),
                ("delivered", 400),
                ("sent", 250),
                ("waiting", 100),
                ("failed", 50)
            ]
        );
        assert_eq!(shares.iter().map(|(_, s)| s).sum::<u64>(), 1000);
        let empty = bar(&Funnel::default());
        assert!(empty.iter().all(|(_, _, share)| *share == 0));
    }
}
