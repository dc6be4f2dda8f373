//! The operator's administration: regions, municipalities, organisations with
//! their accounts (one by one or from a spreadsheet — all or nothing, every
//! problem at its row and column), and closing organisations that no longer exist.

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use oko_db::{
    admin::{self, MunicipalityRefusal, NewMunicipality, NewOrganisation, NewRegion},
    users::{CreateUserError, Placement},
};
use oko_domain::{
    accounts::IssuedPassword,
    admin::{
        AccountsCreated, MunicipalityCreated, MunicipalityInput, OrganisationClosed,
        OrganisationInput, RegionCreated, RegionInput, import_form, municipality_import_form,
        municipality_of, organisation_of, region_import_form, region_of,
    },
    api::{FieldError, MunicipalityRef, Problem, RegionRef},
    error_code::ErrorCode,
    login::{RegionCode, municipal_coordinator_login, region_coordinator_login},
};

use super::{
    access::require_operator,
    collections::exchange::read_uploaded,
    common_responses::{NotFound, OperatorOnly, Unauthenticated},
};
use crate::{
    auth::{extractor::Authenticated, password},
    error::ApiError,
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
    ApiError::unless_valid(body.problems())?;
    let code = body.code.trim();
    let Some(region) = admin::create_region(&state.db, code, &body.name).await? else {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            format!("Регион с кодом {code} уже есть"),
        ));
    };
    let login = RegionCode::parse(code)
        .map(region_coordinator_login)
        .unwrap_or_default();
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
    ApiError::unless_valid(body.problems())?;
    let region = body.region_code.trim();
    match admin::create_municipality(&state.db, region, body.code, &body.name).await? {
        Ok(created) => {
            state.roster.invalidate();
            let login = RegionCode::parse(region)
                .map(|r| municipal_coordinator_login(r, body.code))
                .unwrap_or_default();
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
    let mut rows: Vec<NewMunicipality> = inputs
        .iter()
        .enumerate()
        .map(|(at, input)| NewMunicipality {
            row: read.file_row("municipalities", at),
            region_code: &input.region_code,
            code: input.code,
            name: &input.name,
            login: RegionCode::parse(&input.region_code)
                .map(|r| municipal_coordinator_login(r, input.code))
                .unwrap_or_default(),
            password_hash: String::new(),
        })
        .collect();
    ApiError::unless_valid(admin::check_municipalities(&state.db, &rows, "Муниципалитеты").await?)?;
    let credentials = issue_all(
        rows.iter_mut()
            .map(|r| (r.login.clone(), &mut r.password_hash)),
    )
    .await;
    admin::create_municipalities(&state.db, &rows, Utc::now()).await?;
    state.roster.invalidate();
    Ok(HttpResponse::Created().json(AccountsCreated {
        created: credentials.len(),
        credentials,
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
    let mut rows: Vec<NewRegion> = inputs
        .iter()
        .enumerate()
        .map(|(at, input)| NewRegion {
            row: read.file_row("regions", at),
            code: &input.code,
            name: &input.name,
            login: RegionCode::parse(&input.code)
                .map(region_coordinator_login)
                .unwrap_or_default(),
            password_hash: String::new(),
        })
        .collect();
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

/// New passwords for accounts `(login, where its hash goes)`: the passwords to
/// show once.
async fn issue_all<'a>(
    accounts: impl Iterator<Item = (String, &'a mut String)>,
) -> Vec<IssuedPassword> {
    let mut issued = Vec::new();
    for (login, hash) in accounts {
        let password = password::issue();
        *hash = password::hash_off_thread(password.clone()).await;
        issued.push(IssuedPassword { login, password });
    }
    issued
}

/// The coordinator's account of a new region or municipality, with a new
/// password; `None` when the login is already taken.
async fn coordinator_account(
    state: &AppState,
    login: &str,
    placement: Placement,
) -> Result<Option<IssuedPassword>, ApiError> {
    let issued = password::issue();
    let hash = password::hash_off_thread(issued.clone()).await;
    match oko_db::users::create(&state.db, login, &hash, placement).await {
        Ok(_) => Ok(Some(IssuedPassword {
            login: login.to_owned(),
            password: issued,
        })),
        Err(CreateUserError::LoginTaken) => Ok(None),
        Err(CreateUserError::PlacementNotFound) => {
            Err(ApiError::internal("a placement just created is missing"))
        }
        Err(CreateUserError::Db(e)) => Err(e.into()),
    }
}

/// Add an organisation with its account (operator); the account's password is
/// in this answer only.
#[utoipa::path(
    tag = "admin",
    operation_id = "create_organisation",
    security(("bearer" = [])),
    request_body = OrganisationInput,
    responses(
        (status = 201, description = "Created; the password is shown once", body = AccountsCreated),
        (status = 422, description = "Bad login, unknown region or municipality, login taken", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Логин «sch240001» уже занят",
                "errors": [{"field": "login", "code": "login_taken", "message": "Логин «sch240001» уже занят"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/admin/organisations")]
pub async fn create_organisation(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<OrganisationInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let mut problems = body.problems();
    if problems.is_empty() {
        problems = admin::check_organisations(&state.db, &[(0, &body)], None).await?;
    }
    ApiError::unless_valid(problems)?;
    created(&state, &[(0, body.into_inner())]).await
}

/// Add organisations from a spreadsheet (operator): `.xlsx` or CSV with «Логин»,
/// «Полное наименование», «Краткое наименование», «Номер муниципалитета», at most
/// 5,000 rows. All or nothing: every problem — a bad cell, a login repeated or
/// taken, an unknown region or municipality — is named by row and column and
/// nothing is created. The accounts' passwords are in this answer only.
#[utoipa::path(
    tag = "admin",
    operation_id = "import_organisations",
    security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The `.xlsx` or CSV file"),
    responses(
        (status = 201, description = "Created; passwords shown once", body = AccountsCreated),
        (status = 422, description = "Problems, each at its row and column; nothing created", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «Организации», строка 3, столбец «Номер муниципалитета»: В регионе 24 нет муниципалитета № 77",
                "errors": [{"sheet": "Организации", "row": 3, "column": "Номер муниципалитета", "code": "unknown_municipality",
                    "message": "В регионе 24 нет муниципалитета № 77"}]})),
        Unauthenticated, OperatorOnly,
    )
)]
#[post("/admin/organisations/import")]
pub async fn import_organisations(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let read = read_uploaded(&state, body, import_form()).await?;
    // Each row named as the file numbers it (title lines and blank rows count).
    let rows: Vec<(u32, OrganisationInput)> = read
        .data
        .rows("organisations")
        .iter()
        .enumerate()
        .map(|(at, row)| (read.file_row("organisations", at), organisation_of(row)))
        .collect();
    let mut problems: Vec<FieldError> = Vec::new();
    for (row, input) in &rows {
        for problem in input.problems() {
            let column = match problem.field.as_deref() {
                Some("login") => "Логин",
                Some("name") => "Полное наименование",
                Some("short_name") => "Краткое наименование",
                _ => "Номер муниципалитета",
            };
            problems.push(FieldError::in_sheet(
                "Организации",
                *row,
                Some(column),
                &problem.code,
                &problem.message,
            ));
        }
    }
    if problems.is_empty() {
        let refs: Vec<(u32, &OrganisationInput)> = rows.iter().map(|(r, i)| (*r, i)).collect();
        problems = admin::check_organisations(&state.db, &refs, Some("Организации")).await?;
    }
    ApiError::unless_valid(problems)?;
    created(&state, &rows).await
}

/// Creates the checked organisations with new passwords; answers 201 with them.
async fn created(
    state: &AppState,
    rows: &[(u32, OrganisationInput)],
) -> Result<HttpResponse, ApiError> {
    let mut new: Vec<NewOrganisation> = rows
        .iter()
        .map(|(_, input)| NewOrganisation {
            input,
            password_hash: String::new(),
        })
        .collect();
    let credentials = issue_all(
        new.iter_mut()
            .map(|n| (n.input.login.trim().to_lowercase(), &mut n.password_hash)),
    )
    .await;
    admin::create_organisations(&state.db, &new, Utc::now()).await?;
    state.roster.invalidate();
    Ok(HttpResponse::Created().json(AccountsCreated {
        created: credentials.len(),
        credentials,
    }))
}

/// Close an organisation that no longer exists (operator): it leaves every count
/// and list from now on, its accounts are blocked and their sessions end; its
/// history stays.
#[utoipa::path(
    tag = "admin",
    operation_id = "close_organisation",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The organisation's login")),
    responses((status = 200, description = "Closed", body = OrganisationClosed), Unauthenticated, OperatorOnly, NotFound)
)]
#[post("/admin/organisations/{login}/close")]
pub async fn close_organisation(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let login = super::access::login_param(&login)?.trim().to_lowercase();
    if !admin::close_organisation(&state.db, &login, Utc::now()).await? {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Организация не найдена или уже закрыта",
        ));
    }
    state.roster.invalidate();
    Ok(HttpResponse::Ok().json(OrganisationClosed {
        login,
        closed: true,
    }))
}
