//! Data collections as the API and the SPA exchange them: forms and their
//! versions, a publication's collection with its window, an organisation's draft,
//! its status and its submissions; and the rules on the clock both sides share.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    api::FieldError,
    forms::{CellError, Change, FormData, FormDefinition},
    moscow_time::{long_date_time, short_date_time},
};

/// A form and its latest version (`GET /api/forms`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "5b0c6a38-8f6e-4c8e-9a55-3c2b8e7d9f10", "title": "Сбор расписания проведения ВПР СПО 2021",
    "latest_version": 2, "latest_version_id": "0d7c8a52-1e0f-4a4b-9a3e-9b1f2c3d4e5f",
    "created_at": "2021-08-20T09:00:00Z"
})))]
pub struct FormSummary {
    pub id: Uuid,
    /// Title of the latest version.
    pub title: String,
    /// Number of the latest version (1, 2, …).
    pub latest_version: i32,
    /// Id of the latest version, the one a new collection pins.
    pub latest_version_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// `GET /api/forms`: newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{"id": "5b0c6a38-8f6e-4c8e-9a55-3c2b8e7d9f10", "title": "Сбор расписания проведения ВПР СПО 2021",
    "latest_version": 2, "latest_version_id": "0d7c8a52-1e0f-4a4b-9a3e-9b1f2c3d4e5f", "created_at": "2021-08-20T09:00:00Z"}]})))]
pub struct FormList {
    pub items: Vec<FormSummary>,
}

/// One version of a form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0d7c8a52-1e0f-4a4b-9a3e-9b1f2c3d4e5f", "form_id": "5b0c6a38-8f6e-4c8e-9a55-3c2b8e7d9f10", "version": 1,
    "definition": {"title": "Сведения о специальностях", "sheets": [{"key": "specialties", "title": "СПЕЦИАЛЬНОСТИ",
        "columns": [{"key": "course", "title": "Курс", "type": "integer", "required": true, "min": 1, "max": 6}]}]},
    "created_at": "2021-08-20T09:00:00Z"
})))]
pub struct FormVersion {
    /// Id of this version (collections pin it).
    pub id: Uuid,
    pub form_id: Uuid,
    /// 1 for the first definition, then 2, 3, …
    pub version: i32,
    pub definition: FormDefinition,
    pub created_at: DateTime<Utc>,
}

/// Whether a collection takes data now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CollectionState {
    Open,
    Closed,
}

impl CollectionState {
    /// «Открыт» / «Закрыт».
    pub fn title_ru(self) -> &'static str {
        match self {
            CollectionState::Open => "Открыт",
            CollectionState::Closed => "Закрыт",
        }
    }

    /// The state at `now`: the operator's override if any, else the window
    /// (open from `opens_at` up to, not including, `closes_at`).
    pub fn at(
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
        state_override: Option<CollectionState>,
        now: DateTime<Utc>,
    ) -> CollectionState {
        match state_override {
            Some(state) => state,
            None if opens_at <= now && now < closes_at => CollectionState::Open,
            None => CollectionState::Closed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CollectionState::Open => "open",
            CollectionState::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<CollectionState> {
        match text {
            "open" => Some(CollectionState::Open),
            "closed" => Some(CollectionState::Closed),
            _ => None,
        }
    }
}

/// «30 августа 2021, 20:41 - 7 сентября 2021, 18:00» (Moscow time).
pub fn window_ru(opens_at: DateTime<Utc>, closes_at: DateTime<Utc>) -> String {
    format!(
        "{} - {}",
        long_date_time(opens_at),
        long_date_time(closes_at)
    )
}

/// Where an organisation is with a collection. The statuses are disjoint: each
/// organisation is in exactly one, and the counts add up to «Всего».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgStatus {
    /// «Не приступил»: nothing saved.
    NotStarted,
    /// «В работе»: a draft, never submitted, the collection open.
    InProgress,
    /// «Сдано»: submitted and not accepted yet (where the collection has
    /// acceptance) or submitted (where it has none).
    Submitted,
    /// «Не сдано»: a draft only, and the collection closed.
    NotSubmitted,
    /// «Возвращено»: returned for revision and not submitted since.
    Returned,
    /// «Принято МОУО»: accepted by the municipal coordinator.
    AcceptedMunicipality,
    /// «Принято регионом»: accepted by the regional coordinator.
    AcceptedRegion,
}

impl OrgStatus {
    /// Every status, in the order lists group them.
    pub const ALL: [OrgStatus; 7] = [
        OrgStatus::AcceptedRegion,
        OrgStatus::AcceptedMunicipality,
        OrgStatus::Submitted,
        OrgStatus::Returned,
        OrgStatus::InProgress,
        OrgStatus::NotSubmitted,
        OrgStatus::NotStarted,
    ];

    /// The status from what exists.
    pub fn of(has_draft: bool, submitted: bool, state: CollectionState) -> OrgStatus {
        match (has_draft, submitted, state) {
            (_, true, _) => OrgStatus::Submitted,
            (false, false, _) => OrgStatus::NotStarted,
            (true, false, CollectionState::Open) => OrgStatus::InProgress,
            (true, false, CollectionState::Closed) => OrgStatus::NotSubmitted,
        }
    }

    /// The status once a coordinator's decision is weighed in: a form returned
    /// and not submitted since is «Возвращено»; a submission accepted at a
    /// level is «Принято …».
    pub fn reviewed(
        self,
        returned: bool,
        accepted: Option<crate::acceptance::AcceptanceLevel>,
    ) -> OrgStatus {
        match (self, accepted) {
            (OrgStatus::Submitted, Some(level)) => level.status(),
            (OrgStatus::InProgress | OrgStatus::NotSubmitted, _) if returned => OrgStatus::Returned,
            (status, _) => status,
        }
    }

    /// Whether the submission counts (submitted, accepted or not).
    pub fn has_submitted(self) -> bool {
        matches!(
            self,
            OrgStatus::Submitted | OrgStatus::AcceptedMunicipality | OrgStatus::AcceptedRegion
        )
    }

    /// Whether the form is locked for its organisation: accepted at some level.
    pub fn is_accepted(self) -> bool {
        matches!(
            self,
            OrgStatus::AcceptedMunicipality | OrgStatus::AcceptedRegion
        )
    }

    pub fn title_ru(self) -> &'static str {
        match self {
            OrgStatus::NotStarted => "Не приступил",
            OrgStatus::InProgress => "В работе",
            OrgStatus::Submitted => "Сдано",
            OrgStatus::NotSubmitted => "Не сдано",
            OrgStatus::Returned => "Возвращено",
            OrgStatus::AcceptedMunicipality => "Принято МОУО",
            OrgStatus::AcceptedRegion => "Принято регионом",
        }
    }
}

/// An organisation's progress with a collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub status: OrgStatus,
    /// «Не приступил», «В работе», «Сдано», «Не сдано».
    pub status_title: String,
    /// First save («Дата начала работы»).
    pub started_at: Option<DateTime<Utc>>,
    /// Latest save.
    pub updated_at: Option<DateTime<Utc>>,
    /// Latest submission («Дата подачи»).
    pub submitted_at: Option<DateTime<Utc>>,
    /// «Вы заполнили форму 02.03.2026 17:42 (мск)» after a submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_action: Option<String>,
    /// Returned for revision and not submitted since: the status is
    /// «Возвращено» and this says why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<crate::monitoring::ReturnNote>,
    /// Accepted by a coordinator: the form is locked for the organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepted: Option<crate::acceptance::AcceptanceNote>,
}

impl Progress {
    /// `returned`: the latest return for revision, if it came after the latest
    /// submission; `accepted`: the submission's acceptance, if any.
    pub fn new(
        started_at: Option<DateTime<Utc>>,
        updated_at: Option<DateTime<Utc>>,
        submitted_at: Option<DateTime<Utc>>,
        state: CollectionState,
        returned: Option<crate::monitoring::ReturnNote>,
        accepted: Option<crate::acceptance::AcceptanceNote>,
    ) -> Progress {
        let counts_as_submitted = submitted_at.is_some() && returned.is_none();
        let status = OrgStatus::of(started_at.is_some(), counts_as_submitted, state)
            .reviewed(returned.is_some(), accepted.as_ref().map(|a| a.level));
        Progress {
            status,
            status_title: status.title_ru().to_owned(),
            started_at,
            updated_at,
            submitted_at,
            last_action: submitted_at.map(filled_in_ru),
            returned,
            accepted,
        }
    }
}

/// The block's button (seed 002, Рис. 16): «Заполнить» while nothing is saved,
/// «Редактировать» once something is, «Посмотреть» when the collection is closed,
/// the form is accepted or the user does not fill it in (`progress` is the user's organisation's).
pub fn action_ru(state: CollectionState, progress: Option<&Progress>) -> &'static str {
    match (state, progress.map(|p| p.status)) {
        (CollectionState::Open, Some(OrgStatus::NotStarted)) => "Заполнить",
        // Accepted: locked until a coordinator returns it.
        (CollectionState::Open, Some(status)) if status.is_accepted() => "Посмотреть",
        (CollectionState::Open, Some(_)) => "Редактировать",
        _ => "Посмотреть",
    }
}

/// The line under the block's button when nothing has been submitted yet.
pub fn state_note_ru(state: CollectionState, fills_in: bool) -> &'static str {
    match (state, fills_in) {
        (CollectionState::Open, true) => "Вы можете заполнить форму. Прием открыт.",
        (CollectionState::Open, false) => "Прием открыт.",
        (CollectionState::Closed, _) => "Прием закрыт.",
    }
}

/// «Вы заполнили форму 02.03.2026 17:42 (мск)».
pub fn filled_in_ru(at: DateTime<Utc>) -> String {
    format!("Вы заполнили форму {}", short_date_time(at))
}

/// `PUT /api/publications/{id}/collection`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "form_version_id": "0d7c8a52-1e0f-4a4b-9a3e-9b1f2c3d4e5f",
    "opens_at": "2021-08-30T17:41:00Z", "closes_at": "2021-09-07T15:00:00Z",
    "reminder_hours": [72, 24, 3], "acceptance_levels": "both"
})))]
pub struct CollectionInput {
    /// The form version the collection pins.
    pub form_version_id: Uuid,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// «Сбор данных закрывается через …» to those who have not submitted, this
    /// many hours before the deadline (each once; 1–720, at most 5). Default: 24.
    #[serde(default = "default_reminder_hours")]
    pub reminder_hours: Vec<u32>,
    /// Which levels accept submissions: `none` (default), `municipality`,
    /// `region`, `both` (the municipality, then the region).
    #[serde(default)]
    pub acceptance_levels: crate::acceptance::AcceptanceLevels,
}

/// The closing reminder every collection had before they could be chosen.
pub fn default_reminder_hours() -> Vec<u32> {
    vec![24]
}

/// The most closing reminders a collection has.
pub const MAX_REMINDERS: usize = 5;
/// The earliest a closing reminder may come: 30 days before the deadline.
pub const MAX_REMINDER_HOURS: u32 = 720;

impl CollectionInput {
    /// What is wrong with the input (the version's existence is the server's).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.closes_at <= self.opens_at {
            problems.push(FieldError::about_field(
                "closes_at",
                "window_inverted",
                "Сбор должен закрываться позже, чем открывается",
            ));
        }
        if let Err(message) = check_reminder_hours(&self.reminder_hours) {
            problems.push(FieldError::about_field(
                "reminder_hours",
                "invalid",
                &message,
            ));
        }
        problems
    }
}

/// The closing reminders' hours, or what is wrong with them.
fn check_reminder_hours(hours: &[u32]) -> Result<(), String> {
    if hours.len() > MAX_REMINDERS {
        return Err(format!("Не более {MAX_REMINDERS} напоминаний"));
    }
    if let Some(wrong) = hours
        .iter()
        .find(|h| !(1..=MAX_REMINDER_HOURS).contains(*h))
    {
        return Err(format!(
            "Напоминание за {wrong} ч: можно от 1 до {MAX_REMINDER_HOURS} часов до окончания приема"
        ));
    }
    let mut seen = hours.to_vec();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != hours.len() {
        return Err("Одно и то же время напоминания указано дважды".into());
    }
    Ok(())
}

/// The hours as the collection form shows them: «72, 24, 3».
pub fn reminder_hours_text(hours: &[u32]) -> String {
    hours
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The hours typed in the collection form (numbers separated by commas or
/// spaces; empty: no reminders), largest first, or what is wrong.
pub fn read_reminder_hours(text: &str) -> Result<Vec<u32>, String> {
    let mut hours = Vec::new();
    for word in text.split([',', ';', ' ']).filter(|w| !w.is_empty()) {
        hours.push(word.parse::<u32>().map_err(|_| {
            format!("«{word}» — не число часов; укажите часы через запятую, например 72, 24, 3")
        })?);
    }
    check_reminder_hours(&hours)?;
    hours.sort_unstable_by(|a, b| b.cmp(a));
    Ok(hours)
}

/// The closing reminder that is due at `now`: the nearest of `hours` whose
/// moment (the deadline less it) has come, with that moment; `None` before
/// the first, or once the collection has closed.
pub fn due_closing_reminder(
    hours: &[u32],
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if now >= closes_at {
        return None;
    }
    hours
        .iter()
        .map(|h| closes_at - chrono::Duration::hours(i64::from(*h)))
        .filter(|moment| *moment <= now)
        .max()
}

/// «через 3 дня», «через 24 часа», «через 40 минут»: the time left, as the
/// closing reminder says it (days from two days on).
pub fn closing_in_ru(left: chrono::Duration) -> String {
    let minutes = left.num_minutes().max(1);
    let hours = (minutes + 30) / 60;
    let days = (minutes + 12 * 60) / (24 * 60);
    if hours >= 48 {
        format!(
            "через {}",
            crate::text::count_ru(days as u64, ["день", "дня", "дней"])
        )
    } else if minutes >= 60 {
        format!(
            "через {}",
            crate::text::count_ru(hours as u64, ["час", "часа", "часов"])
        )
    } else {
        format!(
            "через {}",
            crate::text::count_ru(minutes as u64, ["минуту", "минуты", "минут"])
        )
    }
}

/// `PUT /api/collections/{id}/state`: the operator closes early or reopens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"state": "closed"})))]
pub struct StateInput {
    /// `open` or `closed` overrides the clock; null returns to the window.
    pub state: Option<CollectionState>,
}

/// A publication's data-collection block.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "publication_id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c",
    "form_version_id": "0d7c8a52-1e0f-4a4b-9a3e-9b1f2c3d4e5f", "form_title": "Сбор расписания проведения ВПР СПО 2021",
    "opens_at": "2021-08-30T17:41:00Z", "closes_at": "2021-09-07T15:00:00Z",
    "state": "open", "state_title": "Открыт", "state_override": null,
    "window": "30 августа 2021, 20:41 - 7 сентября 2021, 18:00", "reminder_hours": [72, 24],
    "acceptance_levels": "municipality",
    "progress": {"status": "submitted", "status_title": "Сдано", "started_at": "2021-09-01T08:00:00Z",
        "updated_at": "2021-09-02T14:42:00Z", "submitted_at": "2021-09-02T14:42:00Z",
        "last_action": "Вы заполнили форму 02.09.2021 17:42 (мск)"}
})))]
pub struct CollectionView {
    pub id: Uuid,
    pub publication_id: Uuid,
    pub form_version_id: Uuid,
    pub form_title: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    /// By the server's clock and the operator's override.
    pub state: CollectionState,
    /// «Открыт» / «Закрыт».
    pub state_title: String,
    pub state_override: Option<CollectionState>,
    /// «30 августа 2021, 20:41 - 7 сентября 2021, 18:00».
    pub window: String,
    /// Hours before the deadline of the closing reminders, largest first.
    #[serde(default = "default_reminder_hours")]
    pub reminder_hours: Vec<u32>,
    /// Which levels accept submissions.
    #[serde(default)]
    pub acceptance_levels: crate::acceptance::AcceptanceLevels,
    /// The user's organisation's progress (organisation users only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

/// An organisation's draft with every error it has now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "collection_id": "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "organisation_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "version": 3,
    "data": {"specialties": [{"code": "38.02.01 Экономика", "course": "семь"}]},
    "errors": [{"sheet": "specialties", "row": 1, "column": "course", "code": "not_integer",
        "message": "Введите целое число, например 25"}],
    "progress": {"status": "in_progress", "status_title": "В работе", "started_at": "2021-09-01T08:00:00Z",
        "updated_at": "2021-09-02T14:42:00Z", "submitted_at": null}
})))]
pub struct Draft {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    /// 0 while nothing is saved; send it back with the next save.
    pub version: i32,
    /// Sheet key → rows → column key → value (dates `2021-09-15`, decimals `12.5`);
    /// an unusual value's explanation beside it, under `<column>:explanation`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({
        "paper": [{"subject": "Математика", "date1": "2021-09-15", "participants1": "25"}]
    })))]
    pub data: FormData,
    pub errors: Vec<CellError>,
    /// What the organisation's unusual values are compared with (soft
    /// checks; empty for forms without them): its own value last time, its
    /// municipality's median.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<crate::forms::Reference>,
    pub progress: Progress,
}

/// `PATCH /api/collections/{id}/draft`: autosave's batch of cell changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "version": 3, "change_id": "tab1-0042",
    "changes": [
        {"op": "set", "sheet": "paper", "row": 1, "column": "date1", "value": "15.09.2021"},
        {"op": "insert_row", "sheet": "paper", "row": 2}
    ]
})))]
pub struct DraftPatch {
    /// The version the changes were made on.
    pub version: i32,
    /// The client's id of this batch: a retried batch is applied once.
    pub change_id: String,
    pub changes: Vec<Change>,
}

/// What a save answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "version": 4, "saved_at": "2021-09-02T14:42:00Z",
    "errors": [{"sheet": "paper", "row": 1, "column": "rooms1", "code": "required_if",
        "message": "Заполните ячейку: заполнен столбец «Дата 1й курс»"}]
})))]
pub struct DraftSaved {
    pub version: i32,
    pub saved_at: DateTime<Utc>,
    /// Every error of the whole draft after the save.
    pub errors: Vec<CellError>,
}

/// 409 of a save or submit on a stale version: a problem (RFC 9457) with the
/// current draft to merge with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409, "code": "conflict",
    "detail": "Черновик уже сохранен в другой вкладке или другим пользователем (версия 4): объедините изменения",
    "current": {"collection_id": "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "organisation_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
        "version": 4, "data": {"specialties": [{"course": "2"}]}, "errors": [],
        "progress": {"status": "in_progress", "status_title": "В работе", "started_at": "2021-09-01T08:00:00Z",
            "updated_at": "2021-09-02T14:42:00Z", "submitted_at": null}}})))]
pub struct DraftConflict {
    /// Always `about:blank`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// 409.
    pub status: u16,
    /// Always `conflict`.
    pub code: crate::error_code::ErrorCode,
    pub detail: String,
    /// The draft as saved now: merge with it and save again on its version.
    pub current: Draft,
}

/// `POST /api/collections/{id}/submit`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"version": 4})))]
pub struct SubmitRequest {
    /// The draft version being submitted.
    pub version: i32,
}

/// A submission: when, by whom, and the line the SPA shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918", "submitted_at": "2026-03-02T14:42:00Z",
    "submitted_by": "sch770001", "draft_version": 4,
    "message": "Вы заполнили форму 02.03.2026 17:42 (мск)"
})))]
pub struct SubmissionReceipt {
    pub id: Uuid,
    pub submitted_at: DateTime<Utc>,
    /// Login of the user who submitted.
    pub submitted_by: String,
    pub draft_version: i32,
    /// «Вы заполнили форму 02.03.2026 17:42 (мск)».
    pub message: String,
}

/// `GET /api/collections/{id}/submissions`: newest first; the first counts unless
/// a later return for revision undid it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{"id": "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918", "submitted_at": "2026-03-02T14:42:00Z",
    "submitted_by": "sch770001", "draft_version": 4, "message": "Вы заполнили форму 02.03.2026 17:42 (мск)"}],
    "returns": [{"returned_at": "2026-03-03T08:00:00Z", "returned_by": "mun24001", "comment": "Проверьте количество участников",
        "message": "Возвращено на доработку 03.03.2026 11:00 (мск): Проверьте количество участников"}]})))]
pub struct SubmissionHistory {
    pub items: Vec<SubmissionReceipt>,
    /// Returns for revision, newest first.
    #[serde(default)]
    pub returns: Vec<crate::monitoring::ReturnNote>,
}

/// Cell errors as API problem entries (sheet and column titles, «Лист «…», строка …»
/// messages). Rows are shown as they are: data rows for drafts, the file's own row
/// numbers for uploads.
pub fn cell_problems(form: &FormDefinition, errors: &[CellError]) -> Vec<FieldError> {
    errors.iter().map(|e| e.to_field_error(form, 0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 9, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn the_due_closing_reminder_is_the_nearest_whose_moment_has_come() {
        let closes = at(7, 15);
        let hours = [72, 24, 3];
        assert_eq!(due_closing_reminder(&hours, closes, at(4, 14)), None);
        assert_eq!(
            due_closing_reminder(&hours, closes, at(4, 15)),
            Some(at(4, 15))
        );
        assert_eq!(
            due_closing_reminder(&hours, closes, at(6, 14)),
            Some(at(4, 15))
        );
        assert_eq!(
            due_closing_reminder(&hours, closes, at(6, 16)),
            Some(at(6, 15))
        );
        assert_eq!(
            due_closing_reminder(&hours, closes, at(7, 13)),
            Some(at(7, 12))
        );
        assert_eq!(
            due_closing_reminder(&hours, closes, at(7, 15)),
            None,
            "closed"
        );
        assert_eq!(due_closing_reminder(&[], closes, at(7, 14)), None);
    }

    #[test]
    fn the_time_left_is_said_in_days_hours_or_minutes() {
        let left = chrono::Duration::minutes;
        assert_eq!(closing_in_ru(left(72 * 60)), "через 3 дня");
        assert_eq!(closing_in_ru(left(24 * 60)), "через 24 часа");
        assert_eq!(closing_in_ru(left(3 * 60 - 1)), "через 3 часа");
        assert_eq!(closing_in_ru(left(21 * 60)), "через 21 час");
        assert_eq!(closing_in_ru(left(40)), "через 40 минут");
    }

    #[test]
    fn reminder_hours_are_typed_as_numbers_and_checked() {
        assert_eq!(read_reminder_hours("24, 72 3"), Ok(vec![72, 24, 3]));
        assert_eq!(read_reminder_hours(" "), Ok(vec![]));
        assert!(
            read_reminder_hours("сутки")
                .unwrap_err()
                .contains("«сутки»")
        );
        assert!(read_reminder_hours("24, 24").is_err());
        assert!(
            read_reminder_hours("800")
                .unwrap_err()
                .contains("от 1 до 720")
        );
        assert!(read_reminder_hours("1 2 3 4 5 6").is_err());
        assert_eq!(reminder_hours_text(&[72, 24, 3]), "72, 24, 3");
    }

    #[test]
    fn the_button_follows_the_state_and_the_organisations_progress() {
        let progress = |started: bool, submitted: bool, state| {
            Progress::new(
                started.then(|| at(1, 8)),
                started.then(|| at(1, 9)),
                submitted.then(|| at(1, 9)),
                state,
                None,
                None,
            )
        };
        let open = CollectionState::Open;
        let closed = CollectionState::Closed;
        assert_eq!(
            action_ru(open, Some(&progress(false, false, open))),
            "Заполнить"
        );
        let accepted = Progress::new(
            Some(at(1, 8)),
            Some(at(1, 9)),
            Some(at(1, 9)),
            open,
            None,
            Some(crate::acceptance::AcceptanceNote::new(
                crate::acceptance::AcceptanceLevel::Municipality,
                at(2, 9),
                "mun24001".into(),
                None,
            )),
        );
        assert_eq!(accepted.status_title, "Принято МОУО");
        assert_eq!(action_ru(open, Some(&accepted)), "Посмотреть", "locked");
        assert_eq!(
            action_ru(open, Some(&progress(true, false, open))),
            "Редактировать"
        );
        assert_eq!(
            action_ru(open, Some(&progress(true, true, open))),
            "Редактировать"
        );
        assert_eq!(
            action_ru(closed, Some(&progress(true, true, closed))),
            "Посмотреть"
        );
        assert_eq!(action_ru(open, None), "Посмотреть");
        assert_eq!(
            state_note_ru(open, true),
            "Вы можете заполнить форму. Прием открыт."
        );
        assert_eq!(state_note_ru(closed, true), "Прием закрыт.");
    }

    #[test]
    fn the_clock_opens_and_closes_unless_the_operator_overrides() {
        let (opens, closes) = (at(1, 6), at(7, 15));
        assert_eq!(
            CollectionState::at(opens, closes, None, at(1, 5)),
            CollectionState::Closed
        );
        assert_eq!(
            CollectionState::at(opens, closes, None, at(1, 6)),
            CollectionState::Open
        );
        assert_eq!(
            CollectionState::at(opens, closes, None, at(7, 15)),
            CollectionState::Closed
        );
        let early = Some(CollectionState::Closed);
        assert_eq!(
            CollectionState::at(opens, closes, early, at(3, 0)),
            CollectionState::Closed
        );
        let reopened = Some(CollectionState::Open);
        assert_eq!(
            CollectionState::at(opens, closes, reopened, at(9, 0)),
            CollectionState::Open
        );
        assert_eq!(
            window_ru(opens, closes),
            "1 сентября 2021, 09:00 - 7 сентября 2021, 18:00"
        );
    }

    #[test]
    fn statuses_follow_the_seeds() {
        use CollectionState::*;
        assert_eq!(OrgStatus::of(false, false, Open), OrgStatus::NotStarted);
        assert_eq!(OrgStatus::of(true, false, Open), OrgStatus::InProgress);
        assert_eq!(OrgStatus::of(true, true, Open), OrgStatus::Submitted);
        assert_eq!(OrgStatus::of(true, false, Closed), OrgStatus::NotSubmitted);
        assert_eq!(OrgStatus::of(false, false, Closed), OrgStatus::NotStarted);
        let p = Progress::new(
            Some(at(1, 8)),
            Some(at(2, 14)),
            Some(at(2, 14)),
            Open,
            None,
            None,
        );
        assert_eq!(
            p.last_action.as_deref(),
            Some("Вы заполнили форму 02.09.2021 17:00 (мск)")
        );
    }
}

/// A collection in the list a coordinator picks from (the group report).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionSummary {
    pub id: Uuid,
    pub publication_id: Uuid,
    pub publication_title: String,
    pub form_title: String,
    pub state: CollectionState,
    /// «Открыт», «Закрыт».
    pub state_title: String,
    /// «30 августа 2021, 20:41 - 7 сентября 2021, 18:00» (Moscow time).
    pub window: String,
}

/// `GET /api/collections`: the collections the caller sees, newest window first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{
    "id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "publication_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
    "publication_title": "Сбор расписания ВПР СПО", "form_title": "Сбор расписания проведения ВПР СПО 2021",
    "state": "open", "state_title": "Открыт", "window": "30 августа 2021, 20:41 - 7 сентября 2021, 18:00"}]})))]
pub struct CollectionList {
    pub items: Vec<CollectionSummary>,
}
