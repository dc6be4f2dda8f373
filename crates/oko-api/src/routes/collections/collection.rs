//! A publication's data-collection block: the operator attaches a form version and
//! a window, closes early or reopens; everyone who sees the publication reads it.

use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use oko_db::{collections, entities::collection, forms, reach::Reach};
use oko_domain::{
    api::{FieldError, Problem},
    collections::{CollectionInput, CollectionView, StateInput},
    error_code::ErrorCode,
    forms::FormDefinition,
};
use uuid::Uuid;

use super::{collection_not_found, progress_of, seen_collection, view_of};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        publications::get::publication_not_found,
    },
    state::AppState,
};

/// Attach a data collection to a publication, or change its form version and
/// window (operator). The audience is the publication's. The form version cannot
/// change once an organisation has saved a draft.
#[utoipa::path(
    tag = "collections",
    operation_id = "save_collection",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    request_body = CollectionInput,
    responses(
        (status = 200, description = "Saved", body = CollectionView),
        (status = 409, description = "Organisations already fill the pinned version", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409,
                "code": "conflict", "detail": "Форму нельзя заменить: организации уже начали ее заполнять"})),
        (status = 422, description = "Window inverted or no such form version", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Сбор должен закрываться позже, чем открывается",
                "errors": [{"field": "closes_at", "code": "window_inverted", "message": "Сбор должен закрываться позже, чем открывается"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[put("/publications/{id}/collection")]
pub async fn save_collection(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<CollectionInput>,
) -> Result<web::Json<CollectionView>, ApiError> {
    require_operator(&user)?;
    let publication_id = id.into_inner();
    let now = Utc::now();
    let board = state.board.get(&state.db).await?;
    board
        .find_visible(publication_id, user.reach(), now)
        .ok_or_else(publication_not_found)?;
    let mut problems = body.problems();
    if forms::version(&state.db, body.form_version_id)
        .await?
        .is_none()
    {
        problems.push(FieldError::about_field(
            "form_version_id",
            "not_found",
            "Нет такой версии формы",
        ));
    }
    ApiError::unless_valid(problems)?;
    if let Some(existing) = collections::of_publication(&state.db, publication_id).await?
        && existing.form_version_id != body.form_version_id
        && collections::has_drafts(&state.db, existing.id).await?
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "Форму нельзя заменить: организации уже начали ее заполнять",
        ));
    }
    let saved =
        collections::save(&state.db, &state.collections, publication_id, &body, now).await?;
    answer(&state, &user, saved, now).await
}

/// The data-collection block of a publication, with the caller's organisation's
/// progress (status, first and last save, last submission).
#[utoipa::path(
    tag = "collections",
    operation_id = "get_publication_collection",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Publication id")),
    responses((status = 200, description = "The block", body = CollectionView), Unauthenticated, NotFound)
)]
#[get("/publications/{id}/collection")]
pub async fn get_publication_collection(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<CollectionView>, ApiError> {
    let now = Utc::now();
    let publication_id = id.into_inner();
    let board = state.board.get(&state.db).await?;
    board
        .find_visible(publication_id, user.reach(), now)
        .ok_or_else(publication_not_found)?;
    let found = collections::of_publication(&state.db, publication_id)
        .await?
        .ok_or_else(collection_not_found)?;
    answer(&state, &user, found, now).await
}

/// A data collection by id, with the caller's organisation's progress.
#[utoipa::path(
    tag = "collections",
    operation_id = "get_collection",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    responses((status = 200, description = "The block", body = CollectionView), Unauthenticated, NotFound)
)]
#[get("/collections/{id}")]
pub async fn get_collection(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<CollectionView>, ApiError> {
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    answer(&state, &user, found, now).await
}

/// Close a collection early, reopen it, or return it to its window (operator).
#[utoipa::path(
    tag = "collections",
    operation_id = "set_collection_state",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = StateInput,
    responses((status = 200, description = "Saved", body = CollectionView), Unauthenticated, OperatorOnly, NotFound)
)]
#[put("/collections/{id}/state")]
pub async fn set_collection_state(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<StateInput>,
) -> Result<web::Json<CollectionView>, ApiError> {
    require_operator(&user)?;
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let saved = collections::set_state(&state.db, &state.collections, found, body.state).await?;
    answer(&state, &user, saved, now).await
}

/// The form definition the collection pins (what the editor draws).
#[utoipa::path(
    tag = "collections",
    operation_id = "get_collection_form",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    responses((status = 200, description = "The pinned definition", body = FormDefinition), Unauthenticated, NotFound)
)]
#[get("/collections/{id}/form")]
pub async fn get_collection_form(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<FormDefinition>, ApiError> {
    let found = seen_collection(&state, &user, id.into_inner(), Utc::now()).await?;
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    Ok(web::Json((*form).clone()))
}

async fn answer(
    state: &AppState,
    user: &Authenticated,
    found: collection::Model,
    now: DateTime<Utc>,
) -> Result<web::Json<CollectionView>, ApiError> {
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let progress = match user.reach() {
        Reach::Organisation { id, .. } => {
            let draft = oko_db::drafts::standing(&state.db, found.id, *id).await?;
            Some(progress_of(&found, draft.as_ref(), now))
        }
        _ => None,
    };
    Ok(web::Json(view_of(&found, &form, progress, now)))
}

/// `?state=open` lists open collections only.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct CollectionFilter {
    /// `open` for open collections only; all by default.
    pub state: Option<oko_domain::collections::CollectionState>,
}

/// The collections of every publication the caller sees, newest window first
/// (what the group report is picked from).
#[utoipa::path(
    tag = "collections",
    operation_id = "list_collections",
    security(("bearer" = [])),
    params(CollectionFilter),
    responses((status = 200, description = "Newest window first", body = oko_domain::collections::CollectionList), Unauthenticated)
)]
#[get("/collections")]
pub async fn list_collections(
    state: web::Data<AppState>,
    user: Authenticated,
    filter: web::Query<CollectionFilter>,
) -> Result<web::Json<oko_domain::collections::CollectionList>, ApiError> {
    let now = Utc::now();
    let board = state.board.get(&state.db).await?;
    let mut items = Vec::new();
    for found in collections::all(&state.db).await? {
        let Some(entry) = board.find_visible(found.publication_id, user.reach(), now) else {
            continue;
        };
        let current = found.state(now);
        if filter.state.is_some_and(|wanted| wanted != current) {
            continue;
        }
        let form = state.forms.get(&state.db, found.form_version_id).await?;
        items.push(oko_domain::collections::CollectionSummary {
            id: found.id,
            publication_id: found.publication_id,
            publication_title: entry.title.clone(),
            form_title: form.title.clone(),
            state: current,
            state_title: current.title_ru().to_owned(),
            window: oko_domain::collections::window_ru(found.opens_at, found.closes_at),
        });
    }
    Ok(web::Json(oko_domain::collections::CollectionList { items }))
}
