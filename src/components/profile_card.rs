//! The profile card: the seven parameters of PRODUCT.md §2, plus number,
//! holder, window and the attributes an import brought.

use handover_core::api::CustomerProfile;
use leptos::prelude::*;

use super::StatusBadge;
use crate::{clock, format};

/// Shown for a parameter that has no value yet.
pub const NONE: &str = "—";

#[component]
pub fn ProfileCard(
    /// The customer on screen.
    #[prop(into)]
    profile: Signal<CustomerProfile>,
    /// Now, in milliseconds, for the window countdown.
    #[prop(into)]
    now_ms: Signal<i64>,
) -> impl IntoView {
    let text = move |read: fn(&CustomerProfile) -> Option<String>| {
        move || profile.with(read).unwrap_or_else(|| NONE.to_owned())
    };
    let last_active = text(|p| p.last_active_at.as_deref().and_then(clock::local_clock));
    let window = move || {
        profile.with(|p| {
            let expires = p.window_expires_at.as_deref().and_then(clock::parse_ms);
            match expires.and_then(|at| format::window_left(at - now_ms.get())) {
                Some(left) => left,
                None if expires.is_some() => "Closed".to_owned(),
                None => "Never opened".to_owned(),
            }
        })
    };
    let urgent = move || {
        profile.with(|p| {
            p.window_expires_at
                .as_deref()
                .and_then(clock::parse_ms)
                .is_some_and(|at| format::window_urgent(at - now_ms.get()))
        })
    };
    // The latest rating, who it was about and when: `4/5 · Asha, 12-02-2026`.
    let satisfaction = text(|p| {
        let rating = p.satisfaction.as_ref()?;
        let mut line = rating.scale.describe(rating.score);
        if let Some(agent) = &rating.agent {
            line.push_str(&format!(" · {agent}"));
        }
        if let Some(day) = clock::local_clock(&rating.answered_at) {
            line.push_str(&format!(", {}", day.split(',').next().unwrap_or_default()));
        }
        Some(line)
    });
    let count = |read: fn(&CustomerProfile) -> u64| move || format::count(profile.with(read));
    view! {
        <section class="profile-card" aria-label="Customer profile">
            <header class="profile-head">
                <div class="avatar" aria-hidden="true">
                    {move || profile.with(|p| p.name.chars().next().unwrap_or('#').to_uppercase().to_string())}
                </div>
                <div>
                    <h2 class="profile-name">{move || profile.with(|p| if p.name.is_empty() { format!("+{}", p.wa_id) } else { p.name.clone() })}</h2>
                    <p class="profile-number">{move || profile.with(|p| format!("+{}", p.wa_id))}</p>
                </div>
            </header>
            <dl class="parameters">
                <div class="parameter" data-parameter="status">
                    <dt>"Status"</dt>
                    <dd><StatusBadge status=Signal::derive(move || profile.with(|p| p.status)) /></dd>
                </div>
                <div class="parameter" data-parameter="last_active">
                    <dt>"Last Active"</dt>
                    <dd>{last_active}</dd>
                </div>
                <div class="parameter" data-parameter="template_messages">
                    <dt>"Template Messages"</dt>
                    <dd>{count(|p| p.template_messages)}</dd>
                </div>
                <div class="parameter" data-parameter="session_messages">
                    <dt>"Session Messages"</dt>
                    <dd>{count(|p| p.session_messages)}</dd>
                </div>
                <div class="parameter" data-parameter="unresolved_queries">
                    <dt>"Unresolved Queries"</dt>
                    <dd>{count(|p| p.unresolved_queries)}</dd>
                </div>
                <div class="parameter" data-parameter="source">
                    <dt>"Source"</dt>
                    <dd>{move || profile.with(|p| p.source.clone())}</dd>
                </div>
                <div class="parameter" data-parameter="first_message">
                    <dt>"First Message"</dt>
                    <dd>{text(|p| p.first_message_tag.clone())}</dd>
                </div>
                <div class="parameter" data-parameter="holder">
                    <dt>"Handled by"</dt>
                    <dd>{text(|p| p.assigned_agent.as_ref().map(|a| a.name.clone()))}</dd>
                </div>
                <div class="parameter" data-parameter="window">
                    <dt>"24-hour window"</dt>
                    <dd class:urgent=urgent>{window}</dd>
                </div>
                <div class="parameter" data-parameter="satisfaction">
                    <dt>"Satisfaction"</dt>
                    <dd class:satisfied=move || profile.with(|p| p.satisfaction.as_ref().is_some_and(|r| r.satisfied))>{satisfaction}</dd>
                </div>
                // Extra columns of an imported file (city, email, …).
                {move || profile.with(|p| p.attributes.clone()).into_iter().map(|(name, value)| view! {
                    <div class="parameter" data-parameter="attribute">
                        <dt>{name}</dt>
                        <dd>{value}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
    }
}
