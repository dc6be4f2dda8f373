//! A demo file storage with download marks: what `oko seed-downloads` loads so the
//! demo shows storages and the benchmark can measure lists with a million marks.

use chrono::{DateTime, Duration, Utc};
use oko_domain::storages::StorageInput;
use sea_orm::{DatabaseConnection, DbErr, EntityTrait, QueryOrder, QuerySelect, Set};
use uuid::Uuid;

use crate::{
    entities::{file_download, user},
    storages::{self, NewFile},
};

/// Adds a storage with `files` to the newest publication for everyone and marks
/// files downloaded by users, organisation users first, until `marks` marks exist
/// (or every user has downloaded every file). Returns the storage and the marks made.
pub async fn seed(
    db: &DatabaseConnection,
    files: Vec<NewFile>,
    marks: u64,
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, u64)>, DbErr> {
    let Some(target) = crate::publications::newest_for_everyone(db).await? else {
        return Ok(None);
    };
    let input = StorageInput {
        title: "Материалы для проведения (демо)".to_owned(),
        available_from: now - Duration::days(1),
    };
    let storage = storages::create(db, target.id, &input, now).await?;
    let mut ids = Vec::with_capacity(files.len());
    for file in files {
        ids.push(storages::add_file(db, storage.id, file, now).await?.id);
    }
    let users: Vec<(Uuid, Option<Uuid>)> = user::Entity::find()
        .select_only()
        .columns([user::Column::Id, user::Column::OrganisationId])
        .order_by_desc(user::Column::OrganisationId)
        .order_by_asc(user::Column::Login)
        .into_tuple()
        .all(db)
        .await?;
    let pairs = users
        .iter()
        .flat_map(|(user, org)| ids.iter().map(move |file| (*user, *org, *file)))
        .take(marks as usize);
    let txn = crate::connection::begin_write(db).await?;
    let mut made = 0u64;
    let mut batch = Vec::with_capacity(1000);
    for (i, (user_id, organisation_id, file_id)) in pairs.enumerate() {
        // Spread over the last month, so first/last downloads differ in time.
        let at = now - Duration::minutes((i % 43_200) as i64);
        batch.push(file_download::ActiveModel {
            user_id: Set(user_id),
            file_id: Set(file_id),
            organisation_id: Set(organisation_id),
            first_at: Set(at),
            last_at: Set(at),
            count: Set(1),
        });
        if batch.len() == 1000 {
            made += batch.len() as u64;
            file_download::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&txn)
                .await?;
        }
    }
    if !batch.is_empty() {
        made += batch.len() as u64;
        file_download::Entity::insert_many(batch)
            .exec_without_returning(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Some((storage.id, made)))
}
