//! «Уведомления»: the list with the unread count, marking read, and a live stream
//! (server-sent events) that tells an open SPA when something arrived. Browsers'
//! `EventSource` cannot send the `Authorization` header, so the stream is opened
//! with a short-lived ticket from `POST /api/notifications/link`.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, get, post, web, web::Bytes};
use chrono::{DateTime, Utc};
use oko_domain::{error_code::ErrorCode, notifications::NotificationList, storages::DownloadLink};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::common_responses::{NotFound, Unauthenticated};
use crate::{
    auth::extractor::{Authenticated, downloader},
    bell,
    error::ApiError,
    state::AppState,
};

/// Notifications the list shows.
const LISTED: u64 = 50;
/// How often the stream looks for news.
const STREAM_POLL: Duration = Duration::from_secs(2);
/// A comment line this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE_POLLS: u32 = 10;
/// The ticket's resource.
const STREAM: &str = "notifications";
/// How long a stream link works: the SPA opens it at once, so a copied link is
/// soon useless.
const STREAM_TICKET_SECONDS: i64 = 60;

/// The caller's latest notifications and the unread count (the bell).
#[utoipa::path(
    tag = "notifications",
    operation_id = "list_notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "Newest first", body = NotificationList), Unauthenticated)
)]
#[get("/notifications")]
pub async fn list_notifications(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<NotificationList>, ApiError> {
    Ok(web::Json(
        bell::list(&state, &user.0, LISTED, Utc::now()).await?,
    ))
}

/// Marks one notification read.
#[utoipa::path(
    tag = "notifications",
    operation_id = "read_notification",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses((status = 204, description = "Read"), Unauthenticated, NotFound)
)]
#[post("/notifications/{id}/read")]
pub async fn read_notification(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let changed = bell::mark_read(&state, &user.0, Some(id.into_inner()), Utc::now()).await?;
    if changed == 0 {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            "Непрочитанное уведомление не найдено",
        ));
    }
    Ok(HttpResponse::NoContent().finish())
}

/// Marks all the caller's notifications read.
#[utoipa::path(
    tag = "notifications",
    operation_id = "read_all_notifications",
    security(("bearer" = [])),
    responses((status = 204, description = "All read"), Unauthenticated)
)]
#[post("/notifications/read-all")]
pub async fn read_all_notifications(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<HttpResponse, ApiError> {
    bell::mark_read(&state, &user.0, None, Utc::now()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A link that opens the live stream (for `EventSource`), valid for a minute.
#[utoipa::path(
    tag = "notifications",
    operation_id = "link_notification_stream",
    security(("bearer" = [])),
    responses((status = 200, description = "The stream's URL with a ticket", body = DownloadLink), Unauthenticated)
)]
#[post("/notifications/link")]
pub async fn link_notification_stream(
    state: web::Data<AppState>,
    user: Authenticated,
) -> web::Json<DownloadLink> {
    let (ticket, expires_at) =
        state
            .keys
            .issue_ticket_for(user.user_id(), STREAM, Utc::now(), STREAM_TICKET_SECONDS);
    web::Json(DownloadLink {
        url: format!("/api/notifications/stream?ticket={ticket}"),
        expires_at,
    })
}

/// `?ticket=` from `POST /api/notifications/link`.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StreamParams {
    pub ticket: String,
}

/// Server-sent events: `event: notification` whenever something new arrives
/// (read `GET /api/notifications` then), a comment line as keep-alive.
#[utoipa::path(
    tag = "notifications",
    operation_id = "notification_stream",
    params(StreamParams),
    responses(
        (status = 200, description = "An event stream", content_type = "text/event-stream", body = String,
            example = "event: notification\ndata: {\"latest\":\"2021-09-03T09:00:04Z\"}\n\n"),
        Unauthenticated,
    )
)]
#[get("/notifications/stream")]
pub async fn notification_stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<StreamParams>,
) -> Result<HttpResponse, ApiError> {
    // A blocked user, or a ticket signed before a password change, is refused
    // like any other token.
    let user = downloader(&req, &state, Some(&params.ticket), STREAM).await?;
    let user_id = user.user_id();
    let seen = bell::latest(&state, &user.0, Utc::now()).await?;
    let events = futures_util::stream::unfold(
        (state, seen, 0u32),
        move |(state, seen, quiet)| async move {
            tokio::time::sleep(STREAM_POLL).await;
            // The stream ends when its user is blocked (the cache knows within
            // `OKO_AUTH_CACHE_SECONDS`).
            let Ok(Some(user)) = state.users.get(&state.db, user_id).await else {
                return None;
            };
            let latest: Option<DateTime<Utc>> =
                bell::latest(&state, &user, Utc::now()).await.ok().flatten();
            let chunk = if latest > seen {
                let data = serde_json::json!({ "latest": latest }).to_string();
                Some(format!("event: notification\ndata: {data}\n\n"))
            } else if quiet + 1 >= KEEP_ALIVE_POLLS {
                Some(": keep-alive\n\n".to_owned())
            } else {
                None
            };
            let quiet = if chunk.is_some() { 0 } else { quiet + 1 };
            let bytes = Bytes::from(chunk.unwrap_or_default());
            Some((
                Ok::<_, actix_web::Error>(bytes),
                (state, latest.max(seen), quiet),
            ))
        },
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-cache"))
        // Compressing would hold events back in the encoder.
        .insert_header(("Content-Encoding", "identity"))
        .streaming(events))
}
