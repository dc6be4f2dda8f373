//! `/api/assessments`: the operator defines assessments and their works (JSON or a
//! description spreadsheet); everyone signed in lists them for «Аналитика».

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use oko_domain::{
    analytics::{
        WorkDefinition,
        api::{AssessmentInput, AssessmentList, AssessmentView, WorkView},
        check_work,
    },
    api::Problem,
    error_code::ErrorCode,
};
use oko_io::work_description::read_work;
use uuid::Uuid;

use super::{assessment_view, find_work};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        storages::attachment,
        uploads::{XLSX, read_body, read_workbook},
    },
    state::AppState,
};

/// Create an assessment, e.g. «ВПР 2026» of project «ВПР» (operator).
#[utoipa::path(
    tag = "analytics",
    operation_id = "create_assessment",
    security(("bearer" = [])),
    request_body = AssessmentInput,
    responses(
        (status = 201, description = "Created, with no works yet", body = AssessmentView),
        (status = 422, description = "Title or project missing", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Укажите проект, например «ВПР»",
                "errors": [{"field": "project", "code": "required", "message": "Укажите проект, например «ВПР»"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/assessments")]
pub async fn create_assessment(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<AssessmentInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    ApiError::unless_valid(body.problems())?;
    let row =
        oko_db::analytics::create_assessment(&state.db, &body.title, &body.project, Utc::now())
            .await?;
    Ok(HttpResponse::Created().json(assessment_view(row, &[])))
}

/// Every assessment with its works, newest first.
#[utoipa::path(
    tag = "analytics",
    operation_id = "list_assessments",
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = AssessmentList), Unauthenticated)
)]
#[get("/assessments")]
pub async fn list_assessments(
    state: web::Data<AppState>,
    _user: Authenticated,
) -> Result<web::Json<AssessmentList>, ApiError> {
    let items = oko_db::analytics::assessments(&state.db)
        .await?
        .into_iter()
        .map(|(row, works)| assessment_view(row, &works))
        .collect();
    Ok(web::Json(AssessmentList { items }))
}

/// Add a work (subject × grade: tasks with their maximum and planned result, and
/// the scale from primary score to mark) to an assessment (operator). The scale
/// must cover 0 to the sum of the maxima without gaps; every problem names its
/// field (`tasks[2].max_score`, `scale[1]`).
#[utoipa::path(
    tag = "analytics",
    operation_id = "create_work",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Assessment id")),
    request_body = WorkDefinition,
    responses(
        (status = 201, description = "Created", body = WorkView),
        (status = 422, description = "The definition has mistakes", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Шкала должна покрывать первичные баллы от 0 до 20 (сумма максимальных баллов заданий)",
                "errors": [{"field": "scale", "code": "scale_range",
                    "message": "Шкала должна покрывать первичные баллы от 0 до 20 (сумма максимальных баллов заданий)"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/assessments/{id}/works")]
pub async fn create_work(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<WorkDefinition>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    ApiError::unless_valid(check_work(&body))?;
    save_work(&state, id.into_inner(), &body).await
}

/// Add a work described in a spreadsheet (operator): worksheet «Работа» with lines
/// «Предмет» and «Класс», «Задания» with columns «Номер», «Максимальный балл»,
/// «Проверяемый результат», «Шкала» with «Баллы от», «Баллы до», «Отметка»
/// (docs/analytics.md). Every problem names its worksheet, row and column.
#[utoipa::path(
    tag = "analytics",
    operation_id = "import_work",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Assessment id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The `.xlsx` description's bytes"),
    responses(
        (status = 201, description = "Created", body = WorkView),
        (status = 422, description = "Not a workbook, or the description has mistakes", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «Задания», строка 3, столбец «Максимальный балл»: Введите целое число не меньше 0",
                "errors": [{"sheet": "Задания", "row": 3, "column": "Максимальный балл", "code": "invalid_description",
                    "message": "Лист «Задания», строка 3, столбец «Максимальный балл»: Введите целое число не меньше 0"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/assessments/{id}/works/import")]
pub async fn import_work(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let bytes = read_body(body, state.max_form_upload_bytes).await?;
    let work = web::block(move || read_work(&read_workbook(&bytes)?).map_err(ApiError::validation))
        .await
        .map_err(ApiError::internal)??;
    save_work(&state, id.into_inner(), &work).await
}

async fn save_work(
    state: &AppState,
    assessment_id: Uuid,
    work: &WorkDefinition,
) -> Result<HttpResponse, ApiError> {
    if oko_db::analytics::assessment(&state.db, assessment_id)
        .await?
        .is_none()
    {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Оценочная процедура не найдена",
        ));
    }
    let saved = oko_db::analytics::create_work(&state.db, assessment_id, work, Utc::now()).await?;
    Ok(HttpResponse::Created().json(work_view(&saved)))
}

/// A work's whole definition (its tasks, planned results and scale).
#[utoipa::path(
    tag = "analytics",
    operation_id = "get_work",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Work id")),
    responses((status = 200, description = "The work", body = WorkView), Unauthenticated, NotFound)
)]
#[get("/assessment-works/{id}")]
pub async fn get_work(
    state: web::Data<AppState>,
    _user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<WorkView>, ApiError> {
    Ok(web::Json(work_view(
        &find_work(&state, id.into_inner()).await?,
    )))
}

/// A work's description spreadsheet (operator): the format `import_work` reads, to
/// copy a work into another assessment or keep it on file.
#[utoipa::path(
    tag = "analytics",
    operation_id = "download_work_description",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Work id")),
    responses(
        (status = 200, description = "The `.xlsx` description",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>, example = "PK…"),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[get("/assessment-works/{id}/description")]
pub async fn download_work_description(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let work = find_work(&state, id.into_inner()).await?;
    let bytes =
        oko_io::work_description::describe_work(&work.definition).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header(attachment(&format!(
            "Описание работы — {}.xlsx",
            work.definition.title()
        )))
        .body(bytes))
}

fn work_view(work: &oko_db::analytics::StoredWork) -> WorkView {
    WorkView {
        id: work.row.id,
        assessment_id: work.row.assessment_id,
        title: work.definition.title(),
        definition: work.definition.clone(),
    }
}
