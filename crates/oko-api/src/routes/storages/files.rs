//! `GET /api/storages/{id}/files`, `DELETE /api/files/{id}`.

use actix_web::{HttpResponse, delete, get, web};
use chrono::Utc;
use oko_db::storages::{self, FileQuery};
use oko_domain::{api::Problem, storages::FilePage};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{file_not_found, seen_storage};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        paging::Paging,
    },
    state::AppState,
};

/// Filters of a storage's file list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilesParams {
    /// Part of the file name or of the owning organisation's login or name, any case.
    #[param(example = "sch2400")]
    search: Option<String>,
    /// 1-based page number (default 1).
    #[param(minimum = 1, example = 1)]
    page: Option<u64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 20)]
    per_page: Option<u64>,
}

/// The files of a storage the user sees, by name, each with whether the user may
/// download it now and the user's own first and last download («Еще не скачивался»
/// when none). Organisations see common, organisations-only and their own personal
/// files; coordinators also see their organisations' personal files.
#[utoipa::path(
    tag = "storages",
    operation_id = "list_files",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Storage id"), ListFilesParams),
    responses(
        (status = 200, description = "A page of files", body = FilePage, example = json!({
            "items": [{"id": "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a", "storage_id": "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b",
                "name": "Логин и пароль.txt", "size": 64, "content_type": "text/plain; charset=utf-8",
                "kind": "personal", "owner": {"login": "sch240001", "short_name": "МБОУ СОШ № 1"},
                "download": "allowed", "first_downloaded_at": null, "last_downloaded_at": null}],
            "total": 1, "page": 1, "per_page": 20})),
        (status = 400, description = "Bad paging parameter", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный параметр", "status": 400, "code": "invalid_parameter",
                "detail": "Параметр «page»: должно быть не меньше 1",
                "errors": [{"field": "page", "code": "invalid_value", "message": "должно быть не меньше 1"}]})),
        Unauthenticated, NotFound,
    )
)]
#[get("/storages/{id}/files")]
pub async fn list_files(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<ListFilesParams>,
) -> Result<web::Json<FilePage>, ApiError> {
    let (page, per_page) = Paging::new(params.page, params.per_page).checked()?;
    let reach = user.reach();
    let now = Utc::now();
    let storage = seen_storage(&state, &user, id.into_inner(), now).await?;
    let query = FileQuery {
        search: params.search.clone(),
        page,
        per_page,
    };
    let page =
        storages::files_page(&state.db, reach, user.user_id(), &storage, &query, now).await?;
    Ok(web::Json(page))
}

/// Delete a file with its download marks (operator).
#[utoipa::path(
    tag = "storages",
    operation_id = "delete_file",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "File id")),
    responses((status = 204, description = "Deleted"), Unauthenticated, OperatorOnly, NotFound)
)]
#[delete("/files/{id}")]
pub async fn delete_file(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let id = id.into_inner();
    let key = storages::file_key(&state.db, id)
        .await?
        .ok_or_else(file_not_found)?;
    // The bytes first: on a full disk they are the room the database needs to
    // delete the row (SQLite writes its journal even to delete).
    state.files.remove(&key).await;
    storages::delete_file(&state.db, id).await?;
    Ok(HttpResponse::NoContent().finish())
}
