//! Managers' users table, its CSV export, and CSV imports with their
//! progress and report.

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use handover_core::api::{CustomerProfile, Page};
use handover_core::contacts::{parse_source, ImportReport};
use handover_core::customers::{CustomerFacets, CustomerOrder, WindowFilter};
use handover_core::labels::spelled_as;
use handover_core::Status;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use super::extract::{PathParam, QueryParams};
use super::openapi::Problem;
use super::params::IdPath;
use crate::app::contacts::export::{self, csv_lines};
use crate::app::contacts::import::{self, ImportRequest};
use crate::app::contacts::phone;
use crate::http::error::ApiError;
use crate::http::signed_in::Manager;
use crate::state::AppState;
use crate::store::customers_table::{self, TableFilter};
use crate::store::imports;
use crate::store::{labels, Cursor};

/// How many skipped rows the JSON report lists; the CSV has all that were
/// kept (the first [`handover_core::contacts::KEPT_SKIPPED_ROWS`]).
const SKIPPED_SHOWN: usize = 100;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TableQuery {
    /// `active`, `requesting`, `intervened` or `closed`.
    status: Option<String>,
    /// `open`: in a section; `closed`: in History (including customers who never wrote).
    window: Option<String>,
    /// The exact Source.
    source: Option<String>,
    /// The first-message tag.
    tag: Option<String>,
    /// A label on the chat.
    label: Option<String>,
    /// Part of the name, or the start of the number.
    q: Option<String>,
    /// `last_active_desc` (the default) or `last_active_asc`.
    order: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
    /// 1–200, default 50.
    limit: Option<u32>,
}

impl TableQuery {
    fn filter(&self) -> Result<TableFilter, ApiError> {
        let given = |value: &Option<String>| value.clone().filter(|text| !text.trim().is_empty());
        let status = match given(&self.status) {
            None => None,
            Some(text) => Some(text.parse::<Status>().map_err(|_| {
                ApiError::bad_request(
                    "invalid_status",
                    format!(
                        "status: {text:?} is not one of active, requesting, intervened, closed."
                    ),
                )
            })?),
        };
        let window = match given(&self.window).as_deref() {
            None => None,
            Some("open") => Some(WindowFilter::Open),
            Some("closed") => Some(WindowFilter::Closed),
            Some(other) => {
                return Err(ApiError::bad_request(
                    "invalid_window",
                    format!("window: {other:?} is not open or closed."),
                ))
            }
        };
        let order = match given(&self.order).as_deref() {
            None | Some("last_active_desc") => CustomerOrder::LastActiveDesc,
            Some("last_active_asc") => CustomerOrder::LastActiveAsc,
            Some(other) => {
                return Err(ApiError::bad_request(
                    "invalid_order",
                    format!("order: {other:?} is not last_active_desc or last_active_asc."),
                ))
            }
        };
        Ok(TableFilter {
            status,
            window,
            source: given(&self.source),
            tag: given(&self.tag),
            label: given(&self.label).map(|label| label.trim().to_owned()),
            query: given(&self.q),
            order,
        })
    }
}

/// The filter with its label as the team spells it: a label filter
/// ignores case, as labels do.
async fn spelled(state: &AppState, mut filter: TableFilter) -> Result<TableFilter, ApiError> {
    if let Some(label) = filter.label.take() {
        let known = labels::in_use(&state.db.pool).await?;
        filter.label = Some(spelled_as(&label, &known).to_owned());
    }
    Ok(filter)
}

pub fn router() -> OpenApiRouter<AppState> {
    super::timed(
        OpenApiRouter::new()
            .routes(routes!(table))
            .routes(routes!(facets))
            .routes(routes!(report))
            .routes(routes!(report_csv)),
    )
    // A file streamed out, and one read in up to HANDOVER_IMPORT_MAX_MB.
    .routes(routes!(export))
    .routes(routes!(start).layer(DefaultBodyLimit::disable()))
}

/// Every customer with the seven parameters, filtered, sorted by Last Active, cursor-paged (managers).
#[utoipa::path(
    get,
    path = "/users/table",
    operation_id = "list_users_table",
    tag = "users",
    security(("session" = ["manager"])),
    params(TableQuery),
    responses(
        (status = 200, body = Page<CustomerProfile>),
    )
)]
async fn table(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<TableQuery>,
) -> Result<Json<Page<CustomerProfile>>, ApiError> {
    let filter = spelled(&state, query.filter()?).await?;
    let cursor = Cursor::parse(query.cursor.as_deref())?;
    let page = customers_table::page(
        &state.db.pool,
        &filter,
        cursor.as_ref(),
        query.limit.unwrap_or(50),
        state.clock.now_ms(),
    )
    .await?;
    Ok(Json(page))
}

/// The sources (Organic, API and every import's) and tags the users table can filter by (managers).
#[utoipa::path(
    get,
    path = "/users/facets",
    operation_id = "get_users_table_facets",
    tag = "users",
    security(("session" = ["manager"])),
    responses(
        (status = 200, body = CustomerFacets),
    )
)]
async fn facets(
    _manager: Manager,
    State(state): State<AppState>,
) -> Result<Json<CustomerFacets>, ApiError> {
    Ok(Json(customers_table::facets(&state.db.pool).await?))
}

/// The users table's filter as a CSV file with every parameter, streamed (managers).
///
/// `cursor` and `limit` are ignored: the file has every customer the filter
/// finds. Cells starting with `=`, `+`, `-` or `@` are prefixed with `'`
/// against formula injection.
#[utoipa::path(
    get,
    path = "/users/export",
    operation_id = "export_users",
    tag = "users",
    security(("session" = ["manager"])),
    params(TableQuery),
    responses(
        (status = 200, description = "`handover-users.csv`, as an attachment", content_type = "text/csv", body = String),
    )
)]
async fn export(
    _manager: Manager,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<TableQuery>,
) -> Result<Response, ApiError> {
    let filter = spelled(&state, query.filter()?).await?;
    let body = export::body(state.db.pool.clone(), filter, state.clock.now_ms());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"handover-users.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// The Source of new customers; not Organic or API.
    source: Option<String>,
    /// ISO country of numbers written without a country code, e.g. `IN`.
    country: Option<String>,
    /// The file's name, shown with the import.
    file_name: Option<String>,
    /// Report what would happen, write nothing.
    #[serde(default)]
    dry_run: bool,
}

/// Import contacts from a CSV file, the file as the body (managers).
///
/// Needs a name and a phone column (common aliases accepted; other columns
/// become attributes). Numbers are normalised to E.164 with the given
/// country; duplicates in the file are imported once; existing customers
/// keep their Source and counters. The header is checked at once, then the
/// rows are imported in the background: 202 with the report so far; poll
/// `GET /api/imports/{id}`.
#[utoipa::path(
    post,
    path = "/imports",
    operation_id = "start_import",
    tag = "users",
    security(("session" = ["manager"])),
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "The CSV file"),
    responses(
        (status = 202, body = ImportReport),
        (status = 408, response = Problem),
        (status = 422, response = Problem),
    )
)]
async fn start(
    Manager(manager): Manager,
    State(state): State<AppState>,
    QueryParams(query): QueryParams<ImportQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let source = parse_source(query.source.as_deref().unwrap_or(""))
        .map_err(|message| ApiError::bad_request("invalid_source", message))?;
    let country_code = query
        .country
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    let country = phone::parse_country(&country_code)
        .map_err(|message| ApiError::bad_request("invalid_country", message))?;
    let limit = state.import_max_bytes;
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "The file is larger than {} MB, the most this server accepts (HANDOVER_IMPORT_MAX_MB); split it into smaller files.",
            limit / (1024 * 1024)
        ))
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    let mut chunks = body.into_data_stream();
    if declared.is_some_and(|length| length > limit) {
        drain(&mut chunks).await;
        return Err(too_large());
    }
    let mut received = Vec::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|_| ApiError::body_incomplete())?;
        if received.len() + chunk.len() > limit {
            drain(&mut chunks).await;
            return Err(too_large());
        }
        received.extend_from_slice(&chunk);
    }
    let bytes = axum::body::Bytes::from(received);
    let layout = import::layout(&bytes)
        .map_err(|message| ApiError::unprocessable("invalid_file", message))?;
    let file_name = query
        .file_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or("upload.csv")
        .chars()
        .take(200)
        .collect::<String>();
    let request = ImportRequest {
        file_name: &file_name,
        source,
        country_code: &country_code,
        country,
        dry_run: query.dry_run,
        by: manager.id,
        layout,
        bytes,
    };
    let id = import::start(&state, request).await?;
    let report = imports::report(&state.db.pool, id, Some(SKIPPED_SHOWN))
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok((StatusCode::ACCEPTED, Json(report)))
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound(format!("There is no import with id {id}."))
}

/// An import's progress while it runs, then its report (managers).
#[utoipa::path(
    get,
    path = "/imports/{id}",
    operation_id = "get_import",
    tag = "users",
    security(("session" = ["manager"])),
    params(IdPath),
    responses(
        (status = 200, body = ImportReport),
        (status = 404, response = Problem),
    )
)]
async fn report(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Json<ImportReport>, ApiError> {
    imports::report(&state.db.pool, id, Some(SKIPPED_SHOWN))
        .await?
        .map(Json)
        .ok_or_else(|| not_found(id))
}

/// The skipped rows of an import with their line and reason, as CSV (managers).
///
/// The first ten thousand are kept, to fix and upload again.
#[utoipa::path(
    get,
    path = "/imports/{id}/report.csv",
    operation_id = "get_import_skipped_rows",
    tag = "users",
    security(("session" = ["manager"])),
    params(IdPath),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 404, response = Problem),
    )
)]
async fn report_csv(
    _manager: Manager,
    State(state): State<AppState>,
    PathParam(IdPath { id }): PathParam<IdPath>,
) -> Result<Response, ApiError> {
    let report = imports::report(&state.db.pool, id, None)
        .await?
        .ok_or_else(|| not_found(id))?;
    let header = ["line", "phone", "reason"].map(String::from);
    let rows = report
        .skipped_rows
        .iter()
        .map(|row| [row.line.to_string(), row.phone.clone(), row.reason.clone()]);
    let body = csv_lines(std::iter::once(header).chain(rows));
    let name = format!(
        "attachment; filename=\"import-{}-skipped-rows.csv\"",
        report.id
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        body,
    )
        .into_response())
}

/// Reads and drops what is left of a refused upload, up to a bound, so
/// that the client, still sending, reads the refusal instead of a reset
/// connection. Nothing is kept: memory stays as it was.
async fn drain(chunks: &mut axum::body::BodyDataStream) {
    const AT_MOST: usize = 64 * 1024 * 1024;
    const WITHIN: std::time::Duration = std::time::Duration::from_secs(5);
    let _ = tokio::time::timeout(WITHIN, async {
        let mut dropped = 0;
        while let Some(Ok(chunk)) = chunks.next().await {
            dropped += chunk.len();
            if dropped > AT_MOST {
                break;
            }
        }
    })
    .await;
}
