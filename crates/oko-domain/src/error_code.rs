//! Stable machine codes of API errors and their Russian texts.
//!
//! Integrators match on the code; people read the text. The SPA and the server take
//! both from here, so they never disagree.

use serde::{Deserialize, Serialize};

/// Every error the API can answer with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Wrong login or password, unknown login, blocked account or bad refresh token:
    /// deliberately one answer for all of them.
    InvalidCredentials,
    /// No access token, or it is expired or forged.
    Unauthenticated,
    /// The user is known but may not do this.
    Forbidden,
    /// No such resource in the user's scope.
    NotFound,
    /// The files open for download later («Файлы доступны для скачивания с …»).
    NotYetAvailable,
    /// The data collection is closed: nothing is saved or submitted.
    CollectionClosed,
    /// The form was accepted by a coordinator: it is locked for the
    /// organisation until it is returned.
    FormAccepted,
    /// The body is not JSON or does not have the expected shape.
    MalformedBody,
    /// The body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// A query-string or path parameter is wrong.
    InvalidParameter,
    /// The request is well-formed but its content breaks a rule.
    ValidationFailed,
    /// Someone changed the resource first.
    Conflict,
    /// The HTTP method is not supported here.
    MethodNotAllowed,
    /// Too many failed logins: wait `Retry-After` seconds (back-off, never a lock).
    TooManyAttempts,
    /// The database is out of reach or busy for a moment (a restart, a dropped
    /// connection): try again after `Retry-After` seconds; nothing was changed.
    Unavailable,
    /// The server's disk is (nearly) full: nothing was stored.
    InsufficientStorage,
    /// Something failed on our side; the details are in the server log.
    Internal,
}

impl ErrorCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::NotYetAvailable => "not_yet_available",
            ErrorCode::CollectionClosed => "collection_closed",
            ErrorCode::FormAccepted => "form_accepted",
            ErrorCode::MalformedBody => "malformed_body",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::ValidationFailed => "validation_failed",
            ErrorCode::Conflict => "conflict",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::InsufficientStorage => "insufficient_storage",
            ErrorCode::Internal => "internal",
        }
    }

    /// The HTTP status that goes with the code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidCredentials | ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden
            | ErrorCode::NotYetAvailable
            | ErrorCode::CollectionClosed
            | ErrorCode::FormAccepted => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MalformedBody | ErrorCode::InvalidParameter => 400,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::ValidationFailed => 422,
            ErrorCode::Conflict => 409,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::TooManyAttempts => 429,
            ErrorCode::Unavailable => 503,
            ErrorCode::InsufficientStorage => 507,
            ErrorCode::Internal => 500,
        }
    }

    /// A short Russian title for the kind of error.
    pub fn title_ru(self) -> &'static str {
        match self {
            ErrorCode::InvalidCredentials => "Неверный логин или пароль",
            ErrorCode::Unauthenticated => "Требуется вход в систему",
            ErrorCode::Forbidden => "Недостаточно прав",
            ErrorCode::NotFound => "Не найдено",
            ErrorCode::NotYetAvailable => "Файлы еще недоступны",
            ErrorCode::CollectionClosed => "Сбор данных закрыт",
            ErrorCode::FormAccepted => "Форма принята",
            ErrorCode::MalformedBody => "Некорректный запрос",
            ErrorCode::PayloadTooLarge => "Слишком большой запрос",
            ErrorCode::InvalidParameter => "Некорректный параметр",
            ErrorCode::ValidationFailed => "Данные содержат ошибки",
            ErrorCode::Conflict => "Данные изменены другим пользователем",
            ErrorCode::MethodNotAllowed => "Метод не поддерживается",
            ErrorCode::TooManyAttempts => "Слишком много попыток входа",
            ErrorCode::Unavailable => "Сервер временно недоступен",
            ErrorCode::InsufficientStorage => "На сервере нет места",
            ErrorCode::Internal => "Внутренняя ошибка сервера",
        }
    }
}
