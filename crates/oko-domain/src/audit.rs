//! The audit log: who did what and when — logins and failed logins, password
//! changes and resets, blocking, publication and form changes, submissions, returns
//! for revision, exports and reports. The operator sees all of it, coordinators
//! what happened in their territory.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    Login,
    LoginFailed,
    LoginThrottled,
    PasswordChanged,
    PasswordReset,
    UserBlocked,
    UserUnblocked,
    PublicationSaved,
    FormSaved,
    /// A list shared between forms saved or deleted.
    SharedListSaved,
    Submitted,
    Returned,
    ReportOrdered,
    Reminded,
    Accepted,
}

impl AuditAction {
    pub const ALL: [AuditAction; 15] = [
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::LoginThrottled,
        AuditAction::PasswordChanged,
        AuditAction::PasswordReset,
        AuditAction::UserBlocked,
        AuditAction::UserUnblocked,
        AuditAction::PublicationSaved,
        AuditAction::FormSaved,
        AuditAction::SharedListSaved,
        AuditAction::Submitted,
        AuditAction::Returned,
        AuditAction::ReportOrdered,
        AuditAction::Reminded,
        AuditAction::Accepted,
    ];

    /// The stored snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Login => "login",
            AuditAction::LoginFailed => "login_failed",
            AuditAction::LoginThrottled => "login_throttled",
            AuditAction::PasswordChanged => "password_changed",
            AuditAction::PasswordReset => "password_reset",
            AuditAction::UserBlocked => "user_blocked",
            AuditAction::UserUnblocked => "user_unblocked",
            AuditAction::PublicationSaved => "publication_saved",
            AuditAction::FormSaved => "form_saved",
            AuditAction::SharedListSaved => "shared_list_saved",
            AuditAction::Submitted => "submitted",
            AuditAction::Returned => "returned",
            AuditAction::ReportOrdered => "report_ordered",
            AuditAction::Reminded => "reminded",
            AuditAction::Accepted => "accepted",
        }
    }

    pub fn parse(text: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// As the log shows it.
    pub fn title_ru(self) -> &'static str {
        match self {
            AuditAction::Login => "Вход",
            AuditAction::LoginFailed => "Неудачный вход",
            AuditAction::LoginThrottled => "Вход отложен (много попыток)",
            AuditAction::PasswordChanged => "Смена пароля",
            AuditAction::PasswordReset => "Выдан новый пароль",
            AuditAction::UserBlocked => "Учетная запись заблокирована",
            AuditAction::UserUnblocked => "Учетная запись разблокирована",
            AuditAction::PublicationSaved => "Публикация сохранена",
            AuditAction::FormSaved => "Форма сохранена",
            AuditAction::SharedListSaved => "Общий список изменен",
            AuditAction::Submitted => "Отчет сдан",
            AuditAction::Returned => "Возвращено на доработку",
            AuditAction::ReportOrdered => "Заказан отчет или экспорт",
            AuditAction::Reminded => "Напоминание",
            AuditAction::Accepted => "Форма принята",
        }
    }
}

/// One event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// Who did it (the login typed, for failed logins).
    pub actor: String,
    pub action: AuditAction,
    pub action_title: String,
    /// What it was done to: a login, a publication's title, a collection.
    pub target: String,
    /// More about it, in Russian.
    pub detail: String,
    /// The client's address, for logins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// A page of the log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "items": [{"id": "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d", "at": "2026-04-20T07:12:00Z", "actor": "sch240001",
               "action": "login_failed", "action_title": "Неудачный вход", "target": "sch240001",
               "detail": "Неверный пароль", "address": "10.1.2.3"}],
    "total": 1, "page": 1, "per_page": 50
})))]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}
