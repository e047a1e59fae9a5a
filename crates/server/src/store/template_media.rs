//! The files at the top of templates (photos, videos, PDFs): uploaded by a
//! manager before the template names them, stored in the media folder by
//! content hash.

use handover_core::media::MediaKind;
use handover_core::templates::HeaderMedia;
use sqlx::AnyConnection;

/// A stored header file, with what it takes to send it.
#[derive(Debug, Clone)]
pub struct HeaderFile {
    pub id: i64,
    pub kind: MediaKind,
    pub mime_type: String,
    pub filename: Option<String>,
    pub content_hash: String,
    pub size: u64,
}

impl HeaderFile {
    /// What a template message's header says of the file: its kind, and a
    /// document's name.
    pub fn in_header(&self) -> (MediaKind, Option<&str>) {
        (self.kind, self.filename.as_deref())
    }

    /// The file as templates show it.
    pub fn shown(&self) -> HeaderMedia {
        HeaderMedia {
            id: self.id,
            kind: self.kind,
            url: url(self.id),
            mime_type: self.mime_type.clone(),
            filename: self.filename.clone(),
            size: self.size,
        }
    }
}

/// Where signed-in people read header file `id`.
pub fn url(id: i64) -> String {
    format!("/api/templates/media/{id}")
}

type Row = (i64, String, String, Option<String>, String, i64);

fn header_file((id, kind, mime_type, filename, content_hash, size): Row) -> HeaderFile {
    HeaderFile {
        id,
        kind: MediaKind::parse(&kind).unwrap_or(MediaKind::Document),
        mime_type,
        filename,
        content_hash,
        size: u64::try_from(size).unwrap_or_default(),
    }
}

/// Records a stored file as a header that templates can name.
pub async fn insert(
    conn: &mut AnyConnection,
    kind: MediaKind,
    mime_type: &str,
    filename: Option<&str>,
    content_hash: &str,
    size: u64,
    now: i64,
) -> Result<HeaderFile, sqlx::Error> {
    let row: Row = sqlx::query_as(
        "INSERT INTO template_media (kind, mime_type, filename, content_hash, size, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, kind, mime_type, filename, content_hash, size",
    )
    .bind(kind.as_str())
    .bind(mime_type)
    .bind(filename)
    .bind(content_hash)
    .bind(i64::try_from(size).unwrap_or(i64::MAX))
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(header_file(row))
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<HeaderFile>, sqlx::Error> {
    let row: Option<Row> = sqlx::query_as(
        "SELECT id, kind, mime_type, filename, content_hash, size FROM template_media WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(header_file))
}
