//! `POST /api/collections/{id}/submit` («Сдать отчет») and the submissions history.

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use oko_db::{collections, drafts, entities::submission};
use oko_domain::{
    api::Problem,
    audit::AuditAction,
    collections::{
        SubmissionHistory, SubmissionReceipt, SubmitRequest, cell_problems, filled_in_ru,
    },
    error_code::ErrorCode,
    forms::{FormData, soft},
};
use uuid::Uuid;

use super::{OrganisationParam, open_for_writing, seen_collection, target_organisation};
use crate::{
    audit,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// «Сдать отчет»: validates the whole draft with the same engine as the editor;
/// refuses with 422 and every error while any exists; otherwise stores an
/// immutable snapshot that becomes what counts (earlier ones stay in the history).
#[utoipa::path(
    tag = "collections",
    operation_id = "submit_draft",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = SubmitRequest,
    responses(
        (status = 200, description = "Submitted", body = SubmissionReceipt),
        (status = 403, description = "Not an organisation, or the collection is closed", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The draft changed since `version`", body = oko_domain::collections::DraftConflict,
            content_type = "application/problem+json"),
        (status = 422, description = "The draft has errors (or nothing is saved); nothing is submitted", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «РАБОТЫ НА БЛАНКЕ», строка 1, столбец «Количество участников 1й курс»: Заполните обязательную ячейку",
                "errors": [{"sheet": "РАБОТЫ НА БЛАНКЕ", "row": 1, "column": "Количество участников 1й курс", "code": "required",
                    "message": "Лист «РАБОТЫ НА БЛАНКЕ», строка 1, столбец «Количество участников 1й курс»: Заполните обязательную ячейку"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/submit")]
pub async fn submit_draft(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<SubmitRequest>,
) -> Result<HttpResponse, ApiError> {
    let writing = open_for_writing(&state, &user, id.into_inner()).await?;
    let form = &writing.form;
    // Read on the connection the submission is then written on: no pool round
    // trip between the statements (oko_db::held).
    let (mut held, current) = writing.open_draft(&state).await?;
    let Some(draft) = current else {
        return Err(ApiError::new(
            ErrorCode::ValidationFailed,
            "Форма еще не заполнена: сдавать нечего",
        ));
    };
    if draft.standing.version != body.version {
        return writing.conflict(Some(draft));
    }
    let data = &draft.data;
    let errors = writing.errors(data);
    ApiError::unless_valid(cell_problems(form, &errors))?;
    let explanations = soft::explanation_count(form, data);
    let submitting = drafts::Submitting {
        draft: &draft,
        user_id: user.user_id(),
        now: writing.now,
        explanations: i32::try_from(explanations).unwrap_or(i32::MAX),
    };
    let detail = format!("Версия черновика {}", draft.standing.version);
    let entry = audit::Entry {
        action: AuditAction::Submitted,
        target: &form.title,
        detail: &detail,
    };
    let submitted = match writing.collection.assessment_work_id {
        // An electronic protocol's submission becomes the organisation's
        // results in the same transaction («Аналитика»).
        Some(work) => {
            drop(held);
            let submitted = submit_protocol(&state, submitting, work, data).await?;
            if submitted.is_some() {
                audit::by_user(&state, &user, entry, None).await;
            }
            submitted
        }
        None => {
            let event = audit::event_by_user(&state, &user, entry, None).await;
            let submitted = drafts::submit_on(&mut held, submitting, event).await?;
            if submitted.is_none() {
                return writing.conflict_on(&mut held).await;
            }
            submitted
        }
    };
    match submitted {
        Some(snapshot) => {
            state
                .references
                .submitted(&state, form, writing.collection.id, writing.organisation_id)
                .await?;
            let explained = explanations > 0;
            writing.noted(
                &state,
                oko_db::monitoring::DraftWriteKind::Submitted { explained },
            );
            Ok(HttpResponse::Ok().json(receipt_of(snapshot, user.login().to_owned())))
        }
        None => writing.conflict(writing.current(&state).await?),
    }
}

/// A protocol's submission with its students' results, in one transaction.
async fn submit_protocol(
    state: &AppState,
    submitting: drafts::Submitting<'_>,
    work: uuid::Uuid,
    data: &FormData,
) -> Result<Option<oko_db::entities::submission::Model>, ApiError> {
    let work = oko_db::analytics::work(&state.db, work).await?;
    let students = work
        .as_ref()
        .map(|w| oko_domain::analytics::protocol::students(&w.definition, data))
        .unwrap_or_default();
    let protocol = work.as_ref().map(|w| drafts::ProtocolResults {
        work_id: w.row.id,
        work: &w.definition,
        students: &students,
    });
    Ok(drafts::submit(&state.db, submitting, protocol).await?)
}

/// The organisation's submissions, newest first (the first is what counts).
/// Coordinators and the operator name the organisation with `?organisation=<login>`.
#[utoipa::path(
    tag = "collections",
    operation_id = "list_submissions",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), OrganisationParam),
    responses((status = 200, description = "Newest first", body = SubmissionHistory), Unauthenticated, NotFound)
)]
#[get("/collections/{id}/submissions")]
pub async fn list_submissions(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<OrganisationParam>,
) -> Result<web::Json<SubmissionHistory>, ApiError> {
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let organisation =
        target_organisation(&state, &user, &found, params.organisation.as_deref(), now).await?;
    let items = collections::submissions(&state.db, found.id, organisation.id)
        .await?
        .into_iter()
        .map(|(row, login)| receipt_of(row, login))
        .collect();
    let returns = oko_db::monitoring::returns(&state.db, found.id, organisation.id).await?;
    Ok(web::Json(SubmissionHistory { items, returns }))
}

/// A stored submission as the API shows it; `login` submitted it.
fn receipt_of(row: submission::Model, login: String) -> SubmissionReceipt {
    SubmissionReceipt {
        id: row.id,
        submitted_at: row.submitted_at,
        submitted_by: login,
        draft_version: row.draft_version,
        message: filled_in_ru(row.submitted_at),
    }
}
