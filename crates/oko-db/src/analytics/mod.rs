//! «Аналитика» in the database: assessments and works, students' results and the
//! per-organisation statistics rewritten with them in one transaction, so reports
//! ([`cache`], [`units`]) sum 45,000 small rows at most, never 10 million results.

pub mod baseline;
pub mod cache;
pub mod units;

use chrono::{DateTime, Utc};
use oko_domain::analytics::{StudentResult, UnitStats, WorkDefinition};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, QueryFilter, QueryOrder, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::entities::{
    assessment, assessment_org_stat, assessment_result, assessment_work, collection,
};

/// Results inserted per statement (10 values each: under every database's limit).
const INSERT_CHUNK: usize = 1_000;

/// A work as stored, with its definition read.
#[derive(Clone, Debug)]
pub struct StoredWork {
    pub row: assessment_work::Model,
    pub definition: WorkDefinition,
}

/// Creates an assessment.
pub async fn create_assessment(
    db: &DatabaseConnection,
    title: &str,
    project: &str,
    now: DateTime<Utc>,
) -> Result<assessment::Model, DbErr> {
    assessment::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(title.trim().to_owned()),
        project: Set(project.trim().to_owned()),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

/// Every assessment, newest first, with its works in creation order.
pub async fn assessments(
    db: &DatabaseConnection,
) -> Result<Vec<(assessment::Model, Vec<StoredWork>)>, DbErr> {
    let assessments = assessment::Entity::find()
        .order_by_desc(assessment::Column::CreatedAt)
        .all(db)
        .await?;
    let works = assessment_work::Entity::find()
        .order_by_asc(assessment_work::Column::CreatedAt)
        .all(db)
        .await?;
    let mut stored: Vec<StoredWork> = works.into_iter().filter_map(read_work).collect();
    Ok(assessments
        .into_iter()
        .map(|a| {
            let (mine, rest) = stored.drain(..).partition(|w| w.row.assessment_id == a.id);
            stored = rest;
            (a, mine)
        })
        .collect())
}

/// Assessment `id`.
pub async fn assessment(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<assessment::Model>, DbErr> {
    assessment::Entity::find_by_id(id).one(db).await
}

/// Adds a work (checked by the caller) to an assessment.
pub async fn create_work(
    db: &DatabaseConnection,
    assessment_id: Uuid,
    work: &WorkDefinition,
    now: DateTime<Utc>,
) -> Result<StoredWork, DbErr> {
    let row = assessment_work::ActiveModel {
        id: Set(Uuid::new_v4()),
        assessment_id: Set(assessment_id),
        subject: Set(work.subject.trim().to_owned()),
        grade: Set(work.grade.trim().to_owned()),
        definition: Set(to_json(work)?),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(StoredWork {
        row,
        definition: work.clone(),
    })
}

/// Work `id`.
pub async fn work(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<StoredWork>, DbErr> {
    Ok(assessment_work::Entity::find_by_id(id)
        .one(db)
        .await?
        .and_then(read_work))
}

fn read_work(row: assessment_work::Model) -> Option<StoredWork> {
    match serde_json::from_str(&row.definition) {
        Ok(definition) => Some(StoredWork { row, definition }),
        Err(e) => {
            tracing::error!(work = %row.id, "unreadable work definition: {e}");
            None
        }
    }
}

/// Replaces the results of each `(organisation, students)` and their statistics in
/// one transaction: all of them or, on an error, none.
pub async fn replace_results(
    db: &DatabaseConnection,
    work_id: Uuid,
    work: &WorkDefinition,
    organisations: &[(Uuid, Vec<StudentResult>)],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    for (organisation_id, students) in organisations {
        replace_in(&txn, work_id, work, *organisation_id, students, now).await?;
    }
    txn.commit().await
}

/// Replaces one organisation's results and statistics inside the caller's
/// transaction (a protocol's submission).
pub async fn replace_in(
    conn: &impl ConnectionTrait,
    work_id: Uuid,
    work: &WorkDefinition,
    organisation_id: Uuid,
    students: &[StudentResult],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    assessment_result::Entity::delete_many()
        .filter(assessment_result::Column::WorkId.eq(work_id))
        .filter(assessment_result::Column::OrganisationId.eq(organisation_id))
        .exec(conn)
        .await?;
    for chunk in students.chunks(INSERT_CHUNK) {
        let rows = chunk
            .iter()
            .map(|student| result_row(work_id, organisation_id, work, student));
        assessment_result::Entity::insert_many(rows)
            .exec(conn)
            .await?;
    }
    write_stats(
        conn,
        work_id,
        organisation_id,
        &UnitStats::of(work, students),
        now,
    )
    .await
}

/// Writes (or rewrites) an organisation's statistics.
pub async fn write_stats(
    conn: &impl ConnectionTrait,
    work_id: Uuid,
    organisation_id: Uuid,
    stats: &UnitStats,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = assessment_org_stat::ActiveModel {
        work_id: Set(work_id),
        organisation_id: Set(organisation_id),
        participants: Set(stats.participants as i32),
        stats: Set(to_json(stats)?),
        updated_at: Set(now),
    };
    assessment_org_stat::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                assessment_org_stat::Column::WorkId,
                assessment_org_stat::Column::OrganisationId,
            ])
            .update_columns([
                assessment_org_stat::Column::Participants,
                assessment_org_stat::Column::Stats,
                assessment_org_stat::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(conn)
        .await?;
    Ok(())
}

/// The stored row of one student.
pub fn result_row(
    work_id: Uuid,
    organisation_id: Uuid,
    work: &WorkDefinition,
    student: &StudentResult,
) -> assessment_result::ActiveModel {
    let primary = student.primary();
    let scores: Vec<String> = student.scores.iter().map(u32::to_string).collect();
    assessment_result::ActiveModel {
        work_id: Set(work_id),
        organisation_id: Set(organisation_id),
        code: Set(student.code.clone()),
        class_name: Set(student.class_name.clone()),
        variant: Set(student.variant.clone()),
        scores: Set(scores.join(",")),
        primary_score: Set(primary as i32),
        mark: Set(i32::from(work.mark_for(primary))),
        journal_mark: Set(student.journal_mark.map(i32::from)),
    }
}

/// The students of `organisations`, organisation by organisation in the given
/// order, by class and code.
pub async fn students_of(
    db: &DatabaseConnection,
    work_id: Uuid,
    organisation: Uuid,
) -> Result<Vec<StudentResult>, DbErr> {
    Ok(assessment_result::Entity::find()
        .filter(assessment_result::Column::WorkId.eq(work_id))
        .filter(assessment_result::Column::OrganisationId.eq(organisation))
        .order_by_asc(assessment_result::Column::ClassName)
        .order_by_asc(assessment_result::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|row| StudentResult {
            scores: row
                .scores
                .split(',')
                .filter_map(|s| s.parse().ok())
                .collect(),
            journal_mark: row.journal_mark.and_then(|m| u8::try_from(m).ok()),
            code: row.code,
            class_name: row.class_name,
            variant: row.variant,
        })
        .collect())
}

/// Makes collection `collection_id` gather the protocol of work `work_id`
/// (this instance's `collections` knows at once).
pub async fn link_protocol(
    db: &DatabaseConnection,
    collections: &crate::collections::CollectionCache,
    collection_id: Uuid,
    work_id: Uuid,
) -> Result<(), DbErr> {
    collection::Entity::update_many()
        .col_expr(
            collection::Column::AssessmentWorkId,
            sea_orm::sea_query::Expr::value(work_id),
        )
        .filter(collection::Column::Id.eq(collection_id))
        .exec(db)
        .await?;
    collections.forget(collection_id);
    Ok(())
}

fn to_json(value: &impl serde::Serialize) -> Result<String, DbErr> {
    serde_json::to_string(value).map_err(|e| DbErr::Custom(e.to_string()))
}
