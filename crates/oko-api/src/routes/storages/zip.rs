//! `POST /api/storages/{id}/zip/link` and `GET /api/storages/{id}/zip`:
//! «Скачать всё.zip».

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use oko_db::{entities::stored_file, storages};
use oko_domain::{
    error_code::ErrorCode,
    storages::{DownloadLink, DownloadRight, FileKind},
};
use uuid::Uuid;

use super::{Downloadable, download::TicketParams, ensure_allowed, link, seen_storage};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        common_responses::{NotFound, Unauthenticated},
        zip_stream::{ZipItem, zip_answer},
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
    let who = storages::downloader(user.reach());
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
    let user = params
        .downloader(&req, &state, Downloadable::Zip(id))
        .await?;
    let now = Utc::now();
    let storage = seen_storage(&state, &user, id, now).await?;
    let files = storages::downloadable_files(&state.db, user.reach(), &storage, now).await?;
    if files.is_empty() {
        return Err(ApiError::new(
            ErrorCode::NotYetAvailable,
            "Нет файлов, которые можно скачать сейчас",
        ));
    }
    let owners = storages::owner_logins(&state.db, &files).await?;
    let items = files
        .iter()
        .map(|f| item_of(f, owners.get(&f.id).map(String::as_str)))
        .collect();
    // Every file is found in the store before any is counted as downloaded.
    let answer = zip_answer(state.clone(), items, &format!("{}.zip", storage.title)).await?;
    let ids: Vec<Uuid> = files.iter().map(|f| f.id).collect();
    let organisation = user.principal().scope.organisation();
    storages::record_downloads(&state.db, user.user_id(), organisation, &ids, now).await?;
    Ok(answer)
}

/// The zip entry of a file; personal files go into a folder named by the login.
fn item_of(file: &stored_file::Model, owner_login: Option<&str>) -> ZipItem {
    let name = match (storages::kind_of(file), owner_login) {
        (FileKind::Personal, Some(login)) => format!("{login}/{}", file.name),
        _ => file.name.clone(),
    };
    ZipItem::stored(
        name,
        file.store_key.clone(),
        u64::try_from(file.size).unwrap_or(0),
        file.crc32 as u32,
        file.created_at,
    )
}
