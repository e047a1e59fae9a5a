//! Files of messages: serving them to signed-in people, asking for a failed
//! fetch again, and an agent's photo or document sent to a customer; and
//! the receiving and serving of a file that template headers use too.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use futures_util::StreamExt;
use handover_core::api::Message;
use handover_core::media::{essence, size_in_words, MediaKind};
use handover_core::whatsapp;
use serde::Deserialize;
use tower::ServiceExt;
use tower_http::services::ServeFile;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::extract::{PathParam, QueryParams};
use super::openapi::{FileBytes, Problem};
use super::params::{wa_id_from, CustomerPath, IdPath};
use crate::app::chats::files::{self, Upload};
use crate::http::error::ApiError;
use crate::http::signed_in::CurrentAgent;
use crate::platform::media::{SaveError, Saved};
use crate::state::AppState;
use crate::store::media;

/// The longest file name kept.
const MAX_FILENAME: usize = 240;

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(OpenApiRouter::new().routes(routes!(retry)))
        // Files streamed out, and one read in up to WhatsApp's limit for its kind.
        .routes(routes!(serve))
        .routes(routes!(send).layer(DefaultBodyLimit::disable()))
}

/// A message's file, for signed-in people only.
///
/// Photos, audio and video open in the page; anything else downloads.
/// Ranges and conditional requests are answered.
#[utoipa::path(
    get,
    path = "/media/{id}",
    operation_id = "get_message_file",
    tag = "chats",
    params(IdPath),
    responses(
        (status = 200, description = "The file, with its own Content-Type: a photo, video, voice note or audio, or a document", content((FileBytes = "image/*"), (FileBytes = "video/*"), (FileBytes = "audio/*"), (FileBytes = "application/*"), (FileBytes = "text/plain"))),
        (status = 206, description = "The range asked for", content((FileBytes = "image/*"), (FileBytes = "video/*"), (FileBytes = "audio/*"), (FileBytes = "application/*"), (FileBytes = "text/plain"))),
        (status = 304, description = "Not modified since the copy the client has"),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn serve(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    request: Request,
) -> Result<Response, ApiError> {
    let file = media::file(&state.db.pool, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("There is no file with id {id}.")))?;
    if file.state != "ready" {
        return Err(ApiError::conflict(
            "media_not_ready",
            "This file has not been fetched from WhatsApp (yet); the thread says why.",
        ));
    }
    let kind = MediaKind::parse(&file.kind).unwrap_or(MediaKind::Document);
    let stored = Stored {
        id,
        kind,
        mime_type: &file.mime_type,
        filename: file.filename.as_deref(),
        content_hash: file.content_hash.as_deref(),
    };
    serve_stored(&state, &stored, request).await
}

/// A file in the media folder, as it is served.
pub(super) struct Stored<'a> {
    pub id: i64,
    pub kind: MediaKind,
    pub mime_type: &'a str,
    pub filename: Option<&'a str>,
    pub content_hash: Option<&'a str>,
}

/// Streams a stored file (ranges and conditional requests included) with
/// the headers that keep it safe: its own type only when it is what it
/// claims, inline only for pictures, sound and video, never sniffed.
pub(super) async fn serve_stored(
    state: &AppState,
    file: &Stored<'_>,
    request: Request,
) -> Result<Response, ApiError> {
    let id = file.id;
    let path = file
        .content_hash
        .and_then(|hash| state.media.path(hash))
        .ok_or_else(|| ApiError::NotFound(format!("There is no file with id {id}.")))?;
    // Ranges, conditional requests and streaming are ServeFile's.
    let mut response = ServeFile::new(path)
        .oneshot(request)
        .await
        .map_err(|error| ApiError::Unavailable(format!("The file could not be read: {error}")))?
        .map(Body::new);
    if response.status() == StatusCode::NOT_FOUND {
        return Err(ApiError::NotFound(format!(
            "The file with id {id} is missing from this server's media folder."
        )));
    }
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&served_type(file.kind, file.mime_type))
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        disposition(file.kind, file.filename, id),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(response)
}

/// The type a file is served as: its own when it is a picture, sound or
/// video of the kind WhatsApp said, otherwise plain bytes (a file that
/// claims to be a web page is never served as one).
fn served_type(kind: MediaKind, mime_type: &str) -> String {
    let mime_type = essence(mime_type);
    let fits = match kind {
        MediaKind::Image | MediaKind::Sticker => {
            mime_type.starts_with("image/") && mime_type != "image/svg+xml"
        }
        MediaKind::Audio => mime_type.starts_with("audio/"),
        MediaKind::Video => mime_type.starts_with("video/"),
        MediaKind::Document => {
            mime_type == "application/pdf" || MediaKind::for_sending(&mime_type).is_some()
        }
    };
    let safe = mime_type
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/.+-".contains(&b));
    if fits && safe {
        mime_type
    } else {
        "application/octet-stream".to_owned()
    }
}

/// Inline for what the page shows, attachment for anything else, with a
/// file name that is only letters, digits and a few marks.
fn disposition(kind: MediaKind, filename: Option<&str>, id: i64) -> HeaderValue {
    let name: String = filename
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " ._-()".contains(*c))
        .take(MAX_FILENAME)
        .collect();
    let name = match name.trim() {
        "" => format!("file-{id}"),
        name => name.to_owned(),
    };
    let how = if kind.shown_inline() {
        "inline"
    } else {
        "attachment"
    };
    HeaderValue::from_str(&format!("{how}; filename=\"{name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"))
}

/// Fetch a customer's file that failed, again.
#[utoipa::path(
    post,
    path = "/media/{id}/retry",
    operation_id = "retry_file_fetch",
    tag = "chats",
    params(IdPath),
    responses(
        (status = 200, description = "The message, its file being fetched", body = Message),
        (status = 404, response = Problem),
        (status = 409, response = Problem),
    )
)]
async fn retry(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Json<Message>, ApiError> {
    Ok(Json(files::fetch_again(&state, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Attachment {
    /// Shown under the photo or document; at most 1,024 characters.
    caption: Option<String>,
    /// The name the customer sees.
    filename: Option<String>,
}

/// Send a photo (JPEG, PNG) or a document to the customer (holder only, window open).
///
/// The file is the body, with its `Content-Type`: a photo, or a PDF, Word,
/// Excel, PowerPoint or text document. It is checked against WhatsApp's
/// limits before anything is stored, and uploaded to WhatsApp when the
/// message is sent.
#[utoipa::path(
    post,
    path = "/users/{wa_id}/media",
    operation_id = "send_file",
    tag = "chats",
    params(CustomerPath, Attachment),
    request_body(description = "The file, with its own Content-Type: a JPEG or PNG photo, or a document", content((FileBytes = "image/jpeg"), (FileBytes = "image/png"), (FileBytes = "application/pdf"), (FileBytes = "application/msword"), (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (FileBytes = "application/vnd.ms-excel"), (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (FileBytes = "application/vnd.ms-powerpoint"), (FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"), (FileBytes = "text/plain"))),
    responses(
        (status = 201, body = Message),
        (status = 404, response = Problem),
        (status = 408, response = Problem),
        (status = 409, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn send(
    CurrentAgent(agent): CurrentAgent,
    State(state): State<AppState>,
    PathParam(CustomerPath { wa_id }): PathParam<CustomerPath>,
    QueryParams(attachment): QueryParams<Attachment>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Message>), ApiError> {
    let wa_id = wa_id_from(&wa_id)?;
    let mime_type = content_type(&headers);
    let kind = MediaKind::for_sending(&mime_type).ok_or_else(|| ApiError::Unprocessable {
        code: "unsupported_file",
        message: format!(
            "file: {} cannot be sent on WhatsApp from here; send a JPEG or PNG photo, or a PDF, Word, Excel, PowerPoint or text document.",
            described(&mime_type)
        ),
    })?;
    let caption = attachment
        .caption
        .map(|caption| caption.trim().to_owned())
        .filter(|caption| !caption.is_empty());
    if caption
        .as_ref()
        .is_some_and(|c| c.chars().count() > whatsapp::MAX_CAPTION_CHARS)
    {
        return Err(ApiError::unprocessable(
            "invalid_caption",
            format!(
                "caption: write at most {} characters.",
                whatsapp::MAX_CAPTION_CHARS
            ),
        ));
    }
    let filename = clean_filename(attachment.filename);
    refuse_declared_too_large(&headers, kind)?;
    // Refused before the file is read when the agent may not write here.
    files::may_send(&state, &agent, &wa_id).await?;
    let saved = store_body(&state, body, kind).await?;
    let upload = Upload {
        kind,
        mime_type: &mime_type,
        caption: caption.as_deref(),
        filename: filename.as_deref(),
        saved: &saved,
    };
    let message = files::send(&state, &agent, &wa_id, upload).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// The type an uploaded body declares, without its parameters.
pub(super) fn content_type(headers: &HeaderMap) -> String {
    essence(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or(""),
    )
}

/// A declared type, in words for a refusal.
pub(super) fn described(mime_type: &str) -> String {
    if mime_type.is_empty() {
        "a file without a Content-Type".to_owned()
    } else {
        mime_type.to_owned()
    }
}

/// A file name as given, without control characters or folders; `None`
/// when nothing is left.
pub(super) fn clean_filename(filename: Option<String>) -> Option<String> {
    filename
        .map(|name| {
            name.chars()
                .filter(|c| !c.is_control() && !"/\\".contains(*c))
                .take(MAX_FILENAME)
                .collect::<String>()
        })
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

fn too_large(kind: MediaKind) -> ApiError {
    ApiError::PayloadTooLarge(format!(
        "file: a {} may be at most {} on WhatsApp; send a smaller one.",
        kind.noun(),
        size_in_words(kind.max_bytes())
    ))
}

/// Refuses a body whose declared length is over WhatsApp's limit for
/// `kind`, before any of it is read.
pub(super) fn refuse_declared_too_large(
    headers: &HeaderMap,
    kind: MediaKind,
) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > kind.max_bytes()) {
        return Err(too_large(kind));
    }
    Ok(())
}

/// Stores an uploaded body in the media folder, read up to WhatsApp's
/// limit for `kind`; an empty one is refused.
pub(super) async fn store_body(
    state: &AppState,
    body: Body,
    kind: MediaKind,
) -> Result<Saved, ApiError> {
    let saved = state
        .media
        .save(body.into_data_stream().boxed(), kind.max_bytes())
        .await
        .map_err(|error| match error {
            SaveError::TooLarge { .. } => too_large(kind),
            SaveError::Source(_) => ApiError::body_incomplete(),
            SaveError::Io(error) => ApiError::Unavailable(format!(
                "The file could not be stored on this server: {error}"
            )),
        })?;
    if saved.size == 0 {
        return Err(ApiError::unprocessable(
            "empty_file",
            "file: the file is empty.",
        ));
    }
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_served_as_what_they_are_and_never_as_a_page() {
        let cases = [
            (MediaKind::Image, "image/jpeg", "image/jpeg"),
            (MediaKind::Image, "text/html", "application/octet-stream"),
            (
                MediaKind::Image,
                "image/svg+xml",
                "application/octet-stream",
            ),
            (MediaKind::Audio, "audio/ogg; codecs=opus", "audio/ogg"),
            (MediaKind::Document, "application/pdf", "application/pdf"),
            (MediaKind::Document, "text/html", "application/octet-stream"),
        ];
        for (kind, said, served) in cases {
            assert_eq!(served_type(kind, said), served, "{kind:?} said {said}");
        }
    }

    #[test]
    fn only_pictures_sound_and_video_open_in_the_page() {
        let inline = disposition(MediaKind::Image, Some("box.jpg"), 1);
        assert_eq!(inline, "inline; filename=\"box.jpg\"");
        let attached = disposition(MediaKind::Document, Some("../../in\"voice\r\n.pdf"), 2);
        assert_eq!(attached, "attachment; filename=\"....invoice.pdf\"");
        assert_eq!(
            disposition(MediaKind::Document, None, 3),
            "attachment; filename=\"file-3\""
        );
    }
}
