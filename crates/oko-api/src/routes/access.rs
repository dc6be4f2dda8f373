//! Checks every publication handler makes: is the caller the operator, and what does
//! the caller reach.

use oko_db::reach::Reach;
use oko_domain::{error_code::ErrorCode, role::Role};

use crate::{auth::extractor::Authenticated, error::ApiError, startup::AppState};

/// Refuses anyone but the federal operator.
pub fn require_operator(user: &Authenticated) -> Result<(), ApiError> {
    match user.0.principal.role {
        Role::Operator => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "Это может только федеральный оператор",
        )),
    }
}

/// Where the caller stands in the tree; a place that is gone ends the session.
pub async fn reach_of(state: &AppState, user: &Authenticated) -> Result<Reach, ApiError> {
    Reach::of(&state.db, user.0.principal.scope)
        .await?
        .ok_or_else(|| ApiError::plain(ErrorCode::Unauthenticated))
}
