//! Files at the top of templates: a manager uploads the photo, video or
//! PDF (`POST /api/templates/media?filename=`, the file as the body with
//! its `Content-Type`), then names it in the template as
//! `header_media_id`; signed-in people read it back.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use handover_core::templates::HeaderMedia;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::extract::{PathParam, QueryParams};
use super::media::{
    clean_filename, content_type, described, refuse_declared_too_large, serve_stored, store_body,
    Stored,
};
use super::openapi::{FileBytes, Problem};
use super::params::IdPath;
use crate::app::templates;
use crate::http::error::ApiError;
use crate::http::signed_in::{CurrentAgent, Manager};
use crate::state::AppState;
use crate::store::template_media;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Upload {
    /// The file's name, kept with it.
    filename: Option<String>,
}

pub fn router() -> OpenApiRouter<AppState> {
    // A file read in up to WhatsApp's limit for its kind, and streamed out.
    OpenApiRouter::new()
        .routes(routes!(upload).layer(DefaultBodyLimit::disable()))
        .routes(routes!(serve))
}

/// Upload the photo, video or PDF that heads a template (managers).
///
/// A JPEG or PNG photo (5 MB), an MP4 or 3GPP video (16 MB) or a PDF
/// (100 MB), as WhatsApp takes them at the top of a template: the file as
/// the body with its `Content-Type`. Name it in the template as
/// `header_media_id`.
#[utoipa::path(
    post,
    path = "/templates/media",
    operation_id = "upload_template_header",
    tag = "templates",
    security(("session" = ["manager"])),
    params(Upload),
    request_body(description = "The file, with its own Content-Type", content((FileBytes = "image/jpeg"), (FileBytes = "image/png"), (FileBytes = "video/mp4"), (FileBytes = "video/3gpp"), (FileBytes = "application/pdf"))),
    responses(
        (status = 201, body = HeaderMedia),
        (status = 408, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn upload(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(upload): QueryParams<Upload>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<HeaderMedia>), ApiError> {
    let mime_type = content_type(&headers);
    let kind = HeaderMedia::kind_for(&mime_type).ok_or_else(|| ApiError::Unprocessable {
        code: "unsupported_file",
        message: format!(
            "file: {} cannot head a template; WhatsApp takes a JPEG or PNG photo, an MP4 or 3GPP video, or a PDF.",
            described(&mime_type)
        ),
    })?;
    refuse_declared_too_large(&headers, kind)?;
    let saved = store_body(&state, body, kind).await?;
    let filename = clean_filename(upload.filename);
    let file =
        templates::keep_header_file(&state, kind, &mime_type, filename.as_deref(), &saved).await?;
    Ok((StatusCode::CREATED, Json(file)))
}

/// A template's header file, for signed-in people only.
#[utoipa::path(
    get,
    path = "/templates/media/{id}",
    operation_id = "get_template_header",
    tag = "templates",
    params(IdPath),
    responses(
        (status = 200, description = "The file, with its own Content-Type", content((FileBytes = "image/jpeg"), (FileBytes = "image/png"), (FileBytes = "video/mp4"), (FileBytes = "video/3gpp"), (FileBytes = "application/pdf"))),
        (status = 404, response = Problem),
    )
)]
async fn serve(
    _agent: CurrentAgent,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
    request: Request,
) -> Result<Response, ApiError> {
    let file = {
        let mut conn = state.db.pool.acquire().await?;
        template_media::by_id(&mut conn, id).await?
    }
    .ok_or_else(|| ApiError::NotFound(format!("There is no template header file with id {id}.")))?;
    let stored = Stored {
        id,
        kind: file.kind,
        mime_type: &file.mime_type,
        filename: file.filename.as_deref(),
        content_hash: Some(&file.content_hash),
    };
    serve_stored(&state, &stored, request).await
}
