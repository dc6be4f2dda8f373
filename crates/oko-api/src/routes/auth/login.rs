//! `POST /api/auth/login`.

use actix_web::{HttpResponse, post, web};
use oko_domain::api::{LoginRequest, Problem, TokenResponse};

use super::session_response;
use crate::{auth::password, error::ApiError, startup::AppState};

/// Log in with login and password.
///
/// Returns a 15-minute access token and a refresh token (also set as the HttpOnly
/// cookie `oko_refresh`). Any failure — unknown login, wrong password, blocked
/// account — answers the same 401 «Неверный логин или пароль» in the same time.
/// Logins are case-sensitive.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 400, description = "The body is not a login request", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный запрос", "status": 400, "code": "malformed_body",
                "detail": "Не заполнено обязательное поле «password»",
                "errors": [{"field": "password", "code": "required", "message": "Обязательное поле"}]})),
        (status = 401, description = "Wrong login or password, or the account is blocked", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Неверный логин или пароль", "status": 401,
                "code": "invalid_credentials", "detail": "Неверный логин или пароль"})),
        (status = 413, description = "The body is too large", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Слишком большой запрос", "status": 413,
                "code": "payload_too_large", "detail": "Тело запроса больше допустимых 4096 КиБ"})),
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all, fields(login = %body.login))]
pub async fn login(
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { login, password } = body.into_inner();
    let user = oko_db::users::find_by_login(&state.db, &login).await?;
    let password_ok =
        password::verify_off_thread(password, user.as_ref().map(|u| u.password_hash.clone())).await;
    match user {
        Some(user) if password_ok && !user.blocked => session_response(&state, user.id).await,
        _ => Err(ApiError::invalid_credentials()),
    }
}
