//! `/api/forms`: the operator saves form definitions and their versions, as JSON or
//! as a description spreadsheet (docs/forms.md, «Описание формы в Excel»).

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use oko_db::forms;
use oko_domain::{
    api::Problem,
    audit::AuditAction,
    collections::{FormList, FormVersion},
    error_code::ErrorCode,
    forms::{FormDefinition, check::check_definition},
};
use oko_io::form_description::{Undescribable, describe, read_description_with};
use uuid::Uuid;

use crate::routes::uploads::{XLSX, read_body, read_workbook};
use crate::{
    audit,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        storages::attachment,
    },
    state::AppState,
};

fn form_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Форма не найдена")
}

/// 201 with the saved version, noted in the audit log.
async fn answer_saved(
    state: &AppState,
    user: &Authenticated,
    saved: FormVersion,
) -> Result<HttpResponse, ApiError> {
    let detail = format!("Версия {}", saved.version);
    let entry = audit::Entry {
        action: AuditAction::FormSaved,
        target: &saved.definition.title,
        detail: &detail,
    };
    audit::by_user(state, user, entry, None).await;
    Ok(HttpResponse::Created().json(saved))
}

/// The definition with the values of the lists it names (its own, or the
/// shared ones), checked.
async fn resolved(
    state: &AppState,
    mut definition: FormDefinition,
) -> Result<FormDefinition, ApiError> {
    let shared = oko_db::shared_lists::by_name(&state.db).await?;
    definition.resolve_lists(&shared);
    check(&definition)?;
    Ok(definition)
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
    let definition = resolved(&state, body.into_inner()).await?;
    let saved = forms::create(&state.db, &definition, Utc::now()).await?;
    answer_saved(&state, &user, saved).await
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
    let definition = resolved(&state, body.into_inner()).await?;
    let saved = forms::add_version(&state.db, id.into_inner(), &definition, Utc::now())
        .await?
        .ok_or_else(form_not_found)?;
    answer_saved(&state, &user, saved).await
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

/// The definition a description spreadsheet in the body describes, checked.
async fn described(state: &AppState, body: web::Payload) -> Result<FormDefinition, ApiError> {
    let bytes = read_body(body, state.max_form_upload_bytes).await?;
    let shared = oko_db::shared_lists::by_name(&state.db).await?;
    web::block(move || {
        read_description_with(&read_workbook(&bytes)?, &shared).map_err(ApiError::validation)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Save a new form from a description spreadsheet (operator): a worksheet «Форма»
/// with «Название формы», then one worksheet per form sheet with its parameters
/// («Ключ листа», «Подсказка листа», «Наибольшее число строк», «Строки по
/// столбцу», «Правило») above a table of columns («Столбец», «Ключ», «Тип»,
/// «Обязательный», «Подсказка», «Минимум», «Максимум», «Мин. длина», «Макс.
/// длина», «Маска», «Дата с», «Дата по», «Значения»). Every problem names its
/// worksheet, row and column; nothing is saved while any exists.
#[utoipa::path(
    tag = "collections",
    operation_id = "import_form",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The `.xlsx` description's bytes (at most `OKO_MAX_FORM_UPLOAD_MB`, default 20 MiB)"),
    responses(
        (status = 201, description = "Saved as version 1", body = FormVersion),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a workbook, or the description has mistakes; each names its place", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «Педагоги», строка 6, столбец «Тип»: Неизвестный тип «цифра»: ожидается один из «текст», «целое», «число», «дата», «список», «да/нет», «файл»",
                "errors": [{"sheet": "Педагоги", "row": 6, "column": "Тип", "code": "invalid_description",
                    "message": "Лист «Педагоги», строка 6, столбец «Тип»: Неизвестный тип «цифра»: ожидается один из «текст», «целое», «число», «дата», «список», «да/нет», «файл»"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/forms/import")]
pub async fn import_form(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let definition = described(&state, body).await?;
    let saved = forms::create(&state.db, &definition, Utc::now()).await?;
    answer_saved(&state, &user, saved).await
}

/// Save the next version of a form from a description spreadsheet (operator); the
/// format is that of `import_form` and of `download_form_description`.
#[utoipa::path(
    tag = "collections",
    operation_id = "import_form_version",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Form id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The `.xlsx` description's bytes"),
    responses(
        (status = 201, description = "Saved as the next version", body = FormVersion),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a workbook, or the description has mistakes", body = Problem,
            content_type = "application/problem+json"),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/forms/{id}/versions/import")]
pub async fn import_form_version(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let id = id.into_inner();
    forms::latest(&state.db, id)
        .await?
        .ok_or_else(form_not_found)?;
    let definition = described(&state, body).await?;
    let saved = forms::add_version(&state.db, id, &definition, Utc::now())
        .await?
        .ok_or_else(form_not_found)?;
    answer_saved(&state, &user, saved).await
}

/// A form's latest version as a description spreadsheet (operator), to change in
/// Excel and upload as the next version.
#[utoipa::path(
    tag = "collections",
    operation_id = "download_form_description",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Form id")),
    responses(
        (status = 200, description = "The description workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Vec<u8>, example = "PK…"),
        (status = 422, description = "A fixed-row sheet presets several columns per row, which only JSON describes", body = Problem,
            content_type = "application/problem+json"),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[get("/forms/{id}/description")]
pub async fn download_form_description(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let latest = forms::latest(&state.db, id.into_inner())
        .await?
        .ok_or_else(form_not_found)?;
    let name = format!(
        "{} (описание, версия {}).xlsx",
        latest.definition.title, latest.version
    );
    let bytes = web::block(move || describe(&latest.definition))
        .await
        .map_err(ApiError::internal)?
        .map_err(|problem| match problem {
            Undescribable::Presets(message) => {
                ApiError::validation(vec![oko_domain::api::FieldError::about_field(
                    "definition",
                    "not_describable",
                    &message,
                )])
            }
            Undescribable::Xlsx(error) => ApiError::internal(error),
        })?;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header(("Content-Disposition", attachment(&name)))
        .body(bytes))
}
