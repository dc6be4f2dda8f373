//! `GET /api/health` (liveness) and `GET /api/ready` (readiness) for load
//! balancers and orchestrators: an instance that answers `health` but not `ready`
//! is running but must not get requests (its database is read-only or away, its
//! file store unreachable, or its schema behind the code).

use actix_web::{get, web};
use oko_domain::{api::Problem, error_code::ErrorCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{error::ApiError, state::AppState};

/// The answer of a healthy check.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct HealthStatus {
    /// `ok` (liveness) or `ready` (readiness).
    pub status: &'static str,
}

/// The process runs and answers (no database involved).
#[utoipa::path(
    tag = "meta",
    operation_id = "get_health",
    responses((status = 200, description = "Alive", body = HealthStatus))
)]
#[get("/health")]
pub async fn get_health() -> web::Json<HealthStatus> {
    web::Json(HealthStatus { status: "ok" })
}

/// The instance can serve: the database takes writes, every migration of this
/// build is applied, the file store takes a file. 503 `unavailable` names what
/// is wrong.
#[utoipa::path(
    tag = "meta",
    operation_id = "get_ready",
    responses(
        (status = 200, description = "Ready for requests", body = HealthStatus,
            example = json!({"status": "ready"})),
        (status = 503, description = "Not ready: what is wrong", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Сервер временно недоступен", "status": 503, "code": "unavailable",
                "detail": "База данных не принимает записи: attempt to write a readonly database"})),
    )
)]
#[get("/ready")]
pub async fn get_ready(state: web::Data<AppState>) -> Result<web::Json<HealthStatus>, ApiError> {
    let not_ready = |what: String| ApiError::new(ErrorCode::Unavailable, what).retry_after(5);
    oko_db::connection::probe_writable(&state.db)
        .await
        .map_err(|e| not_ready(format!("База данных не принимает записи: {e}")))?;
    let pending = oko_db::connection::pending_migrations(&state.db)
        .await
        .map_err(|e| not_ready(format!("Не удалось прочитать версию схемы базы: {e}")))?;
    if pending > 0 {
        return Err(not_ready(format!(
            "Схема базы отстает от программы: не применено миграций — {pending} (oko migrate)"
        )));
    }
    state
        .files
        .probe()
        .await
        .map_err(|e| not_ready(format!("Хранилище файлов не принимает файлы: {e}")))?;
    Ok(web::Json(HealthStatus { status: "ready" }))
}
