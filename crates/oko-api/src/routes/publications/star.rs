//! `PUT` and `DELETE /api/publications/{id}/star`: «Избранные публикации».

use actix_web::{HttpResponse, delete, put, web};
use chrono::Utc;
use uuid::Uuid;

use super::get::publication_not_found;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// Star a publication; starring it again changes nothing.
#[utoipa::path(
    tag = "publications",
    operation_id = "star_publication",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    responses((status = 204, description = "Starred"), Unauthenticated, NotFound)
)]
#[put("/publications/{id}/star")]
pub async fn star_publication(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_star(&state, &user, id.into_inner(), true).await
}

/// Unstar a publication; unstarring an unstarred one changes nothing.
#[utoipa::path(
    tag = "publications",
    operation_id = "unstar_publication",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    responses((status = 204, description = "Unstarred"), Unauthenticated, NotFound)
)]
#[delete("/publications/{id}/star")]
pub async fn unstar_publication(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    set_star(&state, &user, id.into_inner(), false).await
}

async fn set_star(
    state: &AppState,
    user: &Authenticated,
    id: Uuid,
    starred: bool,
) -> Result<HttpResponse, ApiError> {
    let reach = user.reach();
    let found = oko_db::publications::set_star(
        &state.db,
        &*state.board.get(&state.db).await?,
        reach,
        user.user_id(),
        id,
        starred,
        Utc::now(),
    )
    .await?;
    if found {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(publication_not_found())
    }
}
