//! Request plumbing every upload shares: the body read up to a limit, a
//! spreadsheet told by its content (a workbook or a CSV), read as a form with
//! every problem at its row and column, and a file refused as a whole.

use actix_web::web;
use futures_util::StreamExt;
use oko_domain::{
    api::FieldError, collections::cell_problems, error_code::ErrorCode, forms::FormDefinition,
};
use oko_io::{
    csv_read::read_csv,
    form_import::{ImportError, Numbered, RawSheet, RowSource, import_draft, import_numbered},
    workbook::{Refusal, WorkbookLimits, open_xlsx, read_xlsx},
};

use crate::{error::ApiError, state::AppState};

/// The content type of an `.xlsx` workbook.
pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// How much of a file's data must be right for it to be taken.
#[derive(Clone, Copy)]
pub(crate) enum Reading {
    /// A draft: every cell readable as its column's type; the rest of the errors
    /// stay in the draft, as autosave keeps them.
    Draft,
    /// Everything valid, or nothing (imports of organisations, regions, results).
    Whole,
}

impl Reading {
    pub(crate) fn import(
        self,
        form: &FormDefinition,
        source: &mut impl RowSource,
    ) -> Result<Numbered, ImportError> {
        match self {
            Reading::Draft => import_draft(form, source),
            Reading::Whole => import_numbered(form, source),
        }
    }
}

/// What kind of spreadsheet an upload is, told by its content.
pub(crate) enum Upload {
    Workbook,
    Csv,
}

impl Upload {
    /// A workbook, or a CSV for a one-sheet form; anything else is refused with
    /// what it is.
    pub(crate) fn of(form: &FormDefinition, bytes: &[u8]) -> Result<Upload, ApiError> {
        if bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            Ok(Upload::Workbook)
        } else if let Some(what) = oko_io::sniff::not_a_spreadsheet(bytes) {
            Err(file_problem(
                "not_a_workbook",
                &format!(
                    "Файл не является таблицей: это {what}. Загрузите шаблон Excel (.xlsx) или CSV"
                ),
            ))
        } else if form.sheets.len() == 1 {
            Ok(Upload::Csv)
        } else {
            Err(file_problem(
                "csv_needs_one_sheet",
                "CSV подходит только для форм с одним листом: загрузите шаблон Excel",
            ))
        }
    }
}

/// The form's data from the file, or why not. A workbook is read as it streams out
/// of the archive, never held whole beside the data it becomes.
pub(crate) fn read_upload(
    form: &FormDefinition,
    bytes: &[u8],
    reading: Reading,
) -> Result<Numbered, ApiError> {
    let read = match Upload::of(form, bytes)? {
        Upload::Workbook => {
            let mut workbook = open_xlsx(bytes, WorkbookLimits::default()).map_err(refused)?;
            reading.import(form, &mut workbook)
        }
        Upload::Csv => reading.import(form, &mut vec![read_csv(bytes).map_err(refused)?]),
    };
    read.map_err(|error| match error {
        ImportError::Unreadable(refusal) => refused(refusal),
        ImportError::Cells(errors) => ApiError::validation(cell_problems(form, &errors)),
    })
}

/// The data of an uploaded spreadsheet read as `form` (every cell checked) with
/// its rows' numbers in the file, or every problem at its row and column.
pub(crate) async fn read_uploaded(
    state: &AppState,
    body: web::Payload,
    form: FormDefinition,
) -> Result<Numbered, ApiError> {
    let bytes = read_body(body, state.max_form_upload_bytes).await?;
    web::block(move || read_upload(&form, &bytes, Reading::Whole))
        .await
        .map_err(ApiError::internal)?
}

/// A problem with an uploaded file as a whole.
pub(crate) fn file_problem(code: &str, message: &str) -> ApiError {
    ApiError::validation(vec![FieldError::about_field("file", code, message)])
}

/// The visible worksheets of an uploaded workbook, refused when it is not one or
/// unpacks too large.
pub(crate) fn read_workbook(bytes: &[u8]) -> Result<Vec<RawSheet>, ApiError> {
    read_xlsx(bytes, WorkbookLimits::default()).map_err(refused)
}

/// A workbook refused as a whole, as the file's problem.
pub(crate) fn refused(refusal: Refusal) -> ApiError {
    file_problem(refusal.code, &refusal.message)
}

/// The whole body, refused past `limit` bytes.
pub(crate) async fn read_body(mut body: web::Payload, limit: u64) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(ErrorCode::MalformedBody, format!("Загрузка прервана: {e}"))
        })?;
        if (bytes.len() + chunk.len()) as u64 > limit {
            return Err(ApiError::file_too_large(limit));
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(file_problem("empty", "Файл пуст"));
    }
    Ok(bytes)
}

/// The name of an uploaded file from `?name=`, cleaned as a storage upload's
/// (no path, no control characters), or 422 when nothing is left of it.
pub(crate) fn uploaded_name(name: &str) -> Result<String, ApiError> {
    oko_domain::storages::clean_file_name(name).ok_or_else(|| {
        ApiError::invalid_parameter("name", "укажите имя файла (без пути и служебных символов)")
    })
}

/// The type of an uploaded file by its first bytes (a name can lie), when it is
/// one of `allowed`; `name` only tells a Word file from an Excel one.
pub(crate) fn sniffed_among(bytes: &[u8], name: &str, allowed: &[&str]) -> Option<&'static str> {
    let sniffed = oko_io::sniff::content_type(bytes, name);
    allowed.contains(&sniffed).then_some(sniffed)
}
