//! «Отчет»: `POST /api/storages/{id}/reports` queues it on the job queue (built by
//! the worker, `jobs/download_report.rs`, so it survives a restart),
//! `GET /api/reports/{id}` tells how far it is, `GET /api/reports/{id}/content`
//! downloads the XLSX.

use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use chrono::Utc;
use oko_db::{entities::job, jobs};
use oko_domain::{
    error_code::ErrorCode,
    jobs::JobSpec,
    role::Role,
    storages::{DownloadLink, ReportJob},
};
use uuid::Uuid;

use super::{Downloadable, download::TicketParams, link, seen_storage};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        common_responses::{NotFound, Unauthenticated},
        jobs::{queue_job, serve_job_file},
        uploads::XLSX,
    },
    state::AppState,
};

/// Start building the download report of a storage (coordinators and the operator):
/// every organisation in the caller's scope × every file it should download, with
/// its first download or «Не скачивал». Poll the job until `ready`.
#[utoipa::path(
    tag = "storages",
    operation_id = "create_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Storage id")),
    responses(
        (status = 202, description = "Accepted; `Location` is the job", body = ReportJob),
        (status = 403, description = "Organisations have no report", body = oko_domain::api::Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Отчёт доступен координаторам и оператору"})),
        Unauthenticated, NotFound,
    )
)]
#[post("/storages/{id}/reports")]
pub async fn create_report(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    if user.role() == Role::Organisation {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Отчёт доступен координаторам и оператору",
        ));
    }
    let now = Utc::now();
    let storage = seen_storage(&state, &user, id.into_inner(), now).await?;
    let file_name = format!("Отчёт о скачивании — {}.xlsx", storage.title);
    let title = format!("Отчёт о скачивании: {}", storage.title);
    let spec = JobSpec::DownloadReport(oko_domain::jobs::DownloadReportJob {
        storage_id: storage.id,
        publication_id: storage.publication_id,
    });
    let job = queue_job(&state, &user, &spec, &title, &file_name, XLSX, now).await?;
    let answer = report_of(&job);
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/reports/{}", answer.id)))
        .json(answer))
}

/// The job as «Отчет» has always answered it.
fn report_of(job: &job::Model) -> ReportJob {
    ReportJob {
        id: job.id,
        status: job.status(),
        file_name: job.file_name.clone(),
        created_at: job.created_at,
        finished_at: job.finished_at,
        error: job.error.clone(),
    }
}

/// How far the caller's report job is.
#[utoipa::path(
    tag = "storages",
    operation_id = "get_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report job id")),
    responses((status = 200, description = "The job", body = ReportJob), Unauthenticated, NotFound)
)]
#[get("/reports/{id}")]
pub async fn get_report(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<ReportJob>, ApiError> {
    let job = own_job(&state, &user, id.into_inner()).await?;
    Ok(web::Json(report_of(&job)))
}

/// A link that downloads a ready report without the `Authorization` header.
#[utoipa::path(
    tag = "storages",
    operation_id = "link_report",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Report job id")),
    responses((status = 200, description = "The link", body = DownloadLink), Unauthenticated, NotFound)
)]
#[post("/reports/{id}/link")]
pub async fn link_report(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<DownloadLink>, ApiError> {
    let job = own_job(&state, &user, id.into_inner()).await?;
    Ok(web::Json(link(
        &state,
        user.user_id(),
        Downloadable::Report(job.id),
    )))
}

/// Download a ready report (XLSX). 409 while it is still being built.
#[utoipa::path(
    tag = "storages",
    operation_id = "download_report",
    security(("bearer" = []), ()),
    params(("id" = Uuid, Path, description = "Report job id"), TicketParams),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Vec<u8>, example = "PK…"),
        (status = 409, description = "Not built yet", body = oko_domain::api::Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409,
                "code": "conflict", "detail": "Отчёт ещё строится"})),
        Unauthenticated, NotFound,
    )
)]
#[get("/reports/{id}/content")]
pub async fn download_report_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<Uuid>,
    params: web::Query<TicketParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let user = params
        .downloader(&req, &state, Downloadable::Report(id))
        .await?;
    let job = own_job(&state, &user, id).await?;
    serve_job_file(&state, &req, &job, "Отчёт ещё строится".to_owned()).await
}

async fn own_job(state: &AppState, user: &Authenticated, id: Uuid) -> Result<job::Model, ApiError> {
    jobs::find_own(&state.db, user.user_id(), id)
        .await?
        .filter(|job| job.kind == "download_report")
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Отчёт не найден"))
}
