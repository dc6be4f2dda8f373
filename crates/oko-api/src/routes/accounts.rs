//! Accounts as the seeds practise them: a user changes their own password (with
//! the old one, under the password policy); a coordinator issues a new password to
//! a subordinate account (shown once, the old sessions end at once) and blocks or
//! unblocks it. Nobody can read a password back.

use actix_web::{HttpRequest, HttpResponse, post, web};
use oko_db::{
    analytics::units::Unit,
    audit::{Place, place_of_user},
    entities::user,
    users::NewPassword,
};
use oko_domain::{
    accounts::{AccountAccess, CredentialsRequest, IssuedPassword, PasswordChange},
    api::{FieldError, Problem, TokenResponse},
    audit::AuditAction,
    error_code::ErrorCode,
    password_policy,
};

use super::{
    access::require_coordinator,
    common_responses::{NotFound, NotSubordinate, Unauthenticated},
    jobs::queue_job,
};
use crate::{
    audit,
    auth::{extractor::Authenticated, password},
    error::ApiError,
    state::AppState,
};

/// Change one's own password: the old one is checked, the new one must pass the
/// policy (at least 8 characters, 5 different, not a common password, not
/// containing the login). Every session of the old password ends — refresh tokens
/// revoked, access tokens refused within `OKO_AUTH_CACHE_SECONDS` — and the caller
/// gets a new session in this answer (body and refresh cookie), so only the tab
/// that changed the password stays logged in. Personal API tokens stay.
#[utoipa::path(
    tag = "auth",
    operation_id = "change_password",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 200, description = "Changed; the caller's new session", body = TokenResponse),
        (status = 422, description = "Wrong old password, or the new one breaks the policy", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Этот пароль слишком распространен: его подберут первым",
                "errors": [{"field": "new_password", "code": "too_common", "message": "Этот пароль слишком распространен: его подберут первым"}]})),
        Unauthenticated,
    )
)]
#[post("/me/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Authenticated,
    body: web::Json<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    let login = user.login().to_owned();
    let stored = oko_db::users::find_by_id(&state.db, user.user_id())
        .await?
        .ok_or_else(ApiError::invalid_credentials)?;
    let old_ok =
        password::verify_off_thread(body.old_password.clone(), Some(stored.password_hash)).await;
    let mut problems = Vec::new();
    if !old_ok {
        problems.push(FieldError::about_field(
            "old_password",
            "wrong_password",
            "Текущий пароль введен неверно",
        ));
    }
    problems.extend(password_policy::problems(
        &login,
        &body.new_password,
        "new_password",
    ));
    ApiError::unless_valid(problems)?;
    let hash = password::hash_off_thread(body.new_password.clone()).await;
    // This instance forgets the old description at once; the others at their
    // next poll of `user_changes`.
    let since =
        oko_db::users::set_password_hash(&state.db, &state.users, &login, &hash, NewPassword::Own)
            .await?
            .ok_or_else(ApiError::invalid_credentials)?;
    let entry = audit::Entry {
        action: AuditAction::PasswordChanged,
        target: &login,
        detail: "",
    };
    audit::by_user(&state, &user, entry, None).await;
    // Signed at `sessions_since` itself, the one session that outlives the change.
    super::auth::session_response_at(&state, &req, user.user_id(), since).await
}

/// Issue a new password to a subordinate account (a region's coordinator for its
/// municipalities' coordinators and organisations, a municipal coordinator for its
/// organisations, the operator for anyone but operators). The password is in this
/// answer only; the account's sessions end at once.
#[utoipa::path(
    tag = "auth",
    operation_id = "issue_password",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The account's login")),
    responses(
        (status = 201, description = "The new password, shown once", body = IssuedPassword),
        Unauthenticated, NotSubordinate, NotFound,
    )
)]
#[post("/users/{login}/password")]
pub async fn issue_password(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (target, place) = subordinate(&state, &user, &login).await?;
    let password = password::issue();
    let hash = password::hash_off_thread(password.clone()).await;
    oko_db::users::set_password_hash(
        &state.db,
        &state.users,
        &target.login,
        &hash,
        oko_db::users::NewPassword::Reset,
    )
    .await?;
    let entry = audit::Entry {
        action: AuditAction::PasswordReset,
        target: &target.login,
        detail: "",
    };
    audit::by_user(&state, &user, entry, Some(place)).await;
    Ok(HttpResponse::Created().json(IssuedPassword {
        login: target.login,
        password,
    }))
}

/// Block a subordinate account: it cannot log in and its sessions end everywhere
/// at once (refresh tokens revoked; access tokens refused at once by this server,
/// within a second by the others).
#[utoipa::path(
    tag = "auth",
    operation_id = "block_user",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The account's login")),
    responses(
        (status = 200, description = "Blocked", body = AccountAccess),
        Unauthenticated, NotSubordinate, NotFound,
    )
)]
#[post("/users/{login}/block")]
pub async fn block_user(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_blocked(&state, &user, &login, true).await
}

/// Unblock a subordinate account.
#[utoipa::path(
    tag = "auth",
    operation_id = "unblock_user",
    security(("bearer" = [])),
    params(("login" = String, Path, description = "The account's login")),
    responses(
        (status = 200, description = "Unblocked", body = AccountAccess),
        Unauthenticated, NotSubordinate, NotFound,
    )
)]
#[post("/users/{login}/unblock")]
pub async fn unblock_user(
    state: web::Data<AppState>,
    user: Authenticated,
    login: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_blocked(&state, &user, &login, false).await
}

async fn set_blocked(
    state: &AppState,
    user: &Authenticated,
    login: &str,
    blocked: bool,
) -> Result<HttpResponse, ApiError> {
    let (target, place) = subordinate(state, user, login).await?;
    oko_db::users::set_blocked(&state.db, &state.users, &target.login, blocked).await?;
    let action = if blocked {
        AuditAction::UserBlocked
    } else {
        AuditAction::UserUnblocked
    };
    let entry = audit::Entry {
        action,
        target: &target.login,
        detail: "",
    };
    audit::by_user(state, user, entry, Some(place)).await;
    Ok(HttpResponse::Ok().json(AccountAccess {
        login: target.login,
        blocked,
    }))
}

/// The account `login` and where it stands, if it is the caller's subordinate.
async fn subordinate(
    state: &AppState,
    user: &Authenticated,
    login: &str,
) -> Result<(user::Model, Place), ApiError> {
    let target = oko_db::users::find_by_login(&state.db, super::access::login_param(login)?)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Учетная запись не найдена"))?;
    let place = place_of_user(&target, &*state.roster.get(&state.db).await?);
    if oko_db::users::is_subordinate_account(user.reach(), &target, &place) {
        Ok((target, place))
    } else {
        Err(ApiError::new(
            ErrorCode::Forbidden,
            "Эта учетная запись не подчинена вам",
        ))
    }
}

/// «Архив с паролями»: new passwords for every account of a territory the caller
/// may issue passwords to (a municipality's organisations; a region's municipal
/// coordinators and organisations), made in the background as a workbook of logins
/// and passwords that only the caller downloads («Отчёты», `GET /api/jobs/{id}/file`),
/// until it expires. Every listed account's old password and sessions end.
#[utoipa::path(
    tag = "auth",
    operation_id = "issue_credentials",
    security(("bearer" = [])),
    request_body = CredentialsRequest,
    responses(
        (status = 202, description = "Queued; `Location` is the job", body = oko_domain::jobs::JobView),
        (status = 403, description = "Organisations issue nothing; a unit outside the caller's territory", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Это могут только координаторы и федеральный оператор"})),
        (status = 422, description = "The operator must name a region or a municipality", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Выберите регион или муниципалитет",
                "errors": [{"field": "unit", "code": "required", "message": "Выберите регион или муниципалитет"}]})),
        Unauthenticated,
    )
)]
#[post("/credentials")]
pub async fn issue_credentials(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<CredentialsRequest>,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    let roster = state.roster.get(&state.db).await?;
    let unit = match body.unit.as_deref().filter(|u| !u.is_empty()) {
        None => Unit::own(user.reach()),
        Some(text) => Unit::parse(text, &roster).ok_or_else(|| {
            ApiError::invalid_parameter("unit", "ожидается region:<id> или municipality:<id>")
        })?,
    };
    if unit == Unit::Country {
        return Err(ApiError::validation(vec![FieldError::about_field(
            "unit",
            "required",
            "Выберите регион или муниципалитет",
        )]));
    }
    if !unit.is_within(user.reach(), &roster) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Эта территория вне ваших прав",
        ));
    }
    let name = unit.name(&roster).unwrap_or_default();
    let title = format!("Архив с паролями: {name}");
    let spec = oko_domain::jobs::JobSpec::Credentials(oko_domain::jobs::CredentialsJob {
        unit: body.unit.clone(),
    });
    let job = queue_job(
        &state,
        &user,
        &spec,
        &title,
        &format!("Пароли — {name}.xlsx"),
        oko_domain::jobs::ExportFormat::Xlsx.content_type(),
        chrono::Utc::now(),
    )
    .await?;
    let entry = audit::Entry {
        action: AuditAction::PasswordReset,
        target: &name,
        detail: "Архив с паролями всей территории",
    };
    audit::by_user(&state, &user, entry, None).await;
    Ok(HttpResponse::Accepted()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/jobs/{}", job.id),
        ))
        .json(oko_db::jobs::describe(&job)))
}
