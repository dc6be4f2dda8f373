//! `GET /api/publications`.

use actix_web::{get, web};
use chrono::Utc;
use oko_db::publications::PublicationQuery;
use oko_domain::{api::Problem, publications::PublicationPage};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{common_responses::Unauthenticated, paging::Paging},
    state::AppState,
};

/// Filters of the publication list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListPublicationsParams {
    /// Only this section.
    section_id: Option<Uuid>,
    /// Part of the title, any case («сбор» finds «Сбор данных …»).
    #[param(example = "сбор")]
    search: Option<String>,
    /// Only publications the user starred («Избранные публикации»).
    #[serde(default)]
    starred: bool,
    /// Only news («Показать новости»).
    #[serde(default)]
    news: bool,
    /// 1-based page number (default 1).
    #[param(minimum = 1, example = 1)]
    page: Option<u64>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 20)]
    per_page: Option<u64>,
}

/// Publications the user may see, newest first (collapsed: no bodies).
#[utoipa::path(
    tag = "publications",
    operation_id = "list_publications",
    security(("bearer" = [])),
    params(ListPublicationsParams),
    responses(
        (status = 200, description = "A page of publications", body = PublicationPage),
        (status = 400, description = "Bad paging parameter", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный параметр", "status": 400, "code": "invalid_parameter",
                "detail": "Параметр «per_page»: должно быть от 1 до 200",
                "errors": [{"field": "per_page", "code": "invalid_value", "message": "должно быть от 1 до 200"}]})),
        Unauthenticated,
    )
)]
#[get("/publications")]
#[tracing::instrument(skip_all)]
pub async fn list_publications(
    state: web::Data<AppState>,
    user: Authenticated,
    params: web::Query<ListPublicationsParams>,
) -> Result<web::Json<PublicationPage>, ApiError> {
    let params = params.into_inner();
    let (page, per_page) = Paging::new(params.page, params.per_page).checked()?;
    let reach = user.reach();
    let query = PublicationQuery {
        section_id: params.section_id,
        search: params.search,
        starred_only: params.starred,
        news_only: params.news,
        page,
        per_page,
    };
    let (items, total) = oko_db::publications::list(
        &state.db,
        &*state.board.get(&state.db).await?,
        reach,
        user.user_id(),
        &query,
        Utc::now(),
    )
    .await?;
    Ok(web::Json(PublicationPage {
        items,
        total,
        page,
        per_page,
    }))
}
