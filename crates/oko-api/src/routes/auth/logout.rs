//! `POST /api/auth/logout`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use oko_domain::api::RefreshRequest;

use super::{expired_refresh_cookie, presented_refresh_token};
use crate::{auth::tokens::hash_refresh_token, error::ApiError, state::AppState};

/// End a session: revoke its refresh token and delete the cookie.
///
/// Always answers 204, also for a token that is unknown or already revoked, so the
/// SPA can log out even when offline state is stale.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body(content = Option<RefreshRequest>, description = "Optional when the cookie is sent"),
    responses((status = 204, description = "Logged out"))
)]
#[post("/auth/logout")]
#[tracing::instrument(skip_all)]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Option<web::Json<RefreshRequest>>,
) -> Result<HttpResponse, ApiError> {
    if let Some(token) = presented_refresh_token(&req, body.map(web::Json::into_inner)) {
        oko_db::refresh_tokens::revoke(&state.db, &hash_refresh_token(&token)).await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(expired_refresh_cookie())
        .finish())
}
