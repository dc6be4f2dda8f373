//! `GET /api/sections`.

use actix_web::{get, web};
use chrono::Utc;
use oko_domain::publications::SectionList;

use crate::{
    auth::extractor::Authenticated, error::ApiError, routes::common_responses::Unauthenticated,
    state::AppState,
};

/// The section tabs with counters: how many publications the user may see in each and
/// how many of them are new to the user, plus the number of starred ones.
#[utoipa::path(
    tag = "publications",
    operation_id = "list_sections",
    security(("bearer" = [])),
    responses((status = 200, description = "Sections in tab order", body = SectionList), Unauthenticated)
)]
#[get("/sections")]
#[tracing::instrument(skip_all)]
pub async fn list_sections(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<SectionList>, ApiError> {
    let reach = user.reach();
    let list = oko_db::sections::list_with_counters(
        &state.db,
        &*state.board.get(&state.db).await?,
        reach,
        user.user_id(),
        Utc::now(),
    )
    .await?;
    Ok(web::Json(list))
}
