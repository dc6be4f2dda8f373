//! `GET /api/me`.

use actix_web::{get, web};
use oko_domain::{
    api::{Me, Problem},
    error_code::ErrorCode,
};

use crate::{auth::extractor::Authenticated, error::ApiError, startup::AppState};

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
pub async fn get_me(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<Me>, ApiError> {
    oko_db::principal::describe(&state.db, &user.0)
        .await?
        .map(web::Json)
        .ok_or_else(|| ApiError::plain(ErrorCode::Unauthenticated))
}
