//! `GET /api/publications/{id}/storages`.

use actix_web::{get, web};
use chrono::Utc;
use oko_domain::storages::Storage;
use uuid::Uuid;

use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::reach_of,
        common_responses::{NotFound, Unauthenticated},
        publications::get::publication_not_found,
    },
    startup::AppState,
};

/// The file storages of a publication, in order, each with the number of files the
/// user sees in it and how many of them the user has downloaded.
#[utoipa::path(
    tag = "storages",
    operation_id = "list_storages",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    responses(
        (status = 200, description = "The storages", body = Vec<Storage>),
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
        reach_of(&user),
        user.0.principal.user_id,
        id.into_inner(),
        Utc::now(),
    )
    .await?
    .map(web::Json)
    .ok_or_else(publication_not_found)
}
