//! `POST /api/publications/{id}/storages`, `PUT` and `DELETE /api/storages/{id}`:
//! the operator manages storages.

use actix_web::{HttpResponse, delete, post, put, web};
use chrono::Utc;
use oko_db::{entities::storage, storages};
use oko_domain::{
    api::Problem,
    storages::{Storage, StorageInput},
};
use uuid::Uuid;

use super::storage_not_found;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        publications::get::publication_not_found,
    },
    state::AppState,
};

/// Add a file storage to a publication (operator); it goes after the others.
#[utoipa::path(
    tag = "storages",
    operation_id = "create_storage",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    request_body = StorageInput,
    responses(
        (status = 201, description = "Created", body = Storage),
        (status = 422, description = "Empty or too long title", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Укажите название хранилища",
                "errors": [{"field": "title", "code": "required", "message": "Укажите название хранилища"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/publications/{id}/storages")]
pub async fn create_storage(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<StorageInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    check(&body)?;
    let publication_id = id.into_inner();
    let now = Utc::now();
    let board = state.board.get(&state.db).await?;
    if board
        .find_visible(publication_id, user.reach(), now)
        .is_none()
    {
        return Err(publication_not_found());
    }
    let saved = storages::create(&state.db, publication_id, &body, now).await?;
    Ok(HttpResponse::Created().json(storages::storage_of(saved, now)))
}

/// Rename a storage or move its «Файлы доступны для скачивания с …» time (operator).
#[utoipa::path(
    tag = "storages",
    operation_id = "update_storage",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Storage id")),
    request_body = StorageInput,
    responses(
        (status = 200, description = "Saved", body = Storage),
        (status = 422, description = "Empty or too long title", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Укажите название хранилища",
                "errors": [{"field": "title", "code": "required", "message": "Укажите название хранилища"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[put("/storages/{id}")]
pub async fn update_storage(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<StorageInput>,
) -> Result<web::Json<Storage>, ApiError> {
    require_operator(&user)?;
    check(&body)?;
    let found = find(&state, id.into_inner()).await?;
    let saved = storages::update(&state.db, found, &body).await?;
    Ok(web::Json(storages::storage_of(saved, Utc::now())))
}

/// Delete a storage with all its files and download marks (operator).
#[utoipa::path(
    tag = "storages",
    operation_id = "delete_storage",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Storage id")),
    responses((status = 204, description = "Deleted"), Unauthenticated, OperatorOnly, NotFound)
)]
#[delete("/storages/{id}")]
pub async fn delete_storage(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let found = find(&state, id.into_inner()).await?;
    for key in storages::delete(&state.db, found.id).await? {
        state.files.remove(&key).await;
    }
    Ok(HttpResponse::NoContent().finish())
}

fn check(input: &StorageInput) -> Result<(), ApiError> {
    let problems = input.problems();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}

async fn find(state: &AppState, id: Uuid) -> Result<storage::Model, ApiError> {
    storages::find(&state.db, id)
        .await?
        .ok_or_else(storage_not_found)
}
