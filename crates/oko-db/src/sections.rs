//! Sections and their per-user counters.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use oko_domain::publications::{SectionInput, SectionList, SectionSummary};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, RelationDef, RelationTrait, Set,
    sea_query::{Expr, ExprTrait, JoinType},
};
use uuid::Uuid;

use crate::{
    entities::{publication, publication_read, publication_star, section},
    reach::Reach,
};

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
    reach: &Reach,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<SectionList, DbErr> {
    // One scan of the visible publications: each row joined with the user's read and
    // star marks (at most one of each), counted per section.
    let rows: Vec<(Uuid, i64, i64, i64)> = publication::Entity::find()
        .filter(reach.visible(now))
        .select_only()
        .column(publication::Column::SectionId)
        .column_as(publication::Column::Id.count(), "total")
        .column_as(
            Expr::col((
                publication_read::Entity,
                publication_read::Column::PublicationId,
            ))
            .count(),
            "read",
        )
        .column_as(
            Expr::col((
                publication_star::Entity,
                publication_star::Column::PublicationId,
            ))
            .count(),
            "starred",
        )
        .join(
            JoinType::LeftJoin,
            mark_of_user(
                publication::Relation::Reads.def(),
                publication_read::Column::UserId,
                user_id,
            ),
        )
        .join(
            JoinType::LeftJoin,
            mark_of_user(
                publication::Relation::Stars.def(),
                publication_star::Column::UserId,
                user_id,
            ),
        )
        .group_by(publication::Column::SectionId)
        .into_tuple()
        .all(db)
        .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let totals: HashMap<Uuid, (u64, u64)> = rows
        .iter()
        .map(|(id, total, read, _)| (*id, (count(*total), count(*read))))
        .collect();
    let starred = rows.iter().map(|(_, _, _, starred)| count(*starred)).sum();
    let sections = section::Entity::find()
        .order_by_asc(section::Column::Position)
        .order_by_asc(section::Column::Title)
        .all(db)
        .await?
        .into_iter()
        .map(|s| {
            let (total, read) = totals.get(&s.id).copied().unwrap_or((0, 0));
            SectionSummary {
                new: total.saturating_sub(read),
                id: s.id,
                title: s.title,
                position: s.position,
                total,
            }
        })
        .collect();
    Ok(SectionList { sections, starred })
}

/// A join with a user's mark table, limited to that user's marks.
pub(crate) fn mark_of_user(
    relation: RelationDef,
    user_column: impl ColumnTrait,
    user_id: Uuid,
) -> RelationDef {
    relation.on_condition(move |_publication, mark| {
        Condition::all().add(Expr::col((mark, user_column)).eq(user_id))
    })
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
            last.map_or(1, |p| p + 1)
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
