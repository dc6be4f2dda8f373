//! `/api/lists`: «Общие списки», lists of values the operator names once and
//! list columns of any form take (`"list": "subjects"`). A form copies the
//! values in when it is saved: a changed list reaches the forms' next versions.

use actix_web::{HttpResponse, delete, get, put, web};
use chrono::Utc;
use oko_db::shared_lists;
use oko_domain::{
    api::Problem,
    audit::AuditAction,
    error_code::ErrorCode,
    forms::shared_lists::{SharedList, SharedListInput, SharedListPage, check_shared_list},
};

use crate::{
    audit,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
    },
    state::AppState,
};

/// Every shared list, by name (operator).
#[utoipa::path(
    tag = "collections",
    operation_id = "list_shared_lists",
    security(("bearer" = [])),
    responses((status = 200, description = "By name", body = SharedListPage), Unauthenticated, OperatorOnly)
)]
#[get("/lists")]
pub async fn list_shared_lists(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<SharedListPage>, ApiError> {
    require_operator(&user)?;
    Ok(web::Json(SharedListPage {
        items: shared_lists::all(&state.db).await?,
    }))
}

/// Creates list `name` or replaces its values (operator). Forms saved from now
/// on take these values; stored versions keep theirs.
#[utoipa::path(
    tag = "collections",
    operation_id = "put_shared_list",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The list's name, as list columns name it")),
    request_body = SharedListInput,
    responses(
        (status = 200, description = "Saved", body = SharedList),
        (status = 422, description = "An empty or repeated value, or a name with spaces around it", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Значения списка повторяются",
                "errors": [{"field": "values", "code": "invalid_values", "message": "Значения списка повторяются"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[put("/lists/{name}")]
pub async fn put_shared_list(
    state: web::Data<AppState>,
    user: Authenticated,
    name: web::Path<String>,
    body: web::Json<SharedListInput>,
) -> Result<web::Json<SharedList>, ApiError> {
    require_operator(&user)?;
    let values: Vec<String> = body.values.iter().map(|v| v.trim().to_owned()).collect();
    ApiError::unless_valid(check_shared_list(&name, &values))?;
    let saved = shared_lists::put(&state.db, &name, &values, user.user_id(), Utc::now()).await?;
    noted(&state, &user, &name, &format!("Значений: {}", values.len())).await;
    Ok(web::Json(saved))
}

/// Deletes list `name` (operator); forms that took it keep their values.
#[utoipa::path(
    tag = "collections",
    operation_id = "delete_shared_list",
    security(("bearer" = [])),
    params(("name" = String, Path, description = "The list's name")),
    responses((status = 204, description = "Deleted"), Unauthenticated, OperatorOnly, NotFound)
)]
#[delete("/lists/{name}")]
pub async fn delete_shared_list(
    state: web::Data<AppState>,
    user: Authenticated,
    name: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    if !shared_lists::delete(&state.db, &name).await? {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Списка с таким названием нет",
        ));
    }
    noted(&state, &user, &name, "Удален").await;
    Ok(HttpResponse::NoContent().finish())
}

/// The audit log's entry for a change of list `name`.
async fn noted(state: &AppState, user: &Authenticated, name: &str, detail: &str) {
    let entry = audit::Entry {
        action: AuditAction::SharedListSaved,
        target: name,
        detail,
    };
    audit::by_user(state, user, entry, None).await;
}
