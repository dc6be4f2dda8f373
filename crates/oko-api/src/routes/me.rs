//! `GET /api/me`.

use actix_web::{get, web};
use oko_domain::api::{Me, Problem};

use crate::auth::extractor::Authenticated;

/// Who is logged in: login, role, territory or organisation.
#[utoipa::path(
    tag = "auth",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The current user", body = Me),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Требуется вход в систему", "status": 401,
                "code": "unauthenticated", "detail": "Требуется вход в систему"})),
    )
)]
#[get("/me")]
#[tracing::instrument(skip_all)]
pub async fn get_me(user: Authenticated) -> web::Json<Me> {
    web::Json(user.0.me.clone())
}
