//! Prometheus metrics, `GET /metrics` in the text format: requests by route and
//! status with their latency, draft saves and submissions, both database pools,
//! the job queue and login throttling. Kept only when the operator asks for them
//! (`OKO_METRICS_TOKEN` or `OKO_METRICS_LISTEN`); otherwise every recording below
//! is a no-op of the `metrics` facade. The names are listed in
//! docs/operations.md and drawn in docs/grafana-dashboard.json.

use std::{sync::OnceLock, time::Duration};

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use oko_db::{held::PoolUsage, monitoring::DraftWriteKind};
use oko_domain::{api::Problem, error_code::ErrorCode};

use crate::{error::ApiError, state::AppState};

/// Latency buckets in seconds: a save is a few milliseconds, a slow export
/// seconds; deadline day's question is which share stays under 100 ms.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The process's one recorder (every server of a test process shares it).
static RECORDER: OnceLock<PrometheusHandle> = OnceLock::new();

/// Turns the recording on for this process, once; the handle renders it.
pub fn install() -> PrometheusHandle {
    RECORDER
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &LATENCY_BUCKETS)
                .expect("the latency buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder was installed first");
            }
            describe();
            handle
        })
        .clone()
}

/// What each series means, and the counters at 0 from the start: a rate needs
/// its first sample, and a dashboard its series before the first event.
fn describe() {
    for (name, help) in [
        (
            "oko_http_requests_total",
            "Answered requests by method, route and status",
        ),
        ("oko_draft_saves_total", "Draft saves (autosave, uploads)"),
        ("oko_submissions_total", "Forms submitted («Сдать отчет»)"),
        ("oko_returns_total", "Submissions returned for revision"),
        (
            "oko_login_throttled_total",
            "Logins refused for the throttle's pause",
        ),
    ] {
        metrics::describe_counter!(name, help);
        if name != "oko_http_requests_total" {
            counter!(name).increment(0);
        }
    }
    metrics::describe_histogram!(
        "oko_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer a request, by method and route"
    );
    metrics::describe_gauge!("oko_jobs", "Background jobs (exports, reports) by status");
    metrics::describe_gauge!(
        "oko_db_pool_connections_in_use",
        "Database connections lent out, by pool (main, drafts)"
    );
    metrics::describe_counter!(
        "oko_db_pool_waits_total",
        "Acquisitions that found every connection of the pool taken"
    );
}

/// Drains the histograms now and then, so memory stays bounded between scrapes.
pub fn keep_up(handle: PrometheusHandle) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            handle.run_upkeep();
        }
    });
}

/// One answered request.
pub fn request_done(method: &str, route: &str, status: u16, latency: Duration) {
    let labels = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status", status.to_string()),
    ];
    counter!("oko_http_requests_total", &labels).increment(1);
    histogram!(
        "oko_http_request_duration_seconds",
        "method" => method.to_owned(),
        "route" => route.to_owned()
    )
    .record(latency.as_secs_f64());
}

/// A draft saved, a form submitted or returned.
pub fn draft_written(write: DraftWriteKind) {
    let name = match write {
        DraftWriteKind::Saved => "oko_draft_saves_total",
        DraftWriteKind::Submitted { .. } => "oko_submissions_total",
        DraftWriteKind::Returned => "oko_returns_total",
        DraftWriteKind::Accepted(_) => "oko_acceptances_total",
    };
    counter!(name).increment(1);
}

/// A login refused for the throttle's pause.
pub fn login_throttled() {
    counter!("oko_login_throttled_total").increment(1);
}

/// `GET /metrics` as Prometheus scrapes it: the pools and the job queue read
/// now, everything else as counted.
#[utoipa::path(
    tag = "meta",
    operation_id = "get_metrics",
    security(("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text format (0.0.4)", body = String, content_type = "text/plain",
            example = "# TYPE oko_submissions_total counter\noko_submissions_total 412\n"),
        (status = 401, description = "No `Authorization: Bearer <OKO_METRICS_TOKEN>`", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Требуется вход в систему", "status": 401,
                "code": "unauthenticated", "detail": "Метрики отдаются по токену OKO_METRICS_TOKEN"})),
        (status = 404, description = "Metrics are off on this listener (no `OKO_METRICS_TOKEN`)", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Не найдено", "status": 404,
                "code": "not_found", "detail": "Метрики выключены: задайте OKO_METRICS_TOKEN или OKO_METRICS_LISTEN"})),
    )
)]
#[get("/metrics")]
pub async fn get_metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let Some(expected) = state.metrics_token.as_deref() else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Метрики выключены: задайте OKO_METRICS_TOKEN или OKO_METRICS_LISTEN",
        ));
    };
    let sent = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !same_secret(sent.trim().as_bytes(), expected.as_bytes()) {
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "Метрики отдаются по токену OKO_METRICS_TOKEN",
        ));
    }
    Ok(rendered(&state).await)
}

/// A listener of its own serving only `GET /metrics`, without a token: for a
/// scraper on an internal network (`OKO_METRICS_LISTEN`).
pub fn serve_alone(
    address: std::net::SocketAddr,
    state: web::Data<AppState>,
) -> std::io::Result<actix_web::dev::Server> {
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new().app_data(state.clone()).route(
            "/metrics",
            web::get().to(|state: web::Data<AppState>| async move { rendered(&state).await }),
        )
    })
    .workers(1)
    .disable_signals()
    .bind(address)?
    .run();
    Ok(server)
}

/// The page of metrics, the gauges read first.
pub async fn rendered(state: &AppState) -> HttpResponse {
    pool_gauges("main", oko_db::connection::pool_usage(&state.db));
    pool_gauges("drafts", state.drafts_db.usage());
    match oko_db::jobs::count_by_status(&state.db).await {
        Ok(counts) => {
            for status in ["queued", "running", "ready", "failed"] {
                let jobs = counts
                    .iter()
                    .find(|(s, _)| s == status)
                    .map_or(0, |(_, n)| *n);
                gauge!("oko_jobs", "status" => status).set(jobs as f64);
            }
        }
        Err(err) => tracing::warn!(%err, "the job counts for the metrics are not read"),
    }
    let text = RECORDER
        .get()
        .map(PrometheusHandle::render)
        .unwrap_or_default();
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(text)
}

fn pool_gauges(pool: &'static str, usage: PoolUsage) {
    gauge!("oko_db_pool_connections_max", "pool" => pool).set(usage.max as f64);
    gauge!("oko_db_pool_connections_in_use", "pool" => pool).set(usage.in_use as f64);
    gauge!("oko_db_pool_connections_idle", "pool" => pool).set(usage.idle as f64);
    counter!("oko_db_pool_waits_total", "pool" => pool).absolute(usage.waits);
    gauge!("oko_db_pool_waited_seconds", "pool" => pool).set(usage.waited.as_secs_f64());
}

/// Compares without stopping at the first difference.
fn same_secret(sent: &[u8], expected: &[u8]) -> bool {
    sent.len() == expected.len()
        && sent
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}
