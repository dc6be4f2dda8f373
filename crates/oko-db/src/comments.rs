//! Comments on cells: written with the return that makes them, answered by the
//! organisation, closed by the acceptance that ends them.

use chrono::{DateTime, Utc};
use oko_domain::comments::CellCommentInput;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::cell_comment;

/// Who comments on which organisation's form, when.
pub struct Commenting<'a> {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub author: &'a str,
    pub now: DateTime<Utc>,
}

/// Stores `cells`' comments (on the return's connection or transaction).
pub async fn insert<C: ConnectionTrait>(
    db: &C,
    by: &Commenting<'_>,
    cells: &[CellCommentInput],
) -> Result<(), DbErr> {
    for cell in cells {
        cell_comment::ActiveModel {
            id: Set(Uuid::new_v4()),
            collection_id: Set(by.collection_id),
            organisation_id: Set(by.organisation_id),
            sheet: Set(cell.sheet.clone()),
            row: Set(cell.row as i32),
            column: Set(cell.column.clone()),
            comment: Set(cell.comment.trim().to_owned()),
            author: Set(by.author.to_owned()),
            created_at: Set(by.now),
            answer: Set(None),
            answered_at: Set(None),
            answered_by: Set(None),
            closed_at: Set(None),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The organisation's comments of a collection: open ones first, each group
/// newest first.
pub async fn of(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Vec<cell_comment::Model>, DbErr> {
    let mut found = cell_comment::Entity::find()
        .filter(cell_comment::Column::CollectionId.eq(collection_id))
        .filter(cell_comment::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(cell_comment::Column::CreatedAt)
        .all(db)
        .await?;
    found.sort_by_key(|c| c.closed_at.is_some());
    Ok(found)
}

/// The organisation answers an open comment; `None` when there is no such
/// open comment of its own.
pub async fn answer(
    db: &DatabaseConnection,
    by: &Commenting<'_>,
    comment_id: Uuid,
    text: &str,
) -> Result<Option<cell_comment::Model>, DbErr> {
    let answered = cell_comment::Entity::update_many()
        .col_expr(cell_comment::Column::Answer, Expr::value(text))
        .col_expr(cell_comment::Column::AnsweredAt, Expr::value(by.now))
        .col_expr(cell_comment::Column::AnsweredBy, Expr::value(by.author))
        .filter(cell_comment::Column::Id.eq(comment_id))
        .filter(cell_comment::Column::CollectionId.eq(by.collection_id))
        .filter(cell_comment::Column::OrganisationId.eq(by.organisation_id))
        .filter(cell_comment::Column::ClosedAt.is_null())
        .exec(db)
        .await?;
    if answered.rows_affected != 1 {
        return Ok(None);
    }
    cell_comment::Entity::find_by_id(comment_id).one(db).await
}

/// Closes the open comments of `organisations` (their forms were accepted).
pub async fn close<C: ConnectionTrait>(
    db: &C,
    collection_id: Uuid,
    organisations: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for batch in organisations.chunks(500) {
        cell_comment::Entity::update_many()
            .col_expr(cell_comment::Column::ClosedAt, Expr::value(now))
            .filter(cell_comment::Column::CollectionId.eq(collection_id))
            .filter(cell_comment::Column::OrganisationId.is_in(batch.iter().copied()))
            .filter(cell_comment::Column::ClosedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}
