//! «Напомнить»: a coordinator (or the operator) reminds the organisations of its
//! scope in chosen statuses, optionally of one municipality. The reminder is one
//! announcement row for that audience (see `oko_db::announcements`): nothing is
//! written per organisation, and one that submits before reading it is not told.

use actix_web::{HttpResponse, post, web};
use oko_db::{
    announcements::{self, Audience},
    monitoring::{DraftDates, ScopeRow},
    notifications::Notice,
    reach::Reach,
};
use oko_domain::{
    api::Problem,
    audit::AuditAction,
    collections::CollectionState,
    error_code::ErrorCode,
    notifications::NotificationKind,
    reminders::{ReminderRequest, ReminderSent, ReminderStatus, audit_detail},
};
use uuid::Uuid;

use super::monitoring::Monitored;
use crate::{
    audit,
    auth::extractor::Authenticated,
    error::ApiError,
    routes::common_responses::{NotFound, Unauthenticated},
    state::AppState,
};

/// Reminds the organisations of the caller's scope that are in any of
/// `statuses` («Не приступило», «В работе», «Возвращено»), only those of
/// `municipality` when given. Each reads it in its bell until it submits; the
/// answer says how many it is for now. The audit records who reminded whom.
#[utoipa::path(
    tag = "monitoring",
    operation_id = "send_reminder",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body = ReminderRequest,
    responses(
        (status = 202, description = "Sent: how many organisations it is for", body = ReminderSent),
        (status = 403, description = "Organisations do not remind", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The collection is closed", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Конфликт", "status": 409, "code": "conflict",
                "detail": "Сбор данных закрыт: напоминать поздно"})),
        (status = 422, description = "No status, no text, or a municipality outside the caller's scope", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Выберите, кому напомнить: хотя бы один статус",
                "errors": [{"field": "statuses", "code": "required", "message": "Выберите, кому напомнить: хотя бы один статус"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/reminders")]
pub async fn send_reminder(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<ReminderRequest>,
) -> Result<HttpResponse, ApiError> {
    let Monitored {
        collection: found,
        scope,
        now,
    } = Monitored::load(&state, &user, id.into_inner()).await?;
    ApiError::unless_valid(body.problems())?;
    if scope.state != CollectionState::Open {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "Сбор данных закрыт: напоминать поздно",
        ));
    }
    let municipality = body
        .municipality
        .map(|id| scope.municipality(id))
        .transpose()?;
    let reminded = scope
        .rows()
        .iter()
        .filter(|row| {
            municipality
                .as_ref()
                .is_none_or(|m| row.organisation.municipality_id == m.id)
        })
        .filter(|row| status_of(row).is_some_and(|status| body.statuses.contains(&status)))
        .count() as u64;
    let audience = Audience {
        statuses: Some(body.statuses.clone()),
        ..place_of(user.reach(), municipality.as_ref().map(|m| m.id))
    };
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let text = body.text.trim();
    let message = format!("{}: {text}", form.title);
    let link = format!("/collections/{}", found.id);
    let notice = Notice {
        kind: NotificationKind::Reminder,
        title: "Напоминание",
        body: &message,
        link: Some(&link),
    };
    let recent = &state.announcements;
    announcements::announce(&state.db, recent, found.id, &notice, &audience, now).await?;
    let detail = audit_detail(
        &body.statuses,
        municipality.as_ref().map(|m| m.name.as_str()),
        reminded,
        text,
    );
    let entry = audit::Entry {
        action: AuditAction::Reminded,
        target: &form.title,
        detail: &detail,
    };
    audit::by_user(&state, &user, entry, None).await;
    Ok(HttpResponse::Accepted().json(ReminderSent { reminded }))
}

/// A monitoring row's status as a reminder chooses it.
fn status_of(row: &ScopeRow) -> Option<ReminderStatus> {
    DraftDates::reminder_status(row.dates.as_ref())
}

/// The reminder's place: the caller's territory, narrowed to `municipality`.
fn place_of(reach: &Reach, municipality: Option<Uuid>) -> Audience {
    let (region, own) = match reach {
        Reach::Everything | Reach::Organisation { .. } => (None, None),
        Reach::Region(region) => (Some(*region), None),
        Reach::Municipality { id, region } => (Some(*region), Some(*id)),
    };
    Audience {
        region,
        municipality: municipality.or(own),
        ..Audience::default()
    }
}
