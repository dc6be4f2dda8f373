//! Organisations with their accounts, one by one or from a spreadsheet, and
//! closing those that no longer exist (operator).

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use oko_db::admin::{self, NewOrganisation};
use oko_domain::{
    admin::{
        AccountsCreated, OrganisationClosed, OrganisationInput, import_form, in_row,
        organisation_of,
    },
    api::{FieldError, Problem},
    error_code::ErrorCode,
};

use super::issue_all;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        uploads::read_uploaded,
    },
    state::AppState,
};

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
        let column_of = OrganisationInput::column_of;
        problems.extend(in_row(input.problems(), "Организации", *row, column_of));
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
    admin::create_organisations(&state.db, &state.roster, &new, Utc::now()).await?;
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
    let login = crate::routes::access::login_param(&login)?
        .trim()
        .to_lowercase();
    if !admin::close_organisation(&state.db, &state.roster, &state.users, &login, Utc::now())
        .await?
    {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Организация не найдена или уже закрыта",
        ));
    }
    Ok(HttpResponse::Ok().json(OrganisationClosed {
        login,
        closed: true,
    }))
}
