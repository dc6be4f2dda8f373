//! Checks every publication handler makes: is the caller the operator, and what does
//! the caller reach.

use oko_domain::{error_code::ErrorCode, role::Role};

use crate::{auth::extractor::Authenticated, error::ApiError};

/// Refuses anyone but the federal operator.
pub fn require_operator(user: &Authenticated) -> Result<(), ApiError> {
    match user.role() {
        Role::Operator => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::Forbidden,
            "Это может только федеральный оператор",
        )),
    }
}

/// Refuses organisations: what coordinators and the operator do (monitoring).
pub fn require_coordinator(user: &Authenticated) -> Result<(), ApiError> {
    match user.role() {
        Role::Organisation => Err(ApiError::new(
            ErrorCode::Forbidden,
            "Это могут только координаторы и федеральный оператор",
        )),
        _ => Ok(()),
    }
}

/// A login named in the path, refused as it is when it is longer than any login
/// can be: it never reaches the database.
pub fn login_param(login: &str) -> Result<&str, ApiError> {
    use oko_domain::login::MAX_LOGIN_CHARS;
    if login.chars().count() > MAX_LOGIN_CHARS {
        return Err(ApiError::invalid_parameter(
            "login",
            format!("логин длиннее {MAX_LOGIN_CHARS} символов"),
        ));
    }
    Ok(login)
}
