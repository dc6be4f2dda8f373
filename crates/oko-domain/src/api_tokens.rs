//! Personal API tokens: integrators and coordinators' scripts call the API with a
//! token that acts as the user who made it (same role and scope), has a name and
//! an expiry, is shown once, stored only hashed, and can be revoked.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::FieldError;

/// Every API token starts with this, so the server tells it from a session token.
pub const TOKEN_PREFIX: &str = "oko_";
/// The longest life a token may be given, in days.
pub const MAX_DAYS: u32 = 366;
/// The longest name.
pub const MAX_NAME_CHARS: usize = 100;

/// `POST /api/me/tokens`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"name": "Выгрузка в региональную систему", "expires_in_days": 90})))]
pub struct NewApiToken {
    /// What the token is for.
    pub name: String,
    /// Days until it stops working (1–366).
    pub expires_in_days: u32,
}

impl NewApiToken {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push(FieldError::about_field(
                "name",
                "required",
                "Укажите название токена",
            ));
        } else if name.chars().count() > MAX_NAME_CHARS {
            problems.push(FieldError::about_field(
                "name",
                "too_long",
                &format!("Не более {MAX_NAME_CHARS} символов"),
            ));
        }
        if !(1..=MAX_DAYS).contains(&self.expires_in_days) {
            problems.push(FieldError::about_field(
                "expires_in_days",
                "out_of_range",
                &format!("Срок действия — от 1 до {MAX_DAYS} дней"),
            ));
        }
        problems
    }
}

/// A token as its owner sees it (never the secret again).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "name": "Выгрузка в региональную систему",
    "prefix": "oko_Xk3v", "created_at": "2026-11-24T09:00:00Z", "expires_at": "2027-02-22T09:00:00Z",
    "last_used_at": null, "revoked": false
})))]
pub struct ApiTokenView {
    pub id: Uuid,
    pub name: String,
    /// The token's first characters, to recognise it.
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// A token just made: the secret, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "token": "oko_Xk3v9mQ2pL7wR4tY8uI1oP5aS6dF0gH3jK2lZ9xC4vB",
    "details": {"id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "name": "Выгрузка в региональную систему",
        "prefix": "oko_Xk3v", "created_at": "2026-11-24T09:00:00Z", "expires_at": "2027-02-22T09:00:00Z",
        "last_used_at": null, "revoked": false}
})))]
pub struct CreatedApiToken {
    /// `Authorization: Bearer <token>`. Shown only now: keep it safe.
    pub token: String,
    pub details: ApiTokenView,
}

/// The user's tokens, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{
    "id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "name": "Выгрузка в региональную систему",
    "prefix": "oko_Xk3v", "created_at": "2026-11-24T09:00:00Z", "expires_at": "2027-02-22T09:00:00Z",
    "last_used_at": "2026-11-24T10:12:00Z", "revoked": false}]})))]
pub struct ApiTokenList {
    pub items: Vec<ApiTokenView>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_needs_a_name_and_a_sane_life() {
        let ok = NewApiToken {
            name: "Скрипт".into(),
            expires_in_days: 30,
        };
        assert!(ok.problems().is_empty());
        let bad = NewApiToken {
            name: " ".into(),
            expires_in_days: 0,
        };
        let fields: Vec<_> = bad.problems().into_iter().filter_map(|p| p.field).collect();
        assert_eq!(fields, ["name", "expires_in_days"]);
    }
}
