//! `GET /api/me`.

use actix_web::{get, web};
use oko_domain::api::Me;

use super::common_responses::Unauthenticated;
use crate::auth::extractor::Authenticated;

/// Who is logged in: login, role, territory or organisation.
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current user", body = Me),
        Unauthenticated,
    )
)]
#[get("/me")]
#[tracing::instrument(skip_all)]
pub async fn get_me(user: Authenticated) -> web::Json<Me> {
    web::Json(user.me().clone())
}
