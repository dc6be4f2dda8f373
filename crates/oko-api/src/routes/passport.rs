//! «Паспорт» of an organisation: seen by the organisation, its coordinators and
//! the operator; the organisation keeps its contacts, the operator the rest; every
//! change is kept in the history.

use actix_web::{get, put, web};
use chrono::Utc;
use oko_db::{entities::organisation, passports, reach::Reach};
use oko_domain::{
    api::Problem,
    error_code::ErrorCode,
    passport::{Passport, PassportChange, PassportField, PassportHistory},
};

use super::common_responses::{NotFound, Unauthenticated};
use crate::{auth::extractor::Authenticated, error::ApiError, state::AppState};

/// History entries shown at most.
const HISTORY_LIMIT: u64 = 200;

/// The organisation `login` if the caller may see it.
async fn visible(
    state: &AppState,
    user: &Authenticated,
    login: &str,
) -> Result<organisation::Model, ApiError> {
    let not_found = || ApiError::new(ErrorCode::NotFound, "Организация не найдена");
    let login = super::access::login_param(login)?;
    let found = oko_db::orgs::by_login(&state.db, &login.trim().to_lowercase())
        .await?
        .ok_or_else(not_found)?;
    let roster = state.roster.get(&state.db).await?;
    let seen = roster
        .entries
        .iter()
        .any(|e| e.id == found.id && e.is_under(user.reach()));
    if seen { Ok(found) } else { Err(not_found()) }
}

/// What the caller may change in the organisation's passport.
fn editable(reach: &Reach, organisation: &organisation::Model) -> Vec<PassportField> {
    match reach {
        Reach::Everything => PassportField::ALL.to_vec(),
        Reach::Organisation { id, .. } if *id == organisation.id => PassportField::ALL
            .into_iter()
            .filter(|f| f.is_contact())
            .collect(),
        _ => Vec::new(),
    }
}

async fn passport_of(
    state: &AppState,
    reach: &Reach,
    organisation: organisation::Model,
) -> Result<Passport, ApiError> {
    let mut values = passports::values(&state.db, &organisation).await?;
    let editable = editable(reach, &organisation);
    let summary = oko_db::orgs::summary(&state.db, organisation)
        .await?
        .ok_or_else(|| ApiError::internal("an organisation without its region or municipality"))?;
    Ok(Passport {
        organisation: summary,
        address: values.take(PassportField::Address),
        head: values.take(PassportField::Head),
        contact_person: values.take(PassportField::ContactPerson),
        phone: values.take(PassportField::Phone),
        email: values.take(PassportField::Email),
        updated_at: values.updated_at,
        editable,
    })
}

/// An organisation's passport (the organisation itself, its coordinators, the
/// operator); `editable` lists what the caller may change.
#[utoipa::path(
    tag = "orgs",
    operation_id = "get_passport",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The organisation's login")),
    responses((status = 200, description = "The passport", body = Passport), Unauthenticated, NotFound)
)]
#[get("/orgs/{login}/passport")]
pub async fn get_passport(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
) -> Result<web::Json<Passport>, ApiError> {
    let found = visible(&state, &user, &login).await?;
    Ok(web::Json(passport_of(&state, user.reach(), found).await?))
}

/// Change passport fields: the organisation its contacts (contact person, phone,
/// e-mail), the operator anything. Unchanged fields leave no trace; each changed
/// one is kept in the history with who and when.
#[utoipa::path(
    tag = "orgs",
    operation_id = "update_passport",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The organisation's login")),
    request_body = PassportChange,
    responses(
        (status = 200, description = "The passport after the change", body = Passport),
        (status = 403, description = "A field the caller may not change", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Поле «Адрес» изменяет федеральный оператор"})),
        (status = 422, description = "A value breaks a rule", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Электронная почта: ожидается адрес вида name@example.ru",
                "errors": [{"field": "email", "code": "invalid_email", "message": "Электронная почта: ожидается адрес вида name@example.ru"}]})),
        Unauthenticated, NotFound,
    )
)]
#[put("/orgs/{login}/passport")]
pub async fn update_passport(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
    body: web::Json<PassportChange>,
) -> Result<web::Json<Passport>, ApiError> {
    let found = visible(&state, &user, &login).await?;
    let allowed = editable(user.reach(), &found);
    let changes = body.fields();
    if let Some((field, _)) = changes.iter().find(|(f, _)| !allowed.contains(f)) {
        let who = if field.is_contact() {
            "организация и федеральный оператор"
        } else {
            "федеральный оператор"
        };
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            format!("Поле «{}» изменяет {who}", field.title_ru()),
        ));
    }
    ApiError::unless_valid(body.problems())?;
    passports::change(
        &state.db,
        &state.roster,
        &found,
        &changes,
        user.login(),
        Utc::now(),
    )
    .await?;
    let reread = oko_db::orgs::find(&state.db, found.id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Организация не найдена"))?;
    Ok(web::Json(passport_of(&state, user.reach(), reread).await?))
}

/// The passport's changes, newest first: who, when, which field, from what to what.
#[utoipa::path(
    tag = "orgs",
    operation_id = "get_passport_history",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The organisation's login")),
    responses((status = 200, description = "Newest first", body = PassportHistory), Unauthenticated, NotFound)
)]
#[get("/orgs/{login}/passport/history")]
pub async fn get_passport_history(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
) -> Result<web::Json<PassportHistory>, ApiError> {
    let found = visible(&state, &user, &login).await?;
    let items = passports::history(&state.db, found.id, HISTORY_LIMIT).await?;
    Ok(web::Json(PassportHistory { items }))
}
