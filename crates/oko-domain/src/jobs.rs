//! Background jobs as people and integrators see them: «Отчёт #446 формируется»
//! with its progress, then «готов к загрузке»; and what the exports ask for.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use crate::storages::JobStatus;

/// What a collection's export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// «Экспорт результатов»: the submitted data, one row per organisation × form
    /// row, with region, municipality, login, name and submit time in front.
    Results,
    /// «Экспорт статусов»: every organisation of the scope with its status and dates.
    Statuses,
    /// «Список для обзвона»: the organisations of the scope that have not
    /// submitted, with whom to call from their passport (contact person, phone,
    /// e-mail); a worksheet per municipality.
    CallList,
}

impl ExportKind {
    /// As the buttons and the reports' list name it.
    pub fn title_ru(self) -> &'static str {
        match self {
            ExportKind::Results => "Экспорт результатов",
            ExportKind::Statuses => "Экспорт статусов",
            ExportKind::CallList => "Список для обзвона",
        }
    }
}

/// The file an export is written as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// A workbook: one worksheet per form sheet.
    #[default]
    Xlsx,
    /// UTF-8 with a BOM, `;`-separated (what Russian Excel opens); a «Лист» column
    /// tells the form sheets apart.
    Csv,
    /// JSON lines, one object per row, for machines.
    Jsonl,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Jsonl => "application/jsonl; charset=utf-8",
        }
    }
}

/// `POST /api/collections/{id}/exports`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"kind": "results", "format": "xlsx"})))]
pub struct ExportRequest {
    pub kind: ExportKind,
    #[serde(default)]
    pub format: ExportFormat,
}

/// Collections a group report may cover at most.
pub const MAX_GROUP_COLLECTIONS: usize = 50;

/// `POST /api/reports/group`: one row per organisation, a status and a submit
/// time per collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "collections": ["0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"], "format": "xlsx"
})))]
pub struct GroupReportRequest {
    pub collections: Vec<Uuid>,
    #[serde(default)]
    pub format: ExportFormat,
}

impl GroupReportRequest {
    pub fn problems(&self) -> Vec<crate::api::FieldError> {
        let count = self.collections.len();
        if count == 0 || count > MAX_GROUP_COLLECTIONS {
            return vec![crate::api::FieldError::about_field(
                "collections",
                "out_of_range",
                &format!("Выберите от 1 до {MAX_GROUP_COLLECTIONS} сборов данных"),
            )];
        }
        Vec::new()
    }
}

/// What a job does, with its parameters, as stored with it (`{"job": "export",
/// …fields}`). Each kind's parameters are a struct of their own, so each runner
/// takes exactly its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum JobSpec {
    Export(ExportJob),
    GroupReport(GroupReportJob),
    /// «Отчет» of a file storage: who downloaded what.
    DownloadReport(DownloadReportJob),
    /// New passwords for every subordinate account of a territory, as a workbook
    /// of logins and passwords («Архив с паролями»).
    Credentials(CredentialsJob),
    /// A report of «Аналитика» as a file («Заказать отчет»).
    AnalyticsReport(AnalyticsReportJob),
}

/// «Экспорт результатов», «Экспорт статусов», «Список для обзвона».
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportJob {
    pub collection_id: Uuid,
    pub kind: ExportKind,
    pub format: ExportFormat,
}

/// «Групповой отчет» over several collections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupReportJob {
    pub collections: Vec<Uuid>,
    pub format: ExportFormat,
}

/// A storage's download report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DownloadReportJob {
    pub storage_id: Uuid,
    pub publication_id: Uuid,
}

/// «Архив с паролями».
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CredentialsJob {
    /// As `?unit=` names it (`region:<id>`, `municipality:<id>`); the owner's
    /// own territory when `None`.
    pub unit: Option<String>,
}

/// A report of «Аналитика».
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsReportJob {
    pub work_id: Uuid,
    pub kind: crate::analytics::ReportKind,
    /// As `?unit=` names it; the owner's own unit when `None`.
    pub unit: Option<String>,
    pub format: ExportFormat,
}

impl JobSpec {
    /// The stored kind (for listing and logs).
    pub fn kind(&self) -> &'static str {
        match self {
            JobSpec::Export(export) => match export.kind {
                ExportKind::Results => "results_export",
                ExportKind::Statuses => "status_export",
                ExportKind::CallList => "call_list",
            },
            JobSpec::GroupReport(_) => "group_report",
            JobSpec::DownloadReport(_) => "download_report",
            JobSpec::AnalyticsReport(_) => "analytics_report",
            JobSpec::Credentials(_) => "credentials",
        }
    }
}

/// A job as its owner sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8", "number": 446,
    "title": "Экспорт результатов: Сбор расписания проведения ВПР СПО 2021",
    "status": "running", "progress": 40, "status_line": "Отчёт #446 формируется (40%)",
    "file_name": "Экспорт результатов — Сбор расписания проведения ВПР СПО 2021.xlsx",
    "created_at": "2021-09-03T09:00:00Z", "finished_at": null, "expires_at": null, "error": null
})))]
pub struct JobView {
    pub id: Uuid,
    /// «Отчёт #446».
    pub number: i64,
    pub title: String,
    pub status: JobStatus,
    /// 0–100.
    pub progress: u8,
    /// «Отчёт #446 формируется (40%)», «Отчёт #446 готов к загрузке».
    pub status_line: String,
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// When the file is deleted.
    pub expires_at: Option<DateTime<Utc>>,
    /// Why it failed, in Russian.
    pub error: Option<String>,
}

/// The caller's jobs, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{
    "id": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8", "number": 446,
    "title": "Экспорт статусов: Сбор расписания проведения ВПР СПО 2021",
    "status": "ready", "progress": 100, "status_line": "Отчёт #446 готов к загрузке",
    "file_name": "Экспорт статусов — Сбор расписания проведения ВПР СПО 2021.xlsx",
    "created_at": "2021-09-03T09:00:00Z", "finished_at": "2021-09-03T09:00:04Z",
    "expires_at": "2021-09-04T09:00:04Z", "error": null}]})))]
pub struct JobList {
    pub items: Vec<JobView>,
}

/// The line people see about a job.
pub fn status_line_ru(number: i64, status: JobStatus, progress: u8) -> String {
    match status {
        JobStatus::Queued => format!("Отчёт #{number} в очереди"),
        JobStatus::Running => format!("Отчёт #{number} формируется ({progress}%)"),
        JobStatus::Ready => format!("Отчёт #{number} готов к загрузке"),
        JobStatus::Failed => format!("Отчёт #{number}: не удалось сформировать"),
    }
}

/// What a job's owner reads of its failure. Our own Russian sentences stay as they
/// are; the text of a library or a panic (English, Rust) is cut off — it goes to
/// the server's log, and the job's number leads there.
pub fn failure_ru(number: i64, message: &str) -> String {
    let cyrillic = |text: &str| {
        text.chars()
            .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c)) || c == 'ё')
    };
    let pointer = format!("подробности — в журнале сервера, отчёт #{number}");
    match message.split_once(": ") {
        _ if !cyrillic(message) => format!("Внутренняя ошибка при формировании отчёта ({pointer})"),
        Some((ours, cause)) if cyrillic(ours) && !cyrillic(cause) => format!("{ours} ({pointer})"),
        _ => message.to_owned(),
    }
}

/// Whether `text`, written into a spreadsheet cell, could be taken for a formula
/// (`=`, `+`, `-`, `@`, tab or CR first) and is not simply a number.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && crate::forms::value::parse_decimal(text).is_none()
}

/// `text` made safe for a spreadsheet: a would-be formula gets a leading `'`, which
/// spreadsheets show as text and never run (CSV/formula injection).
pub fn neutralise(text: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(text) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_job_is_stored_as_it_was_before_its_parameters_became_structs() {
        // Jobs queued by an older instance must still run after an upgrade.
        let stored = r#"{"job":"export","collection_id":"00000000-0000-0000-0000-000000000001","kind":"statuses","format":"csv"}"#;
        let spec: JobSpec = serde_json::from_str(stored).expect("an old job reads");
        assert_eq!(
            spec,
            JobSpec::Export(ExportJob {
                collection_id: Uuid::from_u128(1),
                kind: ExportKind::Statuses,
                format: ExportFormat::Csv,
            })
        );
        assert_eq!(serde_json::to_string(&spec).unwrap(), stored);
        assert_eq!(spec.kind(), "status_export");
        let credentials: JobSpec =
            serde_json::from_str(r#"{"job":"credentials","unit":null}"#).unwrap();
        assert_eq!(
            credentials,
            JobSpec::Credentials(CredentialsJob { unit: None })
        );
    }

    #[test]
    fn a_failure_is_told_in_russian_without_rust_text() {
        assert_eq!(
            failure_ru(
                446,
                "Экспорт прерван: task 12 panicked with message \"index out of bounds\""
            ),
            "Экспорт прерван (подробности — в журнале сервера, отчёт #446)"
        );
        assert_eq!(
            failure_ru(7, "called `Option::unwrap()` on a `None` value"),
            "Внутренняя ошибка при формировании отчёта (подробности — в журнале сервера, отчёт #7)"
        );
        assert_eq!(
            failure_ru(8, "Пользователь, заказавший отчёт, не найден"),
            "Пользователь, заказавший отчёт, не найден"
        );
    }
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for danger in [
            "=HYPERLINK(\"x\")",
            "+7 (999) 123-45-67",
            "@SUM(A1)",
            "-cmd|' /C calc'!A0",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(danger), format!("'{danger}"), "{danger:?}");
        }
        for safe in ["-5", "-1 234,5", "Математика", "", "1+1"] {
            assert_eq!(neutralise(safe), safe, "{safe:?}");
        }
    }

    #[test]
    fn status_lines_read_as_the_seeds() {
        assert_eq!(
            status_line_ru(446, JobStatus::Running, 40),
            "Отчёт #446 формируется (40%)"
        );
        assert_eq!(
            status_line_ru(446, JobStatus::Ready, 100),
            "Отчёт #446 готов к загрузке"
        );
    }
}
