//! `POST /api/files/{id}/link` and `GET /api/files/{id}/content`: one file.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::Utc;
use oko_db::{
    entities::{storage, stored_file},
    storages,
};
use oko_domain::{api::Problem, storages::DownloadLink};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{Downloadable, ensure_allowed, file_not_found, link, send_stored};
use crate::{
    auth::extractor::{Authenticated, downloader},
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// A download ticket instead of the `Authorization` header.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TicketParams {
    /// From a `…/link` answer; ignored when a bearer token is sent.
    pub ticket: Option<String>,
}

impl TicketParams {
    /// Who downloads `what`: the bearer token's user, or the ticket's.
    pub async fn downloader(
        &self,
        req: &HttpRequest,
        state: &AppState,
        what: Downloadable,
    ) -> Result<Authenticated, ApiError> {
        downloader(req, state, self.ticket.as_deref(), &what.scope()).await
    }
}

/// A link that downloads the file without the `Authorization` header (for the
/// browser's download manager; it resumes broken downloads), valid for an hour.
#[utoipa::path(
    tag = "storages",
    operation_id = "link_file",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The link", body = DownloadLink),
        (status = 403, description = "Not yet available, or an organisations-only file asked for by a coordinator",
            body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Файлы еще недоступны", "status": 403, "code": "not_yet_available",
                "detail": "Файлы доступны для скачивания с 01.09.2021 09:00 (мск)"})),
        Unauthenticated, NotFound,
    )
)]
#[post("/files/{id}/link")]
pub async fn link_file(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<DownloadLink>, ApiError> {
    let id = id.into_inner();
    allowed_file(&state, &user, id).await?;
    Ok(web::Json(link(
        &state,
        user.user_id(),
        Downloadable::File(id),
    )))
}

/// Download a file, with its original name (`Content-Disposition`, UTF-8), `ETag`
/// and `Range` support so a broken download resumes. Records the user's download.
/// Another organisation's personal file answers 404; an organisations-only file
/// answers coordinators 403; before the storage opens, 403 `not_yet_available`.
#[utoipa::path(
    tag = "storages",
    operation_id = "download_file",
    security(("bearer" = []), ()),
    params(("id" = Uuid, Path, description = "File id"), TicketParams),
    responses(
        (status = 200, description = "The file's bytes", content_type = "application/octet-stream", body = Vec<u8>,
            example = "%PDF-1.7 …"),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = Vec<u8>,
            example = "…"),
        (status = 403, description = "Not yet available, or an organisations-only file asked for by a coordinator",
            body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Этот файл могут скачать только организации"})),
        Unauthenticated, NotFound,
    )
)]
#[get("/files/{id}/content")]
pub async fn download_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: web::Query<TicketParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = params
        .downloader(&req, &state, Downloadable::File(id))
        .await?;
    let (file, _) = allowed_file(&state, &user, id).await?;
    let now = Utc::now();
    let organisation = user.principal().scope.organisation();
    storages::record_downloads(&state.db, user.user_id(), organisation, &[file.id], now).await?;
    send_stored(
        &state,
        &req,
        &file.store_key,
        &file.content_type,
        &file.name,
    )
    .await
}

/// The file `id` if the user sees it and may download it now.
async fn allowed_file(
    state: &AppState,
    user: &Authenticated,
    id: Uuid,
) -> Result<(stored_file::Model, storage::Model), ApiError> {
    let board = state.board.get(&state.db).await?;
    let (file, storage, right) =
        storages::visible_file(&state.db, &board, user.reach(), id, Utc::now())
            .await?
            .ok_or_else(file_not_found)?;
    ensure_allowed(right, storage.available_from)?;
    Ok((file, storage))
}
