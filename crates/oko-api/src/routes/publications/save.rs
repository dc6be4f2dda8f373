//! `POST /api/publications`, `PUT /api/publications/{id}` (operator).

use actix_web::{HttpResponse, post, put, web};
use chrono::Utc;
use oko_db::{publications::ResolvedAudience, reach::Reach};
use oko_domain::{
    api::{FieldError, Problem},
    audit::AuditAction,
    publications::{Publication, PublicationInput},
};
use uuid::Uuid;

use super::get::publication_not_found;
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

/// Publish in a section (operator). The body is Markdown; it is stored rendered and
/// sanitised. `visible_from` defaults to `published_on`.
#[utoipa::path(
    tag = "publications",
    operation_id = "create_publication",
    security(("bearer" = [])),
    request_body = PublicationInput,
    responses(
        (status = 201, description = "Created", body = Publication),
        (status = 422, description = "The publication breaks a rule", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные не прошли проверку", "status": 422, "code": "validation_failed",
                "detail": "Укажите название публикации; Нет региона с кодом «99»",
                "errors": [{"field": "title", "code": "required", "message": "Укажите название публикации"},
                    {"field": "audience.region_codes[0]", "code": "unknown_region", "message": "Нет региона с кодом «99»"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/publications")]
#[tracing::instrument(skip_all)]
pub async fn create_publication(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<PublicationInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let targets = checked(&state, &body).await?;
    let id = oko_db::publications::create(&state.db, &state.board, &body, &targets).await?;
    let saved = reopen(&state, &user, id).await?;
    noted(&state, &user, &saved).await;
    Ok(HttpResponse::Created().json(saved))
}

/// Replace a publication's content and audience (operator).
#[utoipa::path(
    tag = "publications",
    operation_id = "update_publication",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    request_body = PublicationInput,
    responses(
        (status = 200, description = "Saved", body = Publication),
        (status = 422, description = "The publication breaks a rule", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные не прошли проверку", "status": 422, "code": "validation_failed",
                "detail": "Выберите, кому адресована публикация",
                "errors": [{"field": "audience", "code": "required", "message": "Выберите, кому адресована публикация"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[put("/publications/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_publication(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<PublicationInput>,
) -> Result<web::Json<Publication>, ApiError> {
    require_operator(&user)?;
    let id = id.into_inner();
    let targets = checked(&state, &body).await?;
    if !oko_db::publications::update(&state.db, &state.board, id, &body, &targets).await? {
        return Err(publication_not_found());
    }
    let saved = reopen(&state, &user, id).await?;
    noted(&state, &user, &saved).await;
    Ok(web::Json(saved))
}

/// Every problem of the input at once: its own rules, its section, its audience.
async fn checked(state: &AppState, input: &PublicationInput) -> Result<ResolvedAudience, ApiError> {
    let mut problems = input.problems();
    if !oko_db::sections::exists(&state.db, input.section_id).await? {
        problems.push(FieldError::about_field(
            "section_id",
            "unknown_section",
            "Раздел не найден",
        ));
    }
    match oko_db::publications::resolve_audience(&state.db, &input.audience).await? {
        Ok(targets) if problems.is_empty() => Ok(targets),
        Ok(_) => Err(ApiError::validation(problems)),
        Err(more) => {
            problems.extend(more);
            Err(ApiError::validation(problems))
        }
    }
}

/// «Публикация сохранена» in the audit log.
async fn noted(state: &AppState, user: &Authenticated, saved: &Publication) {
    let entry = audit::Entry {
        action: AuditAction::PublicationSaved,
        target: &saved.summary.title,
        detail: "",
    };
    audit::by_user(state, user, entry, None).await;
}

/// The saved publication as the operator sees it.
async fn reopen(state: &AppState, user: &Authenticated, id: Uuid) -> Result<Publication, ApiError> {
    oko_db::publications::open(
        &state.db,
        &*state.board.get(&state.db).await?,
        &Reach::Everything,
        user.user_id(),
        id,
        Utc::now(),
    )
    .await?
    .ok_or_else(publication_not_found)
}
