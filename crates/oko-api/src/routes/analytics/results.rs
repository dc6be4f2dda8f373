//! How results arrive: the work's electronic protocol as a data-collection block of
//! a publication (each organisation's submission becomes its results, see
//! `collections::submit`), or the operator's bulk upload of many organisations at
//! once — all or nothing, every problem placed by sheet, row and column.

use std::collections::HashMap;

use actix_web::{HttpResponse, post, web};
use chrono::Utc;
use oko_db::{collections, forms};
use oko_domain::{
    analytics::{
        api::{ProtocolInput, ProtocolView, ResultsImported},
        protocol,
    },
    api::{FieldError, Problem},
    collections::CollectionInput,
    error_code::ErrorCode,
};
use uuid::Uuid;

use super::find_work;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
        uploads::read_uploaded,
    },
    state::AppState,
};

/// Put the work's electronic protocol into a publication as its data-collection
/// block (operator): a form with one row per student — code, class, variant,
/// points per task (0 to the task's maximum), journal mark — open in the given
/// window. Each organisation's submission replaces its results in the reports.
#[utoipa::path(
    tag = "analytics",
    operation_id = "create_protocol",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Work id")),
    request_body = ProtocolInput,
    responses(
        (status = 201, description = "The protocol's form and collection", body = ProtocolView),
        (status = 409, description = "The publication already has a data-collection block", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409,
                "code": "conflict", "detail": "В публикации уже есть сбор данных"})),
        (status = 422, description = "The window closes before it opens", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Сбор должен закрываться позже, чем открывается",
                "errors": [{"field": "closes_at", "code": "window_inverted", "message": "Сбор должен закрываться позже, чем открывается"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/assessment-works/{id}/protocol")]
pub async fn create_protocol(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ProtocolInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let work = find_work(&state, id.into_inner()).await?;
    let now = Utc::now();
    let board = state.board.get(&state.db).await?;
    board
        .find_visible(body.publication_id, user.reach(), now)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Публикация не найдена"))?;
    if collections::of_publication(&state.db, body.publication_id)
        .await?
        .is_some()
    {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "В публикации уже есть сбор данных",
        ));
    }
    let mut input = CollectionInput {
        form_version_id: Uuid::nil(),
        opens_at: body.opens_at,
        closes_at: body.closes_at,
        reminder_hours: oko_domain::collections::default_reminder_hours(),
        acceptance_levels: Default::default(),
    };
    ApiError::unless_valid(input.problems())?;
    let form = forms::create(&state.db, &protocol::protocol_form(&work.definition), now).await?;
    input.form_version_id = form.id;
    let cache = &state.collections;
    let collection = collections::save(&state.db, cache, body.publication_id, &input, now).await?;
    oko_db::analytics::link_protocol(&state.db, cache, collection.id, work.row.id).await?;
    Ok(HttpResponse::Created().json(ProtocolView {
        collection_id: collection.id,
        form_id: form.form_id,
        form_version_id: form.id,
    }))
}

/// Upload results of many organisations at once (operator): an `.xlsx` or CSV with
/// «Логин ОО», «Код участника», «Класс», «Вариант», one column per task
/// («Задание 1 (макс. 1)» …) and «Отметка по журналу». Each listed organisation's
/// results are replaced; nothing is stored while any cell is wrong (points above
/// a task's maximum, an unknown login, a repeated code).
#[utoipa::path(
    tag = "analytics",
    operation_id = "import_results",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Work id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The `.xlsx` or CSV file's bytes"),
    responses(
        (status = 200, description = "Stored", body = ResultsImported),
        (status = 422, description = "Mistakes, each with its row and column; nothing stored", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «Протокол», строка 4, столбец «Задание 2 (макс. 2)»: Число должно быть не больше 2",
                "errors": [{"sheet": "Протокол", "row": 4, "column": "Задание 2 (макс. 2)", "code": "out_of_range",
                    "message": "Лист «Протокол», строка 4, столбец «Задание 2 (макс. 2)»: Число должно быть не больше 2"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/assessment-works/{id}/results/import")]
pub async fn import_results(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let work = find_work(&state, id.into_inner()).await?;
    let read = read_uploaded(&state, body, protocol::bulk_form(&work.definition)).await?;
    let data = &read.data;
    let by_login = protocol::students_by_login(&work.definition, data);
    let roster = state.roster.get(&state.db).await?;
    let ids: HashMap<&str, Uuid> = roster
        .entries
        .iter()
        .map(|e| (e.login.as_str(), e.id))
        .collect();
    let unknown: Vec<FieldError> = data
        .rows(protocol::SHEET)
        .iter()
        .enumerate()
        .filter_map(|(at, row)| {
            let login = row.get(protocol::LOGIN)?.trim().to_lowercase();
            (!ids.contains_key(login.as_str())).then(|| {
                FieldError::in_sheet(
                    "Протокол",
                    read.file_row(protocol::SHEET, at),
                    Some("Логин ОО"),
                    "unknown_login",
                    &format!("Нет организации с логином «{login}»"),
                )
            })
        })
        .collect();
    ApiError::unless_valid(unknown)?;
    let students = by_login.values().map(Vec::len).sum();
    let organisations: Vec<_> = by_login
        .into_iter()
        .map(|(login, students)| (ids[login.as_str()], students))
        .collect();
    oko_db::analytics::replace_results(
        &state.db,
        work.row.id,
        &work.definition,
        &organisations,
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Ok().json(ResultsImported {
        organisations: organisations.len(),
        students,
    }))
}
