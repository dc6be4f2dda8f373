//! «Напомнить»: a coordinator (or the operator) reminds the organisations of
//! its scope that are in chosen statuses. A reminder is told as one row for its
//! whole audience and each organisation's status is read when the reminder is
//! shown, so one that submits before it reads the reminder is not told.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{api::FieldError, text::count_ru};

/// The longest reminder text, in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Where an organisation is with a collection, as a reminder chooses it. The
/// three are disjoint: a returned form is «Возвращено» until it is submitted
/// again, not «В работе».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderStatus {
    /// «Не приступило»: nothing saved.
    NotStarted,
    /// «В работе»: a draft, not submitted.
    InProgress,
    /// «Возвращено»: returned for revision, not submitted since.
    Returned,
}

impl ReminderStatus {
    pub const ALL: [ReminderStatus; 3] = [
        ReminderStatus::NotStarted,
        ReminderStatus::InProgress,
        ReminderStatus::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderStatus::NotStarted => "not_started",
            ReminderStatus::InProgress => "in_progress",
            ReminderStatus::Returned => "returned",
        }
    }

    pub fn parse(text: &str) -> Option<ReminderStatus> {
        ReminderStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn title_ru(self) -> &'static str {
        match self {
            ReminderStatus::NotStarted => "Не приступило",
            ReminderStatus::InProgress => "В работе",
            ReminderStatus::Returned => "Возвращено",
        }
    }

    /// An organisation's status from its draft's (submitted, returned), `None`
    /// when it has no draft; `None` when it has submitted (nobody reminds those).
    pub fn of(draft: Option<(bool, bool)>) -> Option<ReminderStatus> {
        match draft {
            None => Some(ReminderStatus::NotStarted),
            Some((_, true)) => Some(ReminderStatus::Returned),
            Some((true, false)) => None,
            Some((false, false)) => Some(ReminderStatus::InProgress),
        }
    }

    /// Stored as `not_started,returned`.
    pub fn join(statuses: &[ReminderStatus]) -> String {
        statuses
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// What [`ReminderStatus::join`] stored (unknown words are skipped).
    pub fn split(stored: &str) -> Vec<ReminderStatus> {
        stored
            .split(',')
            .filter_map(ReminderStatus::parse)
            .collect()
    }
}

/// `POST /api/collections/{id}/reminders`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "statuses": ["not_started", "returned"],
    "municipality": "5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
    "text": "Напоминаем: прием формы заканчивается 7 сентября в 18:00 (мск)."
})))]
pub struct ReminderRequest {
    /// Whom: organisations in any of these statuses.
    pub statuses: Vec<ReminderStatus>,
    /// Only this municipality of the caller's scope (id, as the participants'
    /// filter lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<Uuid>,
    /// What they read, up to 1,000 characters.
    pub text: String,
}

impl ReminderRequest {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.statuses.is_empty() {
            problems.push(FieldError::about_field(
                "statuses",
                "required",
                "Выберите, кому напомнить: хотя бы один статус",
            ));
        }
        let text = self.text.trim();
        if text.is_empty() {
            problems.push(FieldError::about_field(
                "text",
                "required",
                "Напишите текст напоминания",
            ));
        } else if text.chars().count() > MAX_TEXT_CHARS {
            problems.push(FieldError::about_field(
                "text",
                "too_long",
                &format!("Не более {MAX_TEXT_CHARS} символов"),
            ));
        }
        problems
    }
}

/// The answer: how many organisations the reminder is for now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"reminded": 311})))]
pub struct ReminderSent {
    pub reminded: u64,
}

impl ReminderSent {
    /// «Напоминание отправлено: 311 организациям».
    pub fn said_ru(&self) -> String {
        format!(
            "Напоминание отправлено: {}",
            count_ru(
                self.reminded,
                ["организации", "организациям", "организациям"]
            )
        )
    }
}

/// The text the SPA offers to send, for the coordinator to change.
pub fn suggested_text(form_title: &str, closes_at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "Напоминаем: прием формы «{form_title}» заканчивается {} (мск). Пожалуйста, заполните и сдайте форму.",
        crate::moscow_time::long_date_time(closes_at)
    )
}

/// The audit's detail of a reminder: whom, where, how many, what.
pub fn audit_detail(
    statuses: &[ReminderStatus],
    municipality: Option<&str>,
    reminded: u64,
    text: &str,
) -> String {
    let whom: Vec<&str> = statuses.iter().map(|s| s.title_ru()).collect();
    let place = municipality.map(|m| format!("; {m}")).unwrap_or_default();
    format!(
        "{}{place}; организаций: {reminded}; «{}»",
        whom.join(", "),
        text.trim()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisations_status_is_one_of_three_or_none_once_submitted() {
        assert_eq!(ReminderStatus::of(None), Some(ReminderStatus::NotStarted));
        assert_eq!(
            ReminderStatus::of(Some((false, false))),
            Some(ReminderStatus::InProgress)
        );
        assert_eq!(
            ReminderStatus::of(Some((true, true))),
            Some(ReminderStatus::Returned)
        );
        assert_eq!(ReminderStatus::of(Some((true, false))), None);
    }

    #[test]
    fn statuses_are_stored_and_read_back() {
        let all = ReminderStatus::ALL;
        assert_eq!(ReminderStatus::split(&ReminderStatus::join(&all)), all);
        assert_eq!(
            ReminderStatus::split("returned,unknown"),
            [ReminderStatus::Returned]
        );
    }

    #[test]
    fn a_reminder_needs_whom_and_what() {
        let request = ReminderRequest {
            statuses: vec![],
            municipality: None,
            text: "  ".into(),
        };
        let fields: Vec<_> = request.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, [Some("statuses".into()), Some("text".into())]);
        let long = ReminderRequest {
            statuses: vec![ReminderStatus::NotStarted],
            municipality: None,
            text: "я".repeat(MAX_TEXT_CHARS + 1),
        };
        assert_eq!(long.problems()[0].code, "too_long");
    }

    #[test]
    fn the_answer_says_how_many_in_russian() {
        assert_eq!(
            ReminderSent { reminded: 1 }.said_ru(),
            "Напоминание отправлено: 1 организации"
        );
        assert_eq!(
            ReminderSent { reminded: 21 }.said_ru(),
            "Напоминание отправлено: 21 организации"
        );
        assert_eq!(
            ReminderSent { reminded: 5 }.said_ru(),
            "Напоминание отправлено: 5 организациям"
        );
    }
}
