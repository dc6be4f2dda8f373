//! Monitoring a collection (coordinators and the operator, over their own scope):
//! the counts by status, «Список участников», and returns for revision.

use std::sync::Arc;

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use oko_db::{
    collections,
    entities::collection as collection_entity,
    monitoring,
    notifications::{self, Notice},
    roster::Roster,
};
use oko_domain::{
    api::Problem,
    audit::AuditAction,
    collections::CollectionState,
    error_code::ErrorCode,
    monitoring::{CollectionStats, ParticipantPage, ParticipantQuery, ReturnNote, ReturnRequest},
    notifications::NotificationKind,
};
use uuid::Uuid;

use super::{seen_collection, target_organisation};
use crate::{
    audit,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::{reach_of, require_coordinator},
        common_responses::{NotFound, Unauthenticated},
    },
    startup::AppState,
};

/// What a monitoring request reads: the roster (the rows borrow it) and the
/// collection's state and drafts' dates.
pub(super) struct Scope {
    roster: Arc<Roster>,
    pub reached: Arc<monitoring::ReachedScope>,
    dates: Arc<monitoring::CachedDates>,
    pub state: CollectionState,
}

impl Scope {
    pub async fn load(
        state: &web::Data<AppState>,
        user: &Authenticated,
        collection: &collection_entity::Model,
        now: DateTime<Utc>,
    ) -> Result<Scope, ApiError> {
        let roster = state.roster.get(&state.db).await?;
        let board = state.board.get(&state.db).await?;
        let reached = state
            .reached
            .get(&roster, &board, reach_of(user), collection, now);
        let dates = state.draft_dates.get(&state.db, collection.id).await?;
        if dates.claim_refresh() {
            let (state, dates) = (state.clone(), dates.clone());
            actix_web::rt::spawn(async move {
                if let Err(error) = state.draft_dates.refresh(&state.db, &dates).await {
                    tracing::warn!(%error, "could not read drafts' dates again");
                }
            });
        }
        Ok(Scope {
            dates,
            state: collections::state_of(collection, now),
            roster,
            reached,
        })
    }

    pub fn rows(&self) -> Vec<monitoring::ScopeRow<'_>> {
        let dates = self.dates.dates.read().unwrap_or_else(|p| p.into_inner());
        monitoring::scope_rows(&self.roster, &self.reached.positions, &dates, self.state)
    }

    fn statistics(&self, rows: &[monitoring::ScopeRow<'_>]) -> CollectionStats {
        CollectionStats::count(self.state, rows.iter().map(|r| r.status))
    }
}

/// The counts by status over the caller's scope: while open «Всего», «Не
/// приступило», «В работе», «Сдано»; once closed «Всего», «Сдано», «Не сдано», «Не
/// приступило».
#[utoipa::path(
    tag = "monitoring",
    operation_id = "collection_statistics",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    responses(
        (status = 200, description = "Counts over the caller's scope", body = CollectionStats),
        (status = 403, description = "Organisations do not monitor", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[get("/collections/{id}/statistics")]
pub async fn collection_statistics(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<CollectionStats>, ApiError> {
    require_coordinator(&user)?;
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let scope = Scope::load(&state, &user, &found, now).await?;
    Ok(web::Json(scope.statistics(&scope.rows())))
}

/// «Список участников»: every organisation of the caller's scope the collection
/// reaches, with its status, «Дата начала работы» and «Дата подачи»; by default
/// those who started first, then those who did not. Filter by status, municipality
/// and login or name; sort; page.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "list_participants",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), ParticipantQuery),
    responses(
        (status = 200, description = "A page of participants and the scope's counts", body = ParticipantPage),
        (status = 403, description = "Organisations do not monitor", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[get("/collections/{id}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    query: web::Query<ParticipantQuery>,
) -> Result<web::Json<ParticipantPage>, ApiError> {
    require_coordinator(&user)?;
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let scope = Scope::load(&state, &user, &found, now).await?;
    let all = scope.rows();
    let statistics = scope.statistics(&all);
    let municipalities = scope.reached.municipalities.clone();
    let (rows, total) = query.select(all);
    let items = rows.iter().map(monitoring::ScopeRow::participant).collect();
    let (page, per_page) = query.paging();
    Ok(web::Json(ParticipantPage {
        statistics,
        items,
        total,
        page,
        per_page,
        municipalities,
    }))
}

/// Returns an organisation's submission for revision with a comment: its status is
/// «В работе» again (with «Возвращено на доработку» and the comment) until it
/// submits again; the return stays in its history.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "return_submission",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = ReturnRequest,
    responses(
        (status = 201, description = "Returned", body = ReturnNote),
        (status = 403, description = "Organisations do not return submissions", body = Problem, content_type = "application/problem+json"),
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
    require_coordinator(&user)?;
    ApiError::unless_valid(body.problems())?;
    let now = Utc::now();
    let found = seen_collection(&state, &user, id.into_inner(), now).await?;
    let organisation =
        target_organisation(&state, &user, &found, Some(&body.organisation), now).await?;
    let principal = &user.0.principal;
    let returned = monitoring::return_for_revision(
        &state.db,
        monitoring::ReturnFor {
            collection_id: found.id,
            organisation_id: organisation.id,
            user_id: principal.user_id,
            login: &principal.login,
            comment: body.comment.trim(),
            now,
        },
    )
    .await?;
    match returned {
        Some(note) => {
            crate::metrics::draft_written(monitoring::DraftWriteKind::Returned);
            state.draft_dates.note(
                found.id,
                organisation.id,
                monitoring::DraftWriteKind::Returned,
                note.returned_at,
            );
            tell_returned(&state, &found, organisation.id, &note).await;
            let entry = audit::Entry {
                action: AuditAction::Returned,
                target: &organisation.login,
                detail: &note.comment,
            };
            audit::by_user(&state, &user, entry, None).await;
            Ok(HttpResponse::Created().json(note))
        }
        None => Err(ApiError::new(
            ErrorCode::Conflict,
            format!(
                "Организация {} еще не сдала форму (или она уже возвращена): возвращать нечего",
                organisation.login
            ),
        )),
    }
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
