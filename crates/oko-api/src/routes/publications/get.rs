//! `GET /api/publications/{id}`.

use actix_web::{get, web};
use chrono::Utc;
use oko_domain::{error_code::ErrorCode, publications::Publication};
use uuid::Uuid;

use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// Open a publication (its permalink): the body as sanitised HTML. Opening marks it
/// read for the user. The operator also gets the Markdown source and the audience.
/// A publication the user may not see answers 404, as if it did not exist.
#[utoipa::path(
    tag = "publications",
    operation_id = "get_publication",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    responses((status = 200, description = "The publication", body = Publication), Unauthenticated, NotFound)
)]
#[get("/publications/{id}")]
#[tracing::instrument(skip_all)]
pub async fn get_publication(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Publication>, ApiError> {
    let reach = user.reach();
    oko_db::publications::open(
        &state.db,
        &*state.board.get(&state.db).await?,
        reach,
        user.user_id(),
        id.into_inner(),
        Utc::now(),
    )
    .await?
    .map(web::Json)
    .ok_or_else(publication_not_found)
}

/// The answer for a publication that does not exist for the user.
pub fn publication_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Публикация не найдена")
}
