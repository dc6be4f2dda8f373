//! File storages of publications: who may download which file when, and the API
//! types around them. The rule lives here so the server enforces and the SPA shows
//! the same thing.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{api::FieldError, moscow_time::short_date_time};

/// Longest storage title, in characters.
pub const MAX_STORAGE_TITLE_CHARS: usize = 300;

/// Longest original file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// The name a file is kept and downloaded under: the last part of whatever path the
/// client sent (`C:\\Users\\…\\план.pdf` → `план.pdf`), without control characters,
/// at most [`MAX_FILE_NAME_CHARS`] characters. `None` when nothing usable is left.
pub fn clean_file_name(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    (!name.is_empty() && name != "." && name != "..").then_some(name)
}

/// Who a file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// Everyone the publication reaches.
    Common,
    /// Organisations only: coordinators see it listed but may not download it.
    Organisations,
    /// One organisation's own file; its coordinators see and download it too.
    Personal,
}

impl FileKind {
    /// The value stored in the database and used in query strings.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Common => "common",
            FileKind::Organisations => "organisations",
            FileKind::Personal => "personal",
        }
    }

    /// Parses [`FileKind::as_str`].
    pub fn parse(text: &str) -> Option<FileKind> {
        [
            FileKind::Common,
            FileKind::Organisations,
            FileKind::Personal,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    /// How the SPA labels it.
    pub fn title_ru(self) -> &'static str {
        match self {
            FileKind::Common => "Общий",
            FileKind::Organisations => "Только для организаций",
            FileKind::Personal => "Персональный",
        }
    }
}

/// Who is asking, as far as downloads are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Downloader {
    /// The federal operator: uploads the files and may always fetch them back.
    Operator,
    /// A regional or municipal coordinator.
    Coordinator,
    /// A user of an organisation.
    Organisation,
}

/// Whether a file the user sees may be downloaded now, and if not, why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DownloadRight {
    /// Download it.
    Allowed,
    /// The storage opens later («Файлы доступны для скачивания с …»).
    NotYetAvailable,
    /// The file is for organisations; coordinators get no download button.
    OrganisationsOnly,
}

impl DownloadRight {
    /// The rule: organisations-only files are never for coordinators; nothing opens
    /// before the storage's time, except for the operator who uploaded it.
    pub fn of(
        kind: FileKind,
        who: Downloader,
        available_from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> DownloadRight {
        match who {
            Downloader::Operator => DownloadRight::Allowed,
            Downloader::Coordinator if kind == FileKind::Organisations => {
                DownloadRight::OrganisationsOnly
            }
            _ if now < available_from => DownloadRight::NotYetAvailable,
            _ => DownloadRight::Allowed,
        }
    }

    /// Why the download is refused, in Russian; `None` when it is allowed.
    pub fn refusal_ru(self, available_from: DateTime<Utc>) -> Option<String> {
        match self {
            DownloadRight::Allowed => None,
            DownloadRight::NotYetAvailable => Some(format!(
                "Файлы доступны для скачивания с {}",
                short_date_time(available_from)
            )),
            DownloadRight::OrganisationsOnly => {
                Some("Этот файл могут скачать только организации".to_owned())
            }
        }
    }
}

/// `POST /api/publications/{id}/storages`, `PUT /api/storages/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "План-график ВПР СПО в 2021 году",
    "available_from": "2021-09-01T06:00:00Z"
})))]
pub struct StorageInput {
    /// Name of the storage.
    pub title: String,
    /// Nothing can be downloaded before this moment (UTC).
    pub available_from: DateTime<Utc>,
}

impl StorageInput {
    /// Every rule the input breaks, with the field it is about.
    pub fn problems(&self) -> Vec<FieldError> {
        let chars = self.title.trim().chars().count();
        if chars == 0 {
            vec![FieldError::about_field(
                "title",
                "required",
                "Укажите название хранилища",
            )]
        } else if chars > MAX_STORAGE_TITLE_CHARS {
            vec![FieldError::about_field(
                "title",
                "too_long",
                &format!("Название длиннее {MAX_STORAGE_TITLE_CHARS} символов"),
            )]
        } else {
            Vec::new()
        }
    }
}

/// A storage as the user sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b",
    "publication_id": "9b2e4c1a-7f3d-4a6b-8c5e-1d0f2a3b4c5d",
    "title": "План-график ВПР СПО в 2021 году",
    "available_from": "2021-09-01T06:00:00Z",
    "available": true, "file_count": 3, "downloaded_count": 1
})))]
pub struct Storage {
    pub id: Uuid,
    pub publication_id: Uuid,
    pub title: String,
    /// «Файлы доступны для скачивания с …» (UTC).
    pub available_from: DateTime<Utc>,
    /// Whether that moment has passed, by the server's clock.
    pub available: bool,
    /// Files the user sees in it.
    pub file_count: u64,
    /// Of those, the ones the user has downloaded.
    pub downloaded_count: u64,
}

/// The organisation a personal file belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileOwner {
    pub login: String,
    pub short_name: String,
}

/// A file of a storage, with the user's own download marks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a",
    "storage_id": "6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b",
    "name": "План-график ВПР СПО.pdf", "size": 482113, "content_type": "application/pdf",
    "kind": "common", "owner": null, "download": "allowed",
    "first_downloaded_at": "2021-09-01T07:12:00Z", "last_downloaded_at": "2021-09-02T10:03:00Z"
})))]
pub struct StoredFile {
    pub id: Uuid,
    pub storage_id: Uuid,
    /// The original name, as uploaded.
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// Sniffed from the content on upload.
    pub content_type: String,
    pub kind: FileKind,
    /// Set for personal files.
    pub owner: Option<FileOwner>,
    /// Whether the user may download it now.
    pub download: DownloadRight,
    /// The user's first download; none: «Еще не скачивался».
    pub first_downloaded_at: Option<DateTime<Utc>>,
    /// The user's latest download.
    pub last_downloaded_at: Option<DateTime<Utc>>,
}

/// `GET /api/storages/{id}/files`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FilePage {
    /// By name.
    pub items: Vec<StoredFile>,
    /// Everything that matches.
    pub total: u64,
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// A link that downloads without an `Authorization` header (for the browser's own
/// download manager), valid for one file or one storage's zip and a short time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "url": "/api/files/0d9c8b7a-6f5e-4d3c-2b1a-0f9e8d7c6b5a/content?ticket=eyJ0eXAiOiJKV1Qi…",
    "expires_at": "2021-09-01T08:12:00Z"
})))]
pub struct DownloadLink {
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// Where a background job stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Ready,
    Failed,
}

impl JobStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Ready => "ready",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses [`JobStatus::as_str`]; anything unknown counts as failed.
    pub fn parse(text: &str) -> JobStatus {
        [JobStatus::Queued, JobStatus::Running, JobStatus::Ready]
            .into_iter()
            .find(|s| s.as_str() == text)
            .unwrap_or(JobStatus::Failed)
    }
}

/// A download report «Отчет» being built or built.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
    "status": "ready",
    "file_name": "Отчёт о скачивании — План-график ВПР СПО в 2021 году.xlsx",
    "created_at": "2021-09-03T09:00:00Z", "finished_at": "2021-09-03T09:00:01Z",
    "error": null
})))]
pub struct ReportJob {
    pub id: Uuid,
    pub status: JobStatus,
    /// The name the XLSX file downloads under.
    pub file_name: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Why it failed, in Russian.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 9, 1, hour, 0, 0).unwrap()
    }

    #[test]
    fn nothing_opens_before_its_time_but_for_the_operator() {
        for kind in [
            FileKind::Common,
            FileKind::Organisations,
            FileKind::Personal,
        ] {
            assert_eq!(
                DownloadRight::of(kind, Downloader::Organisation, at(10), at(9)),
                DownloadRight::NotYetAvailable
            );
            assert_eq!(
                DownloadRight::of(kind, Downloader::Organisation, at(10), at(10)),
                DownloadRight::Allowed
            );
            assert_eq!(
                DownloadRight::of(kind, Downloader::Operator, at(10), at(9)),
                DownloadRight::Allowed
            );
        }
    }

    #[test]
    fn coordinators_never_download_organisations_only_files() {
        assert_eq!(
            DownloadRight::of(
                FileKind::Organisations,
                Downloader::Coordinator,
                at(1),
                at(9)
            ),
            DownloadRight::OrganisationsOnly
        );
        assert_eq!(
            DownloadRight::of(FileKind::Personal, Downloader::Coordinator, at(1), at(9)),
            DownloadRight::Allowed
        );
    }

    #[test]
    fn refusal_names_the_moscow_time() {
        let text = DownloadRight::NotYetAvailable.refusal_ru(at(6)).unwrap();
        assert_eq!(
            text,
            "Файлы доступны для скачивания с 01.09.2021 09:00 (мск)"
        );
        assert_eq!(DownloadRight::Allowed.refusal_ru(at(6)), None);
    }

    #[test]
    fn file_names_lose_their_path_and_control_characters() {
        assert_eq!(
            clean_file_name("C:\\Users\\Школа\\План-график.pdf").as_deref(),
            Some("План-график.pdf")
        );
        assert_eq!(
            clean_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(clean_file_name("a\u{0}b\n.txt").as_deref(), Some("ab.txt"));
        assert_eq!(clean_file_name(".."), None);
        assert_eq!(clean_file_name("dir/"), None);
        assert_eq!(clean_file_name("   "), None);
        assert_eq!(
            clean_file_name(&"я".repeat(400)).map(|n| n.chars().count()),
            Some(MAX_FILE_NAME_CHARS)
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [
            FileKind::Common,
            FileKind::Organisations,
            FileKind::Personal,
        ] {
            assert_eq!(FileKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(FileKind::parse("secret"), None);
    }
}
