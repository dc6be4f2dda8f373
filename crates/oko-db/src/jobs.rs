//! The job queue in the database. Every `oko` instance claims jobs with a lease: a
//! conditional update that only one instance can win (it names the job's state as
//! it read it), renewed while the job runs. A job whose lease ran out — its instance
//! was killed — is queued work again. Results are written only by the lease holder,
//! so a job taken over never finishes twice.

use chrono::{DateTime, Duration, Utc};
use oko_domain::jobs::{JobSpec, JobStatus, JobView, status_line_ru};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::job;

/// A new job's description.
pub struct NewJob<'a> {
    pub spec: &'a JobSpec,
    pub user_id: Uuid,
    pub title: &'a str,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub now: DateTime<Utc>,
}

/// Queues a job; its number is the next free one (retried if another instance
/// took it at the same moment).
pub async fn create(db: &DatabaseConnection, new: NewJob<'_>) -> Result<job::Model, DbErr> {
    let params = serde_json::to_string(new.spec).map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut last_error = None;
    for _ in 0..5 {
        let highest: Option<i64> = job::Entity::find()
            .select_only()
            .column_as(job::Column::Number.max(), "n")
            .into_tuple::<Option<i64>>()
            .one(db)
            .await?
            .flatten();
        let row = job::ActiveModel {
            id: Set(Uuid::new_v4()),
            number: Set(highest.unwrap_or(0) + 1),
            kind: Set(new.spec.kind().to_owned()),
            params: Set(params.clone()),
            user_id: Set(new.user_id),
            title: Set(new.title.to_owned()),
            status: Set(JobStatus::Queued.as_str().to_owned()),
            progress: Set(0),
            lease_owner: Set(None),
            lease_until: Set(None),
            attempts: Set(0),
            file_name: Set(new.file_name.to_owned()),
            content_type: Set(new.content_type.to_owned()),
            store_key: Set(None),
            error: Set(None),
            created_at: Set(new.now),
            started_at: Set(None),
            finished_at: Set(None),
            expires_at: Set(None),
        };
        match row.insert(db).await {
            Ok(model) => return Ok(model),
            // The number was taken meanwhile: try the next one.
            Err(error) => last_error = Some(error),
        }
    }
    Err(last_error.unwrap_or_else(|| DbErr::Custom("no job number".into())))
}

/// Jobs waiting, or running under a lease that ran out.
fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(job::Column::Status.eq(JobStatus::Queued.as_str()))
        .add(
            Condition::all()
                .add(job::Column::Status.eq(JobStatus::Running.as_str()))
                .add(job::Column::LeaseUntil.lt(now)),
        )
}

/// Claims the oldest claimable job for `owner` until `now + lease`; `None` when
/// there is nothing to do (or others won every candidate).
pub async fn claim(
    db: &DatabaseConnection,
    owner: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Option<(job::Model, JobSpec)>, DbErr> {
    let candidates = job::Entity::find()
        .filter(claimable(now))
        .order_by_asc(job::Column::CreatedAt)
        .limit(8)
        .all(db)
        .await?;
    for candidate in candidates {
        let won = job::Entity::update_many()
            .col_expr(
                job::Column::Status,
                Expr::value(JobStatus::Running.as_str()),
            )
            .col_expr(job::Column::LeaseOwner, Expr::value(owner))
            .col_expr(job::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(job::Column::Attempts, Expr::value(candidate.attempts + 1))
            .col_expr(job::Column::Progress, Expr::value(0))
            .col_expr(
                job::Column::StartedAt,
                Expr::value(candidate.started_at.unwrap_or(now)),
            )
            .filter(job::Column::Id.eq(candidate.id))
            // Exactly as read: whoever updates first wins, the others match nothing.
            .filter(job::Column::Attempts.eq(candidate.attempts))
            .filter(claimable(now))
            .exec(db)
            .await?;
        if won.rows_affected != 1 {
            continue;
        }
        let Some(claimed) = job::Entity::find_by_id(candidate.id).one(db).await? else {
            continue;
        };
        match serde_json::from_str::<JobSpec>(&claimed.params) {
            Ok(spec) => return Ok(Some((claimed, spec))),
            Err(error) => {
                fail(
                    db,
                    claimed.id,
                    owner,
                    &format!("Неизвестное задание: {error}"),
                    now,
                )
                .await?;
            }
        }
    }
    Ok(None)
}

/// Renews the lease and records progress; false when the job is no longer ours.
pub async fn heartbeat(
    db: &DatabaseConnection,
    id: Uuid,
    owner: &str,
    progress: u8,
    lease_until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(
            job::Column::Progress,
            Expr::value(i32::from(progress.min(99))),
        )
        .col_expr(job::Column::LeaseUntil, Expr::value(lease_until))
        .filter(running_under(id, owner))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Job `id` while `owner` runs it: a write under this changes nothing once the
/// lease passed to another instance.
fn running_under(id: Uuid, owner: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(job::Column::Id.eq(id))
        .add(job::Column::LeaseOwner.eq(owner))
        .add(job::Column::Status.eq(JobStatus::Running.as_str()))
}

/// The job is done: its file is `store_key` until `expires_at`. False when another
/// instance holds the job now (the caller then removes its file).
pub async fn finish(
    db: &DatabaseConnection,
    id: Uuid,
    owner: &str,
    store_key: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let updated = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Ready.as_str()))
        .col_expr(job::Column::Progress, Expr::value(100))
        .col_expr(job::Column::StoreKey, Expr::value(store_key))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::ExpiresAt, Expr::value(expires_at))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .filter(running_under(id, owner))
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// The job failed for good, with why (in Russian).
pub async fn fail(
    db: &DatabaseConnection,
    id: Uuid,
    owner: &str,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Failed.as_str()))
        .col_expr(job::Column::Error, Expr::value(error))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::LeaseOwner.eq(owner))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives back the jobs `owner` runs (an instance stopping): queued again at once,
/// for another instance or this one's next start, instead of «формируется» with
/// nobody working until the lease runs out.
pub async fn release(
    db: &DatabaseConnection,
    owner: &str,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Queued.as_str()))
        .col_expr(job::Column::LeaseOwner, Expr::value(Option::<String>::None))
        .col_expr(job::Column::LeaseUntil, Expr::value(now))
        .col_expr(job::Column::Progress, Expr::value(0))
        .filter(job::Column::LeaseOwner.eq(owner))
        .filter(job::Column::Status.eq(JobStatus::Running.as_str()))
        .exec(db)
        .await?
        .rows_affected)
}

/// The user's own job.
pub async fn find_own(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<job::Model>, DbErr> {
    job::Entity::find_by_id(id)
        .filter(job::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// The user's latest jobs, newest first.
pub async fn list_own(
    db: &DatabaseConnection,
    user_id: Uuid,
    limit: u64,
) -> Result<Vec<job::Model>, DbErr> {
    job::Entity::find()
        .filter(job::Column::UserId.eq(user_id))
        .order_by_desc(job::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// Removes jobs whose file expired; answers their files' keys to delete.
pub async fn remove_expired(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<String>, DbErr> {
    let expired = job::Entity::find()
        .filter(job::Column::ExpiresAt.lt(now))
        .all(db)
        .await?;
    let mut keys = Vec::new();
    for job in expired {
        let gone = job::Entity::delete_many()
            .filter(job::Column::Id.eq(job.id))
            .filter(job::Column::ExpiresAt.lt(now))
            .exec(db)
            .await?;
        if gone.rows_affected == 1 {
            keys.extend(job.store_key);
        }
    }
    Ok(keys)
}

/// How many jobs are in each status now (for the metrics).
pub async fn count_by_status(db: &DatabaseConnection) -> Result<Vec<(String, i64)>, DbErr> {
    job::Entity::find()
        .select_only()
        .column(job::Column::Status)
        .column_as(job::Column::Id.count(), "jobs")
        .group_by(job::Column::Status)
        .into_tuple()
        .all(db)
        .await
}

/// The API view of a job.
pub fn describe(job: &job::Model) -> JobView {
    let status = job.status();
    let progress = job.progress.clamp(0, 100) as u8;
    JobView {
        id: job.id,
        number: job.number,
        title: job.title.clone(),
        status,
        progress,
        status_line: status_line_ru(job.number, status, progress),
        file_name: job.file_name.clone(),
        created_at: job.created_at,
        finished_at: job.finished_at,
        expires_at: job.expires_at,
        error: job.error.clone(),
    }
}
