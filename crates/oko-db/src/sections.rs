//! Sections and their per-user counters.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use oko_domain::publications::{SectionInput, SectionList, SectionSummary};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::{board::Board, entities::section, publications::UserMarks, reach::Reach};

/// Why a section could not be saved.
#[derive(Debug)]
pub enum SectionError {
    /// Another section has this title.
    TitleTaken,
    /// No such section.
    NotFound,
    /// The database failed.
    Db(DbErr),
}

impl From<DbErr> for SectionError {
    fn from(err: DbErr) -> Self {
        SectionError::Db(err)
    }
}

/// Every section with the number of publications the user may see and how many of
/// those they have not opened, plus the number of their starred ones.
pub async fn list_with_counters(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<SectionList, DbErr> {
    let marks = UserMarks::load(db, user_id, None).await?;
    let mut counters: HashMap<Uuid, (u64, u64)> = HashMap::new();
    let mut starred = 0;
    for entry in board.visible(reach, now) {
        let (total, new) = counters.entry(entry.section_id).or_default();
        *total += 1;
        if !marks.read.contains(&entry.id) {
            *new += 1;
        }
        if marks.starred.contains(&entry.id) {
            starred += 1;
        }
    }
    let sections = section::Entity::find()
        .order_by_asc(section::Column::Position)
        .order_by_asc(section::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let (total, new) = counters.get(&s.id).copied().unwrap_or((0, 0));
            SectionSummary {
                new,
                id: s.id,
                title: s.title,
                position: s.position,
                total,
            }
        })
        .collect();
    Ok(SectionList { sections, starred })
}

/// Creates a section; without a position it goes last.
pub async fn create(
    db: &DatabaseConnection,
    input: &SectionInput,
) -> Result<section::Model, SectionError> {
    let title = input.title.trim().to_owned();
    ensure_title_free(db, &title, None).await?;
    let position = match input.position {
        Some(position) => position,
        None => {
            let last: Option<i32> = section::Entity::find()
                .select_only()
                .column_as(section::Column::Position.max(), "p")
                .into_tuple::<Option<i32>>()
                .one(db)
                .await?
                .flatten();
            // The last tab may stand at the largest position (a client may set
            // any): a new one goes beside it, never past the integer's end.
            last.map_or(1, |p| p.saturating_add(1))
        }
    };
    Ok(section::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(title),
        position: Set(position),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?)
}

/// Renames or moves a section.
pub async fn update(
    db: &DatabaseConnection,
    id: Uuid,
    input: &SectionInput,
) -> Result<section::Model, SectionError> {
    let found = section::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(SectionError::NotFound)?;
    let title = input.title.trim().to_owned();
    ensure_title_free(db, &title, Some(id)).await?;
    let position = input.position.unwrap_or(found.position);
    let mut active: section::ActiveModel = found.into();
    active.title = Set(title);
    active.position = Set(position);
    Ok(active.update(db).await?)
}

async fn ensure_title_free(
    db: &DatabaseConnection,
    title: &str,
    except: Option<Uuid>,
) -> Result<(), SectionError> {
    let mut same = section::Entity::find().filter(section::Column::Title.eq(title));
    if let Some(id) = except {
        same = same.filter(section::Column::Id.ne(id));
    }
    if same.count(db).await? > 0 {
        Err(SectionError::TitleTaken)
    } else {
        Ok(())
    }
}

/// Whether a section exists.
pub async fn exists(db: &DatabaseConnection, id: Uuid) -> Result<bool, DbErr> {
    Ok(section::Entity::find_by_id(id).count(db).await? > 0)
}
