//! `/api/auth/*`: login, refresh, logout. The refresh token travels both in the JSON
//! body (for integrators) and in an HttpOnly cookie (for the SPA, out of reach of any
//! script on the page).

pub mod login;
pub mod logout;
pub mod refresh;

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration as CookieDuration},
};
use chrono::Utc;
use oko_domain::api::{RefreshRequest, TokenResponse};
use uuid::Uuid;

use crate::{
    auth::tokens::{ACCESS_TTL_SECONDS, REFRESH_TTL_DAYS, new_refresh_token},
    error::ApiError,
    state::AppState,
};

const REFRESH_COOKIE: &str = "oko_refresh";
const REFRESH_COOKIE_PATH: &str = "/api/auth";

/// Issues a new token pair for `user_id` and answers with it (body and cookie).
pub(crate) async fn session_response(
    state: &AppState,
    req: &HttpRequest,
    user_id: Uuid,
) -> Result<HttpResponse, ApiError> {
    session_response_at(state, req, user_id, Utc::now()).await
}

/// [`session_response`] with the access token signed at `now`.
pub(crate) async fn session_response_at(
    state: &AppState,
    req: &HttpRequest,
    user_id: Uuid,
    now: chrono::DateTime<Utc>,
) -> Result<HttpResponse, ApiError> {
    let refresh = new_refresh_token(now);
    oko_db::refresh_tokens::store(&state.db, user_id, &refresh.hash, refresh.expires_at).await?;
    let body = TokenResponse {
        access_token: state.keys.issue_access(user_id, now),
        token_type: "Bearer".to_owned(),
        expires_in: ACCESS_TTL_SECONDS as u64,
        refresh_token: refresh.token.clone(),
    };
    let cookie = Cookie::build(REFRESH_COOKIE, refresh.token)
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .secure(secure_cookies(state, req))
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(REFRESH_TTL_DAYS))
        .finish();
    Ok(HttpResponse::Ok()
        .insert_header(("Cache-Control", "no-store"))
        .cookie(cookie)
        .json(body))
}

/// Whether a cookie set in answer to `req` is `Secure`: whenever the request came
/// over HTTPS (directly or as the proxy says), not only when the operator
/// remembered `OKO_SECURE_COOKIES`.
fn secure_cookies(state: &AppState, req: &HttpRequest) -> bool {
    state.secure_cookies || req.connection_info().scheme() == "https"
}

/// The refresh token of a request: the body's, else the cookie's.
fn presented_refresh_token(req: &HttpRequest, body: Option<RefreshRequest>) -> Option<String> {
    body.and_then(|b| b.refresh_token)
        .or_else(|| req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()))
        .filter(|token| !token.is_empty())
}

/// A cookie that deletes the refresh cookie.
fn expired_refresh_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(REFRESH_COOKIE, "")
        .path(REFRESH_COOKIE_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    cookie.make_removal();
    cookie
}
