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

/// Endpoints for the federal operator answer this to anyone else.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 403,
    description = "Only the federal operator may do this",
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403,
        "code": "forbidden", "detail": "Это может только федеральный оператор"})
)]
pub struct OperatorOnly(#[allow(dead_code)] Problem);

/// The thing does not exist, or not for this user (the answer is the same).
#[derive(utoipa::IntoResponses)]
#[response(
    status = 404,
    description = "No such resource for this user",
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Не найдено", "status": 404,
        "code": "not_found", "detail": "Публикация не найдена"})
)]
pub struct NotFound(#[allow(dead_code)] Problem);

/// Endpoints for coordinators and the operator answer this to organisations.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 403,
    description = "Only coordinators and the federal operator may do this",
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403,
        "code": "forbidden", "detail": "Это могут только координаторы и федеральный оператор"})
)]
pub struct CoordinatorsOnly(#[allow(dead_code)] Problem);

/// Endpoints on another user's account answer this when the account is not the
/// caller's subordinate.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 403,
    description = "Not a subordinate account",
    content_type = "application/problem+json",
    example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403,
        "code": "forbidden", "detail": "Эта учетная запись не подчинена вам"})
)]
pub struct NotSubordinate(#[allow(dead_code)] Problem);
