//! A report broken down by one thing the manager picks (tag, source,
//! label, closing reason, why it escalated, hour of day), as a table with
//! only the columns that breakdown counts, and its CSV download.

use handover_core::breakdowns::{Breakdown, BreakdownRow};
use leptos::prelude::*;

use crate::api;
use crate::format;

/// The breakdowns offered in the picker (weekday and hour is the heatmap).
const OFFERED: [Breakdown; 6] = [
    Breakdown::Tag,
    Breakdown::Source,
    Breakdown::Label,
    Breakdown::ClosingReason,
    Breakdown::Intent,
    Breakdown::Hour,
];

#[component]
pub fn BreakdownPanel(
    /// `from` and `to` of the range on screen.
    #[prop(into)]
    range: Signal<(String, String)>,
) -> impl IntoView {
    let by = RwSignal::new(Breakdown::Tag);
    let rows = LocalResource::new(move || {
        let (from, to) = range.get();
        api::fetch_breakdown(by.get(), from, to)
    });
    view! {
        <section class="panel">
            <header class="panel-head">
                <h2>"Broken down"</h2>
                <label class="breakdown-pick">"By "
                    <select aria-label="Break down by" on:change=move |ev| {
                        if let Some(chosen) = Breakdown::parse(&event_target_value(&ev)) {
                            by.set(chosen);
                        }
                    }>
                        {OFFERED.into_iter().map(|option| view! {
                            <option value=option.as_str() selected=move || by.get() == option>{option.label()}</option>
                        }).collect_view()}
                    </select>
                </label>
                <a
                    class="button"
                    href=move || { let (from, to) = range.get(); api::breakdown_csv(by.get(), &from, &to) }
                    download=move || by.get().file_name()
                >"Download breakdown (CSV)"</a>
            </header>
            {move || match rows.get() {
                None => view! { <p class="empty-cell">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="bot-notice error" role="alert">{error.to_string()}</p> }.into_any(),
                Some(Ok(rows)) => view! { <BreakdownTable by=by.get_untracked() rows /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn BreakdownTable(by: Breakdown, rows: Vec<BreakdownRow>) -> impl IntoView {
    let customers = by.counts_customers();
    let requests = by.counts_requests();
    let resolves = by.counts_resolves();
    let waits = by.times_waits();
    let number = |value: Option<u64>| format::count(value.unwrap_or(0));
    if rows.is_empty() {
        return view! { <p class="empty-cell">"Nothing to break down in this range."</p> }
            .into_any();
    }
    view! {
        <table class="data-table breakdown-table" data-by=by.as_str()>
            <thead><tr>
                <th>{by.label()}</th>
                {customers.then(|| view! {
                    <th class="number-cell">"Customers"</th>
                    <th class="number-cell">"Handled by the bot"</th>
                })}
                {requests.then(|| view! {
                    <th class="number-cell">"Escalations"</th>
                    <th class="number-cell">"Missed"</th>
                })}
                {waits.then(|| view! { <th class="number-cell">"Median wait"</th> })}
                {resolves.then(|| view! { <th class="number-cell">"Resolved"</th> })}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|row| view! {
                    <tr>
                        <td>{row.key.clone()}</td>
                        {customers.then(|| view! {
                            <td class="number-cell">{number(row.customers)}</td>
                            <td class="number-cell">{format::percent(row.contained_pct)}</td>
                        })}
                        {requests.then(|| view! {
                            <td class="number-cell">{number(row.escalations)}</td>
                            <td class="number-cell">{number(row.missed_requests)}</td>
                        })}
                        {waits.then(|| view! {
                            <td class="number-cell">{format::duration(row.median_wait_s)}</td>
                        })}
                        {resolves.then(|| view! { <td class="number-cell">{number(row.resolved)}</td> })}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
