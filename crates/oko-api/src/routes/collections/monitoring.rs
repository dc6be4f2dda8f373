//! Monitoring a collection (coordinators and the operator, over their own scope):
//! the counts by status and «Список участников» (decisions on submissions are in
//! `decisions`).

use oko_db::sync::Shared;
use std::sync::Arc;

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use oko_db::{entities::collection as collection_entity, monitoring, roster::Roster};
use oko_domain::{
    api::{FieldError, Problem},
    collections::CollectionState,
    monitoring::{CollectionStats, MunicipalityOption, ParticipantPage, ParticipantQuery},
};
use uuid::Uuid;

use super::seen_collection;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_coordinator,
        common_responses::{NotFound, Unauthenticated},
    },
    state::AppState,
};

/// What every monitoring request starts from: the caller is a coordinator (or
/// the operator), sees collection `id`, and has a scope in it.
pub(super) struct Monitored {
    pub collection: collection_entity::Model,
    pub scope: Scope,
    pub now: DateTime<Utc>,
}

impl Monitored {
    pub async fn load(
        state: &web::Data<AppState>,
        user: &Authenticated,
        id: Uuid,
    ) -> Result<Monitored, ApiError> {
        require_coordinator(user)?;
        let now = Utc::now();
        let collection = seen_collection(state, user, id, now).await?;
        let scope = Scope::load(state, user, &collection, now).await?;
        Ok(Monitored {
            collection,
            scope,
            now,
        })
    }
}

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
            .get(&roster, &board, user.reach(), collection, now);
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
            state: collection.state(now),
            roster,
            reached,
        })
    }

    pub fn rows(&self) -> Vec<monitoring::ScopeRow<'_>> {
        let dates = self.dates.dates.reading();
        monitoring::scope_rows(&self.roster, &self.reached.positions, &dates, self.state)
    }

    /// Municipality `id` of the scope, or 422 naming `municipality`.
    pub fn municipality(&self, id: Uuid) -> Result<MunicipalityOption, ApiError> {
        self.reached
            .municipalities
            .iter()
            .find(|m| m.id == id)
            .cloned()
            .ok_or_else(|| {
                ApiError::validation(vec![FieldError::about_field(
                    "municipality",
                    "out_of_scope",
                    "Этот муниципалитет не на вашей территории",
                )])
            })
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
    let Monitored { scope, .. } = Monitored::load(&state, &user, id.into_inner()).await?;
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
    let Monitored { scope, .. } = Monitored::load(&state, &user, id.into_inner()).await?;
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
