//! File storages of publications: listing, the operator's management and uploads,
//! downloads (one file, «Скачать всё.zip»), download links and «Отчет».

pub mod download;
pub mod files;
pub mod list;
pub mod reports;
pub mod save;
pub mod upload;
pub mod zip;

use oko_domain::error_code::ErrorCode;

use crate::error::ApiError;

/// The answer for a storage that does not exist for the user.
pub fn storage_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Хранилище не найдено")
}

/// The answer for a file that does not exist for the user.
pub fn file_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Файл не найден")
}

use actix_web::http::header::{
    Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use chrono::{DateTime, Utc};
use oko_domain::storages::{DownloadLink, DownloadRight};

use oko_db::entities::storage;
use uuid::Uuid;

use crate::{auth::extractor::Authenticated, state::AppState};

/// `Content-Disposition: attachment` with the name in UTF-8 (RFC 6266 `filename*`)
/// and an ASCII stand-in for clients that know no better.
pub fn attachment(name: &str) -> ContentDisposition {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            }),
        ],
    }
}

/// Sends the stored bytes `key` as the download `name` of `content_type` (a
/// type that does not parse goes as plain bytes), with `Range` and `ETag` so a
/// broken download resumes.
pub async fn send_stored(
    state: &AppState,
    req: &actix_web::HttpRequest,
    key: &str,
    content_type: &str,
    name: &str,
) -> Result<actix_web::HttpResponse, ApiError> {
    let download = crate::file_store::Download {
        key,
        content_type: content_type
            .parse()
            .unwrap_or(actix_web::mime::APPLICATION_OCTET_STREAM),
        disposition: attachment(name),
    };
    state
        .files
        .serve(req, download)
        .await
        .map_err(ApiError::file_store)
}

/// 403 with the reason, unless the download is allowed.
pub fn ensure_allowed(right: DownloadRight, available_from: DateTime<Utc>) -> Result<(), ApiError> {
    let Some(reason) = right.refusal_ru(available_from) else {
        return Ok(());
    };
    let code = match right {
        DownloadRight::NotYetAvailable => ErrorCode::NotYetAvailable,
        _ => ErrorCode::Forbidden,
    };
    Err(ApiError::new(code, reason))
}

/// Something a download link can open: its ticket scope and its path are defined
/// here once, so a link always opens exactly the resource it was made for.
#[derive(Clone, Copy, Debug)]
pub enum Downloadable {
    File(Uuid),
    Zip(Uuid),
    Report(Uuid),
}

impl Downloadable {
    /// What a ticket for it names (`file:<id>`, …).
    pub fn scope(self) -> String {
        match self {
            Downloadable::File(id) => format!("file:{id}"),
            Downloadable::Zip(id) => format!("zip:{id}"),
            Downloadable::Report(id) => format!("report:{id}"),
        }
    }

    /// Where it downloads, below `/api`.
    fn path(self) -> String {
        match self {
            Downloadable::File(id) => format!("/files/{id}/content"),
            Downloadable::Zip(id) => format!("/storages/{id}/zip"),
            Downloadable::Report(id) => format!("/reports/{id}/content"),
        }
    }
}

/// A download link to `what` with a ticket of `user_id`.
pub fn link(state: &AppState, user_id: Uuid, what: Downloadable) -> DownloadLink {
    let (ticket, expires_at) = state.keys.issue_ticket(user_id, &what.scope(), Utc::now());
    DownloadLink {
        url: format!("/api{}?ticket={ticket}", what.path()),
        expires_at,
    }
}

/// The storage `id` if the user sees its publication; 404 otherwise.
pub async fn seen_storage(
    state: &AppState,
    user: &Authenticated,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<storage::Model, ApiError> {
    let board = state.board.get(&state.db).await?;
    oko_db::storages::visible_storage(&state.db, &board, user.reach(), id, now)
        .await?
        .ok_or_else(storage_not_found)
}
