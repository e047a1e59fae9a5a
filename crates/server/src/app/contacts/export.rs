//! The users table as a CSV file: the current filter, every parameter,
//! written page by page as the client reads it (never the whole table in
//! memory), with cells that a spreadsheet would run as a formula made inert.

use axum::body::{Body, Bytes};
use futures_util::stream::{self, Stream, StreamExt};
use handover_core::api::CustomerProfile;
use sqlx::AnyPool;

use crate::store::customers_table::{self, TableFilter};
use crate::store::{BadCursor, Cursor};

/// Rows read from the database per chunk of the file.
const CHUNK: u32 = 1_000;

const HEADER: [&str; 14] = [
    "phone",
    "name",
    "status",
    "last_active",
    "template_messages",
    "session_messages",
    "unresolved_queries",
    "source",
    "first_message",
    "window",
    "window_expires_at",
    "assigned_agent",
    "attributes",
    "labels",
];

/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and,
/// in some, a tab or carriage return) as a formula; a leading apostrophe
/// keeps such a cell as the text it was.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

fn row(user: &CustomerProfile) -> [String; 14] {
    [
        user.wa_id.as_str().to_owned(),
        user.name.clone(),
        user.status.as_str().to_owned(),
        user.last_active_at.clone().unwrap_or_default(),
        user.template_messages.to_string(),
        user.session_messages.to_string(),
        user.unresolved_queries.to_string(),
        user.source.clone(),
        user.first_message_tag.clone().unwrap_or_default(),
        if user.window_open { "open" } else { "closed" }.to_owned(),
        user.window_expires_at.clone().unwrap_or_default(),
        user.assigned_agent
            .as_ref()
            .map(|agent| agent.name.clone())
            .unwrap_or_default(),
        if user.attributes.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&user.attributes).unwrap_or_default()
        },
        user.labels.join("; "),
    ]
}

/// Rows as CSV text with CRLF line ends, every cell made inert
/// ([`neutralise`]); the export and the import's report both write this way.
pub fn csv_lines<R, C>(rows: impl IntoIterator<Item = R>) -> Bytes
where
    R: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for cells in rows {
        // Writing into memory cannot fail.
        let _ = writer.write_record(
            cells
                .into_iter()
                .map(|cell| neutralise(cell.as_ref()).into_owned()),
        );
    }
    Bytes::from(writer.into_inner().unwrap_or_default())
}

/// Where the export is: the next page to read, or done.
enum Next {
    Header,
    Page(Option<Cursor>),
    Done,
}

/// The file as a stream of chunks: the header, then a chunk per page.
/// A database failure midway aborts the download, so that a cut file is
/// never taken for a whole one. The stream is fused: a compression layer
/// polls a body once more after its end, which an unfused `unfold` answers
/// with a panic.
pub fn stream(
    pool: AnyPool,
    filter: TableFilter,
    now: i64,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    stream::unfold(Next::Header, move |next| {
        let (pool, filter) = (pool.clone(), filter.clone());
        async move {
            match next {
                Next::Done => None,
                Next::Header => Some((Ok(csv_lines([HEADER])), Next::Page(None))),
                Next::Page(cursor) => {
                    match customers_table::page(&pool, &filter, cursor.as_ref(), CHUNK, now).await {
                        Ok(page) => {
                            let after = match Cursor::parse(page.next_cursor.as_deref()) {
                                Ok(Some(cursor)) => Next::Page(Some(cursor)),
                                Ok(None) | Err(BadCursor) => Next::Done,
                            };
                            Some((Ok(csv_lines(page.items.iter().map(row))), after))
                        }
                        Err(error) => {
                            tracing::error!(%error, "export failed midway");
                            Some((
                                Err(std::io::Error::other(
                                    "the database failed during the export",
                                )),
                                Next::Done,
                            ))
                        }
                    }
                }
            }
        }
    })
    .fuse()
}

/// The response body of an export.
pub fn body(pool: AnyPool, filter: TableFilter, now: i64) -> Body {
    Body::from_stream(stream(pool, filter, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_a_spreadsheet_would_run_are_made_inert_and_others_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+91 98200"), "'+91 98200");
        assert_eq!(neutralise("-2+3"), "'-2+3");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tcmd"), "'\tcmd");
        assert_eq!(neutralise("Priya = VIP"), "Priya = VIP");
        assert_eq!(neutralise(""), "");
    }
}
