//! `POST /api/sections`, `PUT /api/sections/{id}`.

use actix_web::{HttpResponse, post, put, web};
use oko_db::sections::{self, SectionError};
use oko_domain::{
    api::{FieldError, Problem},
    error_code::ErrorCode,
    publications::{Section, SectionInput},
};
use uuid::Uuid;

use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
    },
    state::AppState,
};

/// Create a section (operator). Without `position` it goes last.
#[utoipa::path(
    tag = "publications",
    operation_id = "create_section",
    security(("bearer" = [])),
    request_body = SectionInput,
    responses(
        (status = 201, description = "Created", body = Section),
        (status = 422, description = "Empty or taken title", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные не прошли проверку", "status": 422, "code": "validation_failed",
                "detail": "Раздел «ВПР СПО» уже есть",
                "errors": [{"field": "title", "code": "taken", "message": "Раздел «ВПР СПО» уже есть"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/sections")]
#[tracing::instrument(skip_all)]
pub async fn create_section(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<SectionInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    check_title(&body)?;
    let saved = sections::create(&state.db, &body)
        .await
        .map_err(|e| section_error(e, &body))?;
    Ok(HttpResponse::Created().json(summary(saved)))
}

/// Rename or move a section (operator).
#[utoipa::path(
    tag = "publications",
    operation_id = "update_section",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Section id")),
    request_body = SectionInput,
    responses(
        (status = 200, description = "Saved", body = Section),
        (status = 422, description = "Empty or taken title", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные не прошли проверку", "status": 422, "code": "validation_failed",
                "detail": "Укажите название раздела",
                "errors": [{"field": "title", "code": "required", "message": "Укажите название раздела"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[put("/sections/{id}")]
#[tracing::instrument(skip_all)]
pub async fn update_section(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<SectionInput>,
) -> Result<web::Json<Section>, ApiError> {
    require_operator(&user)?;
    check_title(&body)?;
    let saved = sections::update(&state.db, id.into_inner(), &body)
        .await
        .map_err(|e| section_error(e, &body))?;
    Ok(web::Json(summary(saved)))
}

fn check_title(input: &SectionInput) -> Result<(), ApiError> {
    if input.title.trim().is_empty() {
        return Err(ApiError::validation(vec![FieldError::about_field(
            "title",
            "required",
            "Укажите название раздела",
        )]));
    }
    Ok(())
}

fn section_error(err: SectionError, input: &SectionInput) -> ApiError {
    match err {
        SectionError::TitleTaken => {
            let message = format!("Раздел «{}» уже есть", input.title.trim());
            ApiError::validation(vec![FieldError::about_field("title", "taken", &message)])
        }
        SectionError::NotFound => ApiError::new(ErrorCode::NotFound, "Раздел не найден"),
        SectionError::Db(err) => err.into(),
    }
}

fn summary(saved: oko_db::entities::section::Model) -> Section {
    Section {
        id: saved.id,
        title: saved.title,
        position: saved.position,
    }
}
