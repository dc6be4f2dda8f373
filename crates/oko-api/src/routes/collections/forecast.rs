//! «Ход сбора и прогноз»: the collection's completion curve over the caller's
//! scope and, at each municipality's rate of the last hours, the share it will
//! have submitted by the deadline, the laggards first.

use actix_web::{get, web};
use oko_domain::{
    api::Problem,
    forecast::{Entry, Forecast, forecast},
};
use uuid::Uuid;

use super::monitoring::Monitored;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// The completion curve and each municipality's forecast over the caller's
/// scope (the submission that counts: a returned form is not submitted).
#[utoipa::path(
    tag = "monitoring",
    operation_id = "collection_forecast",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    responses(
        (status = 200, description = "The curve and the forecast", body = Forecast),
        (status = 403, description = "Organisations do not monitor", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[get("/collections/{id}/forecast")]
pub async fn collection_forecast(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<Forecast>, ApiError> {
    let Monitored {
        collection: found,
        scope,
        now,
    } = Monitored::load(&state, &user, id.into_inner()).await?;
    let rows = scope.rows();
    let entries = rows.iter().map(|row| Entry {
        municipality_id: row.organisation.municipality_id,
        municipality: &row.organisation.municipality,
        submitted_at: row
            .dates
            .filter(|d| d.submitted())
            .and_then(|d| d.last_submitted_at),
    });
    Ok(web::Json(forecast(
        entries,
        found.opens_at,
        found.closes_at,
        now,
    )))
}
