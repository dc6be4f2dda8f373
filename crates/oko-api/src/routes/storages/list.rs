//! `GET /api/publications/{id}/storages`.

use actix_web::{get, web};
use chrono::Utc;
use oko_domain::storages::Storage;
use uuid::Uuid;

use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        common_responses::{NotFound, Unauthenticated},
        publications::get::publication_not_found,
    },
    state::AppState,
};

/// The file storages of a publication, in order, each with the number of files the
/// user sees in it and how many of them the user has downloaded.
#[utoipa::path(
    tag = "storages",
    operation_id = "list_storages",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    responses(
        (status = 200, description = "The storages", body = Vec<Storage>, example = json!([{
            "id": "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b", "publication_id": "9b2e4c1a-7f3d-4a6b-8c5e-1d0f2a3b4c5d",
            "title": "План-график ВПР СПО в 2021 году", "available_from": "2021-09-01T06:00:00Z",
            "available": true, "file_count": 3, "downloaded_count": 1}])),
        Unauthenticated, NotFound,
    )
)]
#[get("/publications/{id}/storages")]
pub async fn list_storages(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Vec<Storage>>, ApiError> {
    oko_db::storages::list(
        &state.db,
        &*state.board.get(&state.db).await?,
        user.reach(),
        user.user_id(),
        id.into_inner(),
        Utc::now(),
    )
    .await?
    .map(web::Json)
    .ok_or_else(publication_not_found)
}
