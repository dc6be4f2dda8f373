//! `POST /api/client-errors`: the SPA reports a failure of its own code (a panic
//! in the WASM app) here, so a crash a user saw reaches the operator's log rather
//! than only the user's console. Anyone may send one (a page that crashed may
//! have lost its session); what is logged is cut short and counted, so a flood
//! costs a log line each at most and never fills the disk.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{HttpResponse, post, web};
use oko_domain::api::Problem;
use serde::Deserialize;
use utoipa::ToSchema;

/// Characters of each field that reach the log.
const LOGGED_CHARS: usize = 2_000;
/// Reports logged per process: a crash loop of thousands of browsers is told
/// by the count, not by a million identical lines.
const LOGGED_REPORTS: u64 = 10_000;

static REPORTS: AtomicU64 = AtomicU64::new(0);

/// What the page saw.
#[derive(Deserialize, ToSchema)]
#[schema(example = json!({"message": "panicked at frontend/src/editor/state.rs:120:9: time not implemented on this platform",
    "page": "/collections/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/form"}))]
pub struct ClientError {
    /// The panic's message with its place in the code.
    pub message: String,
    /// The SPA's path when it happened.
    #[serde(default)]
    pub page: String,
}

/// Logs a failure of the SPA's own code (204); the answer says nothing more.
#[utoipa::path(
    tag = "meta",
    operation_id = "report_client_error",
    request_body = ClientError,
    responses(
        (status = 204, description = "Logged"),
        (status = 400, description = "Not such a report", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Неверный запрос", "status": 400, "code": "malformed_body",
                "detail": "Не заполнено обязательное поле «message»"})),
    )
)]
#[post("/client-errors")]
pub async fn report_client_error(report: web::Json<ClientError>) -> HttpResponse {
    let seen = REPORTS.fetch_add(1, Ordering::Relaxed) + 1;
    if seen <= LOGGED_REPORTS {
        tracing::error!(
            target: "oko::client",
            page = %cut(&report.page),
            reports = seen,
            "the SPA failed: {}",
            cut(&report.message)
        );
    }
    HttpResponse::NoContent().finish()
}

/// At most `LOGGED_CHARS` of `text`, control characters escaped: a report is one
/// log line whatever it holds (no forged lines from a sent line break).
fn cut(text: &str) -> String {
    text.chars()
        .take(LOGGED_CHARS)
        .flat_map(char::escape_debug)
        .collect()
}
