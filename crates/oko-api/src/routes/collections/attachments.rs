//! File cells: `POST /api/collections/{id}/attachments` (an organisation
//! attaches a file to its draft), `GET …/attachments/{file}` (the file, to the
//! organisation and those above it) and `GET …/archive` (the organisation's data
//! with every file it attached, one zip).

use std::collections::{HashMap, HashSet};

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use oko_db::{
    collections, drafts,
    form_attachments::{self, NewAttachment},
};
use oko_domain::{
    api::Problem,
    collections::cell_problems,
    error_code::ErrorCode,
    forms::{
        FormData, FormDefinition,
        files::{self, Attachment, FileCell},
    },
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{
    OrganisationParam, ReadDraft, Writing,
    exchange::{file_title, filled_template},
    open_for_writing, read_draft, seen_collection, target_organisation,
};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        common_responses::{NotFound, Unauthenticated},
        storages::send_stored,
        uploads::{file_problem, read_body, sniffed_among, uploaded_name},
        zip_stream::{ZipItem, zip_answer},
    },
    state::AppState,
};

/// What a file cell takes, as `oko_io::sniff` tells it from the bytes: scans
/// and photos of signed papers, and office documents.
const ATTACHABLE: [&str; 9] = [
    "application/pdf",
    "image/jpeg",
    "image/png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/msword",
    "application/vnd.ms-excel",
];

/// How many files an organisation may attach to its draft of one collection,
/// and their bytes at most (a replaced file still counts: nothing is thrown
/// away), so no school can fill the server's disk through a form.
const MAX_FILES: u64 = 500;
const MAX_BYTES: u64 = 1 << 30;

/// `?name=` of the attached file.
#[derive(Debug, Deserialize, IntoParams)]
pub struct AttachmentName {
    /// The file's name as it will be downloaded; a path is cut to its last part.
    #[param(example = "Протокол.pdf")]
    name: String,
}

/// Attach a file to the organisation's draft (a scan of a signed protocol): PDF,
/// JPEG, PNG or an office document, at most `OKO_MAX_FORM_UPLOAD_MB` (default
/// 20 MiB); at most 500 files and 1 GiB in all per organisation and collection
/// (`too_many_files`, 413 past the bytes). The body is the file's bytes; its type is sniffed from them. The
/// answer's `value` goes into a file cell with `PATCH …/draft`; a file no cell
/// refers to is kept but shows nowhere.
#[utoipa::path(
    tag = "collections",
    operation_id = "attach_file",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), AttachmentName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored", body = Attachment),
        (status = 403, description = "Not an organisation, the collection is closed or the form accepted", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Сбор данных закрыт", "status": 403, "code": "collection_closed",
                "detail": "Сбор данных закрыт (30 августа 2021, 20:41 - 7 сентября 2021, 18:00): изменения не сохраняются"})),
        (status = 413, description = "Larger than allowed", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Слишком большой запрос", "status": 413, "code": "payload_too_large",
                "detail": "Файл больше 20 МиБ"})),
        (status = 422, description = "No name, a type the form does not take, a form without file cells, or 500 files attached already", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Прикрепите PDF, снимок (JPEG, PNG) или документ Word, Excel, LibreOffice",
                "errors": [{"field": "file", "code": "unsupported_type",
                    "message": "Прикрепите PDF, снимок (JPEG, PNG) или документ Word, Excel, LibreOffice"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/attachments")]
pub async fn attach_file(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<AttachmentName>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let writing = open_for_writing(&state, &user, id.into_inner()).await?;
    if !writing.form.has_file_columns() {
        return Err(file_problem(
            "no_file_cells",
            "В этой форме нет столбцов для файлов",
        ));
    }
    writing.refuse_if_locked(&state).await?;
    let name = uploaded_name(&params.name)?;
    let (count, used) = room_used(&state, &writing).await?;
    if count >= MAX_FILES || used >= MAX_BYTES {
        return Err(file_problem(
            "too_many_files",
            &format!(
                "К этой форме уже прикреплено {count} файлов, {} МиБ — больше нельзя. Сообщите координатору",
                used >> 20
            ),
        ));
    }
    let limit = state
        .max_form_upload_bytes
        .min(MAX_BYTES.saturating_sub(used));
    let bytes = read_body(body, limit).await?;
    let Some(content_type) = sniffed_among(&bytes, &name, &ATTACHABLE) else {
        return Err(file_problem(
            "unsupported_type",
            "Прикрепите PDF, снимок (JPEG, PNG) или документ Word, Excel, LibreOffice",
        ));
    };
    crate::disk::ensure_room(&state, bytes.len() as u64)?;
    let key = state
        .files
        .put(&bytes)
        .await
        .map_err(ApiError::file_store)?;
    let new = NewAttachment {
        collection_id: writing.collection.id,
        organisation_id: writing.organisation_id,
        name: &name,
        content_type,
        size: bytes.len() as u64,
        crc32: crc32fast::hash(&bytes),
        store_key: &key,
        created_by: user.user_id(),
        now: writing.now,
    };
    match form_attachments::add(&state.db, new).await {
        Ok(saved) => Ok(HttpResponse::Created().json(form_attachments::describe(&saved))),
        Err(err) => {
            state.files.remove(&key).await;
            Err(err.into())
        }
    }
}

/// How many files the organisation attached to the collection and their bytes;
/// near the limit, the files replaced long enough ago are thrown away first.
async fn room_used(state: &AppState, writing: &Writing) -> Result<(u64, u64), ApiError> {
    let (collection, organisation) = (writing.collection.id, writing.organisation_id);
    let (count, used) = form_attachments::usage(&state.db, collection, organisation).await?;
    if count < MAX_FILES && used + state.max_form_upload_bytes <= MAX_BYTES {
        return Ok((count, used));
    }
    prune_replaced(state, writing).await?;
    Ok(form_attachments::usage(&state.db, collection, organisation).await?)
}

/// How long a file no cell refers to is kept: the cell that will refer to it
/// is saved right after the upload (autosave), or when the connection is back.
const REPLACED_KEPT: chrono::Duration = chrono::Duration::hours(1);

/// Throws away the organisation's attachments to the collection that neither
/// its draft nor any of its submissions refers to and that are older than
/// [`REPLACED_KEPT`]: a school that scanned a protocol again and again gets its
/// room back, and every file a submission holds stays.
async fn prune_replaced(state: &AppState, writing: &Writing) -> Result<(), ApiError> {
    let (collection, organisation) = (writing.collection.id, writing.organisation_id);
    let before = writing.now - REPLACED_KEPT;
    let old = form_attachments::stored_before(&state.db, collection, organisation, before).await?;
    if old.is_empty() {
        return Ok(());
    }
    let form = &writing.form;
    let mut referred: HashSet<Uuid> = HashSet::new();
    let mut note = |data: &FormData| {
        referred.extend(files::file_cells(form, data).iter().map(|c| c.file.id));
    };
    if let Some(draft) = drafts::stored(&state.db, collection, organisation).await? {
        note(&draft.data);
    }
    for (submission, _) in collections::submissions(&state.db, collection, organisation).await? {
        note(&submission.form_data()?);
    }
    let replaced: Vec<_> = old
        .into_iter()
        .filter(|file| !referred.contains(&file.id))
        .collect();
    form_attachments::delete(&state.db, replaced.iter().map(|file| file.id)).await?;
    for file in &replaced {
        state.files.remove(&file.store_key).await;
    }
    Ok(())
}

/// A file the organisation attached. Coordinators and the operator get an
/// organisation's with `?organisation=<login>`.
#[utoipa::path(
    tag = "collections",
    operation_id = "download_attached_file",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), ("file" = Uuid, Path, description = "Attachment id"), OrganisationParam),
    responses(
        (status = 200, description = "The file", content_type = "application/pdf", body = Vec<u8>, example = "%PDF-1.7…"),
        Unauthenticated, NotFound,
    )
)]
#[get("/collections/{id}/attachments/{file}")]
pub async fn download_attached_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Authenticated,
    path: web::Path<(Uuid, Uuid)>,
    params: web::Query<OrganisationParam>,
) -> Result<HttpResponse, ApiError> {
    let (id, file) = path.into_inner();
    let now = chrono::Utc::now();
    let collection = seen_collection(&state, &user, id, now).await?;
    let organisation = target_organisation(
        &state,
        &user,
        &collection,
        params.organisation.as_deref(),
        now,
    )
    .await?;
    let found = form_attachments::owned(&state.db, collection.id, organisation.id, [file])
        .await?
        .pop()
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Файл не найден"))?;
    send_stored(
        &state,
        &req,
        &found.store_key,
        &found.content_type,
        &found.name,
    )
    .await
}

/// The organisation's data as one zip: its form as the Excel workbook (the
/// draft, or its blank form) and every file its cells refer to, in a folder per
/// sheet, named by row and column. Coordinators and the operator get an
/// organisation's with `?organisation=<login>`.
#[utoipa::path(
    tag = "collections",
    operation_id = "download_organisation_archive",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), OrganisationParam),
    responses(
        (status = 200, description = "The zip", content_type = "application/zip", body = Vec<u8>, example = "PK…"),
        Unauthenticated, NotFound,
    )
)]
#[get("/collections/{id}/archive")]
pub async fn download_organisation_archive(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<OrganisationParam>,
) -> Result<HttpResponse, ApiError> {
    let ReadDraft {
        organisation,
        form,
        draft,
    } = read_draft(&state, &user, id.into_inner(), &params).await?;
    let now = chrono::Utc::now();
    let title = file_title(&form, &organisation);
    let cells = files::file_cells(&form, &draft.data);
    let ids = cells.iter().map(|cell| cell.file.id);
    let stored: HashMap<Uuid, _> =
        form_attachments::owned(&state.db, draft.collection_id, organisation.id, ids)
            .await?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
    let mut items: Vec<ZipItem> = cells
        .iter()
        .filter_map(|cell| {
            let row = stored.get(&cell.file.id)?;
            Some(ZipItem::stored(
                archived_name(&form, cell, &row.name),
                row.store_key.clone(),
                u64::try_from(row.size).unwrap_or(0),
                row.crc32 as u32,
                row.created_at,
            ))
        })
        .collect();
    let workbook = filled_template(form.clone(), draft.data).await?;
    let workbook = ZipItem::made(format!("{title}.xlsx"), workbook.into(), now);
    items.insert(0, workbook);
    zip_answer(state, items, &format!("{title}.zip")).await
}

/// Where a file lies in the archive: `Файлы/<sheet>/Строка 3, <column> — <name>`
/// (a sheet or column title's `/` would make a folder, so it becomes `_`, and a
/// title of dots alone would climb out of the folder when unpacked).
fn archived_name(form: &FormDefinition, cell: &FileCell<'_>, name: &str) -> String {
    let plain = |text: &str| {
        let text = text.replace(['/', '\\'], "_");
        if text.trim_matches('.').trim().is_empty() {
            "_".to_owned()
        } else {
            text
        }
    };
    let sheet = form.sheet(cell.sheet);
    let sheet_title = sheet.map_or(cell.sheet, |s| s.title.as_str());
    let column_title = sheet
        .and_then(|s| s.column(cell.column))
        .map_or(cell.column, |c| c.title.as_str());
    format!(
        "Файлы/{}/Строка {}, {} — {}",
        plain(sheet_title),
        cell.row,
        plain(column_title),
        name
    )
}

/// The file references of a saved draft by id, with their names: they were
/// checked when it was saved, so a save that keeps them asks nothing again.
pub fn saved_files(form: &FormDefinition, data: &FormData) -> HashMap<Uuid, String> {
    if !form.has_file_columns() {
        return HashMap::new();
    }
    files::file_cells(form, data)
        .into_iter()
        .map(|cell| (cell.file.id, cell.file.name.to_owned()))
        .collect()
}

/// Checks that every file `data` refers to is the organisation's own
/// attachment to the collection (only those not in `known` are looked up) and
/// writes each with its stored name; a reference to any other file refuses the
/// write with its sheet, row and column.
pub async fn settle_files(
    state: &AppState,
    writing: &Writing,
    data: &mut FormData,
    mut known: HashMap<Uuid, String>,
) -> Result<(), ApiError> {
    let form = &writing.form;
    if !form.has_file_columns() {
        return Ok(());
    }
    let unknown: Vec<Uuid> = files::file_cells(form, data)
        .iter()
        .map(|cell| cell.file.id)
        .filter(|id| !known.contains_key(id))
        .collect();
    let found = form_attachments::owned(
        &state.db,
        writing.collection.id,
        writing.organisation_id,
        unknown,
    )
    .await?;
    known.extend(found.into_iter().map(|row| (row.id, row.name)));
    let errors = files::settle_references(form, data, &known);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(cell_problems(form, &errors)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_the_zip_stays_inside_its_folder_whatever_the_titles() {
        let form: FormDefinition = serde_json::from_value(serde_json::json!({
            "title": "Протоколы",
            "sheets": [{"key": "rooms", "title": "..", "columns": [
                {"key": "scan", "title": "Скан/фото", "type": "file"}
            ]}]
        }))
        .unwrap();
        let cell = FileCell {
            sheet: "rooms",
            row: 3,
            column: "scan",
            file: files::FileRef {
                id: Uuid::nil(),
                name: "Протокол.pdf",
            },
        };
        assert_eq!(
            archived_name(&form, &cell, "Протокол.pdf"),
            "Файлы/_/Строка 3, Скан_фото — Протокол.pdf"
        );
    }
}
