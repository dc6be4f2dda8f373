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

use crate::startup::AppState;

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

/// 403 with the reason, unless the download is allowed.
pub fn ensure_allowed(right: DownloadRight, available_from: DateTime<Utc>) -> Result<(), ApiError> {
    let code = match right {
        DownloadRight::Allowed => return Ok(()),
        DownloadRight::NotYetAvailable => ErrorCode::NotYetAvailable,
        DownloadRight::OrganisationsOnly => ErrorCode::Forbidden,
    };
    let reason = right.refusal_ru(available_from).unwrap_or_default();
    Err(ApiError::new(code, reason))
}

/// A download link to `path` with a ticket for `resource`.
pub fn link(state: &AppState, user_id: uuid::Uuid, resource: &str, path: &str) -> DownloadLink {
    let (ticket, expires_at) = state.keys.issue_ticket(user_id, resource, Utc::now());
    DownloadLink {
        url: format!("/api{path}?ticket={ticket}"),
        expires_at,
    }
}
