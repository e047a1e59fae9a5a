//! A CSV import, from the uploaded bytes to its report. The header is read
//! before anything is stored (a file without a phone column is refused at
//! once); the rows are then applied in the background, a batch per
//! transaction, while the dashboard polls the progress. A dry run applies
//! each batch and rolls it back, so its report is exactly what the import
//! would do.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use handover_core::contacts::{column_of, Column, SkippedRow, KEPT_SKIPPED_ROWS};
use handover_core::AgentId;
use phonenumber::country::Id as Country;

use super::phone;
use crate::app::error::AppError;
use crate::platform::db::Db;
use crate::platform::realtime::EventHub;
use crate::platform::time::Clock;
use crate::state::AppState;
use crate::store::events::EventBatch;
use crate::store::imports::{self, ContactRow, NewImport, Progress};

/// Rows per transaction: large enough to import 100,000 rows in seconds,
/// small enough that webhooks never wait long for their turn to write.
const BATCH: usize = 2_000;

/// The longest attribute value kept from a cell.
const MAX_ATTRIBUTE: usize = 500;

/// A skipped row is kept with the phone as typed and the reason cut short.
const MAX_TYPED_PHONE: usize = 40;
const MAX_REASON: usize = 200;

/// Where the columns are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    name: usize,
    phone: usize,
    /// Every other column with a header: kept as attributes.
    extras: Vec<(usize, String)>,
}

/// Reads the header row; explains what is missing.
pub fn layout(bytes: &[u8]) -> Result<Layout, String> {
    if std::str::from_utf8(bytes).is_err() {
        return Err(
            "file: the file is not UTF-8 text; in your spreadsheet choose \"Save as CSV UTF-8\" and upload again".into(),
        );
    }
    let mut reader = reader(bytes);
    let headers = reader
        .headers()
        .map_err(|error| format!("file: the header row cannot be read ({error})"))?
        .clone();
    if headers.iter().all(|header| header.trim().is_empty()) {
        return Err(
            "file: the file is empty; the first row must name the columns, e.g. name,phone".into(),
        );
    }
    let find = |wanted: Column| headers.iter().position(|h| column_of(h) == Some(wanted));
    let (Some(name), Some(phone)) = (find(Column::Name), find(Column::Phone)) else {
        let missing = match (find(Column::Name), find(Column::Phone)) {
            (None, None) => "a name and a phone column",
            (None, Some(_)) => "a name column",
            _ => "a phone column",
        };
        return Err(format!(
            "file: the header row needs {missing} (found: {}); name them e.g. \"name\" and \"phone\"",
            headers
                .iter()
                .map(|h| format!("{:?}", h.trim_start_matches('\u{feff}')))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    let extras = headers
        .iter()
        .enumerate()
        .filter(|(at, header)| *at != name && *at != phone && !header.trim().is_empty())
        .map(|(at, header)| (at, header.trim().to_owned()))
        .collect();
    Ok(Layout {
        name,
        phone,
        extras,
    })
}

fn reader(bytes: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(bytes)
}

/// A manager's CSV file, read and laid out, to import.
pub struct ImportRequest<'a> {
    pub file_name: &'a str,
    pub source: String,
    pub country_code: &'a str,
    pub country: Country,
    pub dry_run: bool,
    pub by: AgentId,
    pub layout: Layout,
    pub bytes: axum::body::Bytes,
}

/// Records the import and starts it in the background; its id, to follow
/// its report by.
pub async fn start(state: &AppState, request: ImportRequest<'_>) -> Result<i64, AppError> {
    let now = state.clock.now_ms();
    let mut write = state.db.begin_write().await?;
    let id = imports::create(
        &mut write.tx,
        &NewImport {
            file_name: request.file_name,
            source: &request.source,
            country: request.country_code,
            dry_run: request.dry_run,
            total_bytes: request.bytes.len() as u64,
            agent: request.by,
        },
        now,
    )
    .await?;
    write.commit().await?;
    let job = Job {
        id,
        db: state.db.clone(),
        events: state.events.clone(),
        clock: state.clock.clone(),
        source: request.source,
        country: request.country,
        dry_run: request.dry_run,
        layout: request.layout,
        bytes: request.bytes,
    };
    tokio::spawn(job.run());
    Ok(id)
}

/// One import, with what it needs to run on its own.
pub struct Job {
    pub id: i64,
    pub db: Db,
    pub events: EventHub,
    pub clock: Clock,
    pub source: String,
    pub country: Country,
    pub dry_run: bool,
    pub layout: Layout,
    pub bytes: axum::body::Bytes,
}

impl Job {
    /// Applies every row, then stores the report. A database failure ends
    /// the import as failed; batches committed before it stay imported.
    pub async fn run(self) {
        let mut skipped = Vec::new();
        let failure = self.apply_all(&mut skipped).await.err();
        if let Some(error) = &failure {
            tracing::error!(import = self.id, %error, "import failed");
        }
        let failure = failure.map(|_| {
            "The database failed during the import. Rows counted here were imported; upload the file again to import the rest.".to_owned()
        });
        let finished = async {
            let mut write = self.db.begin_write().await?;
            imports::finish(
                &mut write.tx,
                self.id,
                &skipped,
                failure.as_deref(),
                self.clock.now_ms(),
            )
            .await?;
            write.commit().await
        };
        if let Err(error) = finished.await {
            tracing::error!(import = self.id, %error, "the import's report could not be stored");
        }
    }

    async fn apply_all(&self, skipped: &mut Vec<SkippedRow>) -> Result<(), sqlx::Error> {
        let mut reader = reader(&self.bytes);
        // The header was read by `layout`; read it again here to skip it.
        let _ = reader.headers();
        let mut record = csv::StringRecord::new();
        let mut lines = Lines::default();
        let mut first_line: HashMap<String, u64> = HashMap::new();
        let mut progress = Progress::default();
        loop {
            let mut batch = Vec::with_capacity(BATCH);
            let mut more = true;
            while batch.len() < BATCH {
                match reader.read_record(&mut record) {
                    Ok(false) => {
                        more = false;
                        break;
                    }
                    Ok(true) => {}
                    Err(error) => {
                        let at = error.position().map_or(0, |at| at.byte());
                        let line = lines.at(&self.bytes, at);
                        progress.rows += 1;
                        skip(
                            skipped,
                            &mut progress,
                            line,
                            "",
                            format!("the row cannot be read ({error})"),
                        );
                        continue;
                    }
                }
                if record.iter().all(|cell| cell.trim().is_empty()) {
                    continue;
                }
                progress.rows += 1;
                let at = record.position().map_or(0, |at| at.byte());
                let line = lines.at(&self.bytes, at);
                let typed = record.get(self.layout.phone).unwrap_or("").trim();
                let row = match self.contact(&record) {
                    Ok(row) => row,
                    Err(reason) => {
                        skip(skipped, &mut progress, line, typed, reason);
                        continue;
                    }
                };
                match first_line.entry(row.wa_id.as_str().to_owned()) {
                    Entry::Occupied(first) => {
                        let reason = format!("the same number as line {}", first.get());
                        skip(skipped, &mut progress, line, typed, reason);
                    }
                    Entry::Vacant(slot) => {
                        slot.insert(line);
                        batch.push(row);
                    }
                }
            }
            progress.processed_bytes = if more {
                reader.position().byte()
            } else {
                self.bytes.len() as u64
            };
            self.apply_batch(&batch, &mut progress).await?;
            if !more {
                return Ok(());
            }
        }
    }

    /// One transaction: the rows and the progress, committed together (or,
    /// for a dry run, rolled back and only the progress kept).
    async fn apply_batch(
        &self,
        batch: &[ContactRow],
        progress: &mut Progress,
    ) -> Result<(), sqlx::Error> {
        let now = self.clock.now_ms();
        let mut after = progress.clone();
        let mut write = self.db.begin_write().await?;
        for applied in imports::apply(&mut write.tx, batch, &self.source, now).await? {
            after.count(applied);
        }
        if self.dry_run {
            drop(write);
            write = self.db.begin_write().await?;
        }
        imports::save_progress(&mut write.tx, self.id, &after).await?;
        let created = after.created > progress.created;
        if created && !self.dry_run {
            let mut events = EventBatch::default();
            events.counts();
            events.record(&mut write.tx, now).await?;
        }
        write.commit().await?;
        if created && !self.dry_run {
            self.events.notify();
        }
        *progress = after;
        Ok(())
    }

    /// The row's customer, or why the row is skipped.
    fn contact(&self, record: &csv::StringRecord) -> Result<ContactRow, String> {
        let cell = |at: usize| record.get(at).unwrap_or("").trim();
        let wa_id = phone::normalise(cell(self.layout.phone), self.country)?;
        let name = cell(self.layout.name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let attributes: BTreeMap<String, String> = self
            .layout
            .extras
            .iter()
            .filter(|(at, _)| !cell(*at).is_empty())
            .map(|(at, header)| {
                (
                    header.clone(),
                    cell(*at).chars().take(MAX_ATTRIBUTE).collect(),
                )
            })
            .collect();
        Ok(ContactRow {
            wa_id,
            name: name.chars().take(200).collect(),
            attributes,
        })
    }
}

/// Line numbers of records, counted from their byte offsets. (The csv
/// reader's own line count lags by one line after a CRLF header.)
#[derive(Debug)]
struct Lines {
    offset: usize,
    line: u64,
}

impl Default for Lines {
    fn default() -> Self {
        Lines { offset: 0, line: 1 }
    }
}

impl Lines {
    /// The line of the record starting at byte `at` (or at the line breaks
    /// just before it); offsets only grow, so the file is counted once.
    fn at(&mut self, bytes: &[u8], at: u64) -> u64 {
        let mut at = usize::try_from(at).unwrap_or(bytes.len()).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > self.offset {
            self.line += bytes[self.offset..at]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            self.offset = at;
        }
        self.line
    }
}

/// Counts a skipped row, and keeps it for the report while there is room.
fn skip(
    kept: &mut Vec<SkippedRow>,
    progress: &mut Progress,
    line: u64,
    phone: &str,
    reason: String,
) {
    progress.skipped += 1;
    if kept.len() < KEPT_SKIPPED_ROWS {
        kept.push(SkippedRow {
            line,
            phone: phone.chars().take(MAX_TYPED_PHONE).collect(),
            reason: reason.chars().take(MAX_REASON).collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_the_columns_and_keeps_the_others_as_attributes() {
        let file = "\u{feff}Full Name,City,Mobile No,,Email\r\nAsha,Pune,98200 12345,,a@x.in\r\n";
        assert_eq!(
            layout(file.as_bytes()),
            Ok(Layout {
                name: 0,
                phone: 2,
                extras: vec![(1, "City".into()), (4, "Email".into())],
            })
        );
    }

    #[test]
    fn lines_are_counted_across_crlf_and_quoted_line_breaks() {
        let file = b"name,phone\r\nA,1\r\n\"B\r\nC\",2\r\nD,3\n";
        let mut lines = Lines::default();
        assert_eq!(lines.at(file, 10), 2, "just before the LF of the header");
        assert_eq!(lines.at(file, 17), 3);
        assert_eq!(lines.at(file, 25), 5, "after a quoted line break");
    }

    #[test]
    fn a_file_without_the_required_columns_is_refused_with_what_it_has() {
        let error = layout(b"name,city\nAsha,Pune\n").unwrap_err();
        assert!(error.contains("a phone column"), "{error}");
        assert!(error.contains("\"city\""), "{error}");
        assert!(layout(b"").unwrap_err().contains("empty"));
        assert!(layout(b"name,phone\n\xff\xfe,1\n")
            .unwrap_err()
            .contains("UTF-8"));
    }
}
