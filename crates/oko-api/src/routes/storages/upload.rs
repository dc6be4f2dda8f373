//! `POST /api/storages/{id}/files`: the operator uploads one file, streamed to the
//! file store as it arrives.

use actix_web::{HttpRequest, HttpResponse, http::header, post, web};
use chrono::Utc;
use oko_db::{
    entities::organisation,
    storages::{self, NewFile},
};
use oko_domain::{
    api::{FieldError, Problem},
    error_code::ErrorCode,
    storages::{FileKind, StoredFile, clean_file_name},
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::storage_not_found;
use crate::{
    auth::extractor::Authenticated,
    error::ApiError,
    file_store::ReceiveError,
    routes::{
        access::require_operator,
        common_responses::{NotFound, OperatorOnly, Unauthenticated},
    },
    state::AppState,
};

/// What the uploaded file is.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name as people will download it; a path is cut to its last part.
    #[param(example = "План-график ВПР СПО.pdf")]
    name: Option<String>,
    /// `common` (everyone the publication reaches, the default), `organisations`
    /// (organisations only, not coordinators) or `personal` (one organisation).
    #[param(example = "common")]
    kind: Option<String>,
    /// The organisation's login, for a personal file.
    #[param(example = "sch240001")]
    organisation: Option<String>,
}

/// Upload a file into a storage (operator). The body is the file's bytes
/// (`application/octet-stream`); name and kind come in the query. The content type
/// is sniffed from the bytes, whatever the client claims. Larger than
/// `OKO_MAX_UPLOAD_MB` (default 512 MiB) is refused with 413 and nothing is kept.
#[utoipa::path(
    tag = "storages",
    operation_id = "upload_file",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Storage id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Stored", body = StoredFile),
        (status = 413, description = "The file is larger than allowed", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Слишком большой запрос", "status": 413, "code": "payload_too_large",
                "detail": "Файл больше 512 МиБ"})),
        (status = 507, description = "The data volume would be left with less than `OKO_MIN_FREE_MB`", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "На сервере нет места", "status": 507, "code": "insufficient_storage",
                "detail": "На сервере мало места: осталось 900 МиБ, а 1024 МиБ оставлены базе данных. Ничего не сохранено; сообщите администратору"})),
        (status = 422, description = "Bad name, kind or organisation", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Нет организации с логином «sch999999»",
                "errors": [{"field": "organisation", "code": "unknown_organisation", "message": "Нет организации с логином «sch999999»"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/storages/{id}/files")]
pub async fn upload_file(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    params: web::Query<UploadParams>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let storage = storages::find(&state.db, id.into_inner())
        .await?
        .ok_or_else(storage_not_found)?;
    let (name, kind, owner) = check(&state, &params).await?;
    let limit = state.max_upload_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::file_too_large(limit));
    }
    crate::disk::ensure_room(&state, declared.unwrap_or(0))?;
    let received = state
        .files
        .receive(body, limit, || crate::disk::ensure_room(&state, 0))
        .await
        .map_err(|err| match err {
            ReceiveError::TooLarge => ApiError::file_too_large(limit),
            ReceiveError::Broken(why) => ApiError::new(
                ErrorCode::MalformedBody,
                format!("Загрузка прервана: {why}"),
            ),
            ReceiveError::NoRoom(refused) => refused,
            ReceiveError::Io(err) => ApiError::file_store(err),
        })?;
    let now = Utc::now();
    let file = NewFile {
        kind,
        owner: owner.as_ref().map(|o| o.id),
        content_type: oko_io::sniff::content_type(&received.head, &name).to_owned(),
        name,
        size: received.size,
        crc32: received.crc32,
        store_key: received.key.clone(),
    };
    let saved = match storages::add_file(&state.db, storage.id, file, now).await {
        Ok(saved) => saved,
        Err(err) => {
            state.files.remove(&received.key).await;
            return Err(err.into());
        }
    };
    Ok(HttpResponse::Created().json(storages::describe_new_file(saved, owner, &storage, now)))
}

/// The name, kind and owner, or every problem with them, before a byte is read.
async fn check(
    state: &AppState,
    params: &UploadParams,
) -> Result<(String, FileKind, Option<organisation::Model>), ApiError> {
    let mut problems = Vec::new();
    let name = params.name.as_deref().and_then(clean_file_name);
    if name.is_none() {
        problems.push(FieldError::about_field(
            "name",
            "required",
            "Укажите имя файла",
        ));
    }
    let kind = match params.kind.as_deref() {
        None => Some(FileKind::Common),
        Some(text) => FileKind::parse(text),
    };
    if kind.is_none() {
        problems.push(FieldError::about_field(
            "kind",
            "invalid_value",
            "Вид файла: common, organisations или personal",
        ));
    }
    let login = params
        .organisation
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty());
    let mut owner = None;
    match (kind, login) {
        (Some(FileKind::Personal), None) => problems.push(FieldError::about_field(
            "organisation",
            "required",
            "Укажите логин организации для персонального файла",
        )),
        (Some(FileKind::Personal), Some(login)) => {
            match storages::organisation_by_login(&state.db, login).await? {
                Some(found) => owner = Some(found),
                None => problems.push(FieldError::about_field(
                    "organisation",
                    "unknown_organisation",
                    &format!("Нет организации с логином «{login}»"),
                )),
            }
        }
        (Some(_), Some(_)) => problems.push(FieldError::about_field(
            "organisation",
            "not_allowed",
            "Организация указывается только для персонального файла",
        )),
        _ => {}
    }
    match (name, kind) {
        (Some(name), Some(kind)) if problems.is_empty() => Ok((name, kind, owner)),
        _ => Err(ApiError::validation(problems)),
    }
}
