//! A coordinator's decisions on submissions (issue #25): accept («Принято МОУО»,
//! «Принято регионом») or return for revision, one organisation at a time, and
//! accept a municipality's submissions without errors at once. Who may take
//! which decision is `oko_domain::acceptance`'s, shared with the SPA.

use std::collections::HashMap;

use actix_web::{HttpResponse, post, web};
use chrono::{DateTime, Utc};
use oko_db::{
    acceptance::{self, AcceptFor},
    entities::{collection as collection_entity, organisation},
    monitoring::{self, DraftWriteKind, ReturnFor},
    notifications::{self, Notice},
};
use oko_domain::{
    acceptance::{
        AcceptanceLevel, AcceptanceOutcome, AcceptanceRequest, BulkAcceptanceOutcome,
        BulkAcceptanceRequest, Decision, Refusal, acceptance_by,
    },
    api::Problem,
    audit::AuditAction,
    collections::OrgStatus,
    comments::{CellCommentInput, cell_problems},
    error_code::ErrorCode,
    forms::{FormData, FormDefinition, validate},
    monitoring::{ReturnNote, ReturnRequest},
    notifications::NotificationKind,
};
use uuid::Uuid;

use super::{monitoring::Monitored, note_write, seen_collection, target_organisation};
use crate::{
    audit,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_coordinator,
        common_responses::{NotFound, Unauthenticated},
    },
    state::AppState,
};

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> ApiError {
        match refusal {
            Refusal::Conflict(detail) => ApiError::new(ErrorCode::Conflict, detail),
            Refusal::Forbidden(detail) => ApiError::new(ErrorCode::Forbidden, detail),
        }
    }
}

/// Returns an organisation's submission for revision with a comment: its status is
/// «Возвращено» (with «Возвращено на доработку» and the comment) until it submits
/// again; the return stays in its history. A submission accepted at a level is
/// returned by that level or a higher one, and its acceptance ends.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "return_submission",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = ReturnRequest,
    responses(
        (status = 201, description = "Returned", body = ReturnNote),
        (status = 403, description = "Organisations do not return submissions; a lower level does not return what a higher one accepted", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Форма организации sch240001 принято регионом: вернуть ее может региональный координатор или выше"})),
        (status = 409, description = "Nothing submitted to return", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Конфликт", "status": 409, "code": "conflict",
                "detail": "Организация sch240001 еще не сдала форму (или она уже возвращена): возвращать нечего"})),
        (status = 422, description = "No comment", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/returns")]
pub async fn return_submission(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    let (found, organisation, now) = decided_on(
        &state,
        &user,
        id.into_inner(),
        &body.organisation,
        body.problems(),
    )
    .await?;
    let returning = Returning {
        comment: body.comment.trim(),
        cells: &[],
    };
    let note = return_one(&state, &user, &found, &organisation, returning, now).await?;
    Ok(HttpResponse::Created().json(note))
}

/// Accepts an organisation's submission at the collection's next level
/// (`decision: accept`, which closes the comments on its cells), or returns it
/// for revision (`decision: return`, with the comment and, optionally, comments
/// on the cells to fix). Accepted data is locked for the organisation: its saves,
/// uploads and submissions answer 403 `form_accepted` until it is returned.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "decide_submission",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = AcceptanceRequest,
    responses(
        (status = 201, description = "Decided: the organisation's status now", body = AcceptanceOutcome),
        (status = 403, description = "Organisations do not decide; the next acceptance is another level's", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Сейчас форму организации sch240001 принимает муниципальный координатор (МОУО)"})),
        (status = 409, description = "Nothing to accept: not submitted, returned, already accepted at the last level, the collection has no acceptance, or someone decided first", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Конфликт", "status": 409, "code": "conflict",
                "detail": "Организация sch240001 еще не сдала форму: принимать нечего"})),
        (status = 422, description = "A return without a comment, a comment too long, or a comment on a cell the form does not have (each named by `field` `cells[i]`)", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "На листе «СПЕЦИАЛЬНОСТИ» нет столбца «nope»",
                "errors": [{"field": "cells[0]", "code": "unknown", "message": "На листе «СПЕЦИАЛЬНОСТИ» нет столбца «nope»"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/acceptances")]
pub async fn decide_submission(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<AcceptanceRequest>,
) -> Result<HttpResponse, ApiError> {
    let (found, organisation, now) = decided_on(
        &state,
        &user,
        id.into_inner(),
        &body.organisation,
        body.problems(),
    )
    .await?;
    let comment = body
        .comment
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty());
    let (status, message) = match body.decision {
        Decision::Return => {
            let form = state.forms.get(&state.db, found.form_version_id).await?;
            ApiError::unless_valid(cell_problems(&form, &body.cells))?;
            let returning = Returning {
                comment: comment.unwrap_or_default(),
                cells: &body.cells,
            };
            let note = return_one(&state, &user, &found, &organisation, returning, now).await?;
            (OrgStatus::Returned, note.message)
        }
        Decision::Accept => {
            let principal = user.principal();
            let accepted = acceptance::accept(
                &state.db,
                AcceptFor {
                    collection_id: found.id,
                    levels: found.acceptance_levels(),
                    organisation_id: organisation.id,
                    organisation: &organisation.login,
                    role: principal.role,
                    login: &principal.login,
                    comment,
                    now,
                },
            )
            .await??;
            note_write(
                &state,
                found.id,
                organisation.id,
                DraftWriteKind::Accepted(accepted.level),
                now,
            );
            let entry = audit::Entry {
                action: AuditAction::Accepted,
                target: &organisation.login,
                detail: &accepted.message,
            };
            audit::by_user(&state, &user, entry, None).await;
            (accepted.level.status(), accepted.message)
        }
    };
    Ok(HttpResponse::Created().json(AcceptanceOutcome {
        organisation: organisation.login,
        status,
        status_title: status.title_ru().to_owned(),
        message,
    }))
}

/// Accepts, at the caller's level, every submission of one municipality of its
/// scope (or of the whole scope) that awaits that level, leaving those whose
/// data has errors
/// «Сдано» (listed in the answer). Submissions returned or accepted by
/// someone else meanwhile are left alone.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "accept_municipality",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = BulkAcceptanceRequest,
    responses(
        (status = 200, description = "How many were accepted, and which were not for their errors", body = BulkAcceptanceOutcome),
        (status = 403, description = "Organisations do not accept", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The collection has no acceptance", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Конфликт", "status": 409, "code": "conflict",
                "detail": "В этом сборе приемка не предусмотрена: сданная форма не принимается"})),
        (status = 422, description = "A municipality outside the caller's scope", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Этот муниципалитет не на вашей территории",
                "errors": [{"field": "municipality", "code": "out_of_scope", "message": "Этот муниципалитет не на вашей территории"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/acceptances/bulk")]
pub async fn accept_municipality(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<BulkAcceptanceRequest>,
) -> Result<web::Json<BulkAcceptanceOutcome>, ApiError> {
    let Monitored {
        collection: found,
        scope,
        now,
    } = Monitored::load(&state, &user, id.into_inner()).await?;
    let levels = found.acceptance_levels();
    if levels.levels().is_empty() {
        return Err(Refusal::Conflict(
            "В этом сборе приемка не предусмотрена: сданная форма не принимается".into(),
        )
        .into());
    }
    let municipality = body
        .municipality
        .map(|id| scope.municipality(id))
        .transpose()?;
    let role = user.role();
    // Each awaiting submission by where it stands and the level it gets.
    let mut awaiting: HashMap<(OrgStatus, AcceptanceLevel), Vec<(Uuid, String)>> = HashMap::new();
    for row in scope.rows() {
        let organisation = row.organisation;
        if municipality
            .as_ref()
            .is_some_and(|m| organisation.municipality_id != m.id)
        {
            continue;
        }
        if let Ok(level) = acceptance_by(levels, role, row.status, &organisation.login) {
            awaiting
                .entry((row.status, level))
                .or_default()
                .push((organisation.id, organisation.login.clone()));
        }
    }
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let mut accepted = 0u32;
    let mut with_errors = Vec::new();
    let login = user.login();
    for ((from, level), organisations) in awaiting {
        let ids: Vec<Uuid> = organisations.iter().map(|(id, _)| *id).collect();
        let submissions = monitoring::latest_submissions(&state.db, found.id, &ids).await?;
        // Checking a thousand submissions is seconds of CPU: off the workers
        // that answer monitoring meanwhile.
        let form = form.clone();
        let (clean, erroneous) =
            web::block(move || without_errors(&form, organisations, &submissions))
                .await
                .map_err(ApiError::internal)?;
        with_errors.extend(erroneous);
        let done =
            acceptance::accept_many(&state.db, found.id, &clean, from, level, login, now).await?;
        for organisation in &done {
            note_write(
                &state,
                found.id,
                *organisation,
                DraftWriteKind::Accepted(level),
                now,
            );
        }
        accepted += done.len() as u32;
    }
    with_errors.sort();
    let outcome = BulkAcceptanceOutcome::new(accepted, with_errors);
    let entry = audit::Entry {
        action: AuditAction::Accepted,
        target: municipality.as_ref().map_or("Вся территория", |m| &m.name),
        detail: &outcome.message,
    };
    audit::by_user(&state, &user, entry, None).await;
    Ok(web::Json(outcome))
}

/// `organisations` (id, login) split by their latest submission: those without
/// errors against `form` (ids), and those with errors or none (logins).
fn without_errors(
    form: &FormDefinition,
    organisations: Vec<(Uuid, String)>,
    submissions: &HashMap<Uuid, (DateTime<Utc>, String)>,
) -> (Vec<Uuid>, Vec<String>) {
    let mut clean = Vec::with_capacity(organisations.len());
    let mut erroneous = Vec::new();
    for (id, login) in organisations {
        let valid = submissions.get(&id).is_some_and(|(_, data)| {
            serde_json::from_str::<FormData>(data)
                .is_ok_and(|data| validate(form, &data).is_empty())
        });
        if valid {
            clean.push(id);
        } else {
            erroneous.push(login);
        }
    }
    (clean, erroneous)
}

/// What a decision on one organisation's submission starts from: a
/// coordinator (or the operator) whose request has no `problems`, the
/// collection it sees and the organisation `login` of its scope.
async fn decided_on(
    state: &AppState,
    user: &Authenticated,
    id: Uuid,
    login: &str,
    problems: Vec<oko_domain::api::FieldError>,
) -> Result<(collection_entity::Model, organisation::Model, DateTime<Utc>), ApiError> {
    require_coordinator(user)?;
    ApiError::unless_valid(problems)?;
    let now = Utc::now();
    let found = seen_collection(state, user, id, now).await?;
    let organisation = target_organisation(state, user, &found, Some(login), now).await?;
    Ok((found, organisation, now))
}

/// Why a submission goes back: the comment and the cells to fix.
struct Returning<'a> {
    comment: &'a str,
    cells: &'a [CellCommentInput],
}

/// Returns `organisation`'s submission for revision, if the caller's level may;
/// tells the organisation and the audit.
async fn return_one(
    state: &AppState,
    user: &Authenticated,
    collection: &collection_entity::Model,
    organisation: &organisation::Model,
    returning: Returning<'_>,
    now: DateTime<Utc>,
) -> Result<ReturnNote, ApiError> {
    let principal = user.principal();
    let note = monitoring::return_for_revision(
        &state.db,
        ReturnFor {
            collection_id: collection.id,
            organisation_id: organisation.id,
            organisation: &organisation.login,
            user_id: principal.user_id,
            role: principal.role,
            login: &principal.login,
            comment: returning.comment,
            cells: returning.cells,
            now,
        },
    )
    .await??;
    note_write(
        state,
        collection.id,
        organisation.id,
        DraftWriteKind::Returned,
        note.returned_at,
    );
    tell_returned(state, collection, organisation.id, &note).await;
    let entry = audit::Entry {
        action: AuditAction::Returned,
        target: &organisation.login,
        detail: &note.comment,
    };
    audit::by_user(state, user, entry, None).await;
    Ok(note)
}

/// «Форма возвращена на доработку» for the organisation's accounts.
async fn tell_returned(
    state: &AppState,
    collection: &collection_entity::Model,
    organisation: Uuid,
    note: &ReturnNote,
) {
    let told = async {
        let form = state
            .forms
            .get(&state.db, collection.form_version_id)
            .await?;
        let users = notifications::users_of_organisations(&state.db, &[organisation]).await?;
        let body = format!("{}: {}", form.title, note.comment);
        let link = format!("/collections/{}", collection.id);
        let notice = Notice {
            kind: NotificationKind::Returned,
            title: "Форма возвращена на доработку",
            body: &body,
            link: Some(&link),
        };
        notifications::notify(&state.db, &users, &notice, note.returned_at).await
    };
    if let Err(error) = told.await {
        tracing::warn!(%error, "could not tell about a return");
    }
}
