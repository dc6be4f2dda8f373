//! Report jobs: created by a request, advanced by a background task, read by polls.
//! A job belongs to the user who asked for it; nobody else sees it.

use chrono::{DateTime, Utc};
use oko_domain::storages::{JobStatus, ReportJob};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
};
use uuid::Uuid;

use crate::entities::report_job;

/// Queues a job.
pub async fn create(
    db: &DatabaseConnection,
    user_id: Uuid,
    storage_id: Uuid,
    file_name: &str,
    now: DateTime<Utc>,
) -> Result<report_job::Model, DbErr> {
    report_job::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        storage_id: Set(storage_id),
        status: Set(JobStatus::Queued.as_str().to_owned()),
        file_name: Set(file_name.to_owned()),
        store_key: Set(None),
        error: Set(None),
        created_at: Set(now),
        finished_at: Set(None),
    }
    .insert(db)
    .await
}

/// Moves a job to `status`; a finished job gets its file or its error.
pub async fn advance(
    db: &DatabaseConnection,
    job: report_job::Model,
    status: JobStatus,
    store_key: Option<String>,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<report_job::Model, DbErr> {
    let finished = matches!(status, JobStatus::Ready | JobStatus::Failed);
    let mut row: report_job::ActiveModel = job.into();
    row.status = Set(status.as_str().to_owned());
    row.store_key = Set(store_key);
    row.error = Set(error);
    row.finished_at = Set(finished.then_some(now));
    row.update(db).await
}

/// The user's own job `id`.
pub async fn find_own(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<report_job::Model>, DbErr> {
    report_job::Entity::find_by_id(id)
        .filter(report_job::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// The API view of a job.
pub fn describe(job: &report_job::Model) -> ReportJob {
    ReportJob {
        id: job.id,
        status: JobStatus::parse(&job.status),
        file_name: job.file_name.clone(),
        created_at: job.created_at,
        finished_at: job.finished_at,
        error: job.error.clone(),
    }
}
