//! Error responses that many endpoints share, documented once.

use oko_domain::api::Problem;

/// Every endpoint that needs `Authorization: Bearer …` answers this without a valid
/// access token.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 401,
    description = "No valid access token",
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Требуется вход в систему", "status": 401,
        "code": "unauthenticated", "detail": "Требуется вход в систему"})
)]
pub struct Unauthenticated(#[allow(dead_code)] Problem);
