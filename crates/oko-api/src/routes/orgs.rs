//! `GET /api/orgs`.

use actix_web::{get, web};
use oko_db::orgs::OrgQuery;
use oko_domain::api::{OrgPage, Problem};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{common_responses::Unauthenticated, paging::Paging};
use crate::{auth::extractor::Authenticated, error::ApiError, state::AppState};

/// Paging and search for organisation lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListOrgsParams {
    /// 1-based page number (default 1).
    #[param(minimum = 1, example = 1)]
    page: Option<u64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    per_page: Option<u64>,
    /// Part of the login or the name, any case («школа № 12», `sch24`).
    #[param(example = "гимназия")]
    search: Option<String>,
}

/// Organisations the user may see, ordered by login.
///
/// The operator sees the whole country, a regional coordinator its region, a
/// municipal coordinator its municipality, an organisation itself.
#[utoipa::path(
    tag = "orgs",
    operation_id = "list_orgs",
    security(("bearer" = [])),
    params(ListOrgsParams),
    responses(
        (status = 200, description = "A page of organisations", body = OrgPage, example = json!({
            "items": [{"id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "login": "sch240001", "code": "0001",
                "name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
                "short_name": "МБОУ СОШ № 1", "kind": "school",
                "region": {"code": "24", "name": "Красноярский край"},
                "municipality": {"id": "5f0e8a1c-1d2b-4c3d-8e4f-5a6b7c8d9e0f", "name": "г. Красноярск"}}],
            "total": 1, "page": 1, "per_page": 50})),
        (status = 400, description = "Bad paging parameter", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный параметр", "status": 400, "code": "invalid_parameter",
                "detail": "Параметр «per_page»: должно быть от 1 до 200",
                "errors": [{"field": "per_page", "code": "invalid_value", "message": "должно быть от 1 до 200"}]})),
        Unauthenticated,
    )
)]
#[get("/orgs")]
#[tracing::instrument(skip_all)]
pub async fn list_orgs(
    state: web::Data<AppState>,
    user: Authenticated,
    params: web::Query<ListOrgsParams>,
) -> Result<web::Json<OrgPage>, ApiError> {
    let params = params.into_inner();
    let (page, per_page) = Paging::new(params.page, params.per_page).checked()?;
    let query = OrgQuery {
        search: params.search,
        page,
        per_page,
    };
    let (items, total) = oko_db::orgs::list(&state.db, user.principal().scope, &query).await?;
    Ok(web::Json(OrgPage {
        items,
        total,
        page,
        per_page,
    }))
}
