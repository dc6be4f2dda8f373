//! Sections and publications as the API and the SPA exchange them, and the rules a
//! publication must follow before it is saved (checked on the server, shown by the
//! SPA from the same code).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{api::FieldError, org::OrgKind};

/// Longest title accepted.
pub const MAX_TITLE_CHARS: usize = 500;
/// Longest body accepted (Markdown source).
pub const MAX_BODY_CHARS: usize = 50_000;

/// A section tab with its counters for the current user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SectionSummary {
    /// Id.
    pub id: Uuid,
    /// Title, e.g. «ВПР СПО».
    pub title: String,
    /// Order of the tabs, smallest first.
    pub position: i32,
    /// Publications of the section the user may see.
    pub total: u64,
    /// Of those, the ones the user has not opened yet.
    pub new: u64,
}

/// `GET /api/sections`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "sections": [
        {"id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c", "title": "ВПР СПО", "position": 1, "total": 3, "new": 1},
        {"id": "8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d", "title": "Техническая поддержка", "position": 3, "total": 1, "new": 0}
    ],
    "starred": 2
})))]
pub struct SectionList {
    /// The tabs, by position.
    pub sections: Vec<SectionSummary>,
    /// Publications the user starred and still may see («Избранные публикации»).
    pub starred: u64,
}

/// A section as saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c", "title": "ВПР СПО", "position": 1})))]
pub struct Section {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Place among the tabs.
    pub position: i32,
}

/// `POST /api/sections`, `PUT /api/sections/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "ВПР СПО", "position": 1})))]
pub struct SectionInput {
    /// Title, unique.
    pub title: String,
    /// Place among the tabs; new sections go last when it is left out.
    #[serde(default)]
    pub position: Option<i32>,
}

/// Whom a publication reaches. Coordinators see what reaches any organisation under them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "everyone": false, "org_kinds": ["college"], "region_codes": ["24"], "organisation_logins": ["sch770001"]
})))]
pub struct Audience {
    /// Every organisation (then the lists below are ignored).
    #[serde(default)]
    pub everyone: bool,
    /// Every organisation of these kinds.
    #[serde(default)]
    pub org_kinds: Vec<OrgKind>,
    /// Every organisation of these regions (two-digit codes).
    #[serde(default)]
    pub region_codes: Vec<String>,
    /// These organisations, by login.
    #[serde(default)]
    pub organisation_logins: Vec<String>,
}

impl Audience {
    /// Whether it reaches nobody.
    pub fn is_empty(&self) -> bool {
        !self.everyone
            && self.org_kinds.is_empty()
            && self.region_codes.is_empty()
            && self.organisation_logins.is_empty()
    }
}

/// `POST /api/publications`, `PUT /api/publications/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "section_id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c",
    "title": "Расписание проведения ВПР СПО в образовательных организациях",
    "body_markdown": "Расписание — в файле ниже. Вопросы: [helpfisoko@fioco.ru](mailto:helpfisoko@fioco.ru)",
    "published_on": "2021-08-30T17:41:00Z",
    "visible_from": "2021-08-30T17:41:00Z",
    "is_news": false,
    "audience": {"everyone": false, "org_kinds": ["college"], "region_codes": [], "organisation_logins": []}
})))]
pub struct PublicationInput {
    /// The section it belongs to.
    pub section_id: Uuid,
    /// Title.
    pub title: String,
    /// Body in Markdown; links allowed, raw HTML is shown as text.
    #[serde(default)]
    pub body_markdown: String,
    /// The date shown with it («30 авг. 2021 (понедельник)»), UTC.
    pub published_on: DateTime<Utc>,
    /// Hidden from everyone but the operator before this moment; `published_on` when left out.
    #[serde(default)]
    pub visible_from: Option<DateTime<Utc>>,
    /// Listed under «Показать новости».
    #[serde(default)]
    pub is_news: bool,
    /// Whom it reaches.
    pub audience: Audience,
}

impl PublicationInput {
    /// Every rule the input breaks, with the field it is about.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        let title_chars = self.title.trim().chars().count();
        if title_chars == 0 {
            problems.push(FieldError::about_field(
                "title",
                "required",
                "Укажите название публикации",
            ));
        } else if title_chars > MAX_TITLE_CHARS {
            problems.push(FieldError::about_field(
                "title",
                "too_long",
                &format!("Название длиннее {MAX_TITLE_CHARS} символов"),
            ));
        }
        if self.body_markdown.chars().count() > MAX_BODY_CHARS {
            problems.push(FieldError::about_field(
                "body_markdown",
                "too_long",
                &format!("Текст длиннее {MAX_BODY_CHARS} символов"),
            ));
        }
        if self.audience.is_empty() {
            problems.push(FieldError::about_field(
                "audience",
                "required",
                "Выберите, кому адресована публикация",
            ));
        }
        problems
    }
}

/// A publication in a list: collapsed, without its body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationSummary {
    /// Id (the permalink is `/publications/{id}`).
    pub id: Uuid,
    /// Its section.
    pub section_id: Uuid,
    /// Title.
    pub title: String,
    /// The date shown with it, UTC.
    pub published_on: DateTime<Utc>,
    /// When it becomes visible to its audience, UTC.
    pub visible_from: DateTime<Utc>,
    /// Listed under «Показать новости».
    pub is_news: bool,
    /// The user starred it.
    pub starred: bool,
    /// The user has not opened it yet.
    pub is_new: bool,
}

/// `GET /api/publications`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "items": [{"id": "6c5b4a39-2817-4f6e-9d5c-4b3a29181706", "section_id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c",
        "title": "Сбор данных об участниках ВПР СПО", "published_on": "2021-08-30T17:41:00Z",
        "visible_from": "2021-08-30T17:41:00Z", "is_news": false, "starred": true, "is_new": false}],
    "total": 1, "page": 1, "per_page": 20
})))]
pub struct PublicationPage {
    /// Newest first.
    pub items: Vec<PublicationSummary>,
    /// Everything that matches.
    pub total: u64,
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// `GET /api/publications/{id}`: one publication, opened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "summary": {"id": "6c5b4a39-2817-4f6e-9d5c-4b3a29181706", "section_id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c",
        "title": "Сбор данных об участниках ВПР СПО", "published_on": "2021-08-30T17:41:00Z",
        "visible_from": "2021-08-30T17:41:00Z", "is_news": false, "starred": false, "is_new": false},
    "body_html": "<p>Заполните форму до <strong>7 сентября</strong>.</p>\n"
})))]
pub struct Publication {
    /// What the list shows.
    pub summary: PublicationSummary,
    /// The body, rendered and sanitised.
    pub body_html: String,
    /// The Markdown source: for the operator only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// Whom it reaches: for the operator only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> PublicationInput {
        PublicationInput {
            section_id: Uuid::nil(),
            title: "Расписание ВПР СПО".to_owned(),
            body_markdown: String::new(),
            published_on: Utc::now(),
            visible_from: None,
            is_news: false,
            audience: Audience {
                everyone: true,
                ..Audience::default()
            },
        }
    }

    #[test]
    fn a_complete_publication_has_no_problems() {
        assert!(input().problems().is_empty());
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let mut broken = input();
        broken.title = "   ".to_owned();
        broken.body_markdown = "я".repeat(MAX_BODY_CHARS + 1);
        broken.audience = Audience::default();
        let fields: Vec<_> = broken
            .problems()
            .into_iter()
            .map(|p| p.field.unwrap())
            .collect();
        assert_eq!(fields, ["title", "body_markdown", "audience"]);
        broken.title = "б".repeat(MAX_TITLE_CHARS + 1);
        assert_eq!(broken.problems()[0].code, "too_long");
    }
}
