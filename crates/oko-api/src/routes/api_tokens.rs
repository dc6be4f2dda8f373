//! Personal API tokens: `POST /api/me/tokens` makes one (the secret is answered
//! once), `GET /api/me/tokens` lists them, `DELETE /api/me/tokens/{id}` revokes one.
//! A token acts as its maker, with the same role and scope, until it expires or is
//! revoked. Tokens are made and revoked only with a login session: a leaked token
//! cannot mint more.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{Duration, Utc};
use oko_db::api_tokens;
use oko_domain::{
    api::Problem,
    api_tokens::{ApiTokenList, CreatedApiToken, NewApiToken},
    error_code::ErrorCode,
};
use uuid::Uuid;

use super::common_responses::{NotFound, Unauthenticated};
use crate::{
    auth::{
        extractor::{Authenticated, uses_api_token},
        tokens,
    },
    error::ApiError,
    state::AppState,
};

/// Refuses a request authenticated by an API token.
fn require_session(req: &HttpRequest) -> Result<(), ApiError> {
    if uses_api_token(req) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "API-токены выпускаются и отзываются только после входа по паролю",
        ));
    }
    Ok(())
}

/// Makes a token acting as the caller. The secret is in the answer only.
#[utoipa::path(
    tag = "auth",
    operation_id = "create_api_token",
    security(("bearer" = [])),
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Made; `token` is shown this once", body = CreatedApiToken),
        (status = 403, description = "Called with an API token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No name, or a life outside 1–366 days", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Укажите название токена", "errors": [{"field": "name", "code": "required", "message": "Укажите название токена"}]})),
        Unauthenticated,
    )
)]
#[post("/me/tokens")]
pub async fn create_api_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Authenticated,
    body: web::Json<NewApiToken>,
) -> Result<HttpResponse, ApiError> {
    require_session(&req)?;
    ApiError::unless_valid(body.problems())?;
    let now = Utc::now();
    let secret = tokens::new_api_token();
    let prefix: String = secret.chars().take(8).collect();
    let made = api_tokens::create(
        &state.db,
        user.user_id(),
        body.name.trim(),
        &tokens::hash_refresh_token(&secret),
        &prefix,
        now,
        now + Duration::days(i64::from(body.expires_in_days)),
    )
    .await?;
    Ok(HttpResponse::Created().json(CreatedApiToken {
        token: secret,
        details: api_tokens::describe(&made),
    }))
}

/// The caller's tokens, newest first (never their secrets).
#[utoipa::path(
    tag = "auth",
    operation_id = "list_api_tokens",
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = ApiTokenList), Unauthenticated)
)]
#[get("/me/tokens")]
pub async fn list_api_tokens(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<ApiTokenList>, ApiError> {
    let items = api_tokens::list(&state.db, user.user_id())
        .await?
        .iter()
        .map(api_tokens::describe)
        .collect();
    Ok(web::Json(ApiTokenList { items }))
}

/// Revokes one of the caller's tokens: it stops working at once.
#[utoipa::path(
    tag = "auth",
    operation_id = "revoke_api_token",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "Called with an API token", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[delete("/me/tokens/{id}")]
pub async fn revoke_api_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    require_session(&req)?;
    if api_tokens::revoke(&state.db, user.user_id(), id.into_inner(), Utc::now()).await? {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::new(
            ErrorCode::NotFound,
            "Токен не найден или уже отозван",
        ))
    }
}
