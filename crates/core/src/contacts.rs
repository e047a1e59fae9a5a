//! Contacts in and out of CSV files (PRODUCT.md §4): which columns an
//! imported file's headers name, what an import reports, and the sources
//! one may choose.

use serde::{Deserialize, Serialize};

/// The column of an imported CSV file that a header names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Name,
    Phone,
}

/// Header names accepted for each column, compared after
/// [`header_key`]. Any other column is kept as an attribute.
const NAME_HEADERS: &[&str] = &[
    "name",
    "full name",
    "fullname",
    "customer name",
    "customer",
    "contact name",
    "contact",
    "display name",
];
const PHONE_HEADERS: &[&str] = &[
    "phone",
    "phone number",
    "phonenumber",
    "phone no",
    "mobile",
    "mobile number",
    "mobile no",
    "mobile phone",
    "cell",
    "cell phone",
    "whatsapp",
    "whatsapp number",
    "whatsapp no",
    "wa id",
    "number",
    "msisdn",
    "telephone",
    "tel",
    "contact number",
];

/// A header as compared with the aliases: lower case, a byte-order mark,
/// `_`, `-`, `.` and repeated spaces folded away.
pub fn header_key(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| match c {
            '_' | '-' | '.' => ' ',
            other => other.to_ascii_lowercase(),
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which column `header` names, if it is one of the required two.
pub fn column_of(header: &str) -> Option<Column> {
    let key = header_key(header);
    if NAME_HEADERS.contains(&key.as_str()) {
        Some(Column::Name)
    } else if PHONE_HEADERS.contains(&key.as_str()) {
        Some(Column::Phone)
    } else {
        None
    }
}

/// An import's report keeps its first this many skipped rows (all are
/// counted), so a file of bad rows makes a report of bounded size.
pub const KEPT_SKIPPED_ROWS: usize = 10_000;

/// The longest Source text an import may set.
pub const MAX_SOURCE: usize = 60;

/// A Source chosen at upload, trimmed; the built-in `Organic` and `API`
/// keep their meaning and cannot be chosen.
pub fn parse_source(text: &str) -> Result<String, String> {
    let source = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if source.is_empty() || source.chars().count() > MAX_SOURCE {
        return Err(format!(
            "source: name where these contacts came from in 1 to {MAX_SOURCE} characters, e.g. \"Diwali fair 2026\""
        ));
    }
    if ["organic", "api"].contains(&source.to_lowercase().as_str()) {
        return Err(format!(
            "source: {source} is kept for customers who wrote first or came from the API; choose another name"
        ));
    }
    Ok(source)
}

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ImportState {
    Running,
    Done,
    Failed,
}

/// A row that was not imported, with its line in the file (the header is
/// line 1; a quoted field with line breaks spans several lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedRow {
    pub line: u64,
    pub phone: String,
    pub reason: String,
}

/// `GET /api/imports/{id}`: an import's progress, then its report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub id: i64,
    pub file_name: String,
    pub source: String,
    /// The ISO country of numbers written without a country code.
    pub country: String,
    /// A dry run shows what would happen and writes nothing.
    pub dry_run: bool,
    pub state: ImportState,
    /// Bytes of the file read so far, of `total_bytes`.
    pub processed_bytes: u64,
    pub total_bytes: u64,
    /// Rows read so far (the header not counted).
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    /// Rows whose customer already had everything the row says.
    pub unchanged: u64,
    pub skipped: u64,
    /// The first skipped rows, in file order (all of them are in the
    /// downloadable report).
    pub skipped_rows: Vec<SkippedRow>,
    /// Why the import stopped, when it failed.
    pub failure: Option<String>,
}

impl ImportReport {
    /// Percent of the file read, 0–100.
    pub fn percent(&self) -> u8 {
        if self.state == ImportState::Done || self.total_bytes == 0 {
            return if self.state == ImportState::Running {
                0
            } else {
                100
            };
        }
        (self.processed_bytes.min(self.total_bytes) * 100 / self.total_bytes) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_matched_whatever_their_case_spacing_or_separators() {
        let cases = [
            ("Name", Some(Column::Name)),
            ("\u{feff}name", Some(Column::Name)),
            ("  Customer_Name ", Some(Column::Name)),
            ("PHONE", Some(Column::Phone)),
            ("Phone Number", Some(Column::Phone)),
            ("mobile-no", Some(Column::Phone)),
            ("WhatsApp  Number", Some(Column::Phone)),
            ("wa_id", Some(Column::Phone)),
            ("City", None),
            ("email", None),
        ];
        for (header, expected) in cases {
            assert_eq!(column_of(header), expected, "{header:?}");
        }
    }

    #[test]
    fn a_source_is_trimmed_and_the_built_in_ones_are_refused() {
        assert_eq!(
            parse_source("  Diwali   fair 2026 "),
            Ok("Diwali fair 2026".into())
        );
        assert!(parse_source("").is_err());
        assert!(parse_source(&"x".repeat(MAX_SOURCE + 1)).is_err());
        assert!(parse_source("Organic").unwrap_err().contains("kept"));
        assert!(parse_source("api").unwrap_err().contains("kept"));
    }

    #[test]
    fn progress_is_a_percentage_of_the_file_read() {
        let mut report = ImportReport {
            id: 1,
            file_name: "c.csv".into(),
            source: "Fair".into(),
            country: "IN".into(),
            dry_run: false,
            state: ImportState::Running,
            processed_bytes: 250,
            total_bytes: 1000,
            rows: 10,
            created: 0,
            updated: 0,
            unchanged: 0,
            skipped: 0,
            skipped_rows: vec![],
            failure: None,
        };
        assert_eq!(report.percent(), 25);
        report.processed_bytes = 2000;
        assert_eq!(report.percent(), 100);
        report.total_bytes = 0;
        assert_eq!(report.percent(), 0);
        report.state = ImportState::Done;
        assert_eq!(report.percent(), 100);
    }
}
