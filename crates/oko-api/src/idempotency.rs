//! `Idempotency-Key` on a POST: the request is done once per key and user. A
//! repeat (a double click, a retry after a lost answer, to any instance) gets the
//! first answer again, marked `Idempotent-Replayed: true`, instead of making a
//! second publication, question or export; while the first still runs, a repeat
//! is told so (409). Keys are kept a day (`oko_db::idempotency`). A request
//! without the header, or with a key that is not 1–200 visible ASCII characters,
//! is served as usual.

use actix_web::{
    Error, HttpResponse, ResponseError,
    body::{BoxBody, MessageBody, to_bytes_limited},
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web,
};
use chrono::Utc;
use oko_db::idempotency::{self, Claim};
use oko_domain::error_code::ErrorCode;

use crate::{
    auth::extractor::Authenticated, error::ApiError, now_and_then::NowAndThen, state::AppState,
};

pub const HEADER: &str = "Idempotency-Key";
/// What a repeat hears while the first request runs.
pub const RUNNING: &str =
    "Такой запрос уже выполняется (тот же Idempotency-Key): дождитесь его ответа";
const REPLAYED: &str = "Idempotent-Replayed";
const MAX_KEY: usize = 200;
/// Answers kept for a repeat are JSON and small; a larger one is not kept.
const MAX_KEPT_BODY: usize = 1 << 20;
/// Old keys are dropped at most every ten minutes, by whichever request comes.
static PURGE: NowAndThen = NowAndThen::every(10 * 60 * 1000);

/// The middleware (see the module's comment).
pub async fn idempotent(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let Some(key) = key_of(&req) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let (Ok(user), Some(state)) = (
        req.extract::<Authenticated>().await,
        req.app_data::<web::Data<AppState>>().cloned(),
    ) else {
        // Not logged in: the handler answers 401 as always.
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let scope_key = format!("{} {} {} {key}", user.user_id(), req.method(), req.path());
    let now_ms = Utc::now().timestamp_millis();
    purge_now_and_then(&state, now_ms).await;
    match idempotency::claim(&state.db, &scope_key, now_ms).await {
        Err(error) => return Ok(req.error_response(ApiError::from(error))),
        Ok(Claim::Running) => {
            return Ok(req.error_response(ApiError::new(ErrorCode::Conflict, RUNNING)));
        }
        Ok(Claim::Answered {
            status,
            content_type,
            body,
        }) => {
            let mut answer = HttpResponse::build(
                actix_web::http::StatusCode::from_u16(status)
                    .unwrap_or(actix_web::http::StatusCode::OK),
            );
            if let Some(content_type) = content_type {
                answer.content_type(content_type);
            }
            let answer = answer.insert_header((REPLAYED, "true")).body(body);
            return Ok(req.into_response(answer));
        }
        Ok(Claim::New) => {}
    }
    let answered = match next.call(req).await {
        Ok(answered) => answered,
        Err(error) => {
            let _ = idempotency::release(&state.db, &scope_key).await;
            return Err(error);
        }
    };
    let content_type = answered
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let keepable = !answered.status().is_server_error()
        && content_type.as_deref().is_some_and(|t| {
            t.starts_with("application/json") || t.starts_with("application/problem+json")
        });
    if !keepable {
        // A server failure may be tried again; a file is not kept.
        let _ = idempotency::release(&state.db, &scope_key).await;
        return Ok(answered.map_into_boxed_body());
    }
    let (request, response) = answered.into_parts();
    let (head, body) = response.into_parts();
    let Ok(Ok(bytes)) = to_bytes_limited(body, MAX_KEPT_BODY).await else {
        let _ = idempotency::release(&state.db, &scope_key).await;
        let failed = ApiError::internal("the answer could not be read to keep it");
        return Ok(ServiceResponse::new(request, failed.error_response()));
    };
    let status = head.status().as_u16();
    if let Err(error) =
        idempotency::finish(&state.db, &scope_key, status, content_type, bytes.to_vec()).await
    {
        tracing::warn!(%error, "an idempotent answer was not kept");
    }
    Ok(ServiceResponse::new(
        request,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// The request's key, when it is a POST with a usable one.
fn key_of(req: &ServiceRequest) -> Option<String> {
    if req.method() != Method::POST {
        return None;
    }
    let key = req.headers().get(HEADER)?.to_str().ok()?;
    (!key.is_empty() && key.len() <= MAX_KEY && key.bytes().all(|b| b.is_ascii_graphic()))
        .then(|| key.to_owned())
}

async fn purge_now_and_then(state: &AppState, now_ms: i64) {
    if PURGE.due(now_ms)
        && let Err(error) = idempotency::purge(&state.db, now_ms).await
    {
        tracing::warn!(%error, "old idempotency keys were not dropped");
    }
}
