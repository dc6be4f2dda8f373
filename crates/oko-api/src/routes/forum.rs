//! «Техническая поддержка»: forums per project for coordinators and the operator.
//! Coordinators ask (with screenshots), the operator answers, marks frequently
//! asked questions, closes and merges duplicates; everyone searches questions and
//! answers in Russian (word forms, `oko_domain::forum::stem`).

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::Utc;
use oko_db::{entities::forum_question, forum, notifications};
use oko_domain::{
    api::Problem,
    error_code::ErrorCode,
    forum::{
        AnswerInput, AnswerView, AttachmentView, FORUMS, ForumList, ForumView, Moderation,
        QuestionInput, QuestionList, QuestionSummary, QuestionView, forum_title, query_stems,
    },
    notifications::NotificationKind,
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    access::{require_coordinator, require_operator},
    common_responses::{CoordinatorsOnly, NotFound, OperatorOnly, Unauthenticated},
    paging::Paging,
    storages::send_stored,
    uploads::{read_body, sniffed_among, uploaded_name},
};
use crate::{auth::extractor::Authenticated, error::ApiError, state::AppState};

/// Largest screenshot accepted.
const MAX_ATTACHMENT: u64 = 5 * 1024 * 1024;

fn question_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Вопрос не найден")
}

fn forum_of(slug: &str) -> Result<&'static str, ApiError> {
    forum_title(slug).ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Форум не найден"))
}

fn summary(q: &forum_question::Model) -> QuestionSummary {
    QuestionSummary {
        id: q.id,
        forum: q.forum.clone(),
        title: q.title.clone(),
        author: q.author.clone(),
        created_at: q.created_at,
        faq: q.faq,
        closed: q.closed,
        answers: q.answers.max(0) as u32,
    }
}

/// The forums with their open questions (coordinators and the operator).
#[utoipa::path(
    tag = "forum",
    operation_id = "list_forums",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The forums", body = ForumList),
        (status = 403, description = "Organisations have no forum", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Это могут только координаторы и федеральный оператор"})),
        Unauthenticated,
    )
)]
#[get("/forums")]
pub async fn list_forums(
    state: web::Data<AppState>,
    user: Authenticated,
) -> Result<web::Json<ForumList>, ApiError> {
    require_coordinator(&user)?;
    let counts = forum::counts(&state.db).await?;
    let items = FORUMS
        .iter()
        .map(|(slug, title)| ForumView {
            slug: (*slug).to_owned(),
            title: (*title).to_owned(),
            questions: counts
                .iter()
                .find(|(f, _)| f == slug)
                .map_or(0, |(_, n)| *n as u64),
        })
        .collect();
    Ok(web::Json(ForumList { items }))
}

/// `search` and paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct QuestionQuery {
    /// Words to find in questions and answers, any form («загрузка» finds
    /// «загрузить»); all must occur.
    search: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
}

/// A forum's questions: «Часто задаваемые вопросы» first, then the newest;
/// merged duplicates are left out.
#[utoipa::path(
    tag = "forum",
    operation_id = "list_questions",
    security(("bearer" = [])),
    params(("forum" = String, Path, description = "vpr | vpr-spo | niko"), QuestionQuery),
    responses((status = 200, description = "A page", body = QuestionList), Unauthenticated, CoordinatorsOnly, NotFound)
)]
#[get("/forums/{forum}/questions")]
pub async fn list_questions(
    state: web::Data<AppState>,
    user: Authenticated,
    slug: web::Path<String>,
    query: web::Query<QuestionQuery>,
) -> Result<web::Json<QuestionList>, ApiError> {
    require_coordinator(&user)?;
    forum_of(&slug)?;
    let (page, per_page) = Paging::new(query.page, query.per_page).checked()?;
    let stems = query_stems(query.search.as_deref().unwrap_or(""));
    let (rows, total) = forum::list(&state.db, &slug, &stems, page, per_page).await?;
    Ok(web::Json(QuestionList {
        items: rows.iter().map(summary).collect(),
        total,
        page,
        per_page,
    }))
}

/// Ask a question (coordinators and the operator).
#[utoipa::path(
    tag = "forum",
    operation_id = "ask_question",
    security(("bearer" = [])),
    params(("forum" = String, Path, description = "vpr | vpr-spo | niko")),
    request_body = QuestionInput,
    responses(
        (status = 201, description = "Asked", body = QuestionView),
        (status = 422, description = "No title or text, or too long", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Заголовок: обязательно",
                "errors": [{"field": "title", "code": "required", "message": "Заголовок: обязательно"}]})),
        Unauthenticated, CoordinatorsOnly, NotFound,
    )
)]
#[post("/forums/{forum}/questions")]
pub async fn ask_question(
    state: web::Data<AppState>,
    user: Authenticated,
    slug: web::Path<String>,
    body: web::Json<QuestionInput>,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    forum_of(&slug)?;
    ApiError::unless_valid(body.problems())?;
    let asked = forum::ask(
        &state.db,
        forum::NewQuestion {
            forum: &slug,
            title: &body.title,
            body: &body.body,
            author_id: user.user_id(),
            author: user.login(),
            now: Utc::now(),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(view(&state, asked).await?))
}

async fn view(state: &AppState, question: forum_question::Model) -> Result<QuestionView, ApiError> {
    let answers = forum::answers(&state.db, question.id)
        .await?
        .into_iter()
        .map(|a| AnswerView {
            id: a.id,
            author: a.author,
            body: a.body,
            created_at: a.created_at,
        })
        .collect();
    let attachments = forum::attachments(&state.db, question.id)
        .await?
        .into_iter()
        .map(|a| AttachmentView {
            id: a.id,
            name: a.name,
            size: a.size.max(0) as u64,
        })
        .collect();
    Ok(QuestionView {
        summary: summary(&question),
        body: question.body.clone(),
        merged_into: question.merged_into,
        answers,
        attachments,
    })
}

async fn found(state: &AppState, id: Uuid) -> Result<forum_question::Model, ApiError> {
    forum::find(&state.db, id)
        .await?
        .ok_or_else(question_not_found)
}

/// A question with its answers and attachments.
#[utoipa::path(
    tag = "forum",
    operation_id = "get_question",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Question id")),
    responses((status = 200, description = "The question", body = QuestionView), Unauthenticated, CoordinatorsOnly, NotFound)
)]
#[get("/forum/questions/{id}")]
pub async fn get_question(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<web::Json<QuestionView>, ApiError> {
    require_coordinator(&user)?;
    let question = found(&state, id.into_inner()).await?;
    Ok(web::Json(view(&state, question).await?))
}

/// Answer a question (operator); its author is notified.
#[utoipa::path(
    tag = "forum",
    operation_id = "answer_question",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Question id")),
    request_body = AnswerInput,
    responses(
        (status = 201, description = "The question with the answer", body = QuestionView),
        (status = 409, description = "The question is closed", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные изменены другим пользователем", "status": 409,
                "code": "conflict", "detail": "Вопрос закрыт: ответы не принимаются"})),
        (status = 422, description = "No text", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Текст ответа: обязательно",
                "errors": [{"field": "body", "code": "required", "message": "Текст ответа: обязательно"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[post("/forum/questions/{id}/answers")]
pub async fn answer_question(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<AnswerInput>,
) -> Result<HttpResponse, ApiError> {
    require_operator(&user)?;
    let question = found(&state, id.into_inner()).await?;
    if question.closed {
        return Err(ApiError::new(
            ErrorCode::Conflict,
            "Вопрос закрыт: ответы не принимаются",
        ));
    }
    ApiError::unless_valid(body.problems())?;
    forum::answer(&state.db, &question, user.login(), &body.body, Utc::now()).await?;
    let link = format!("/support/questions/{}", question.id);
    let notice = notifications::Notice {
        kind: NotificationKind::ForumAnswer,
        title: "Ответ на ваш вопрос",
        body: &question.title,
        link: Some(&link),
    };
    if let Err(error) =
        notifications::notify(&state.db, &[question.author_id], &notice, Utc::now()).await
    {
        tracing::warn!(%error, "could not tell of a forum answer");
    }
    let reread = found(&state, question.id).await?;
    Ok(HttpResponse::Created().json(view(&state, reread).await?))
}

/// Mark as frequently asked, close or reopen, or merge into another question as
/// a duplicate (operator).
#[utoipa::path(
    tag = "forum",
    operation_id = "moderate_question",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Question id")),
    request_body = Moderation,
    responses(
        (status = 200, description = "The question", body = QuestionView),
        (status = 422, description = "Merging into itself or into an unknown question", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Нет такого вопроса для объединения",
                "errors": [{"field": "merged_into", "code": "not_found", "message": "Нет такого вопроса для объединения"}]})),
        Unauthenticated, OperatorOnly, NotFound,
    )
)]
#[put("/forum/questions/{id}/moderation")]
pub async fn moderate_question(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    body: web::Json<Moderation>,
) -> Result<web::Json<QuestionView>, ApiError> {
    require_operator(&user)?;
    let question = found(&state, id.into_inner()).await?;
    if let Some(target) = body.merged_into {
        let exists = target != question.id && forum::find(&state.db, target).await?.is_some();
        if !exists {
            return Err(ApiError::validation(vec![
                oko_domain::api::FieldError::about_field(
                    "merged_into",
                    "not_found",
                    "Нет такого вопроса для объединения",
                ),
            ]));
        }
    }
    let changed = forum::moderate(&state.db, question, &body).await?;
    Ok(web::Json(view(&state, changed).await?))
}

/// `?name=` of an attachment.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AttachmentName {
    /// The file's name, e.g. «ошибка.png».
    name: String,
}

/// Attach a screenshot (PNG, JPEG, GIF or PDF, at most 5 MiB) to one's question
/// (or any, for the operator).
#[utoipa::path(
    tag = "forum",
    operation_id = "attach_to_question",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Question id"), AttachmentName),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 201, description = "Attached", body = AttachmentView),
        (status = 403, description = "Not the author", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Недостаточно прав", "status": 403, "code": "forbidden",
                "detail": "Прикреплять файлы может автор вопроса"})),
        (status = 422, description = "Not a picture or PDF", body = Problem, content_type = "application/problem+json",
            example = json!({"type": "about:blank", "title": "Данные содержат ошибки", "status": 422, "code": "validation_failed",
                "detail": "Прикрепите снимок экрана (PNG, JPEG, GIF) или PDF",
                "errors": [{"field": "file", "code": "unsupported_type", "message": "Прикрепите снимок экрана (PNG, JPEG, GIF) или PDF"}]})),
        Unauthenticated, NotFound,
    )
)]
#[post("/forum/questions/{id}/attachments")]
pub async fn attach_to_question(
    state: web::Data<AppState>,
    user: Authenticated,
    id: web::Path<Uuid>,
    name: web::Query<AttachmentName>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    let question = found(&state, id.into_inner()).await?;
    let operator = user.role() == oko_domain::role::Role::Operator;
    if question.author_id != user.user_id() && !operator {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Прикреплять файлы может автор вопроса",
        ));
    }
    // Cleaned like a storage upload's: no path, no control characters, not empty.
    let file_name = uploaded_name(&name.name)?;
    let bytes = read_body(body, MAX_ATTACHMENT).await?;
    crate::disk::ensure_room(&state, bytes.len() as u64)?;
    let Some(content_type) = sniffed_among(&bytes, "", &PICTURES) else {
        return Err(ApiError::validation(vec![
            oko_domain::api::FieldError::about_field(
                "file",
                "unsupported_type",
                "Прикрепите снимок экрана (PNG, JPEG, GIF) или PDF",
            ),
        ]));
    };
    let key = state
        .files
        .put(&bytes)
        .await
        .map_err(ApiError::file_store)?;
    let saved = forum::attach(
        &state.db,
        forum::NewAttachment {
            question_id: question.id,
            name: &file_name,
            content_type,
            size: bytes.len() as u64,
            store_key: &key,
            now: Utc::now(),
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(AttachmentView {
        id: saved.id,
        name: saved.name,
        size: bytes.len() as u64,
    }))
}

/// Types a screenshot may have, as `oko_io::sniff` tells them from the bytes.
const PICTURES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "application/pdf"];

/// An attached file.
#[utoipa::path(
    tag = "forum",
    operation_id = "download_forum_attachment",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The file", content_type = "image/png", body = Vec<u8>, example = "\u{89}PNG…"),
        Unauthenticated, CoordinatorsOnly, NotFound,
    )
)]
#[get("/forum/attachments/{id}")]
pub async fn download_forum_attachment(
    state: web::Data<AppState>,
    req: HttpRequest,
    user: Authenticated,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    require_coordinator(&user)?;
    let file = forum::attachment(&state.db, id.into_inner())
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Файл не найден"))?;
    send_stored(
        &state,
        &req,
        &file.store_key,
        &file.content_type,
        &file.name,
    )
    .await
}
