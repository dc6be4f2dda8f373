//! Municipalities, with their coordinators' accounts `munRRMMM` (operator).

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use oko_db::{
    admin::{self, MunicipalityRefusal, NewMunicipality},
    users::Placement,
};
use oko_domain::{
    admin::{
        AccountsCreated, MunicipalityCreated, MunicipalityInput, in_row, municipality_import_form,
        municipality_of,
    },
    api::{FieldError, MunicipalityRef, Problem},
    error_code::ErrorCode,
};

use super::{coordinator_account, issue_all};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{OperatorOnly, Unauthenticated},
        uploads::read_uploaded,
    },
    state::AppState,
};

/// Add a municipality to a region with its coordinator's account `munRRMMM`
/// (operator).
#[utoipa::path(
    tag = "admin",
    operation_id = "create_municipality",
    security(("bearer" = [])),
    request_body = MunicipalityInput,
    responses(
        (status = 201, description = "Created with its coordinator's account (password shown once)", body = MunicipalityCreated),
        (status = 409, description = "The number is taken in the region", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409,
                "code": "conflict", "detail": "В регионе 24 уже есть муниципалитет № 12"})),
        (status = 422, description = "Unknown region or bad fields", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Нет региона с кодом 98",
                "errors": [{"field": "region_code", "code": "unknown_region", "message": "Нет региона с кодом 98"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/admin/municipalities")]
pub async fn create_municipality(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<MunicipalityInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let login = body.coordinator_login().map_err(ApiError::validation)?;
    let region = body.region_code.trim();
    match admin::create_municipality(&state.db, &state.roster, region, body.code, &body.name)
        .await?
    {
        Ok(created) => {
            let placement = Placement::Municipality {
                region: region.to_owned(),
                code: i32::from(body.code),
            };
            let coordinator = coordinator_account(&state, &login, placement).await?;
            Ok(HttpResponse::Created().json(MunicipalityCreated {
                municipality: MunicipalityRef {
                    id: created.id,
                    name: created.name,
                },
                coordinator,
            }))
        }
        Err(MunicipalityRefusal::NoRegion) => {
            Err(ApiError::validation(vec![FieldError::about_field(
                "region_code",
                "unknown_region",
                &format!("Нет региона с кодом {region}"),
            )]))
        }
        Err(MunicipalityRefusal::Taken) => Err(ApiError::new(
            ErrorCode::Conflict,
            format!("В регионе {region} уже есть муниципалитет № {}", body.code),
        )),
    }
}

/// Add municipalities with their coordinators' accounts from a spreadsheet
/// (operator): `.xlsx` or CSV with «Код региона», «Номер», «Название». All or
/// nothing; every problem at its row and column; passwords in this answer only.
#[utoipa::path(
    tag = "admin",
    operation_id = "import_municipalities",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The `.xlsx` or CSV file"),
    responses(
        (status = 201, description = "Created; coordinators' passwords shown once", body = AccountsCreated),
        (status = 422, description = "Problems, each at its row and column; nothing created", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «Муниципалитеты», строка 2, столбец «Номер»: В регионе 24 уже есть муниципалитет № 1",
                "errors": [{"sheet": "Муниципалитеты", "row": 2, "column": "Номер", "code": "taken",
                    "message": "В регионе 24 уже есть муниципалитет № 1"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/admin/municipalities/import")]
pub async fn import_municipalities(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let read = read_uploaded(&state, body, municipality_import_form()).await?;
    let inputs: Vec<MunicipalityInput> = read
        .data
        .rows("municipalities")
        .iter()
        .map(municipality_of)
        .collect();
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for (at, input) in inputs.iter().enumerate() {
        let row = read.file_row("municipalities", at);
        match input.coordinator_login() {
            Ok(login) => rows.push(NewMunicipality {
                row,
                region_code: &input.region_code,
                code: input.code,
                name: &input.name,
                login,
                password_hash: String::new(),
            }),
            Err(found) => {
                let column_of = MunicipalityInput::column_of;
                problems.extend(in_row(found, "Муниципалитеты", row, column_of));
            }
        }
    }
    ApiError::unless_valid(problems)?;
    ApiError::unless_valid(admin::check_municipalities(&state.db, &rows, "Муниципалитеты").await?)?;
    let credentials = issue_all(
        rows.iter_mut()
            .map(|r| (r.login.clone(), &mut r.password_hash)),
    )
    .await;
    admin::create_municipalities(&state.db, &state.roster, &rows, Utc::now()).await?;
    Ok(HttpResponse::Created().json(AccountsCreated {
        created: credentials.len(),
        credentials,
    }))
}
