//! `POST /api/auth/refresh`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use oko_domain::api::{Problem, RefreshRequest, TokenResponse};

use super::{expired_refresh_cookie, presented_refresh_token, session_response};
use crate::{auth::tokens::hash_refresh_token, error::ApiError, state::AppState};

/// Exchange a refresh token for a new token pair.
///
/// The token comes from the body or, for the SPA, from the `oko_refresh` cookie. It is
/// spent: the answer carries a new one and the old one no longer works. A revoked,
/// expired or unknown token, or a blocked account, answers 401.
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh_session",
    request_body(content = Option<RefreshRequest>, description = "Optional when the cookie is sent"),
    responses(
        (status = 200, description = "New token pair", body = TokenResponse),
        (status = 401, description = "The refresh token is not valid", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Неверный логин или пароль", "status": 401,
                "code": "invalid_credentials", "detail": "Неверный логин или пароль"})),
    )
)]
#[post("/auth/refresh")]
#[tracing::instrument(skip_all)]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Option<web::Json<RefreshRequest>>,
) -> Result<HttpResponse, ApiError> {
    let token = presented_refresh_token(&req, body.map(web::Json::into_inner));
    let user_id = match token {
        Some(token) => {
            oko_db::refresh_tokens::consume(&state.db, &hash_refresh_token(&token), Utc::now())
                .await?
        }
        None => None,
    };
    let live_user = match user_id {
        Some(id) => oko_db::principal::load(&state.db, id).await?,
        None => None,
    };
    match live_user {
        Some(principal) => session_response(&state, &req, principal.user_id).await,
        None => {
            let mut response =
                actix_web::ResponseError::error_response(&ApiError::invalid_credentials());
            response.add_removal_cookie(&expired_refresh_cookie()).ok();
            Ok(response)
        }
    }
}
