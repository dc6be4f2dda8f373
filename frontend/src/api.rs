//! The HTTP client of the SPA: thin calls to `/api`, with the server's problem+json
//! turned into a Russian message. The refresh token never reaches this code: it
//! lives in an HttpOnly cookie the browser sends to `/api/auth/*` by itself.

use gloo_net::http::{Request, RequestBuilder, Response};
use oko_domain::{
    api::{FieldError, LoginRequest, Me, Problem, TokenResponse},
    error_code::ErrorCode,
};
use serde::de::DeserializeOwned;

/// A failed call, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiFailure {
    /// HTTP status; 0 when the server could not be reached.
    pub status: u16,
    /// The server's machine code, when it sent one.
    pub code: Option<ErrorCode>,
    /// Russian text for the user.
    pub message: String,
    /// Field-level problems of a refused form.
    pub errors: Vec<FieldError>,
    /// The whole problem body, for answers that carry more than a problem (a 409
    /// of a draft carries the current draft).
    pub body: Option<serde_json::Value>,
}

impl ApiFailure {
    fn network(err: impl std::fmt::Display) -> ApiFailure {
        ApiFailure {
            status: 0,
            code: None,
            message: format!("Сервер недоступен, проверьте подключение ({err})"),
            errors: Vec::new(),
            body: None,
        }
    }

    /// The problems to show beside a form: each field's, or the message alone.
    pub fn problems(self) -> Vec<FieldError> {
        if self.errors.is_empty() {
            vec![FieldError {
                field: None,
                sheet: None,
                row: None,
                column: None,
                code: self.code.map(|c| c.as_str().to_owned()).unwrap_or_default(),
                message: self.message,
            }]
        } else {
            self.errors
        }
    }

    /// The one line to show for a refusal: its first problem's message, or the
    /// message alone.
    pub fn first_message(self) -> String {
        match self.errors.into_iter().next() {
            Some(first) => first.message,
            None => self.message,
        }
    }

    /// Whether the access token was refused (and a refresh may help).
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }

    /// Whether the server could not be reached at all (offline).
    pub fn is_network(&self) -> bool {
        self.status == 0
    }

    /// Whether trying again later may succeed: no answer at all, or the server
    /// or its database away for a moment (5xx, 503 `unavailable` with
    /// `Retry-After`). Nothing was changed by such an answer.
    pub fn is_transient(&self) -> bool {
        self.is_network() || self.status >= 500
    }
}

/// What a request sends.
#[derive(Clone, Debug)]
pub enum Body {
    Empty,
    Json(serde_json::Value),
    /// A file's bytes, as chosen by the user.
    File(web_sys::Blob),
}

/// HTTP methods the SPA uses.
#[derive(Clone, Copy, Debug)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    fn builder(self, path: &str) -> RequestBuilder {
        match self {
            Method::Get => Request::get(path),
            Method::Post => Request::post(path),
            Method::Put => Request::put(path),
            Method::Patch => Request::patch(path),
            Method::Delete => Request::delete(path),
        }
    }
}

/// The JSON body of a successful response.
pub async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    response.json::<T>().await.map_err(ApiFailure::network)
}

/// Sends a request; a non-2xx answer becomes an [`ApiFailure`].
pub async fn send(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &Body,
) -> Result<Response, ApiFailure> {
    send_keyed(method, path, token, body, None).await
}

/// [`send`] with an `Idempotency-Key` when `key` is given.
pub async fn send_keyed(
    method: Method,
    path: &str,
    token: Option<&str>,
    body: &Body,
    key: Option<&str>,
) -> Result<Response, ApiFailure> {
    let mut builder = method.builder(path);
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    if let Some(key) = key {
        builder = builder.header("Idempotency-Key", key);
    }
    let request = match body {
        Body::Empty => builder.build(),
        Body::Json(body) => builder.json(body),
        Body::File(blob) => builder
            .header("Content-Type", "application/octet-stream")
            .body(blob.clone()),
    };
    let response = request
        .map_err(ApiFailure::network)?
        .send()
        .await
        .map_err(ApiFailure::network)?;
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let body = response.json::<serde_json::Value>().await.ok();
    Err(
        match body
            .clone()
            .and_then(|b| serde_json::from_value::<Problem>(b).ok())
        {
            Some(problem) => ApiFailure {
                status,
                code: Some(problem.code),
                message: with_request_id(status, problem.detail, problem.request_id.as_deref()),
                errors: problem.errors,
                body,
            },
            None => ApiFailure {
                status,
                code: None,
                message: format!("Ошибка сервера ({status})"),
                errors: Vec::new(),
                body,
            },
        },
    )
}

/// A failure on the server's side names its request, so a screenshot sent to
/// support leads to the server's log line; the user's own mistakes do not need it.
fn with_request_id(status: u16, message: String, id: Option<&str>) -> String {
    match id {
        Some(id) if status >= 500 => format!("{message} (код запроса для техподдержки: {id})"),
        _ => message,
    }
}

/// `POST /api/auth/login`.
pub async fn login(login: String, password: String) -> Result<TokenResponse, ApiFailure> {
    let body =
        serde_json::to_value(LoginRequest { login, password }).map_err(ApiFailure::network)?;
    json(send(Method::Post, "/api/auth/login", None, &Body::Json(body)).await?).await
}

/// `POST /api/auth/refresh` with the cookie.
pub async fn refresh() -> Result<TokenResponse, ApiFailure> {
    json(send(Method::Post, "/api/auth/refresh", None, &Body::Empty).await?).await
}

/// `POST /api/auth/logout` with the cookie; failures do not matter, the session ends anyway.
pub async fn logout() {
    let _ = send(Method::Post, "/api/auth/logout", None, &Body::Empty).await;
}

/// `GET /api/me`.
pub async fn me(token: &str) -> Result<Me, ApiFailure> {
    json(send(Method::Get, "/api/me", Some(token), &Body::Empty).await?).await
}

/// Percent-encodes a query value (UTF-8), so Cyrillic and `&` survive.
pub fn encode_query(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where each resource's endpoints are, one function per endpoint, so a path is
/// written once. `whose` is `?organisation=<login>` when a coordinator reads an
/// organisation's, or empty for one's own.
pub mod collections {
    use std::fmt::Display;

    use super::encode_query;

    /// `GET /api/collections?…` (`query` with its `?`, or empty).
    pub fn list(query: &str) -> String {
        format!("/api/collections{query}")
    }

    pub fn one(id: impl Display) -> String {
        format!("/api/collections/{id}")
    }

    pub fn form(id: impl Display) -> String {
        format!("/api/collections/{id}/form")
    }

    pub fn state(id: impl Display) -> String {
        format!("/api/collections/{id}/state")
    }

    pub fn draft(id: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/draft{whose}")
    }

    pub fn submit(id: impl Display) -> String {
        format!("/api/collections/{id}/submit")
    }

    pub fn submissions(id: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/submissions{whose}")
    }

    pub fn template(id: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/template{whose}")
    }

    pub fn upload(id: impl Display) -> String {
        format!("/api/collections/{id}/upload")
    }

    pub fn upload_marked(id: impl Display) -> String {
        format!("/api/collections/{id}/upload/marked")
    }

    /// `POST`: a file named `name` attached to the draft.
    pub fn attach(id: impl Display, name: &str) -> String {
        format!(
            "/api/collections/{id}/attachments?name={}",
            encode_query(name)
        )
    }

    pub fn attachment(id: impl Display, file: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/attachments/{file}{whose}")
    }

    pub fn archive(id: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/archive{whose}")
    }

    pub fn statistics(id: impl Display) -> String {
        format!("/api/collections/{id}/statistics")
    }

    /// `query` with its `?`, or empty.
    pub fn participants(id: impl Display, query: &str) -> String {
        format!("/api/collections/{id}/participants{query}")
    }

    pub fn exports(id: impl Display) -> String {
        format!("/api/collections/{id}/exports")
    }

    pub fn acceptances(id: impl Display) -> String {
        format!("/api/collections/{id}/acceptances")
    }

    pub fn acceptances_bulk(id: impl Display) -> String {
        format!("/api/collections/{id}/acceptances/bulk")
    }

    pub fn comments(id: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/comments{whose}")
    }

    pub fn comment_answer(id: impl Display, comment: impl Display) -> String {
        format!("/api/collections/{id}/comments/{comment}/answer")
    }

    pub fn changes(id: impl Display, whose: &str) -> String {
        format!("/api/collections/{id}/changes{whose}")
    }

    pub fn reminders(id: impl Display) -> String {
        format!("/api/collections/{id}/reminders")
    }

    pub fn forecast(id: impl Display) -> String {
        format!("/api/collections/{id}/forecast")
    }
}

/// The operator's forms and their Excel descriptions.
pub mod forms {
    use std::fmt::Display;

    pub const LIST: &str = "/api/forms";
    pub const IMPORT: &str = "/api/forms/import";

    pub fn import_version(id: impl Display) -> String {
        format!("/api/forms/{id}/versions/import")
    }

    pub fn description(id: impl Display) -> String {
        format!("/api/forms/{id}/description")
    }
}

/// «Общие списки».
pub mod lists {
    use super::encode_query;

    pub const ALL: &str = "/api/lists";

    pub fn one(name: &str) -> String {
        format!("/api/lists/{}", encode_query(name))
    }
}

/// Sections and publications of «Обмен данными».
pub mod publications {
    use std::fmt::Display;

    pub const SECTIONS: &str = "/api/sections";
    pub const PUBLICATIONS: &str = "/api/publications";

    pub fn section(id: impl Display) -> String {
        format!("/api/sections/{id}")
    }

    /// A page of publications: `query` holds `per_page=…&page=…&…`.
    pub fn page(query: &str) -> String {
        format!("/api/publications?{query}")
    }

    pub fn one(id: impl Display) -> String {
        format!("/api/publications/{id}")
    }

    pub fn star(id: impl Display) -> String {
        format!("/api/publications/{id}/star")
    }

    /// A publication's collection block.
    pub fn collection(id: impl Display) -> String {
        format!("/api/publications/{id}/collection")
    }

    pub fn storages(id: impl Display) -> String {
        format!("/api/publications/{id}/storages")
    }
}

/// File storages, their files and reports.
pub mod storages {
    use std::fmt::Display;

    /// A page of a storage's files: `query` holds `page=…&per_page=…&…`.
    pub fn files(id: impl Display, query: &str) -> String {
        format!("/api/storages/{id}/files?{query}")
    }

    pub fn zip_link(id: impl Display) -> String {
        format!("/api/storages/{id}/zip/link")
    }

    pub fn reports(id: impl Display) -> String {
        format!("/api/storages/{id}/reports")
    }

    pub fn file(id: impl Display) -> String {
        format!("/api/files/{id}")
    }

    pub fn file_link(id: impl Display) -> String {
        format!("/api/files/{id}/link")
    }

    pub fn report(id: impl Display) -> String {
        format!("/api/reports/{id}")
    }

    pub fn report_link(id: impl Display) -> String {
        format!("/api/reports/{id}/link")
    }
}

/// The bell, and the background jobs whose files it announces.
pub mod notifications {
    use std::fmt::Display;

    pub const LIST: &str = "/api/notifications";
    pub const READ_ALL: &str = "/api/notifications/read-all";
    pub const LINK: &str = "/api/notifications/link";
    pub const JOBS: &str = "/api/jobs";

    pub fn read(id: impl Display) -> String {
        format!("/api/notifications/{id}/read")
    }

    pub fn job_file(id: impl Display) -> String {
        format!("/api/jobs/{id}/file")
    }
}

/// Where the app reports its own panics (a beacon, so it survives the page).
pub const CLIENT_ERRORS: &str = "/api/client-errors";

/// The signed-in user's own account.
pub mod me {
    use std::fmt::Display;

    pub const PASSWORD: &str = "/api/me/password";
    pub const TOKENS: &str = "/api/me/tokens";

    pub fn token(id: impl Display) -> String {
        format!("/api/me/tokens/{id}")
    }
}

/// «Техподдержка»: forums, questions, answers and screenshots.
pub mod forum {
    use std::fmt::Display;

    use super::encode_query;

    pub const FORUMS: &str = "/api/forums";

    pub fn questions(forum: impl Display) -> String {
        format!("/api/forums/{forum}/questions")
    }

    /// A page of a forum's questions: `query` holds `page=…&…`.
    pub fn questions_page(forum: impl Display, query: &str) -> String {
        format!("/api/forums/{forum}/questions?{query}")
    }

    pub fn question(id: impl Display) -> String {
        format!("/api/forum/questions/{id}")
    }

    pub fn answers(id: impl Display) -> String {
        format!("/api/forum/questions/{id}/answers")
    }

    pub fn moderation(id: impl Display) -> String {
        format!("/api/forum/questions/{id}/moderation")
    }

    /// `POST`: a screenshot named `name` attached to question `id`.
    pub fn attach(id: impl Display, name: &str) -> String {
        format!(
            "/api/forum/questions/{id}/attachments?name={}",
            encode_query(name)
        )
    }

    pub fn attachment(id: impl Display) -> String {
        format!("/api/forum/attachments/{id}")
    }
}

/// «Аналитика»: assessments, their works, reports and protocols.
pub mod analytics {
    use std::fmt::Display;

    pub const ASSESSMENTS: &str = "/api/assessments";
    pub const GROUP_REPORT: &str = "/api/reports/group";

    pub fn import_works(assessment: impl Display) -> String {
        format!("/api/assessments/{assessment}/works/import")
    }

    pub fn import_results(work: impl Display) -> String {
        format!("/api/assessment-works/{work}/results/import")
    }

    pub fn description(work: impl Display) -> String {
        format!("/api/assessment-works/{work}/description")
    }

    pub fn protocol(work: impl Display) -> String {
        format!("/api/assessment-works/{work}/protocol")
    }

    /// Report `slug` of a work, `suffix` its query (with its `?`) or a format.
    pub fn report(work: impl Display, slug: impl Display, suffix: &str) -> String {
        format!("/api/assessment-works/{work}/reports/{slug}{suffix}")
    }
}

/// Organisations, their passports and accounts; the operator's roster and audit.
pub mod admin {
    use std::fmt::Display;

    pub const CREDENTIALS: &str = "/api/credentials";
    pub const REGIONS: &str = "/api/admin/regions";
    pub const REGIONS_IMPORT: &str = "/api/admin/regions/import";
    pub const MUNICIPALITIES: &str = "/api/admin/municipalities";
    pub const MUNICIPALITIES_IMPORT: &str = "/api/admin/municipalities/import";
    pub const ORGANISATIONS: &str = "/api/admin/organisations";
    pub const ORGANISATIONS_IMPORT: &str = "/api/admin/organisations/import";

    pub fn close_organisation(login: impl Display) -> String {
        format!("/api/admin/organisations/{login}/close")
    }

    /// A page of organisations: `query` holds `page=…&…`.
    pub fn orgs(query: &str) -> String {
        format!("/api/orgs?{query}")
    }

    pub fn passport(login: impl Display) -> String {
        format!("/api/orgs/{login}/passport")
    }

    pub fn passport_history(login: impl Display) -> String {
        format!("/api/orgs/{login}/passport/history")
    }

    /// `verb`: `password`, `block`, `unblock`.
    pub fn user_action(login: impl Display, verb: impl Display) -> String {
        format!("/api/users/{login}/{verb}")
    }

    /// A page of the audit log: `query` holds `page=…&…`.
    pub fn audit(query: &str) -> String {
        format!("/api/audit?{query}")
    }

    pub fn audit_export(query: &str) -> String {
        format!("/api/audit/export?{query}")
    }
}
