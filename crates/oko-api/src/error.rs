//! One error type for every handler, answered as RFC 9457 `application/problem+json`
//! with a stable `code` and a Russian `detail`.

use actix_web::{
    HttpRequest, HttpResponse, ResponseError,
    error::{JsonPayloadError, QueryPayloadError},
    http::{StatusCode, header::ContentType},
};
use oko_domain::{
    api::{FieldError, Problem},
    error_code::ErrorCode,
};

/// An error a handler returns; it becomes a problem+json response.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    errors: Vec<FieldError>,
    /// `Retry-After` for `too_many_attempts` and `unavailable`.
    retry_after: Option<String>,
}

impl ApiError {
    /// An error with a specific Russian explanation.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    /// An error whose explanation is the code's own title.
    pub fn plain(code: ErrorCode) -> ApiError {
        ApiError::new(code, code.title_ru())
    }

    /// The one answer to every failed login or refresh.
    pub fn invalid_credentials() -> ApiError {
        ApiError::plain(ErrorCode::InvalidCredentials)
    }

    /// A wrong query-string or body field.
    pub fn invalid_parameter(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError {
            code: ErrorCode::InvalidParameter,
            detail: format!("Параметр «{field}»: {message}"),
            errors: vec![FieldError::about_field(field, "invalid_value", &message)],
            retry_after: None,
        }
    }

    /// Content that breaks rules; each problem names its field.
    /// `Ok` when `problems` is empty, else the 422 that lists every one of them.
    pub fn unless_valid(problems: Vec<FieldError>) -> Result<(), ApiError> {
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ApiError::validation(problems))
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let detail = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            code: ErrorCode::ValidationFailed,
            detail,
            errors,
            retry_after: None,
        }
    }

    /// A JSON body over `limit` bytes.
    pub fn body_too_large(limit: usize) -> ApiError {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("Тело запроса больше допустимых {} КиБ", limit / 1024),
        )
    }

    /// A URL with `%00` in it: no database keeps a NUL.
    pub fn nul_in_url() -> ApiError {
        ApiError::new(
            ErrorCode::InvalidParameter,
            "Адрес запроса содержит недопустимый символ NUL (%00): уберите его",
        )
    }

    /// An uploaded file over `limit` bytes.
    pub fn file_too_large(limit: u64) -> ApiError {
        ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("Файл больше {} МиБ", limit / (1024 * 1024)),
        )
    }

    /// A failure of the file store. A file the database knows but this instance's
    /// store does not have means instances that do not share their files (503,
    /// saying so, never 500), as do bytes that differ from their record; a full
    /// disk is 507; anything else is ours.
    pub fn file_store(cause: std::io::Error) -> ApiError {
        match cause.kind() {
            std::io::ErrorKind::NotFound => {
                tracing::error!(%cause, "a stored file is missing from this instance's store");
                ApiError::unavailable(
                    "Файл есть в базе, но его нет в хранилище этого сервера: все экземпляры oko должны видеть один каталог файлов (OKO_DATA_DIR/files) или одну корзину S3",
                )
            }
            std::io::ErrorKind::InvalidData => {
                tracing::error!(%cause, "a stored file differs from its record");
                ApiError::unavailable(
                    "Файл в хранилище этого сервера не совпадает с записью в базе: проверьте, что все экземпляры oko видят одно хранилище файлов",
                )
            }
            std::io::ErrorKind::StorageFull => {
                tracing::error!(%cause, "the file store's disk is full");
                ApiError::new(
                    ErrorCode::InsufficientStorage,
                    "На диске сервера закончилось место: файл не сохранен",
                )
            }
            _ => ApiError::internal(cause),
        }
    }

    /// The database cannot be reached for a moment (a restart, a failover, a lock).
    pub fn database_unavailable() -> ApiError {
        ApiError::unavailable(
            "Нет связи с базой данных: повторите через несколько секунд, ничего не изменено",
        )
    }

    /// 503 `unavailable` with `detail`: a part we depend on is missing for now,
    /// so the client is told when to try again.
    pub fn unavailable(detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Unavailable, detail).retry_after(UNAVAILABLE_RETRY_SECONDS)
    }

    /// A failure on our side; the cause goes to the log, never to the client.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        ApiError::plain(ErrorCode::Internal)
    }

    /// The same error telling the client when to try again (`Retry-After`).
    pub fn retry_after(mut self, seconds: u64) -> ApiError {
        self.retry_after = Some(seconds.to_string());
        self
    }

    /// The Russian explanation.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The machine code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The problem+json body this error answers with.
    pub(crate) fn problem(&self) -> Problem {
        Problem {
            kind: "about:blank".to_owned(),
            title: self.code.title_ru().to_owned(),
            status: self.code.http_status(),
            code: self.code,
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            request_id: crate::request_log::current_id(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.detail)
    }
}

/// Seconds a client waits before trying again after the database went away.
const UNAVAILABLE_RETRY_SECONDS: u64 = 2;

impl From<oko_db::DbErr> for ApiError {
    /// A database out of reach or busy for a moment is 503 `unavailable` with
    /// `Retry-After` (nothing was changed: the request may be sent again), a full
    /// disk 507; anything else is our bug, 500.
    fn from(err: oko_db::DbErr) -> Self {
        use oko_db::faults::{Fault, fault_of};
        match fault_of(&err) {
            Fault::Unavailable => {
                tracing::warn!(cause = %err, "the database is unavailable");
                ApiError::database_unavailable()
            }
            Fault::DiskFull => {
                tracing::error!(cause = %err, "the database's disk is full");
                ApiError::new(
                    ErrorCode::InsufficientStorage,
                    "На диске сервера закончилось место: сохранить не удалось, ничего не изменено",
                )
            }
            Fault::Other => ApiError::internal(err),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if let Some(seconds) = &self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.clone()));
        }
        response
            .content_type(ContentType(
                "application/problem+json"
                    .parse()
                    .expect("a valid media type"),
            ))
            .json(self.problem())
    }
}

/// Turns actix's JSON body errors into problems that say what is wrong and where.
pub fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api_error = match &err {
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => ApiError::body_too_large(*limit),
        JsonPayloadError::ContentType => ApiError::new(
            ErrorCode::MalformedBody,
            "Ожидается тело в формате JSON (Content-Type: application/json)",
        ),
        JsonPayloadError::Deserialize(cause) => describe_json_error(cause),
        _ => ApiError::new(
            ErrorCode::MalformedBody,
            "Не удалось прочитать тело запроса",
        ),
    };
    actix_web::error::InternalError::from_response(err, api_error.error_response()).into()
}

fn describe_json_error(cause: &serde_json::Error) -> ApiError {
    let text = cause.to_string();
    if let Some(field) = text
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next())
    {
        return ApiError {
            code: ErrorCode::MalformedBody,
            detail: format!("Не заполнено обязательное поле «{field}»"),
            errors: vec![FieldError::about_field(
                field,
                "required",
                "Обязательное поле",
            )],
            retry_after: None,
        };
    }
    let what = if cause.is_syntax() || cause.is_eof() {
        "Некорректный JSON".to_owned()
    } else {
        serde_message_ru(&text)
    };
    ApiError::new(
        ErrorCode::MalformedBody,
        format!(
            "{what}: строка {}, позиция {}",
            cause.line(),
            cause.column()
        ),
    )
}

/// serde's English message about a value, in Russian: the field or value it
/// names is kept, the rest translated (integrators read `code`, people `detail`).
fn serde_message_ru(text: &str) -> String {
    let quoted = |after: &str| {
        text.split_once(after)
            .and_then(|(_, rest)| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(field) = quoted("missing field `") {
        format!("Не заполнено обязательное поле «{field}»")
    } else if let Some(field) = quoted("unknown field `") {
        format!("Неизвестное поле «{field}»")
    } else if let Some(value) = quoted("unknown variant `") {
        let expected = text
            .split_once("expected one of ")
            .map(|(_, rest)| rest.replace('`', "«").replace("«,", "»,"))
            .map(|list| format!(": ожидается одно из {}»", list.trim_end_matches('«')))
            .unwrap_or_default();
        format!("Недопустимое значение «{value}»{expected}")
    } else if text.starts_with("invalid length") {
        "Неверное число элементов".to_owned()
    } else if text.starts_with("invalid value") || text.contains("invalid digit") {
        "Недопустимое значение".to_owned()
    } else if text.contains("number too large") || text.contains("out of range") {
        "Число вне допустимого диапазона".to_owned()
    } else {
        "Значение неверного типа".to_owned()
    }
}

/// Turns query-string errors into `invalid_parameter` problems.
pub fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api_error = ApiError::new(
        ErrorCode::InvalidParameter,
        format!(
            "Некорректные параметры запроса: {}",
            serde_message_ru(&err.to_string())
        ),
    );
    actix_web::error::InternalError::from_response(err, api_error.error_response()).into()
}

/// Turns path-parameter errors (e.g. a malformed id) into `not_found` problems.
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    let api_error = ApiError::plain(ErrorCode::NotFound);
    actix_web::error::InternalError::from_response(err, api_error.error_response()).into()
}

#[cfg(test)]
mod tests {
    use super::serde_message_ru;

    #[test]
    fn serde_messages_are_told_in_russian() {
        assert_eq!(
            serde_message_ru("missing field `ticket`"),
            "Не заполнено обязательное поле «ticket»"
        );
        assert_eq!(
            serde_message_ru("unknown variant `pdf`, expected one of `xlsx`, `csv`"),
            "Недопустимое значение «pdf»: ожидается одно из «xlsx», «csv»"
        );
        assert_eq!(
            serde_message_ru("invalid digit found in string"),
            "Недопустимое значение"
        );
        assert_eq!(
            serde_message_ru("invalid type: string \"x\", expected u64"),
            "Значение неверного типа"
        );
    }
}
