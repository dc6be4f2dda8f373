//! «Журнал событий»: the audit log for the operator (all of it) and coordinators
//! (their territory), filtered by action, login and time, and as a CSV export.

use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, Utc};
use oko_db::audit::{Filter, all, page};
use oko_domain::{
    api::Problem,
    audit::{AuditAction, AuditPage},
    moscow_time::short_date_time,
};
use serde::Deserialize;

use super::{
    access::require_coordinator, common_responses::Unauthenticated, paging::Paging,
    storages::attachment,
};
use crate::{auth::extractor::Authenticated, error::ApiError, state::AppState};

/// Most events one export holds.
const EXPORT_LIMIT: u64 = 100_000;

/// Which events.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// One action (`login_failed`, `password_reset`, …).
    action: Option<String>,
    /// Events by or about this login.
    login: Option<String>,
    /// From this moment (ISO 8601, UTC).
    from: Option<DateTime<Utc>>,
    /// Before this moment.
    to: Option<DateTime<Utc>>,
    page: Option<u64>,
    per_page: Option<u64>,
}

impl AuditQuery {
    fn filter(&self) -> Result<Filter, ApiError> {
        let action = match self.action.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(text) => Some(
                AuditAction::parse(text)
                    .ok_or_else(|| ApiError::invalid_parameter("action", "неизвестное действие"))?,
            ),
        };
        Ok(Filter {
            action,
            login: self.login.clone().filter(|l| !l.trim().is_empty()),
            from: self.from,
            to: self.to,
        })
    }
}

/// The log, newest first, a page at a time (coordinators and the operator).
#[utoipa::path(
    tag = "audit",
    operation_id = "list_audit_events",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "Newest first", body = AuditPage),
        (status = 400, description = "Unknown action or bad paging", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный параметр", "status": 400, "code": "invalid_parameter",
                "detail": "Параметр «action»: неизвестное действие",
                "errors": [{"field": "action", "code": "invalid_value", "message": "неизвестное действие"}]})),
        (status = 403, description = "Organisations have no log", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Это могут только координаторы и федеральный оператор"})),
        Unauthenticated,
    )
)]
#[get("/audit")]
pub async fn list_audit_events(
    state: web::Data<AppState>,
    user: Authenticated,
    query: web::Query<AuditQuery>,
) -> Result<web::Json<AuditPage>, ApiError> {
    require_coordinator(&user)?;
    let (number, per_page) = Paging::new(query.page, query.per_page).checked()?;
    let (items, total) = page(&state.db, user.reach(), &query.filter()?, number, per_page).await?;
    Ok(web::Json(AuditPage {
        items,
        total,
        page: number,
        per_page,
    }))
}

/// The same events as CSV (UTF-8 with BOM, `;`, Moscow time), at most 100,000.
#[utoipa::path(
    tag = "audit",
    operation_id = "export_audit_events",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String,
            example = "Время (мск);Кто;Действие;Кому / что;Подробности;Адрес\r\n20.04.2026 10:12;sch240001;Неудачный вход;sch240001;Неверный пароль;10.1.2.3\r\n"),
        (status = 403, description = "Organisations have no log", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Это могут только координаторы и федеральный оператор"})),
        Unauthenticated,
    )
)]
#[get("/audit/export")]
pub async fn export_audit_events(
    state: web::Data<AppState>,
    user: Authenticated,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    let events = all(&state.db, user.reach(), &query.filter()?, EXPORT_LIMIT).await?;
    let mut out = oko_io::csv::BOM.to_vec();
    let header = [
        "Время (мск)",
        "Кто",
        "Действие",
        "Кому / что",
        "Подробности",
        "Адрес",
    ];
    oko_io::csv::write_record(&mut out, &header).map_err(ApiError::internal)?;
    for event in events {
        let at = short_date_time(event.at);
        let fields = [
            at.as_str(),
            &event.actor,
            event.action.title_ru(),
            &event.target,
            &event.detail,
            event.address.as_deref().unwrap_or(""),
        ];
        let fields: Vec<String> = fields
            .iter()
            .map(|f| oko_domain::jobs::neutralise(f).into_owned())
            .collect();
        oko_io::csv::write_record(&mut out, &fields).map_err(ApiError::internal)?;
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(attachment("Журнал событий.csv"))
        .body(out))
}
