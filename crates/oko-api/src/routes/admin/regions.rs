//! Regions, with their coordinators' accounts `spo_coord_RR` (operator).

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use oko_db::{
    admin::{self, NewRegion},
    users::Placement,
};
use oko_domain::{
    admin::{AccountsCreated, RegionCreated, RegionInput, in_row, region_import_form, region_of},
    api::{Problem, RegionRef},
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

/// Add a region with its coordinator's account `spo_coord_RR` (operator).
#[utoipa::path(
    tag = "admin",
    operation_id = "create_region",
    security(("bearer" = [])),
    request_body = RegionInput,
    responses(
        (status = 201, description = "Created with its coordinator's account (password shown once)", body = RegionCreated),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409,
                "code": "conflict", "detail": "Регион с кодом 24 уже есть"})),
        (status = 422, description = "Bad code or no name", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Код региона — две цифры, например 24",
                "errors": [{"field": "code", "code": "invalid_code", "message": "Код региона — две цифры, например 24"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/admin/regions")]
pub async fn create_region(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<RegionInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let login = body.coordinator_login().map_err(ApiError::validation)?;
    let code = body.code.trim();
    let Some(region) = admin::create_region(&state.db, code, &body.name).await? else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("Регион с кодом {code} уже есть"),
        ));
    };
    let coordinator =
        coordinator_account(&state, &login, Placement::Region(code.to_owned())).await?;
    Ok(HttpResponse::Created().json(RegionCreated {
        region: RegionRef {
            code: region.code,
            name: region.name,
        },
        coordinator,
    }))
}

/// Add regions with their coordinators' accounts from a spreadsheet (operator):
/// «Код региона», «Название». All or nothing; passwords in this answer only.
#[utoipa::path(
    tag = "admin",
    operation_id = "import_regions",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The `.xlsx` or CSV file"),
    responses(
        (status = 201, description = "Created; coordinators' passwords shown once", body = AccountsCreated),
        (status = 422, description = "Problems, each at its row and column; nothing created", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «Регионы», строка 2, столбец «Код региона»: Регион с кодом 24 уже есть",
                "errors": [{"sheet": "Регионы", "row": 2, "column": "Код региона", "code": "taken",
                    "message": "Регион с кодом 24 уже есть"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/admin/regions/import")]
pub async fn import_regions(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let read = read_uploaded(&state, body, region_import_form()).await?;
    let inputs: Vec<RegionInput> = read.data.rows("regions").iter().map(region_of).collect();
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for (at, input) in inputs.iter().enumerate() {
        let row = read.file_row("regions", at);
        match input.coordinator_login() {
            Ok(login) => rows.push(NewRegion {
                row,
                code: &input.code,
                name: &input.name,
                login,
                password_hash: String::new(),
            }),
            Err(found) => {
                problems.extend(in_row(found, "Регионы", row, RegionInput::column_of));
            }
        }
    }
    ApiError::unless_valid(problems)?;
    ApiError::unless_valid(admin::check_regions(&state.db, &rows, "Регионы").await?)?;
    let credentials = issue_all(
        rows.iter_mut()
            .map(|r| (r.login.clone(), &mut r.password_hash)),
    )
    .await;
    admin::create_regions(&state.db, &rows, Utc::now()).await?;
    Ok(HttpResponse::Created().json(AccountsCreated {
        created: credentials.len(),
        credentials,
    }))
}
