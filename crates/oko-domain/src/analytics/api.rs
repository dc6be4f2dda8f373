//! Request and response bodies of the «Аналитика» endpoints.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{ReportKind, WorkDefinition};
use crate::api::FieldError;

/// `POST /api/assessments`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"title": "ВПР 2026", "project": "ВПР"})))]
pub struct AssessmentInput {
    /// «ВПР 2026».
    pub title: String,
    /// «ВПР», «ВПР СПО», «НИКО».
    pub project: String,
}

impl AssessmentInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self.title.trim().is_empty() {
            problems.push(FieldError::about_field(
                "title",
                "required",
                "Укажите название, например «ВПР 2026»",
            ));
        }
        if self.project.trim().is_empty() {
            problems.push(FieldError::about_field(
                "project",
                "required",
                "Укажите проект, например «ВПР»",
            ));
        }
        problems
    }
}

/// An assessment with its works.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "7b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3", "title": "ВПР 2026", "project": "ВПР",
    "works": [{"id": "8c1d2e3f-4051-4b6c-9d7e-8f90a1b2c3d4", "title": "Математика, 5 класс",
               "subject": "Математика", "grade": "5 класс", "tasks": 10, "max_primary": 20}]
})))]
pub struct AssessmentView {
    pub id: Uuid,
    pub title: String,
    pub project: String,
    pub works: Vec<WorkSummary>,
}

/// A work in lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkSummary {
    pub id: Uuid,
    /// «Математика, 5 класс».
    pub title: String,
    pub subject: String,
    pub grade: String,
    /// Number of tasks.
    pub tasks: usize,
    /// The highest primary score.
    pub max_primary: u32,
}

/// `GET /api/assessments`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{
    "id": "7b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3", "title": "ВПР 2026", "project": "ВПР",
    "works": [{"id": "8c1d2e3f-4051-4b6c-9d7e-8f90a1b2c3d4", "title": "Математика, 5 класс",
               "subject": "Математика", "grade": "5 класс", "tasks": 10, "max_primary": 20}]
}]})))]
pub struct AssessmentList {
    pub items: Vec<AssessmentView>,
}

/// A work with its whole definition.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "8c1d2e3f-4051-4b6c-9d7e-8f90a1b2c3d4", "assessment_id": "7b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3",
    "title": "Математика, 5 класс",
    "definition": {"subject": "Математика", "grade": "5 класс",
        "tasks": [{"number": "1", "max_score": 1, "skill": "Развитие представлений о числе"},
                  {"number": "2", "max_score": 2, "skill": "Умение решать текстовые задачи"}],
        "scale": [{"from": 0, "to": 0, "mark": 2}, {"from": 1, "to": 1, "mark": 3},
                  {"from": 2, "to": 2, "mark": 4}, {"from": 3, "to": 3, "mark": 5}]}
})))]
pub struct WorkView {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub title: String,
    pub definition: WorkDefinition,
}

/// `POST /api/assessment-works/{id}/protocol`: a collection of the work's electronic
/// protocol in a publication.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "publication_id": "3f1c2b9a-1d4e-4f5a-9b8c-7d6e5f4a3b2c",
    "opens_at": "2026-04-10T05:00:00Z", "closes_at": "2026-04-30T15:00:00Z"
})))]
pub struct ProtocolInput {
    pub publication_id: Uuid,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// The protocol's collection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "collection_id": "9a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "form_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    "form_version_id": "0d7c8a52-1e0f-4a4b-9a3e-9b1f2c3d4e5f"
})))]
pub struct ProtocolView {
    pub collection_id: Uuid,
    pub form_id: Uuid,
    pub form_version_id: Uuid,
}

/// What a bulk upload of results stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"organisations": 2, "students": 57})))]
pub struct ResultsImported {
    /// Organisations whose results were replaced.
    pub organisations: usize,
    pub students: usize,
}

/// `?unit=` of the reports and how to get them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct ReportQuery {
    /// `country`, `region:<id>`, `municipality:<id>` or `organisation:<login>`;
    /// the caller's own unit when absent.
    pub unit: Option<String>,
    /// `json` (default) or `xlsx` (a download).
    pub format: Option<String>,
}

/// Every report kind with its Russian name, for pickers.
pub fn report_kinds() -> Vec<(ReportKind, &'static str)> {
    ReportKind::ALL.iter().map(|k| (*k, k.title_ru())).collect()
}
