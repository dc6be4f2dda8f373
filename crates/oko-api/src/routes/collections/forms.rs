//! `/api/forms`: the operator saves form definitions (JSON) and their versions.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use oko_db::forms;
use oko_domain::{
    api::Problem,
    collections::{FormList, FormVersion},
    error_code::ErrorCode,
    forms::{FormDefinition, check::check_definition},
};
use uuid::Uuid;

use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
    },
    startup::AppState,
};

fn form_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Форма не найдена")
}

/// Refuses an incoherent definition with every problem and its place.
pub fn check(definition: &FormDefinition) -> Result<(), ApiError> {
    let problems = check_definition(definition);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(problems))
    }
}

/// Save a new form; its definition becomes version 1 (operator).
#[utoipa::path(
    tag = "collections",
    operation_id = "create_form",
    security(("bearer" = [])),
    request_body = FormDefinition,
    responses(
        (status = 201, description = "Saved as version 1", body = FormVersion),
        (status = 422, description = "The definition is not coherent; each problem names its place", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Это ограничение только для столбцов типа «целое» и «число»",
                "errors": [{"field": "sheets[0].columns[1].min", "code": "invalid_definition",
                    "message": "Это ограничение только для столбцов типа «целое» и «число»"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/forms")]
pub async fn create_form(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<FormDefinition>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    check(&body)?;
    let saved = forms::create(&state.db, &body, Utc::now()).await?;
    Ok(HttpResponse::Created().json(saved))
}

/// Save a new version of a form (operator). Collections keep the version they pin.
#[utoipa::path(
    tag = "collections",
    operation_id = "add_form_version",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Form id")),
    request_body = FormDefinition,
    responses(
        (status = 201, description = "Saved as the next version", body = FormVersion),
        (status = 422, description = "The definition is not coherent", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/forms/{id}/versions")]
pub async fn add_form_version(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<FormDefinition>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    check(&body)?;
    let saved = forms::add_version(&state.db, id.into_inner(), &body, Utc::now())
        .await?
        .ok_or_else(form_not_found)?;
    Ok(HttpResponse::Created().json(saved))
}

/// Every form with its latest version (operator).
#[utoipa::path(
    tag = "collections",
    operation_id = "list_forms",
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = FormList), Unauthenticated, OperatorOnly)
)]
#[get("/forms")]
pub async fn list_forms(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<FormList>, ApiError> {
    require_operator(&user)?;
    Ok(web::Json(FormList {
        items: forms::list(&state.db).await?,
    }))
}

/// A form's latest version (operator).
#[utoipa::path(
    tag = "collections",
    operation_id = "get_form",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Form id")),
    responses((status = 200, description = "The latest version", body = FormVersion), Unauthenticated, OperatorOnly, NotFound)
)]
#[get("/forms/{id}")]
pub async fn get_form(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<FormVersion>, ApiError> {
    require_operator(&user)?;
    forms::latest(&state.db, id.into_inner())
        .await?
        .map(web::Json)
        .ok_or_else(form_not_found)
}
