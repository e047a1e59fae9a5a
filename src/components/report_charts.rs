//! The Reports screen's charts, drawn as SVG, each with a title and the
//! same numbers as a table behind it: how long customers waited, how much
//! the bot handled alone per first-message tag, and when in the week
//! customers ask for a person.

use handover_core::breakdowns::{BreakdownRow, WEEKDAYS};
use handover_core::reports::WaitBand;
use leptos::prelude::*;

use crate::format;

/// Waits in bands, as columns.
#[component]
pub fn WaitChart(bands: Vec<WaitBand>) -> impl IntoView {
    const WIDTH: f64 = 480.0;
    const HEIGHT: f64 = 150.0;
    let top = bands
        .iter()
        .map(|band| band.chats)
        .max()
        .unwrap_or(0)
        .max(1);
    let total: u64 = bands.iter().map(|band| band.chats).sum();
    let slot = WIDTH / bands.len().max(1) as f64;
    let title = format!(
        "How long {} chats waited for an agent",
        format::count(total)
    );
    view! {
        <figure class="report-chart wait-chart">
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 36.0) role="img" aria-label=title.clone()>
                <title>{title.clone()}</title>
                <line x1="0" x2=WIDTH y1=HEIGHT y2=HEIGHT class="axis" />
                {bands.iter().enumerate().map(|(n, band)| {
                    let height = band.chats as f64 / top as f64 * (HEIGHT - 18.0);
                    let x = n as f64 * slot;
                    view! {
                        <g class="band">
                            <title>{format!("{}: {} chats", band.label, band.chats)}</title>
                            <rect x=x + slot * 0.15 width=slot * 0.7 y=HEIGHT - height height=height />
                            <text x=x + slot / 2.0 y=HEIGHT - height - 4.0 class="value-label" text-anchor="middle">{format::count(band.chats)}</text>
                            <text x=x + slot / 2.0 y=HEIGHT + 16.0 class="axis-label" text-anchor="middle">{band.label.clone()}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <details class="chart-table">
                <summary>"Show as a table"</summary>
                <table class="data-table">
                    <thead><tr><th>"Waited"</th><th class="number-cell">"Chats"</th></tr></thead>
                    <tbody>
                        {bands.into_iter().map(|band| view! {
                            <tr><td>{band.label}</td><td class="number-cell">{format::count(band.chats)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

/// The share of customers the bot handled alone, per first-message tag.
#[component]
pub fn ContainmentChart(rows: Vec<BreakdownRow>) -> impl IntoView {
    const WIDTH: f64 = 480.0;
    const ROW: f64 = 26.0;
    const LABELS: f64 = 150.0;
    let rows: Vec<BreakdownRow> = rows
        .into_iter()
        .filter(|row| row.customers.unwrap_or(0) > 0)
        .take(8)
        .collect();
    let height = ROW * rows.len().max(1) as f64;
    let title = "Share of customers the bot handled alone, by first-message tag".to_owned();
    view! {
        <figure class="report-chart containment-chart">
            {rows.is_empty().then(|| view! { <p class="empty-cell">"Nobody wrote in this range."</p> })}
            <svg viewBox=format!("0 0 {WIDTH} {height}") role="img" aria-label=title.clone()>
                <title>{title.clone()}</title>
                {rows.iter().enumerate().map(|(n, row)| {
                    let y = n as f64 * ROW;
                    let share = row.contained_pct.unwrap_or(0.0);
                    let width = (WIDTH - LABELS - 60.0) * share / 100.0;
                    view! {
                        <g class="tag-row">
                            <title>{format!("{}: {} of {} customers", row.key, format::percent(row.contained_pct), row.customers.unwrap_or(0))}</title>
                            <text x=LABELS - 8.0 y=y + ROW * 0.65 class="axis-label" text-anchor="end">{shorten(&row.key)}</text>
                            <rect class="track" x=LABELS y=y + 5.0 width=WIDTH - LABELS - 60.0 height=ROW - 10.0 />
                            <rect class="share" x=LABELS y=y + 5.0 width=width height=ROW - 10.0 />
                            <text x=WIDTH - 54.0 y=y + ROW * 0.65 class="value-label">{format::percent(row.contained_pct)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
            <details class="chart-table">
                <summary>"Show as a table"</summary>
                <table class="data-table">
                    <thead><tr>
                        <th>"Tag"</th>
                        <th class="number-cell">"Customers"</th>
                        <th class="number-cell">"Handled by the bot"</th>
                        <th class="number-cell">"Escalations"</th>
                    </tr></thead>
                    <tbody>
                        {rows.into_iter().map(|row| view! {
                            <tr>
                                <td>{row.key}</td>
                                <td class="number-cell">{format::count(row.customers.unwrap_or(0))}</td>
                                <td class="number-cell">{format::percent(row.contained_pct)}</td>
                                <td class="number-cell">{format::count(row.escalations.unwrap_or(0))}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= 22 {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(21).collect::<String>())
    }
}

/// Requests by weekday (rows, Monday first) and hour (columns): darker is more.
#[component]
pub fn RequestHeatmap(rows: Vec<BreakdownRow>) -> impl IntoView {
    const CELL: f64 = 26.0;
    const LEFT: f64 = 40.0;
    const TOP: f64 = 18.0;
    let counts: Vec<u64> = rows
        .iter()
        .map(|row| row.escalations.unwrap_or(0))
        .collect();
    let top = counts.iter().copied().max().unwrap_or(0).max(1);
    let total: u64 = counts.iter().sum();
    let cell = |day: usize, hour: usize| counts.get(day * 24 + hour).copied().unwrap_or(0);
    let title = format!(
        "Requests for an agent by weekday and hour, {} in all",
        format::count(total)
    );
    let width = LEFT + CELL * 24.0;
    let height = TOP + CELL * 7.0;
    view! {
        <figure class="report-chart heatmap">
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-label=title.clone()>
                <title>{title.clone()}</title>
                {(0..24).step_by(3).map(|hour| view! {
                    <text x=LEFT + CELL * hour as f64 + CELL / 2.0 y="12" class="axis-label" text-anchor="middle">{format!("{hour:02}")}</text>
                }).collect_view()}
                {WEEKDAYS.iter().enumerate().map(|(day, name)| view! {
                    <text x=LEFT - 6.0 y=TOP + CELL * day as f64 + CELL * 0.65 class="axis-label" text-anchor="end">{*name}</text>
                }).collect_view()}
                {(0..7).flat_map(|day| (0..24).map(move |hour| (day, hour))).map(|(day, hour)| {
                    let n = cell(day, hour);
                    let level = if n == 0 { 0.0 } else { 0.15 + 0.85 * n as f64 / top as f64 };
                    view! {
                        <rect
                            x=LEFT + CELL * hour as f64 + 1.0
                            y=TOP + CELL * day as f64 + 1.0
                            width=CELL - 2.0
                            height=CELL - 2.0
                            rx="3"
                            class=if n == 0 { "cell empty" } else { "cell" }
                            fill-opacity=level
                        >
                            <title>{format!("{} {hour:02}:00–{hour:02}:59: {n} requests", WEEKDAYS[day])}</title>
                        </rect>
                    }
                }).collect_view()}
            </svg>
            <details class="chart-table">
                <summary>"Show as a table"</summary>
                <div class="table-scroll">
                    <table class="data-table heatmap-table">
                        <thead><tr>
                            <th>"Day"</th>
                            {(0..24).map(|hour| view! { <th class="number-cell">{format!("{hour:02}")}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {WEEKDAYS.iter().enumerate().map(|(day, name)| view! {
                                <tr>
                                    <th scope="row">{*name}</th>
                                    {(0..24).map(|hour| view! { <td class="number-cell">{cell(day, hour)}</td> }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}
