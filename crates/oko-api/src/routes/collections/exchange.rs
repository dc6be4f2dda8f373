//! Spreadsheet exchange: `GET …/template` (the form as `.xlsx` with the draft
//! filled in) and `POST …/upload` (a filled template, or a CSV for one-sheet
//! forms, replacing the draft: all or nothing, never a submission).

use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use oko_db::entities::organisation;
use oko_domain::{
    api::Problem,
    collections::Draft,
    forms::{FormData, FormDefinition, files, soft},
};
use oko_io::{
    csv_read::read_csv,
    form_template::template,
    marked_workbook::{MarkError, Upload as Marking, mark_errors},
};
use uuid::Uuid;

use super::{
    NextDraft, OrganisationParam, ReadDraft, attachments::saved_files, draft_of, open_for_writing,
    org_facts, read_draft, seen_collection,
};
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    routes::{
        common_responses::{NotFound, Unauthenticated},
        storages::attachment,
        uploads::{Reading, Upload, XLSX, file_problem, read_body, read_upload, refused},
    },
    state::AppState,
};

/// The form as an Excel workbook: a worksheet per sheet, required columns marked
/// `*`, drop-downs and number/date checks, hints as notes, the draft filled in.
/// Coordinators and the operator get an organisation's with `?organisation=<login>`.
#[utoipa::path(
    tag = "collections",
    operation_id = "download_template",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id"), OrganisationParam),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Vec<u8>, example = "PK…"),
        Unauthenticated, NotFound,
    )
)]
#[get("/collections/{id}/template")]
pub async fn download_template(
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
    let name = format!("{}.xlsx", file_title(&form, &organisation));
    let bytes = filled_template(form, draft.data).await?;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header(("Content-Disposition", attachment(&name)))
        .body(bytes))
}

/// What an organisation's files of a form are called: «<form> <login>».
pub(super) fn file_title(form: &FormDefinition, organisation: &organisation::Model) -> String {
    format!("{} {}", form.title, organisation.login)
}

/// The template with `data` filled in, made off the request threads.
pub(super) async fn filled_template(
    form: std::sync::Arc<FormDefinition>,
    data: FormData,
) -> Result<Vec<u8>, ApiError> {
    web::block(move || template(&form, &data))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Upload a filled template (`.xlsx`, detected by its content) or, for one-sheet
/// forms, a CSV (UTF-8, UTF-16 with its BOM or Windows-1251; `;`, tab or `,`,
/// or as a `sep=` first line says). A file whose every cell reads as its column's
/// type replaces the draft (it does not submit), and the draft's errors (empty
/// required cells, numbers out of range, rules) come back in it, as autosave keeps
/// them: a half-filled template goes back as it came. A cell that cannot be its
/// column's type (a word in a number cell), a missing sheet or column or a
/// changed preset refuses the whole file: nothing changes and every error comes
/// back with its sheet, row (as the file numbers it) and column. Workbooks are
/// checked against zip bombs before they are read.
#[utoipa::path(
    tag = "collections",
    operation_id = "upload_draft",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The `.xlsx` or `.csv` file's bytes (at most `OKO_MAX_FORM_UPLOAD_MB`, default 20 MiB)"),
    responses(
        (status = 200, description = "The draft replaced", body = Draft),
        (status = 403, description = "Not an organisation, or the collection is closed", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The draft changed while the file was read", body = oko_domain::collections::DraftConflict,
            content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a workbook, a zip bomb, a missing sheet or column, a changed preset, or a cell that cannot be its column's type; nothing changed", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Лист «СПЕЦИАЛЬНОСТИ», строка 12, столбец «3. Курс, на котором выполняется обучение»: Введите целое число, например 25",
                "errors": [{"sheet": "СПЕЦИАЛЬНОСТИ", "row": 12, "column": "3. Курс, на котором выполняется обучение", "code": "not_integer",
                    "message": "Лист «СПЕЦИАЛЬНОСТИ», строка 12, столбец «3. Курс, на котором выполняется обучение»: Введите целое число, например 25"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/upload")]
pub async fn upload_draft(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let writing = open_for_writing(&state, &user, id.into_inner()).await?;
    let bytes = read_body(body, state.max_form_upload_bytes).await?;
    let reading = writing.form.clone();
    let mut data = web::block(move || read_upload(&reading, &bytes, Reading::Draft))
        .await
        .map_err(ApiError::internal)??
        .data;
    // A locked prefilled cell holds its source's value whatever the file says
    // (the facts are read only for a form that locks some).
    let facts = org_facts(
        &state,
        &writing.form,
        &writing.collection,
        writing.organisation_id,
        writing.form.prefilled().any(|c| c.prefill_locked),
    )
    .await?;
    if let Some(facts) = facts {
        data.prefill(&writing.form, &facts, true);
    }
    // Read only now: the file may take a while, and the draft may change meanwhile.
    let (held, current) = writing.open_draft(&state).await?;
    let form = &writing.form;
    let blank = FormData::default();
    let before = current.as_ref().map_or(&blank, |d| &d.data);
    soft::keep_explanations(form, &mut data, before);
    // A file travels in the spreadsheet as its name only.
    files::restore_references(form, &mut data, before);
    let next = NextDraft {
        over: current.as_ref(),
        known_files: saved_files(form, before),
        data,
        change_id: None,
    };
    let written = match writing.write(&state, held, next, user.user_id()).await? {
        Ok(written) => written,
        Err(conflict) => return Ok(conflict),
    };
    Ok(HttpResponse::Ok().json(draft_of(
        &writing.collection,
        writing.organisation_id,
        &writing.form,
        Some(written),
        None,
        &writing.references,
        writing.now,
    )))
}

/// «Скачать файл с отметками ошибок»: a filled template (or CSV) back as a
/// workbook with every error the upload would list (or, for a file the upload
/// takes, every error its draft would have) filled red where it is, its message
/// as the cell's note, and a last sheet «Ошибки» listing them with links. It
/// changes nothing; the file is the user's own, with its values, formatting,
/// drop-downs and notes (a CSV comes back as a plain workbook).
#[utoipa::path(
    tag = "collections",
    operation_id = "mark_upload_errors",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Collection id")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The same `.xlsx` or `.csv` file as for `upload`"),
    responses(
        (status = 200, description = "The file with its errors marked", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            body = Vec<u8>, example = "PK…"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a spreadsheet, or a zip bomb: there is nothing to mark (`not_a_workbook`, `workbook_too_large`); or a workbook whose parts are not as Excel writes them, so its cells cannot be marked (`cannot_mark`)", body = Problem,
            content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Файл не является таблицей: это PDF. Загрузите шаблон Excel (.xlsx) или CSV",
                "errors": [{"field": "file", "code": "not_a_workbook",
                    "message": "Файл не является таблицей: это PDF. Загрузите шаблон Excel (.xlsx) или CSV"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/collections/{id}/upload/marked")]
pub async fn mark_upload_errors(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let found = seen_collection(&state, &user, id.into_inner(), Utc::now()).await?;
    let form = state.forms.get(&state.db, found.form_version_id).await?;
    let bytes = read_body(body, state.max_form_upload_bytes).await?;
    let name = format!("{} — ошибки.xlsx", form.title);
    let marked = web::block(move || marked_upload(&form, &bytes))
        .await
        .map_err(ApiError::internal)??;
    Ok(HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header(("Content-Disposition", attachment(&name)))
        .body(marked))
}

/// The file with its errors marked (see [`mark_upload_errors`]).
fn marked_upload(form: &FormDefinition, bytes: &[u8]) -> Result<Vec<u8>, ApiError> {
    let upload = match Upload::of(form, bytes)? {
        Upload::Workbook => Marking::Workbook(bytes),
        Upload::Csv => Marking::Csv(read_csv(bytes).map_err(refused)?),
    };
    mark_errors(form, upload).map_err(|error| match error {
        MarkError::Unreadable(refusal) => refused(refusal),
        MarkError::Unmarkable(reason) => file_problem(
            "cannot_mark",
            &format!("Не удалось отметить ошибки в этом файле ({reason}); ошибки перечислены при загрузке"),
        ),
    })
}
