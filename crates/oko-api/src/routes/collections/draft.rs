//! `GET` and `PATCH /api/collections/{id}/draft`: an organisation's working copy,
//! saved cell by cell by autosave with optimistic versions.

use actix_web::{HttpResponse, get, patch, web};
use oko_domain::{
    api::Problem,
    collections::{Draft, DraftConflict, DraftPatch, DraftSaved, cell_problems},
};
use uuid::Uuid;

use super::{
    NextDraft, OrganisationParam, attachments::saved_files, blank_with, open_for_writing,
    org_facts, read_draft,
};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// The organisation's draft with every error it has now (version 0 and the blank
/// form while nothing is saved). Coordinators and the operator read an
/// organisation's draft with `?organisation=<login>`.
#[utoipa::path(
    tag = "collections",
    operation_id = "get_draft",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), OrganisationParam),
    responses((status = 200, description = "The draft", body = Draft), Unauthenticated, NotFound)
)]
#[get("/collections/{id}/draft")]
pub async fn get_draft(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<OrganisationParam>,
) -> Result<web::Json<Draft>, ApiError> {
    let read = read_draft(&state, &user, id.into_inner(), &params).await?;
    Ok(web::Json(read.draft))
}

/// Autosave: apply a batch of cell changes made on draft `version`. Answers the
/// new version and every error of the whole draft (errors never block a save). A
/// batch whose `change_id` was already applied is not applied again. A stale
/// `version` answers 409 with the current draft to merge with.
#[utoipa::path(
    tag = "collections",
    operation_id = "save_draft",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = DraftPatch,
    responses(
        (status = 200, description = "Saved", body = DraftSaved),
        (status = 403, description = "Not an organisation, or the collection is closed", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Сбор данных закрыт", "status": 403, "code": "collection_closed",
                "detail": "Сбор данных закрыт (30 августа 2021, 20:41 - 7 сентября 2021, 18:00): изменения не сохраняются"})),
        (status = 409, description = "Saved elsewhere first: the current draft", body = DraftConflict,
            content_type = "application/problem+json"),
        (status = 422, description = "A change the form does not allow (unknown sheet or column, locked cell, row out of bounds); nothing is saved",
            body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «РАБОТЫ НА БЛАНКЕ», строка 2, столбец «nope»: На листе «РАБОТЫ НА БЛАНКЕ» нет столбца «nope»",
                "errors": [{"sheet": "РАБОТЫ НА БЛАНКЕ", "row": 2, "column": "nope", "code": "unknown",
                    "message": "Лист «РАБОТЫ НА БЛАНКЕ», строка 2, столбец «nope»: На листе «РАБОТЫ НА БЛАНКЕ» нет столбца «nope»"}]})),
        Unauthenticated, NotFound,
    )
)]
#[patch("/collections/{id}/draft")]
pub async fn save_draft(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<DraftPatch>,
) -> Result<HttpResponse, ApiError> {
    let writing = open_for_writing(&state, &user, id.into_inner()).await?;
    let (form, now) = (&writing.form, writing.now);
    let (held, mut current) = writing.open_draft(&state).await?;
    if let Some(saved) = current
        .as_ref()
        .filter(|d| d.already_applied(&body.change_id))
    {
        return Ok(HttpResponse::Ok().json(DraftSaved {
            version: saved.standing.version,
            saved_at: saved.standing.updated_at,
            errors: writing.errors(&saved.data),
        }));
    }
    if body.version != current.as_ref().map_or(0, |d| d.standing.version) {
        return writing.conflict(current);
    }
    let mut data = match current.as_mut() {
        Some(saved) => saved.take_data(),
        // A first save starts from the blank draft the organisation was shown.
        None => {
            let facts = org_facts(
                &state,
                form,
                &writing.collection,
                writing.organisation_id,
                true,
            )
            .await?;
            blank_with(form, facts.as_ref())
        }
    };
    let known_files = saved_files(form, &data);
    data.apply(form, &body.changes)
        .map_err(|e| ApiError::validation(cell_problems(form, &[e])))?;
    let next = NextDraft {
        over: current.as_ref(),
        data,
        known_files,
        change_id: Some(&body.change_id),
    };
    let written = match writing.write(&state, held, next, user.user_id()).await? {
        Ok(written) => written,
        Err(conflict) => return Ok(conflict),
    };
    Ok(HttpResponse::Ok().json(DraftSaved {
        version: written.standing.version,
        saved_at: now,
        errors: writing.errors(&written.data),
    }))
}
