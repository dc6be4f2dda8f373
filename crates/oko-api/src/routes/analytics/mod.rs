//! «Аналитика»: assessments and their works (operator), results arriving through
//! the electronic protocol or the operator's bulk upload, and the seven reports
//! for every level within the caller's scope.

pub mod assessments;
pub mod reports;
pub mod results;

use oko_db::analytics::StoredWork;
use oko_domain::{
    analytics::api::{AssessmentView, WorkSummary},
    error_code::ErrorCode,
};
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

fn work_not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "Работа не найдена")
}

/// Work `id`, or 404.
async fn find_work(state: &AppState, id: Uuid) -> Result<StoredWork, ApiError> {
    oko_db::analytics::work(&state.db, id)
        .await?
        .ok_or_else(work_not_found)
}

fn summary(work: &StoredWork) -> WorkSummary {
    WorkSummary {
        id: work.row.id,
        title: work.definition.title(),
        subject: work.definition.subject.clone(),
        grade: work.definition.grade.clone(),
        tasks: work.definition.tasks.len(),
        max_primary: work.definition.max_primary(),
    }
}

fn assessment_view(
    row: oko_db::entities::assessment::Model,
    works: &[StoredWork],
) -> AssessmentView {
    AssessmentView {
        id: row.id,
        title: row.title,
        project: row.project,
        works: works.iter().map(summary).collect(),
    }
}
