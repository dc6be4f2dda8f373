//! `Authenticated`: the bearer token checked and the user's role and scope resolved on
//! the server (through the short-lived [`UserCache`](oko_db::known_users::UserCache)).

use std::{future::Future, pin::Pin, sync::Arc};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use oko_domain::{api_tokens::TOKEN_PREFIX, error_code::ErrorCode};

use oko_db::known_users::KnownUser;

use super::tokens::Bearer;
use crate::{error::ApiError, state::AppState};

/// The authenticated user of a request.
pub struct Authenticated(pub Arc<KnownUser>);

impl Authenticated {
    /// Role and scope, as loaded with the user.
    pub fn principal(&self) -> &oko_db::principal::Principal {
        &self.0.principal
    }

    pub fn user_id(&self) -> uuid::Uuid {
        self.0.principal.user_id
    }

    pub fn login(&self) -> &str {
        &self.0.principal.login
    }

    pub fn role(&self) -> oko_domain::role::Role {
        self.0.principal.role
    }

    /// Where the user stands for publications and scopes.
    pub fn reach(&self) -> &oko_db::reach::Reach {
        &self.0.reach
    }

    /// The `GET /api/me` description.
    pub fn me(&self) -> &oko_domain::api::Me {
        &self.0.me
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("AppState is not registered"))?;
            let bearer = match token {
                Some(token) => bearer_user(&state, &token).await?,
                None => None,
            };
            known_user(&state, bearer).await.map(Authenticated)
        })
    }
}

/// The user of a download: a bearer token, or else a download ticket for exactly
/// `resource` (`file:<id>`, …) in the `ticket` query parameter, which lets the
/// browser's own download manager fetch (and resume) without our header.
pub async fn downloader(
    req: &HttpRequest,
    state: &AppState,
    ticket: Option<&str>,
    resource: &str,
) -> Result<Authenticated, ApiError> {
    let bearer = match bearer_token(req) {
        Some(token) => bearer_user(state, &token).await?,
        None => ticket.and_then(|t| state.keys.verify_ticket(t, resource)),
    };
    known_user(state, bearer).await.map(Authenticated)
}

/// The live user behind a verified token; 401 when there is none, or when the
/// token was signed before the user's password last changed.
async fn known_user(state: &AppState, bearer: Option<Bearer>) -> Result<Arc<KnownUser>, ApiError> {
    let unauthenticated = || ApiError::plain(ErrorCode::Unauthenticated);
    let bearer = bearer.ok_or_else(unauthenticated)?;
    let user = state
        .users
        .get(&state.db, bearer.user_id)
        .await?
        .ok_or_else(unauthenticated)?;
    match (bearer.issued_at_ms, user.sessions_since_ms) {
        (Some(issued), Some(since)) if issued < since => Err(unauthenticated()),
        _ => {
            crate::request_log::note_user(bearer.user_id);
            Ok(user)
        }
    }
}

/// The user a bearer token stands for: a personal API token (`oko_…`, looked up
/// by its hash, live only until it expires or is revoked) or a session's signed
/// access token.
async fn bearer_user(state: &AppState, token: &str) -> Result<Option<Bearer>, ApiError> {
    if token.starts_with(TOKEN_PREFIX) {
        let hash = super::tokens::hash_refresh_token(token);
        let user = oko_db::api_tokens::user_of(&state.db, &hash, chrono::Utc::now()).await?;
        return Ok(user.map(|user_id| Bearer {
            user_id,
            issued_at_ms: None,
        }));
    }
    Ok(state.keys.verify_access(token))
}

/// Whether the request authenticates with a personal API token.
pub fn uses_api_token(req: &HttpRequest) -> bool {
    bearer_token(req).is_some_and(|t| t.starts_with(TOKEN_PREFIX))
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}
