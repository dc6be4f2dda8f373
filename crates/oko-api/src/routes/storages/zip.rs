//! `POST /api/storages/{id}/zip/link` and `GET /api/storages/{id}/zip`:
//! «Скачать всё.zip».

use actix_web::{
    HttpRequest, HttpResponse, get,
    http::header::{self, ContentEncoding},
    post, web,
    web::Bytes,
};
use chrono::{Datelike, Timelike, Utc};
use futures_util::{
    StreamExt, TryStreamExt,
    stream::{self, BoxStream},
};
use oko_db::{entities::stored_file, storages};
use oko_domain::{
    error_code::ErrorCode,
    moscow_time::to_moscow,
    storages::{DownloadLink, DownloadRight, FileKind},
};
use oko_io::zip::{ZipEntry, ZipPlan, dos_date_time};
use uuid::Uuid;

use super::{Downloadable, attachment, download::TicketParams, ensure_allowed, link, seen_storage};
use crate::{
    auth::extractor::{Authenticated, downloader},
    error::ApiError,
    routes::{
        access::reach_of,
        common_responses::{NotFound, Unauthenticated},
    },
    state::AppState,
};

/// A link that downloads the storage's zip without the `Authorization` header.
#[utoipa::path(
    tag = "storages",
    operation_id = "link_zip",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Storage id")),
    responses(
        (status = 200, description = "The link", body = DownloadLink),
        (status = 403, description = "The storage opens later", body = oko_domain::api::Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Файлы еще недоступны", "status": 403, "code": "not_yet_available",
                "detail": "Файлы доступны для скачивания с 01.09.2021 09:00 (мск)"})),
        Unauthenticated, NotFound,
    )
)]
#[post("/storages/{id}/zip/link")]
pub async fn link_zip(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<DownloadLink>, ApiError> {
    let id = id.into_inner();
    let now = Utc::now();
    let storage = seen_storage(&state, &user, id, now).await?;
    // Refused like a file's link, by the same rule (the operator any time): a link
    // made before the opening would only fail later, at the download.
    let who = storages::downloader(reach_of(&user));
    let right = DownloadRight::of(FileKind::Common, who, storage.available_from, now);
    ensure_allowed(right, storage.available_from)?;
    Ok(web::Json(link(
        &state,
        user.user_id(),
        Downloadable::Zip(id),
    )))
}

/// «Скачать всё.zip»: one zip of every file of the storage the user may download
/// now, streamed (constant memory, exact `Content-Length`), names in UTF-8 (personal
/// files in a folder per organisation login). Marks each file downloaded. 403
/// `not_yet_available` when nothing may be downloaded yet.
#[utoipa::path(
    tag = "storages",
    operation_id = "download_zip",
    security(("bearer" = []), ()),
    params(("id" = Uuid, Path, description = "Storage id"), TicketParams),
    responses(
        (status = 200, description = "The zip", content_type = "application/zip", body = Vec<u8>, example = "PK…"),
        (status = 403, description = "Nothing the user may download yet",
            body = oko_domain::api::Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Файлы еще недоступны", "status": 403, "code": "not_yet_available",
                "detail": "Нет файлов, которые можно скачать сейчас"})),
        Unauthenticated, NotFound,
    )
)]
#[get("/storages/{id}/zip")]
pub async fn download_zip(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: web::Query<TicketParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = downloader(
        &req,
        &state,
        params.ticket.as_deref(),
        &Downloadable::Zip(id).scope(),
    )
    .await?;
    let now = Utc::now();
    let storage = seen_storage(&state, &user, id, now).await?;
    let files = storages::downloadable_files(&state.db, reach_of(&user), &storage, now).await?;
    if files.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NotYetAvailable,
            "Нет файлов, которые можно скачать сейчас",
        ));
    }
    ensure_all_stored(&state, &files).await?;
    let owners = storages::owner_logins(&state.db, &files).await?;
    let ids: Vec<Uuid> = files.iter().map(|f| f.id).collect();
    let organisation = user.principal().scope.organisation();
    storages::record_downloads(&state.db, user.user_id(), organisation, &ids, now).await?;
    let keys: Vec<String> = files.iter().map(|f| f.store_key.clone()).collect();
    let plan = ZipPlan::new(
        files
            .iter()
            .map(|f| entry_of(f, owners.get(&f.id).map(String::as_str)))
            .collect(),
    );
    Ok(HttpResponse::Ok()
        .content_type("application/zip")
        .insert_header((header::CONTENT_LENGTH, plan.total_len()))
        .insert_header((
            header::CONTENT_DISPOSITION,
            attachment(&format!("{}.zip", storage.title)),
        ))
        .insert_header(ContentEncoding::Identity)
        .streaming(zip_stream(state.clone(), plan, keys)))
}

/// How many files the zip asks the store about at once before it starts.
const CHECKS_AT_ONCE: usize = 16;

/// Asks the store for every file before the first header goes out: once the 200
/// and its `Content-Length` are sent, a missing file could only cut the zip short.
async fn ensure_all_stored(state: &AppState, files: &[stored_file::Model]) -> Result<(), ApiError> {
    stream::iter(files)
        .map(|file| async move {
            let size = state.files.size(&file.store_key).await?;
            if i64::try_from(size).ok() != Some(file.size) {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "stored file {} holds {size} bytes, its record says {}",
                        file.id, file.size
                    ),
                ));
            }
            Ok(())
        })
        .buffer_unordered(CHECKS_AT_ONCE)
        .try_collect::<()>()
        .await
        .map_err(ApiError::file_store)
}

/// The zip entry of a file; personal files go into a folder named by the login.
fn entry_of(file: &stored_file::Model, owner_login: Option<&str>) -> ZipEntry {
    let name = match (storages::kind_of(file), owner_login) {
        (FileKind::Personal, Some(login)) => format!("{login}/{}", file.name),
        _ => file.name.clone(),
    };
    let at = to_moscow(file.created_at);
    let (dos_date, dos_time) = dos_date_time(
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
    );
    ZipEntry {
        name,
        size: u64::try_from(file.size).unwrap_or(0),
        crc32: file.crc32 as u32,
        dos_date,
        dos_time,
    }
}

/// Where the stream is: before entry `next`'s header, or inside an entry's bytes.
struct Cursor {
    state: web::Data<AppState>,
    plan: ZipPlan,
    keys: Vec<String>,
    next: usize,
    open: Option<BoxStream<'static, std::io::Result<Bytes>>>,
    finished: bool,
}

/// Headers, file bytes and the trailer, one chunk at a time: memory stays at a
/// chunk or two per download whatever the storage holds.
fn zip_stream(
    state: web::Data<AppState>,
    plan: ZipPlan,
    keys: Vec<String>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let cursor = Cursor {
        state,
        plan,
        keys,
        next: 0,
        open: None,
        finished: false,
    };
    stream::try_unfold(cursor, |mut c| async move {
        if let Some(bytes) = c.open.as_mut() {
            if let Some(chunk) = bytes.try_next().await? {
                return Ok(Some((chunk, c)));
            }
            c.open = None;
        }
        if c.next < c.keys.len() {
            let header = c.plan.local_header(c.next);
            c.open = Some(c.state.files.read(&c.keys[c.next]).await?);
            c.next += 1;
            return Ok(Some((Bytes::from(header), c)));
        }
        if c.finished {
            return Ok(None);
        }
        c.finished = true;
        let trailer = c.plan.trailer();
        Ok(Some((Bytes::from(trailer), c)))
    })
}
