//! «Уведомления»: what a user is told — a report is ready, a submission was
//! returned for revision, a collection opened or closes within a day.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    ReportReady,
    /// A report could not be made: what failed, in Russian.
    ReportFailed,
    Returned,
    CollectionOpened,
    ClosingSoon,
    /// The operator answered one's forum question.
    ForumAnswer,
    /// A coordinator's «Напомнить».
    Reminder,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::ReportReady => "report_ready",
            NotificationKind::ReportFailed => "report_failed",
            NotificationKind::Returned => "returned",
            NotificationKind::CollectionOpened => "collection_opened",
            NotificationKind::ClosingSoon => "closing_soon",
            NotificationKind::ForumAnswer => "forum_answer",
            NotificationKind::Reminder => "reminder",
        }
    }

    pub fn parse(text: &str) -> NotificationKind {
        [
            NotificationKind::ReportReady,
            NotificationKind::ReportFailed,
            NotificationKind::Returned,
            NotificationKind::CollectionOpened,
            NotificationKind::ForumAnswer,
            NotificationKind::Reminder,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
        .unwrap_or(NotificationKind::ClosingSoon)
    }
}

/// One notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e", "kind": "report_ready",
    "title": "Отчёт #446 готов к загрузке", "body": "Экспорт результатов: Сбор расписания проведения ВПР СПО 2021",
    "link": "/collections/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/monitoring",
    "created_at": "2021-09-03T09:00:04Z", "read": false
})))]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// Where in the SPA it leads; for a ready report, its file
    /// (`/api/jobs/{id}/file`, downloaded with the user's token).
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// The bell: how many are unread, and the latest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"unread": 1, "items": [{
    "id": "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e", "kind": "returned",
    "title": "Форма возвращена на доработку", "body": "Сведения о кабинетах: Укажите все кабинеты",
    "link": "/collections/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "created_at": "2021-09-03T09:00:04Z", "read": false}]})))]
pub struct NotificationList {
    pub unread: u64,
    pub items: Vec<NotificationView>,
}
