//! Reports (managers): for today, the last 7 or 30 days, or any dates, in
//! the viewer's time zone — how many customers wrote, how many the bot
//! handled alone, how long people waited for an agent and for an answer,
//! day by day as a chart (with its table) and per agent.

use handover_core::breakdowns::Breakdown;
use handover_core::reports::{ReportDay, ReportSummary};
use leptos::prelude::*;

use crate::api;
use crate::components::{BreakdownPanel, ContainmentChart, RequestHeatmap, WaitChart};
use crate::{clock, format};

/// The ranges offered in one click, as (label, days back from today).
const PRESETS: [(&str, i32); 3] = [("Today", 0), ("7 days", 6), ("30 days", 29)];

/// A range of whole days in the viewer's zone: midnight to midnight.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    from: String,
    to: String,
}

impl Range {
    fn last_days(back: i32) -> Self {
        Range {
            from: clock::local_midnight(-back),
            to: clock::local_midnight(1),
        }
    }

    /// The dates of two date fields, the last one included.
    fn between(first: &str, last: &str) -> Option<Self> {
        Some(Range {
            from: clock::local_midnight_after(first, 0)?,
            to: clock::local_midnight_after(last, 1)?,
        })
    }
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let range = RwSignal::new(Range::last_days(6));
    let chosen = RwSignal::new(Some(6));
    // The date fields say the range on show, whichever way it was chosen.
    let first = RwSignal::new(clock::local_day(-6));
    let last = RwSignal::new(clock::today());
    let summary = LocalResource::new(move || {
        let Range { from, to } = range.get();
        api::fetch_report(from, to)
    });
    let days = LocalResource::new(move || {
        let Range { from, to } = range.get();
        api::fetch_report_days(from, to)
    });
    let heatmap = LocalResource::new(move || {
        let Range { from, to } = range.get();
        api::fetch_breakdown(Breakdown::WeekdayHour, from, to)
    });
    let by_tag = LocalResource::new(move || {
        let Range { from, to } = range.get();
        api::fetch_breakdown(Breakdown::Tag, from, to)
    });
    let range_pair = Signal::derive(move || {
        let Range { from, to } = range.get();
        (from, to)
    });
    let choose_dates = move |_| {
        if let Some(between) = Range::between(&first.get(), &last.get()) {
            chosen.set(None);
            range.set(between);
        }
    };

    view! {
        <div class="manage-page reports-page">
            <section class="panel">
                <header class="panel-head">
                    <h1>"Reports"</h1>
                    <div class="range-presets" role="group" aria-label="Range">
                        {PRESETS.into_iter().map(|(label, back)| view! {
                            <button
                                type="button"
                                class="button"
                                aria-pressed=move || (chosen.get() == Some(back)).to_string()
                                on:click=move |_| {
                                    chosen.set(Some(back));
                                    range.set(Range::last_days(back));
                                    first.set(clock::local_day(-back));
                                    last.set(clock::today());
                                }
                            >{label}</button>
                        }).collect_view()}
                    </div>
                </header>
                <div class="range-custom">
                    <label>"From "<input type="date" prop:value=first on:change=move |ev| first.set(event_target_value(&ev)) /></label>
                    <label>"To "<input type="date" prop:value=last on:change=move |ev| last.set(event_target_value(&ev)) /></label>
                    <button type="button" class="button" on:click=choose_dates>"Show"</button>
                    <a class="button" href=move || { let r = range.get(); api::report_days_csv(&r.from, &r.to) } download="handover-daily.csv">"Download days (CSV)"</a>
                </div>
                <p class="bot-help">
                    "Waits count from a customer's asking for a person to an agent's taking the chat: time with the bot before that is not a wait. Days run midnight to midnight in your time zone."
                </p>
                {move || match summary.get() {
                    None => view! { <p class="empty-cell">"Loading the report…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> }.into_any(),
                    Some(Ok(summary)) => view! { <Headlines summary /> }.into_any(),
                }}
            </section>
            <section class="panel">
                <header class="panel-head"><h2>"Day by day"</h2></header>
                {move || match days.get() {
                    None => view! { <p class="empty-cell">"Loading…"</p> }.into_any(),
                    Some(Err(error)) => view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> }.into_any(),
                    Some(Ok(days)) => view! { <DailyChart days /> }.into_any(),
                }}
            </section>
            <div class="report-pair">
                <section class="panel">
                    <header class="panel-head"><h2>"How long customers waited"</h2></header>
                    {move || summary.get().and_then(Result::ok).map(|summary| view! { <WaitChart bands=summary.wait_distribution /> })}
                </section>
                <section class="panel">
                    <header class="panel-head"><h2>"Handled by the bot, by tag"</h2></header>
                    {move || match by_tag.get() {
                        Some(Ok(rows)) => view! { <ContainmentChart rows /> }.into_any(),
                        Some(Err(error)) => view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> }.into_any(),
                        None => view! { <p class="empty-cell">"Loading…"</p> }.into_any(),
                    }}
                </section>
            </div>
            <section class="panel">
                <header class="panel-head"><h2>"When customers ask for a person"</h2></header>
                {move || match heatmap.get() {
                    Some(Ok(rows)) => view! { <RequestHeatmap rows /> }.into_any(),
                    Some(Err(error)) => view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> }.into_any(),
                    None => view! { <p class="empty-cell">"Loading…"</p> }.into_any(),
                }}
            </section>
            <section class="panel">
                <header class="panel-head"><h2>"Agents"</h2></header>
                {move || summary.get().and_then(Result::ok).map(|summary| view! { <AgentsTable summary /> })}
            </section>
            <BreakdownPanel range=range_pair />
        </div>
    }
}

/// The headline figures, each with what it means.
#[component]
fn Headlines(summary: ReportSummary) -> impl IntoView {
    let figures: [(&str, String, String); 10] = [
        (
            "Customers",
            format::count(summary.customers),
            "wrote to you".to_owned(),
        ),
        (
            "Handled by the bot",
            format::percent(summary.contained_pct),
            "never asked for a person".to_owned(),
        ),
        (
            "Escalations",
            format::count(summary.escalations),
            "moves into Requesting".to_owned(),
        ),
        (
            "Missed requests",
            format::count(summary.missed_requests),
            "window closed before an agent came".to_owned(),
        ),
        (
            "Resolved",
            format::count(summary.resolved),
            "by agents, back to the bot".to_owned(),
        ),
        (
            "Median wait",
            format::duration(summary.median_wait_s),
            "asking → an agent taking it".to_owned(),
        ),
        (
            "90% waited at most",
            format::duration(summary.p90_wait_s),
            "the longer waits".to_owned(),
        ),
        (
            "First response",
            format::duration(summary.median_first_response_s),
            "median, taking → first answer".to_owned(),
        ),
        (
            "Resolution",
            format::duration(summary.median_resolution_s),
            "median, asking → resolved".to_owned(),
        ),
        (
            "Satisfied",
            format::percent(summary.csat_satisfied_pct),
            answers_meaning(summary.csat_answers, summary.csat_asked),
        ),
    ];
    let alarm = summary.missed_requests > 0;
    view! {
        <dl class="report-figures">
            {figures.into_iter().map(|(label, value, meaning)| view! {
                <div class="report-figure" class:alarm=move || alarm && label == "Missed requests">
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                    <dd class="meaning">{meaning}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

/// What the satisfaction figure counts: `of 4 answers (6 asked)`, `of 1 answer`.
fn answers_meaning(answers: u64, asked: u64) -> String {
    let noun = if answers == 1 { "answer" } else { "answers" };
    format!(
        "of {} {noun} ({} asked)",
        format::count(answers),
        format::count(asked)
    )
}

/// Customers and escalations per day as bars, with the same numbers as a
/// table for screen readers and for reading exact values.
#[component]
fn DailyChart(days: Vec<ReportDay>) -> impl IntoView {
    const WIDTH: f64 = 960.0;
    const HEIGHT: f64 = 180.0;
    let top = days
        .iter()
        .map(|day| day.customers.max(day.escalations))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = WIDTH / days.len().max(1) as f64;
    let scale = |value: u64| value as f64 / top as f64 * (HEIGHT - 20.0);
    // At most about ten day names under the bars.
    let every = days.len().div_ceil(10).max(1);
    let total: u64 = days.iter().map(|day| day.customers).sum();
    let summary = format!(
        "Customers and escalations per day, {} days, {} customers in all",
        days.len(),
        format::count(total)
    );
    view! {
        <figure class="daily-chart">
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 24.0) role="img" aria-label=summary.clone()>
                <title>{summary.clone()}</title>
                <line x1="0" x2=WIDTH y1=HEIGHT y2=HEIGHT class="axis" />
                <text x="2" y="12" class="axis-label">{format::count(top)}</text>
                {days.iter().enumerate().map(|(n, day)| {
                    let x = n as f64 * slot;
                    let customers = scale(day.customers);
                    let escalations = scale(day.escalations);
                    let label = format!(
                        "{}: {} customers, {} escalations, {} missed, {} resolved",
                        format::short_day(&day.day), day.customers, day.escalations, day.missed_requests, day.resolved
                    );
                    view! {
                        <g class="day">
                            <title>{label}</title>
                            <rect class="customers" x=x + slot * 0.15 width=slot * 0.7 y=HEIGHT - customers height=customers />
                            <rect class="escalations" x=x + slot * 0.3 width=slot * 0.4 y=HEIGHT - escalations height=escalations />
                            {(n % every == 0).then(|| view! {
                                <text x=x + slot / 2.0 y=HEIGHT + 16.0 class="axis-label" text-anchor="middle">{format::short_day(&day.day)}</text>
                            })}
                        </g>
                    }
                }).collect_view()}
            </svg>
            <figcaption class="chart-legend">
                <span class="key customers"></span>"Customers who wrote"
                <span class="key escalations"></span>"Escalations"
            </figcaption>
            <details class="chart-table">
                <summary>"Show as a table"</summary>
                <table class="data-table">
                    <thead><tr>
                        <th>"Day"</th>
                        <th class="number-cell">"Customers"</th>
                        <th class="number-cell">"Escalations"</th>
                        <th class="number-cell">"Missed"</th>
                        <th class="number-cell">"Resolved"</th>
                    </tr></thead>
                    <tbody>
                        {days.into_iter().map(|day| view! {
                            <tr>
                                <td>{day.day}</td>
                                <td class="number-cell">{format::count(day.customers)}</td>
                                <td class="number-cell">{format::count(day.escalations)}</td>
                                <td class="number-cell">{format::count(day.missed_requests)}</td>
                                <td class="number-cell">{format::count(day.resolved)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

/// Who took, answered and resolved how many chats, and how fast.
#[component]
fn AgentsTable(summary: ReportSummary) -> impl IntoView {
    view! {
        <table class="data-table agents-report">
            <thead><tr>
                <th>"Agent"</th>
                <th class="number-cell">"Taken"</th>
                <th class="number-cell">"Resolved"</th>
                <th class="number-cell">"First response"</th>
                <th class="number-cell">"Messages"</th>
                <th class="number-cell">"Satisfied"</th>
            </tr></thead>
            <tbody>
                {summary.agents.into_iter().map(|agent| view! {
                    <tr>
                        <td>{agent.name}</td>
                        <td class="number-cell">{format::count(agent.intervened)}</td>
                        <td class="number-cell">{format::count(agent.resolved)}</td>
                        <td class="number-cell">{format::duration(agent.median_first_response_s)}</td>
                        <td class="number-cell">{format::count(agent.messages)}</td>
                        <td class="number-cell" title=format!("{} answers", agent.csat_answers)>{format::percent(agent.csat_satisfied_pct)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
