//! Background exports and their files: `POST /api/collections/{id}/exports` queues
//! one, `GET /api/jobs` and `GET /api/jobs/{id}` tell how far («Отчёт #446
//! формируется (40%)»), `GET /api/jobs/{id}/file` downloads it («Загрузить
//! отчёт»). A job is its creator's alone.

use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, http::header, post, web};
use chrono::Utc;
use futures_util::StreamExt;
use oko_db::{entities::job, jobs};
use oko_domain::{
    api::{FieldError, Problem},
    audit::AuditAction,
    error_code::ErrorCode,
    jobs::{
        ExportJob, ExportRequest, GroupReportJob, GroupReportRequest, JobList, JobSpec, JobView,
    },
};
use oko_io::cp1251::Cp1251Transcoder;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{
    access::require_coordinator,
    collections::seen_collection,
    common_responses::{NotFound, Unauthenticated},
    storages::{attachment, send_stored},
};
use crate::{audit, auth::extractor::Authenticated, error::ApiError, state::AppState};

/// How many of the caller's jobs the list shows.
const LISTED_JOBS: u64 = 50;

/// Queues «Экспорт результатов» or «Экспорт статусов» of a collection over the
/// caller's scope, as XLSX (default), CSV or JSON lines. Answers 202 with the job;
/// poll it until `status` is `ready`, then download `GET /api/jobs/{id}/file`.
#[utoipa::path(
    tag = "jobs",
    operation_id = "create_export",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = ExportRequest,
    responses(
        (status = 202, description = "Queued; `Location` is the job", body = JobView),
        (status = 403, description = "Organisations export nothing", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Это могут только координаторы и федеральный оператор"})),
        (status = 400, description = "Unknown kind or format", body = Problem, content_type = "application/problem+json"),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/exports")]
pub async fn create_export(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ExportRequest>,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    let now = Utc::now();
    let collection = seen_collection(&state, &user, id.into_inner(), now).await?;
    let form = state
        .forms
        .get(&state.db, collection.form_version_id)
        .await?;
    let what = body.kind.title_ru();
    let title = format!("{what}: {}", form.title);
    let file_name = format!("{what} — {}.{}", form.title, body.format.extension());
    let spec = JobSpec::Export(ExportJob {
        collection_id: collection.id,
        kind: body.kind,
        format: body.format,
    });
    queue(
        &state,
        &user,
        &spec,
        &title,
        &file_name,
        body.format.content_type(),
        now,
    )
    .await
}

/// Queues the group report over several collections: one row per organisation of
/// the caller's scope, a status and a submit time per collection.
#[utoipa::path(
    tag = "jobs",
    operation_id = "create_group_report",
    security(("bearer" = [])),
    request_body = GroupReportRequest,
    responses(
        (status = 202, description = "Queued; `Location` is the job", body = JobView),
        (status = 403, description = "Organisations have no group report", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No collections, or more than 50", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Выберите от 1 до 50 сборов данных",
                "errors": [{"field": "collections", "code": "out_of_range", "message": "Выберите от 1 до 50 сборов данных"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/reports/group")]
pub async fn create_group_report(
    state: web::Data<AppState>,
    user: Authenticated,
    body: web::Json<GroupReportRequest>,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    ApiError::unless_valid(body.problems())?;
    let now = Utc::now();
    for id in &body.collections {
        seen_collection(&state, &user, *id, now).await?;
    }
    let spec = JobSpec::GroupReport(GroupReportJob {
        collections: body.collections.clone(),
        format: body.format,
    });
    let title = format!(
        "Групповой отчет: {}",
        oko_domain::text::count_ru(
            body.collections.len() as u64,
            ["сбор данных", "сбора данных", "сборов данных"]
        )
    );
    let file_name = format!("Групповой отчет.{}", body.format.extension());
    queue(
        &state,
        &user,
        &spec,
        &title,
        &file_name,
        body.format.content_type(),
        now,
    )
    .await
}

/// Stores a job of the caller and wakes the worker.
pub(super) async fn queue_job(
    state: &AppState,
    user: &Authenticated,
    spec: &JobSpec,
    title: &str,
    file_name: &str,
    content_type: &str,
    now: chrono::DateTime<Utc>,
) -> Result<job::Model, ApiError> {
    let job = jobs::create(
        &state.db,
        jobs::NewJob {
            spec,
            user_id: user.user_id(),
            title,
            file_name,
            content_type,
            now,
        },
    )
    .await?;
    state.jobs.wake();
    let entry = audit::Entry {
        action: AuditAction::ReportOrdered,
        target: title,
        detail: file_name,
    };
    audit::by_user(state, user, entry, None).await;
    Ok(job)
}

/// Stores a job, wakes the worker, answers 202 with it.
async fn queue(
    state: &AppState,
    user: &Authenticated,
    spec: &JobSpec,
    title: &str,
    file_name: &str,
    content_type: &str,
    now: chrono::DateTime<Utc>,
) -> Result<HttpResponse, ApiError> {
    let job = queue_job(state, user, spec, title, file_name, content_type, now).await?;
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, format!("/api/jobs/{}", job.id)))
        .json(jobs::describe(&job)))
}

/// The caller's latest jobs, newest first.
#[utoipa::path(
    tag = "jobs",
    operation_id = "list_jobs",
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = JobList), Unauthenticated)
)]
#[get("/jobs")]
pub async fn list_jobs(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<JobList>, ApiError> {
    let items = jobs::list_own(&state.db, user.user_id(), LISTED_JOBS)
        .await?
        .iter()
        .map(jobs::describe)
        .collect();
    Ok(web::Json(JobList { items }))
}

/// How far one of the caller's jobs is.
#[utoipa::path(
    tag = "jobs",
    operation_id = "get_job",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobView), Unauthenticated, NotFound)
)]
#[get("/jobs/{id}")]
pub async fn get_job(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<JobView>, ApiError> {
    let job = own_job(&state, &user, id.into_inner()).await?;
    Ok(web::Json(jobs::describe(&job)))
}

/// How a CSV file is encoded on download.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, ToSchema)]
pub enum CsvEncoding {
    /// UTF-8 with a byte-order mark, as written (what Russian Excel opens).
    #[default]
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1251 without a byte-order mark, for old systems; a character it
    /// lacks becomes `?`.
    #[serde(rename = "cp1251")]
    Cp1251,
}

/// The download's encoding.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobFileParams {
    /// For CSV files: `utf-8` (default) or `cp1251`.
    #[param(inline, example = "cp1251")]
    #[serde(default)]
    encoding: CsvEncoding,
}

/// «Загрузить отчёт»: the finished file. 409 while it is being made. A CSV comes
/// as written (UTF-8 with a BOM) or, with `?encoding=cp1251`, in Windows-1251.
#[utoipa::path(
    tag = "jobs",
    operation_id = "download_job_file",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Job id"), JobFileParams),
    responses(
        (status = 200, description = "The file (XLSX, CSV or JSON lines, as asked)", content(
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", example = "PK…"),
            (String = "text/csv; charset=utf-8", example = "\u{feff}Логин;Статус\r\nsch240001;Сдано\r\n"),
            (Vec<u8> = "text/csv; charset=windows-1251", example = "Логин;Статус (in Windows-1251)"),
            (String = "application/jsonl; charset=utf-8", example = "{\"login\":\"sch240001\",\"status\":\"submitted\"}\n"),
        )),
        (status = 409, description = "Not ready yet", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Конфликт", "status": 409, "code": "conflict",
                "detail": "Отчёт #446 формируется (40%)"})),
        (status = 422, description = "An encoding asked of a file that is not CSV", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Кодировку можно выбрать только для CSV",
                "errors": [{"field": "encoding", "code": "not_csv", "message": "Кодировку можно выбрать только для CSV"}]})),
        Unauthenticated, NotFound,
    )
)]
#[get("/jobs/{id}/file")]
pub async fn download_job_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<JobFileParams>,
) -> Result<HttpResponse, ApiError> {
    let job = own_job(&state, &user, id.into_inner()).await?;
    let not_ready = jobs::describe(&job).status_line;
    if params.encoding == CsvEncoding::Cp1251 {
        return serve_in_cp1251(&state, &job, not_ready).await;
    }
    serve_job_file(&state, &req, &job, not_ready).await
}

/// A finished CSV re-encoded as Windows-1251 as it streams out (no byte ranges:
/// its length is known only at the end).
async fn serve_in_cp1251(
    state: &AppState,
    job: &job::Model,
    not_ready: String,
) -> Result<HttpResponse, ApiError> {
    if !job.content_type.starts_with("text/csv") {
        return Err(ApiError::validation(vec![FieldError::about_field(
            "encoding",
            "not_csv",
            "Кодировку можно выбрать только для CSV",
        )]));
    }
    let Some(key) = job.store_key.as_deref() else {
        return Err(ApiError::new(ErrorCode::Conflict, not_ready));
    };
    let utf8 = state.files.read(key).await.map_err(ApiError::file_store)?;
    let body = futures_util::stream::try_unfold(
        (utf8, Some(Cp1251Transcoder::default())),
        |(mut utf8, transcoder)| async move {
            let Some(mut transcoder) = transcoder else {
                return Ok::<_, std::io::Error>(None);
            };
            Ok(Some(match utf8.next().await {
                Some(chunk) => {
                    let bytes = Bytes::from(transcoder.push(&chunk?));
                    (bytes, (utf8, Some(transcoder)))
                }
                None => (Bytes::from(transcoder.finish()), (utf8, None)),
            }))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=windows-1251")
        .insert_header(("Content-Disposition", attachment(&job.file_name)))
        .streaming(body))
}

/// A finished job's file as a download; 409 with `not_ready` while it is made.
pub(super) async fn serve_job_file(
    state: &AppState,
    req: &HttpRequest,
    job: &job::Model,
    not_ready: String,
) -> Result<HttpResponse, ApiError> {
    let Some(key) = job.store_key.as_deref() else {
        return Err(ApiError::new(ErrorCode::Conflict, not_ready));
    };
    send_stored(state, req, key, &job.content_type, &job.file_name).await
}

async fn own_job(state: &AppState, user: &Authenticated, id: Uuid) -> Result<job::Model, ApiError> {
    jobs::find_own(&state.db, user.user_id(), id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Отчёт не найден"))
}
