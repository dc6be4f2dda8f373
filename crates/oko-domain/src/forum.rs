//! «Техническая поддержка»: a question-and-answer forum per project. Coordinators
//! ask, the operator answers, marks frequently asked questions («Часто задаваемые
//! вопросы», shown first), closes and merges duplicates. Search understands
//! Russian word forms: a query word is cut to its stem and matched as a prefix, so
//! «загрузка» finds «загрузить» and «пароля» finds «пароль».

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::FieldError;

/// The forums: one per project.
pub const FORUMS: [(&str, &str); 3] = [
    ("vpr", "Форум поддержки ВПР"),
    ("vpr-spo", "Форум поддержки СПО"),
    ("niko", "Форум поддержки НИКО"),
];

/// The forum's title, `None` for an unknown slug.
pub fn forum_title(slug: &str) -> Option<&'static str> {
    FORUMS.iter().find(|(s, _)| *s == slug).map(|(_, t)| *t)
}

/// Most characters of a title and of a text.
pub const MAX_TITLE: usize = 300;
pub const MAX_BODY: usize = 20_000;

/// `POST /api/forums/{forum}/questions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "Не загружается файл с расписанием",
    "body": "При загрузке шаблона появляется ошибка «Файл не является книгой Excel». Логин МОУО mun24001."
})))]
pub struct QuestionInput {
    pub title: String,
    pub body: String,
}

impl QuestionInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = text_problems("title", &self.title, MAX_TITLE, "Заголовок");
        problems.extend(text_problems("body", &self.body, MAX_BODY, "Текст вопроса"));
        problems
    }
}

/// `POST /api/forum/questions/{id}/answers`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"body": "Сохраните файл в формате .xlsx и загрузите снова."})))]
pub struct AnswerInput {
    pub body: String,
}

impl AnswerInput {
    pub fn problems(&self) -> Vec<FieldError> {
        text_problems("body", &self.body, MAX_BODY, "Текст ответа")
    }
}

fn text_problems(field: &str, text: &str, max: usize, what: &str) -> Vec<FieldError> {
    if text.trim().is_empty() {
        vec![FieldError::about_field(
            field,
            "required",
            &format!("{what}: обязательно"),
        )]
    } else if text.chars().count() > max {
        vec![FieldError::about_field(
            field,
            "too_long",
            &format!("{what}: не длиннее {max} символов"),
        )]
    } else {
        Vec::new()
    }
}

/// `PUT /api/forum/questions/{id}/moderation` (operator): absent fields unchanged.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"faq": true})))]
pub struct Moderation {
    /// «Часто задаваемые вопросы».
    pub faq: Option<bool>,
    /// A closed question takes no more answers.
    pub closed: Option<bool>,
    /// A duplicate: merged into that question (its answers read there).
    pub merged_into: Option<Uuid>,
}

/// An attached file (a screenshot).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": "4c5d6e7f-8091-4aab-9c2d-3e4f5a6b7c8d", "name": "ошибка.png", "size": 48213})))]
pub struct AttachmentView {
    pub id: Uuid,
    pub name: String,
    pub size: u64,
}

/// An answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerView {
    pub id: Uuid,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A question in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionSummary {
    pub id: Uuid,
    pub forum: String,
    pub title: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
    pub faq: bool,
    pub closed: bool,
    pub answers: u32,
}

/// A question with its answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "summary": {"id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d", "forum": "vpr-spo", "title": "Не загружается файл с расписанием",
        "author": "spo_coord_24", "created_at": "2026-09-01T08:00:00Z", "faq": false, "closed": false, "answers": 1},
    "body": "При загрузке шаблона появляется ошибка «Файл не является книгой Excel».",
    "merged_into": null,
    "answers": [{"id": "3b4c5d6e-7f80-4a9b-8c1d-2e3f4a5b6c7d", "author": "admin",
        "body": "Сохраните файл в формате .xlsx и загрузите снова.", "created_at": "2026-09-01T09:00:00Z"}],
    "attachments": [{"id": "4c5d6e7f-8091-4aab-9c2d-3e4f5a6b7c8d", "name": "ошибка.png", "size": 48213}]
})))]
pub struct QuestionView {
    pub summary: QuestionSummary,
    pub body: String,
    /// Set when the question was merged into another as a duplicate.
    pub merged_into: Option<Uuid>,
    pub answers: Vec<AnswerView>,
    pub attachments: Vec<AttachmentView>,
}

/// A page of questions: frequently asked first, then newest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{"id": "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d",
    "forum": "vpr-spo", "title": "Не загружается файл с расписанием", "author": "spo_coord_24",
    "created_at": "2026-09-01T08:00:00Z", "faq": true, "closed": false, "answers": 1}],
    "total": 1, "page": 1, "per_page": 20})))]
pub struct QuestionList {
    pub items: Vec<QuestionSummary>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// A forum in the list of forums.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForumView {
    pub slug: String,
    pub title: String,
    /// Open questions (not merged).
    pub questions: u64,
}

/// `GET /api/forums`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{"slug": "vpr-spo", "title": "Форум поддержки СПО", "questions": 12}]})))]
pub struct ForumList {
    pub items: Vec<ForumView>,
}

/// The words of a text as search stores them: lower case, «ё» as «е», letters
/// and digits only.
pub fn search_words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace('ё', "е")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Russian inflectional endings, longest first.
const ENDINGS: [&str; 71] = [
    "ировать",
    "ованием",
    "овать",
    "евать",
    "ывать",
    "ивать",
    "ениями",
    "ениях",
    "ением",
    "ения",
    "ение",
    "ении",
    "ться",
    "тся",
    "ость",
    "ости",
    "ями",
    "ами",
    "ого",
    "его",
    "ому",
    "ему",
    "ыми",
    "ими",
    "ешь",
    "ишь",
    "ете",
    "ите",
    "ать",
    "ять",
    "ить",
    "еть",
    "уть",
    "ах",
    "ях",
    "ов",
    "ев",
    "ей",
    "ам",
    "ям",
    "ом",
    "ем",
    "ой",
    "ью",
    "ия",
    "ие",
    "ии",
    "ию",
    "ый",
    "ий",
    "ая",
    "яя",
    "ое",
    "ее",
    "ые",
    "ую",
    "юю",
    "ла",
    "ли",
    "ло",
    "ет",
    "ют",
    "ут",
    "ит",
    "ат",
    "а",
    "я",
    "о",
    "е",
    "ы",
    "и",
];
/// More endings of one letter.
const SHORT_ENDINGS: [&str; 4] = ["у", "ю", "ь", "й"];
/// Noun-forming suffixes left after the ending (загруз-к-а → загруз).
const SUFFIXES: [&str; 4] = ["к", "ок", "ек", "ств"];

/// A word cut to what its forms share: the ending, then a noun suffix, taken off
/// while at least 3 letters (4 before a suffix) remain.
pub fn stem(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut end = chars.len();
    let tail = |end: usize, suffix: &str| {
        let n = suffix.chars().count();
        end >= n && chars[end - n..end].iter().copied().eq(suffix.chars())
    };
    if let Some(ending) = ENDINGS
        .iter()
        .chain(SHORT_ENDINGS.iter())
        .find(|e| tail(end, e) && end - e.chars().count() >= 3)
    {
        end -= ending.chars().count();
    }
    if let Some(suffix) = SUFFIXES
        .iter()
        .find(|s| tail(end, s) && end - s.chars().count() >= 4)
    {
        end -= suffix.chars().count();
    }
    chars[..end].iter().collect()
}

/// The stems of a query, each to be matched as a word prefix (all must match).
pub fn query_stems(query: &str) -> Vec<String> {
    let mut stems: Vec<String> = search_words(query).iter().map(|w| stem(w)).collect();
    stems.sort();
    stems.dedup();
    stems.truncate(8);
    stems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_a_word_share_a_prefix_stem() {
        let matches = |query: &str, word: &str| word.starts_with(&stem(query));
        assert!(matches("загрузка", "загрузить"));
        assert!(matches("загрузить", "загрузка"));
        assert!(matches("загрузки", "загрузкой"));
        assert!(matches("пароля", "пароль"));
        assert!(matches("паролей", "пароли"));
        assert!(matches("файлы", "файла"));
        assert!(matches("сбор", "сбора"));
        assert!(!matches("загрузка", "заголовок"));
        assert_eq!(stem("ВПР".to_lowercase().as_str()), "впр");
    }

    #[test]
    fn queries_are_words_without_punctuation() {
        assert_eq!(
            query_stems("Не загружается «файл»!"),
            ["загружае", "не", "файл"]
        );
        assert_eq!(search_words("Ёлки-палки, 2026"), ["елки", "палки", "2026"]);
        assert!(query_stems("  ,,  ").is_empty());
    }
}
