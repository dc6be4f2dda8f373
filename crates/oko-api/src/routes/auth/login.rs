//! `POST /api/auth/login`, with back-off after failed attempts
//! (`oko_domain::login_throttle`) and every attempt in the audit log.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::Utc;
use oko_db::audit::{NewEvent, Place, place_of_user};
use oko_domain::{
    api::{FieldError, LoginRequest, Problem, TokenResponse},
    audit::AuditAction,
    error_code::ErrorCode,
    login::{MAX_LOGIN_CHARS, MAX_PASSWORD_CHARS},
    login_throttle::wait_message_ru,
};

use super::session_response;
use crate::{
    audit,
    auth::{client_address::client_address, password},
    error::ApiError,
    startup::AppState,
};

/// A login or password longer than any real one is refused as it is, before the
/// back-off counts it or the audit log and the database see it.
fn refuse_oversized(login: &str, password: &str) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if login.chars().count() > MAX_LOGIN_CHARS {
        problems.push(FieldError::about_field(
            "login",
            "too_long",
            &format!("Логин длиннее {MAX_LOGIN_CHARS} символов"),
        ));
    }
    if password.chars().count() > MAX_PASSWORD_CHARS {
        problems.push(FieldError::about_field(
            "password",
            "too_long",
            &format!("Пароль длиннее {MAX_PASSWORD_CHARS} символов"),
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}

/// Log in with login and password.
///
/// Returns a 15-minute access token and a refresh token (also set as the HttpOnly
/// cookie `oko_refresh`). Any failure — unknown login, wrong password, blocked
/// account — answers the same 401 «Неверный логин или пароль» in the same time.
/// Logins are case-sensitive. After repeated failures the same login from the same
/// address (and, more leniently, the address or the login alone) must wait — 1, 2,
/// 4 … seconds, at most 5 minutes (30 s for an account tried from many addresses):
/// 429 with `Retry-After`, the password not even checked. Never a permanent lock.
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
        (status = 422, description = "The login or the password is longer than any real one", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Логин длиннее 64 символов",
                "errors": [{"field": "login", "code": "too_long", "message": "Логин длиннее 64 символов"}]})),
        (status = 429, description = "Too many failed attempts: wait `Retry-After` seconds", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Слишком много попыток входа", "status": 429,
                "code": "too_many_attempts", "detail": "Слишком много неудачных попыток входа. Повторите через 8 с"})),
    )
)]
#[post("/auth/login")]
#[tracing::instrument(skip_all, fields(login = %body.login))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { login, password } = body.into_inner();
    refuse_oversized(&login, &password)?;
    let address = client_address(&req, &state.trusted_proxies);
    let now = Utc::now();
    let wait = state
        .login_throttle
        .wait_seconds(&login, address, now.timestamp_millis());
    let user = oko_db::users::find_by_login(&state.db, &login).await?;
    let place = match &user {
        Some(user) => place_of_user(user, &*state.roster.get(&state.db).await?),
        None => Place::default(),
    };
    let event = |action, detail: &'static str| NewEvent {
        actor_id: user.as_ref().map(|u| u.id),
        actor: &login,
        action,
        target: &login,
        detail,
        address: None,
        place,
        at: now,
    };
    let address_text = address.to_string();
    if wait > 0 {
        audit::write(
            &state,
            NewEvent {
                address: Some(&address_text),
                ..event(AuditAction::LoginThrottled, "Попытка до истечения паузы")
            },
        )
        .await;
        return Err(
            ApiError::new(ErrorCode::TooManyAttempts, wait_message_ru(wait)).retry_after(wait),
        );
    }
    let password_ok =
        password::verify_off_thread(password, user.as_ref().map(|u| u.password_hash.clone())).await;
    match &user {
        Some(found) if password_ok && !found.blocked => {
            state.login_throttle.succeeded(&login, address);
            audit::write(
                &state,
                NewEvent {
                    address: Some(&address_text),
                    ..event(AuditAction::Login, "")
                },
            )
            .await;
            session_response(&state, &req, found.id).await
        }
        _ => {
            state
                .login_throttle
                .failed(&login, address, Utc::now().timestamp_millis());
            let why = match &user {
                None => "Нет такой учетной записи",
                Some(found) if found.blocked => "Учетная запись заблокирована",
                Some(_) => "Неверный пароль",
            };
            audit::write(
                &state,
                NewEvent {
                    address: Some(&address_text),
                    ..event(AuditAction::LoginFailed, why)
                },
            )
            .await;
            Err(ApiError::invalid_credentials())
        }
    }
}
