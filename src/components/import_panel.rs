//! Importing contacts from a CSV file: the file, the Source its new
//! customers get and the country of local numbers; a dry run first if
//! wanted; a progress bar while the server works; then the report with
//! every skipped row's line and reason, downloadable as CSV.

use std::time::Duration;

use handover_core::contacts::{ImportReport, ImportState, KEPT_SKIPPED_ROWS, MAX_SOURCE};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::format;

/// How often a running import's progress is asked for.
const POLL: Duration = Duration::from_millis(300);

/// Countries offered for numbers written without a country code.
const COUNTRIES: [(&str, &str); 16] = [
    ("IN", "India (+91)"),
    ("AE", "United Arab Emirates (+971)"),
    ("SA", "Saudi Arabia (+966)"),
    ("ID", "Indonesia (+62)"),
    ("BR", "Brazil (+55)"),
    ("MX", "Mexico (+52)"),
    ("NG", "Nigeria (+234)"),
    ("KE", "Kenya (+254)"),
    ("ZA", "South Africa (+27)"),
    ("GB", "United Kingdom (+44)"),
    ("US", "United States (+1)"),
    ("SG", "Singapore (+65)"),
    ("MY", "Malaysia (+60)"),
    ("PK", "Pakistan (+92)"),
    ("BD", "Bangladesh (+880)"),
    ("DE", "Germany (+49)"),
];

/// What the report's counts are called, for a dry run or a real import.
fn outcome_labels(dry_run: bool) -> [&'static str; 4] {
    if dry_run {
        [
            "Would be created",
            "Would be updated",
            "Already up to date",
            "Would be skipped",
        ]
    } else {
        ["Created", "Updated", "Already up to date", "Skipped"]
    }
}

/// Asks for the import's progress until it is done; a finished real import
/// is announced with `on_imported`.
fn poll(id: i64, report: RwSignal<Option<ImportReport>>, on_imported: Callback<()>) {
    set_timeout(
        move || {
            spawn_local(async move {
                let Ok(latest) = api::fetch_import(id).await else {
                    return poll(id, report, on_imported);
                };
                let running = latest.state == ImportState::Running;
                let imported = !running && !latest.dry_run;
                report.set(Some(latest));
                if running {
                    poll(id, report, on_imported);
                } else if imported {
                    on_imported.run(());
                }
            });
        },
        POLL,
    );
}

#[component]
pub fn ImportPanel(
    /// Closes the panel.
    on_close: Callback<()>,
    /// Called when a real import has finished (the table should reload).
    on_imported: Callback<()>,
) -> impl IntoView {
    let file = RwSignal::new_local(None::<web_sys::File>);
    let source = RwSignal::new(String::new());
    let country = RwSignal::new(COUNTRIES[0].0.to_owned());
    let report = RwSignal::new(None::<ImportReport>);
    let failure = RwSignal::new(None::<ApiError>);

    let start = Action::new_local(move |dry_run: &bool| {
        let dry_run = *dry_run;
        let chosen = file.get_untracked();
        let (source, country) = (source.get_untracked(), country.get_untracked());
        async move {
            match chosen {
                Some(chosen) => api::start_import(chosen, &source, &country, dry_run).await,
                None => Err(ApiError::Unreadable("choose a file first".into())),
            }
        }
    });
    Effect::new(move |_| match start.value().get() {
        Some(Ok(started)) => {
            failure.set(None);
            let id = started.id;
            report.set(Some(started));
            poll(id, report, on_imported);
        }
        Some(Err(error)) => {
            report.set(None);
            failure.set(Some(error));
        }
        None => {}
    });

    let running = move || {
        start.pending().get()
            || report.with(|r| r.as_ref().is_some_and(|r| r.state == ImportState::Running))
    };
    let can_start =
        move || file.with(Option::is_some) && !source.with(|s| s.trim().is_empty()) && !running();
    let pick = move |event: leptos::ev::Event| {
        let chosen = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        file.set(chosen);
        report.set(None);
        failure.set(None);
    };
    let problem = move |field: &'static str| {
        move || {
            failure
                .with(|error| error.as_ref().and_then(|error| error.problem_with(field)))
                .map(|message| view! { <span class="field-error">{message}</span> })
        }
    };

    view! {
        <section class="panel import-panel" aria-label="Import contacts">
            <header class="panel-head">
                <h2>"Import contacts from CSV"</h2>
                <button type="button" class="button" on:click=move |_| on_close.run(())>"Close"</button>
            </header>
            <p class="bot-help">
                "The file needs a name and a phone column (\"name\", \"phone\", \"mobile\", \"WhatsApp number\"… are all understood); other columns are kept on the profile. Each number is imported once. Customers already here keep their Source and counters; only an empty name is filled."
            </p>
            <div class="form-row">
                <label class="field">
                    <span class="field-label">"CSV file"</span>
                    <input type="file" accept=".csv,text/csv" on:change=pick />
                </label>
                <label class="field">
                    <span class="field-label">"Source for new customers"</span>
                    <input
                        placeholder="e.g. Diwali fair 2026"
                        maxlength=MAX_SOURCE.to_string()
                        prop:value=source
                        on:input=move |event| source.set(event_target_value(&event))
                    />
                </label>
                <label class="field">
                    <span class="field-label">"Numbers without a country code are in"</span>
                    <select prop:value=country on:change=move |event| country.set(event_target_value(&event))>
                        {COUNTRIES.map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
                    </select>
                </label>
            </div>
            {move || failure.get().map(|error| view! { <p class="bot-notice error" role="alert">{error.message()}</p> })}
            {problem("file")}
            <div class="dialog-actions">
                <button type="button" class="button" disabled=move || !can_start() on:click=move |_| { start.dispatch(true); }>
                    "Check first (dry run)"
                </button>
                <button type="button" class="button button-primary" disabled=move || !can_start() on:click=move |_| { start.dispatch(false); }>
                    "Import"
                </button>
            </div>
            {move || report.get().map(|r| view! { <ImportProgress report=r /> })}
        </section>
    }
}

/// The progress bar while running; the report once done.
#[component]
fn ImportProgress(report: ImportReport) -> impl IntoView {
    let percent = report.percent();
    let labels = outcome_labels(report.dry_run);
    let counts = [
        report.created,
        report.updated,
        report.unchanged,
        report.skipped,
    ];
    let heading = match (report.state, report.dry_run) {
        (ImportState::Running, true) => format!("Checking {}…", report.file_name),
        (ImportState::Running, false) => format!("Importing {}…", report.file_name),
        (ImportState::Done, true) => {
            format!("Dry run of {}: nothing was written", report.file_name)
        }
        (ImportState::Done, false) => format!("Imported {}", report.file_name),
        (ImportState::Failed, _) => format!("The import of {} stopped", report.file_name),
    };
    let download = format!("/api/imports/{}/report.csv", report.id);
    let list_skipped = report.state != ImportState::Running && report.skipped > 0;
    view! {
        <div class="import-report" data-state=format!("{:?}", report.state).to_lowercase()>
            <h3>{heading}</h3>
            <div class="progress-line">
                <progress max="100" value=percent.to_string() aria-label="Import progress"></progress>
                <span class="progress-text">{format!("{percent}% · {} rows read", format::count(report.rows))}</span>
            </div>
            {report.failure.clone().map(|why| view! { <p class="bot-notice error" role="alert">{why}</p> })}
            <dl class="import-counts">
                {labels.into_iter().zip(counts).map(|(label, n)| view! {
                    <div class="import-count"><dt>{label}</dt><dd>{format::count(n)}</dd></div>
                }).collect_view()}
            </dl>
            <Show when=move || list_skipped>
                <div class="panel-head">
                    <h3>"Skipped rows"</h3>
                    <a class="button" href=download.clone() download="">"Download skipped rows (CSV)"</a>
                </div>
                {(report.skipped > report.skipped_rows.len() as u64).then(|| view! {
                    <p class="muted">{format!(
                        "The first {} of {} skipped rows; the download lists the first {}.",
                        format::count(report.skipped_rows.len() as u64),
                        format::count(report.skipped),
                        format::count(report.skipped.min(KEPT_SKIPPED_ROWS as u64)),
                    )}</p>
                })}
                <table class="data-table skipped-rows">
                    <thead><tr><th scope="col" class="number-cell">"Line"</th><th scope="col">"Phone"</th><th scope="col">"Reason"</th></tr></thead>
                    <tbody>
                        {report.skipped_rows.clone().into_iter().map(|row| view! {
                            <tr><td class="number-cell">{row.line}</td><td>{row.phone}</td><td>{row.reason}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
        </div>
    }
}
