//! One log line per request — its id, method, route, status, latency and user,
//! never a query string, a body, a password or a token — and the same request id
//! in `X-Request-Id` and in every error body, so a user's screenshot of an error
//! leads to its line in the log (with `OKO_LOG_FORMAT=json`, one JSON object).

use std::{cell::Cell, time::Instant};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
};
use uuid::Uuid;

/// The header a proxy may hand its own id in, and the answer carries.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST: RequestContext;
}

/// What the request's own code adds to its log line.
struct RequestContext {
    id: String,
    user: Cell<Option<Uuid>>,
}

/// The id of the request being answered (`None` outside one).
pub fn current_id() -> Option<String> {
    REQUEST.try_with(|r| r.id.clone()).ok()
}

/// Names the authenticated user in the request's log line.
pub fn note_user(user: Uuid) {
    let _ = REQUEST.try_with(|r| r.user.set(Some(user)));
}

/// The outermost middleware: every answer a handler or an extractor makes,
/// an error included, is made inside the request's context, so its body
/// carries the id. (A middleware's own failure, such as a broken upload
/// stream, is answered by actix after this returns: logged, without the id.)
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = incoming_id(&req).unwrap_or_else(new_id);
    let method = req.method().clone();
    let context = RequestContext {
        id: id.clone(),
        user: Cell::new(None),
    };
    let (answer, user) = REQUEST
        .scope(context, async move {
            let answer = next.call(req).await;
            (answer, REQUEST.with(|r| r.user.get()))
        })
        .await;
    let (status, route) = match &answer {
        Ok(response) => (response.status(), response.request().match_pattern()),
        Err(err) => (err.as_response_error().status_code(), None),
    };
    let route = route.as_deref().unwrap_or("(приложение)");
    let latency = started.elapsed();
    crate::metrics::request_done(method.as_str(), route, status.as_u16(), latency);
    tracing::info!(
        target: "oko::request",
        request_id = %id,
        method = %method,
        route,
        status = status.as_u16(),
        // Microseconds are enough, and print without float noise.
        latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3,
        user_id = user.map(tracing::field::display),
    );
    let mut response = answer?;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID_HEADER), value);
    }
    Ok(response)
}

/// A proxy's id, when it looks like one (letters, digits, `-`, `_`, `.`; at
/// most 64): nothing else reaches the log through it.
fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(REQUEST_ID_HEADER)?.to_str().ok()?;
    let fits = (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    fits.then(|| value.to_owned())
}

/// Sixteen hex digits: short enough to read off a screenshot.
fn new_id() -> String {
    let mut id = Uuid::new_v4().simple().to_string();
    id.truncate(16);
    id
}
