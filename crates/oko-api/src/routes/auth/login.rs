//! `POST /api/auth/login`, with back-off after failed attempts
//! (`oko_domain::login_throttle`) and every attempt in the audit log.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
    post, web,
};
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
    state::AppState,
};

/// The cookie that marks a browser as one that logged in to an account before.
const DEVICE_COOKIE: &str = "oko_device";
/// How long a device stays known without logging in again.
const DEVICE_DAYS: i64 = 365;

/// The ticket scope of a device cookie: one login.
fn device_resource(account: &str) -> String {
    format!("device:{account}")
}

/// A signed, HttpOnly cookie sent back only to the login endpoint.
fn device_cookie(
    state: &AppState,
    req: &HttpRequest,
    user_id: uuid::Uuid,
    account: &str,
) -> Cookie<'static> {
    let (ticket, _) = state.keys.issue_ticket_for(
        user_id,
        &device_resource(account),
        Utc::now(),
        DEVICE_DAYS * 86_400,
    );
    Cookie::build(DEVICE_COOKIE, ticket)
        .path("/api/auth/login")
        .http_only(true)
        .secure(super::secure_cookies(state, req))
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(DEVICE_DAYS))
        .finish()
}

/// A login or password longer than any real one is refused as it is, before the
/// back-off counts it or the audit log and the database see it.
fn refuse_oversized(account: &str, password: &str) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    if account.chars().count() > MAX_LOGIN_CHARS {
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
/// The counters are shared by every instance. A browser that logged in to the
/// account before (the `oko_device` cookie this answer sets) skips the per-address
/// counter, so a school behind a busy NAT still logs in.
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
    let known_device = req
        .cookie(DEVICE_COOKIE)
        .and_then(|c| {
            state
                .keys
                .verify_ticket(c.value(), &device_resource(&login))
        })
        .is_some();
    let attempt = state
        .login_throttle
        .attempt(&state.db, &login, address, known_device)
        .await?;
    let wait = attempt.wait_seconds(now.timestamp_millis());
    let user = oko_db::users::find_by_login(&state.db, &login).await?;
    let place = match &user {
        Some(user) => place_of_user(user, &*state.roster.get(&state.db).await?),
        None => Place::default(),
    };
    let address_text = address.to_string();
    let event = |action, detail: &'static str| NewEvent {
        actor_id: user.as_ref().map(|u| u.id),
        actor: &login,
        action,
        target: &login,
        detail,
        address: Some(&address_text),
        place,
        at: now,
    };
    if wait > 0 {
        let throttled = event(AuditAction::LoginThrottled, "Попытка до истечения паузы");
        audit::write(&state, throttled).await;
        crate::metrics::login_throttled();
        return Err(
            ApiError::new(ErrorCode::TooManyAttempts, wait_message_ru(wait)).retry_after(wait),
        );
    }
    let password_ok =
        password::verify_off_thread(password, user.as_ref().map(|u| u.password_hash.clone())).await;
    match &user {
        Some(found) if password_ok && !found.blocked => {
            state.login_throttle.succeeded(&state.db, &attempt).await?;
            audit::write(&state, event(AuditAction::Login, "")).await;
            let mut response = session_response(&state, &req, found.id).await?;
            response
                .add_cookie(&device_cookie(&state, &req, found.id, &login))
                .map_err(ApiError::internal)?;
            Ok(response)
        }
        _ => {
            state
                .login_throttle
                .failed(&state.db, &attempt, Utc::now().timestamp_millis())
                .await?;
            let why = match &user {
                None => "Нет такой учетной записи",
                Some(found) if found.blocked => "Учетная запись заблокирована",
                Some(_) => "Неверный пароль",
            };
            audit::write(&state, event(AuditAction::LoginFailed, why)).await;
            Err(ApiError::invalid_credentials())
        }
    }
}
