//! «Общие списки»: lists shared between forms, read when a form is saved and
//! kept by the operator.

use chrono::{DateTime, Utc};
use oko_domain::forms::shared_lists::{SharedList, SharedLists};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryOrder, Set, sea_query::OnConflict};
use uuid::Uuid;

use crate::entities::shared_list;

fn of(row: shared_list::Model) -> Result<SharedList, DbErr> {
    let values = serde_json::from_str(&row.list_values)
        .map_err(|e| DbErr::Custom(format!("a stored shared list: {e}")))?;
    Ok(SharedList {
        name: row.name,
        values,
        updated_at: row.updated_at,
    })
}

/// Every shared list, by name.
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<SharedList>, DbErr> {
    shared_list::Entity::find()
        .order_by_asc(shared_list::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(of)
        .collect()
}

/// Every shared list's values by name, as a form being saved takes them.
pub async fn by_name(db: &impl ConnectionTrait) -> Result<SharedLists, DbErr> {
    Ok(all(db)
        .await?
        .into_iter()
        .map(|list| (list.name, list.values))
        .collect())
}

/// Creates list `name` or replaces its values.
pub async fn put(
    db: &impl ConnectionTrait,
    name: &str,
    values: &[String],
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<SharedList, DbErr> {
    let list_values = serde_json::to_string(values).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = shared_list::ActiveModel {
        name: Set(name.to_owned()),
        list_values: Set(list_values),
        updated_at: Set(now),
        updated_by: Set(user_id),
    };
    shared_list::Entity::insert(row)
        .on_conflict(
            OnConflict::column(shared_list::Column::Name)
                .update_columns([
                    shared_list::Column::ListValues,
                    shared_list::Column::UpdatedAt,
                    shared_list::Column::UpdatedBy,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(SharedList {
        name: name.to_owned(),
        values: values.to_vec(),
        updated_at: now,
    })
}

/// Deletes list `name`; whether it existed.
pub async fn delete(db: &impl ConnectionTrait, name: &str) -> Result<bool, DbErr> {
    let deleted = shared_list::Entity::delete_by_id(name.to_owned())
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}
