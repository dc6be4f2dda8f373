//! Demo results for «Аналитика» (`oko seed-results`, and the small demo): the
//! assessment «ВПР 2026» with a few works and generated students for every
//! organisation — deterministic, pseudonymous codes only. Schools differ in level;
//! every 97th school is «inflated» (high marks, journal marks below them) so the
//! objectivity flags have something to find.

use chrono::{DateTime, Utc};
use oko_domain::analytics::{StudentResult, UnitStats, WorkDefinition, demo_work};
use sea_orm::{ActiveValue::Set, DatabaseConnection, DbErr, EntityTrait, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    analytics::{StoredWork, create_assessment, create_work, result_row},
    demo::Rng,
    entities::{assessment_org_stat, assessment_result, organisation},
};

/// The demo's works.
const WORKS: [(&str, &str); 4] = [
    ("Математика", "5 класс"),
    ("Русский язык", "5 класс"),
    ("Математика", "6 класс"),
    ("Окружающий мир", "4 класс"),
];
/// Rows per INSERT (10 values each).
const CHUNK: usize = 1_000;

/// What was made.
pub struct SeededResults {
    pub assessment_id: Uuid,
    pub works: Vec<Uuid>,
    pub students: u64,
}

/// Makes «ВПР 2026» with `works` works (at most 4) and about `students` results in
/// all, spread over every organisation.
pub async fn seed(
    db: &DatabaseConnection,
    works: usize,
    students: u64,
    now: DateTime<Utc>,
) -> Result<SeededResults, DbErr> {
    let organisations: Vec<Uuid> = organisation::Entity::find()
        .select_only()
        .column(organisation::Column::Id)
        .order_by_asc(organisation::Column::Login)
        .into_tuple()
        .all(db)
        .await?;
    let assessment = create_assessment(db, "ВПР 2026", "ВПР", now).await?;
    let mut made = Vec::new();
    for (subject, grade) in WORKS.iter().take(works.clamp(1, WORKS.len())) {
        made.push(create_work(db, assessment.id, &demo_work(subject, grade), now).await?);
    }
    let per_organisation =
        (students / (made.len() as u64 * organisations.len().max(1) as u64)).max(1) as usize;
    let mut written = 0;
    let txn = crate::connection::begin_write(db).await?;
    let mut rows = Vec::with_capacity(CHUNK);
    let mut stats_rows = Vec::with_capacity(CHUNK);
    for (w, work) in made.iter().enumerate() {
        for (o, organisation) in organisations.iter().enumerate() {
            let mut rng = Rng(0x5EED_0000 ^ ((w as u64) << 32) ^ o as u64);
            let students = students_of(&work.definition, o, per_organisation, &mut rng);
            written += students.len() as u64;
            let stats = UnitStats::of(&work.definition, &students);
            for student in &students {
                rows.push(result_row(
                    work.row.id,
                    *organisation,
                    &work.definition,
                    student,
                ));
                if rows.len() == CHUNK {
                    insert(&txn, std::mem::take(&mut rows)).await?;
                }
            }
            stats_rows.push(stats_row(work, *organisation, &stats, now)?);
            if stats_rows.len() == CHUNK {
                assessment_org_stat::Entity::insert_many(std::mem::take(&mut stats_rows))
                    .exec_without_returning(&txn)
                    .await?;
            }
        }
    }
    if !rows.is_empty() {
        insert(&txn, rows).await?;
    }
    if !stats_rows.is_empty() {
        assessment_org_stat::Entity::insert_many(stats_rows)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(SeededResults {
        assessment_id: assessment.id,
        works: made.iter().map(|w| w.row.id).collect(),
        students: written,
    })
}

async fn insert(
    txn: &sea_orm::DatabaseTransaction,
    rows: Vec<assessment_result::ActiveModel>,
) -> Result<(), DbErr> {
    assessment_result::Entity::insert_many(rows)
        .exec_without_returning(txn)
        .await?;
    Ok(())
}

fn stats_row(
    work: &StoredWork,
    organisation: Uuid,
    stats: &UnitStats,
    now: DateTime<Utc>,
) -> Result<assessment_org_stat::ActiveModel, DbErr> {
    Ok(assessment_org_stat::ActiveModel {
        work_id: Set(work.row.id),
        organisation_id: Set(organisation),
        participants: Set(stats.participants as i32),
        stats: Set(serde_json::to_string(stats).map_err(|e| DbErr::Custom(e.to_string()))?),
        updated_at: Set(now),
    })
}

/// `count` students of organisation number `index`: the school's level sets each
/// student's chance to earn a point.
fn students_of(
    work: &WorkDefinition,
    index: usize,
    count: usize,
    rng: &mut Rng,
) -> Vec<StudentResult> {
    let inflated = index % 97 == 13;
    let level = if inflated { 85 } else { 30 + rng.below(40) };
    (0..count)
        .map(|n| {
            let chance = (level + rng.below(30)).saturating_sub(15).min(98);
            let scores: Vec<u32> = work
                .tasks
                .iter()
                .map(|t| (0..t.max_score).filter(|_| rng.below(100) < chance).count() as u32)
                .collect();
            let mark = work.mark_for(scores.iter().sum());
            let journal = if inflated {
                mark.saturating_sub(1).max(2)
            } else {
                (i64::from(mark) + rng.below(3) as i64 - 1).clamp(2, 5) as u8
            };
            StudentResult {
                code: format!("{:05}", 10_001 + n),
                class_name: format!("{}{}", &work.grade[..1], ["А", "Б", "В"][n % 3]),
                variant: (1 + n % 2).to_string(),
                scores,
                journal_mark: (rng.below(10) > 0).then_some(journal),
            }
        })
        .collect()
}
