//! Comments on cells and what changed (issue #25): the comments a return left
//! on an organisation's cells, the organisation's answers, and what its latest
//! submission changed against the one before.

use actix_web::{get, post, web};
use chrono::Utc;
use oko_db::{
    comments::{self, Commenting},
    entities::cell_comment,
};
use oko_domain::{
    api::Problem,
    comments::{
        CellComment, CommentAnswer, CommentList, SubmissionChanges, changed_cells, place_of,
    },
    error_code::ErrorCode,
    forms::{FormData, FormDefinition},
};
use uuid::Uuid;

use super::{OrganisationParam, seen_collection, target_organisation, writing_organisation};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// A stored comment as the API shows it.
fn comment_of(form: &FormDefinition, row: cell_comment::Model) -> CellComment {
    let cell_row = row.row.max(0) as u32;
    CellComment {
        id: row.id,
        place: place_of(form, &row.sheet, cell_row, &row.column),
        sheet: row.sheet,
        row: cell_row,
        column: row.column,
        comment: row.comment,
        author: row.author,
        created_at: row.created_at,
        answer: row.answer,
        answered_at: row.answered_at,
        open: row.closed_at.is_none(),
    }
}

/// The comments returns left on the organisation's cells, open ones first;
/// coordinators and the operator name the organisation with `?organisation=`.
#[utoipa::path(
    tag = "collections",
    operation_id = "list_cell_comments",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), OrganisationParam),
    responses((status = 200, description = "Open ones first", body = CommentList), Unauthenticated, NotFound)
)]
#[get("/collections/{id}/comments")]
pub async fn list_cell_comments(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<OrganisationParam>,
) -> Result<web::Json<CommentList>, ApiError> {
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let organisation =
        target_organisation(&state, &user, &found, params.organisation.as_deref(), now).await?;
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let items = comments::of(&state.db, found.id, organisation.id)
        .await?
        .into_iter()
        .map(|row| comment_of(&form, row))
        .collect();
    Ok(web::Json(CommentList { items }))
}

/// The organisation answers a coordinator's comment on one of its cells (each
/// answer replaces the one before, until the form is accepted).
#[utoipa::path(
    tag = "collections",
    operation_id = "answer_cell_comment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), ("comment" = Uuid, Path, description = "Comment id")),
    request_body = CommentAnswer,
    responses(
        (status = 200, description = "Answered", body = CellComment),
        (status = 403, description = "Only the organisation answers", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The comment is closed: the form was accepted", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Конфликт", "status": 409, "code": "conflict",
                "detail": "Комментарий закрыт: форма принята"})),
        (status = 422, description = "No answer, or too long", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/comments/{comment}/answer")]
pub async fn answer_cell_comment(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    body: web::Json<CommentAnswer>,
) -> Result<web::Json<CellComment>, ApiError> {
    let organisation = writing_organisation(&user)?;
    ApiError::unless_valid(body.problems())?;
    let (id, comment) = path.into_inner();
    let now = Utc::now();
    let found = seen_collection(&state, &user, id, now).await?;
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let by = Commenting {
        collection_id: found.id,
        organisation_id: organisation,
        author: user.login(),
        now,
    };
    match comments::answer(&state.db, &by, comment, body.answer.trim()).await? {
        Some(answered) => Ok(web::Json(comment_of(&form, answered))),
        None => {
            let own = comments::of(&state.db, found.id, organisation).await?;
            Err(if own.iter().any(|c| c.id == comment) {
                ApiError::new(ErrorCode::Conflict, "Комментарий закрыт: форма принята")
            } else {
                ApiError::new(ErrorCode::NotFound, "Комментарий не найден")
            })
        }
    }
}

/// What the organisation's latest submission changed against the one before
/// it, cell by cell, and how long the fix took after the return between them.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "submission_changes",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), OrganisationParam),
    responses((status = 200, description = "The changed cells with their values before and after", body = SubmissionChanges), Unauthenticated, NotFound)
)]
#[get("/collections/{id}/changes")]
pub async fn submission_changes(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<OrganisationParam>,
) -> Result<web::Json<SubmissionChanges>, ApiError> {
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let organisation =
        target_organisation(&state, &user, &found, params.organisation.as_deref(), now).await?;
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let submitted = oko_db::collections::submissions(&state.db, found.id, organisation.id).await?;
    let data = |row: &oko_db::entities::submission::Model| -> Result<FormData, ApiError> {
        Ok(row.form_data()?)
    };
    let (latest, previous) = (submitted.first(), submitted.get(1));
    let cells = match (latest, previous) {
        (Some((latest, _)), Some((previous, _))) => {
            changed_cells(&form, &data(previous)?, &data(latest)?)
        }
        _ => Vec::new(),
    };
    let returned_at = match (latest, previous) {
        (Some((latest, _)), Some((previous, _))) => {
            oko_db::monitoring::returns(&state.db, found.id, organisation.id)
                .await?
                .into_iter()
                .map(|r| r.returned_at)
                .find(|at| *at > previous.submitted_at && *at < latest.submitted_at)
        }
        _ => None,
    };
    Ok(web::Json(SubmissionChanges::new(
        latest.map(|(row, _)| row.submitted_at),
        previous.map(|(row, _)| row.submitted_at),
        returned_at,
        cells,
    )))
}
