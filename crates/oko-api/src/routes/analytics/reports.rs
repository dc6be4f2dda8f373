//! The seven reports: `GET …/reports/{kind}` shows one («Показать отчет») as JSON
//! or downloads it as XLSX; `POST …/reports/{kind}/jobs` orders it as a file made
//! in the background («Заказать отчет»), for the biggest ones.

use actix_web::{HttpResponse, get, http::header, post, web};
use chrono::Utc;
use oko_domain::{
    analytics::{Report, ReportKind, api::ReportQuery},
    api::Problem,
    jobs::{ExportFormat, JobSpec, JobView},
};
use uuid::Uuid;

use crate::{
    analytics,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        common_responses::{NotFound, Unauthenticated},
        jobs::queue_job,
        storages::attachment,
        uploads::XLSX,
    },
    state::AppState,
};

fn kind_of(slug: &str) -> Result<ReportKind, ApiError> {
    ReportKind::from_slug(slug).ok_or_else(|| {
        ApiError::invalid_parameter(
            "kind",
            "Ожидается marks, tasks, scores, groups, individual, journal или skills",
        )
    })
}

/// «Показать отчет»: report `kind` of a work for a unit — the caller's own unless
/// `unit` names one of its subordinate units — beside the levels above it, with a
/// chart. `format=xlsx` downloads the same table. Kinds: `marks` «Статистика по
/// отметкам», `tasks` «Выполнение заданий», `scores` «Распределение первичных
/// баллов», `groups` «Выполнение заданий группами учащихся», `individual`
/// «Индивидуальные результаты», `journal` «Сравнение отметок с отметками по
/// журналу», `skills` «Достижение планируемых результатов».
#[utoipa::path(
    tag = "analytics",
    operation_id = "get_analytics_report",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Work id"),
        ("kind" = String, Path, description = "marks | tasks | scores | groups | individual | journal | skills"),
        ReportQuery,
    ),
    responses(
        (status = 200, description = "The report (JSON), or its XLSX with `format=xlsx`", body = Report),
        (status = 400, description = "Unknown kind, unit or format", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный параметр", "status": 400, "code": "invalid_parameter",
                "detail": "Ожидается country, region:<id>, municipality:<id> или organisation:<логин>",
                "errors": [{"field": "unit", "code": "invalid_parameter",
                    "message": "Ожидается country, region:<id>, municipality:<id> или organisation:<логин>"}]})),
        (status = 403, description = "The unit is outside the caller's scope", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Отчёт по этой территории или организации вам недоступен"})),
        (status = 422, description = "«Индивидуальные результаты» too big to show: order them", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "В отчёте 118000 участников — больше, чем помещается на экране (20000). Закажите его файлом: «Заказать отчет»",
                "errors": [{"field": "unit", "code": "too_large",
                    "message": "В отчёте 118000 участников — больше, чем помещается на экране (20000). Закажите его файлом: «Заказать отчет»"}]})),
        Unauthenticated, NotFound,
    )
)]
#[get("/assessment-works/{id}/reports/{kind}")]
pub async fn get_analytics_report(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<(Uuid, String)>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (work_id, slug) = path.into_inner();
    let kind = kind_of(&slug)?;
    let xlsx = match query.format.as_deref() {
        None | Some("json") => false,
        Some("xlsx") => true,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "format",
                "Ожидается json или xlsx",
            ));
        }
    };
    let reach = user.reach();
    let target = analytics::target(&state, reach, work_id, query.unit.as_deref()).await?;
    let report = match kind {
        ReportKind::Individual => analytics::individual_report(&state, &target).await?,
        _ => analytics::summary_report(kind, &target, reach),
    };
    if !xlsx {
        return Ok(HttpResponse::Ok().json(report));
    }
    let file_name = format!("{} — {} — {}.xlsx", report.title, report.work, report.unit);
    let dir = state.jobs.work_dir.clone();
    let bytes = web::block(move || {
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join(format!("report-{}.xlsx", Uuid::new_v4().simple()));
        let written =
            oko_io::analytics_report::write_report(&report, ExportFormat::Xlsx, &path, &dir)
                .map_err(|e| ApiError::internal(e.0))
                .and_then(|()| std::fs::read(&path).map_err(ApiError::internal));
        let _ = std::fs::remove_file(&path);
        written
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header(attachment(&file_name))
        .body(bytes))
}

/// «Заказать отчет»: the report as a file made in the background (any size,
/// «Индивидуальные результаты» of a whole region included). Answers 202 with the
/// job; poll `GET /api/jobs/{id}` until `ready`, then `GET /api/jobs/{id}/file`.
#[utoipa::path(
    tag = "analytics",
    operation_id = "order_analytics_report",
    security(("bearer" = [])),
    params(
        ("id" = Uuid, Path, description = "Work id"),
        ("kind" = String, Path, description = "marks | tasks | scores | groups | individual | journal | skills"),
        ReportQuery,
    ),
    responses(
        (status = 202, description = "Queued; `Location` is the job", body = JobView),
        (status = 400, description = "Unknown kind, unit or format", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Некорректный параметр", "status": 400, "code": "invalid_parameter",
                "detail": "Ожидается marks, tasks, scores, groups, individual, journal или skills",
                "errors": [{"field": "kind", "code": "invalid_parameter",
                    "message": "Ожидается marks, tasks, scores, groups, individual, journal или skills"}]})),
        (status = 403, description = "The unit is outside the caller's scope", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Отчёт по этой территории или организации вам недоступен"})),
        Unauthenticated, NotFound,
    )
)]
#[post("/assessment-works/{id}/reports/{kind}/jobs")]
pub async fn order_analytics_report(
    state: web::Data<AppState>,
    user: Authenticated,
    path: web::Path<(Uuid, String)>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let (work_id, slug) = path.into_inner();
    let kind = kind_of(&slug)?;
    let format = match query.format.as_deref() {
        None | Some("xlsx") => ExportFormat::Xlsx,
        Some("csv") => ExportFormat::Csv,
        Some("jsonl") => ExportFormat::Jsonl,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "format",
                "Ожидается xlsx, csv или jsonl",
            ));
        }
    };
    let target = analytics::target(&state, user.reach(), work_id, query.unit.as_deref()).await?;
    let work = target.totals.definition().title();
    let title = format!("{}: {work}, {}", kind.title_ru(), target.name);
    let file_name = format!(
        "{} — {work} — {}.{}",
        kind.title_ru(),
        target.name,
        format.extension()
    );
    let spec = JobSpec::AnalyticsReport(oko_domain::jobs::AnalyticsReportJob {
        work_id,
        kind,
        unit: query.unit.clone(),
        format,
    });
    let job = queue_job(
        &state,
        &user,
        &spec,
        &title,
        &file_name,
        format.content_type(),
        Utc::now(),
    )
    .await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/jobs/{}", job.id)))
        .json(oko_db::jobs::describe(&job)))
}
