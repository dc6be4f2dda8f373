//! The deadline-surge benchmark's setup (`oko seed-surge`): the schedule demo form
//! collected through the newest publication for everyone, open from an hour ago for
//! a day, and the organisation accounts that will fill it in.

use chrono::{DateTime, Duration, Utc};
use oko_domain::{collections::CollectionInput, forms::demo};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{collections, entities::user, forms, publications};

/// What the load generator needs.
pub struct Surge {
    pub collection_id: Uuid,
    /// Organisation accounts, by login.
    pub users: Vec<Uuid>,
}

/// Sets the collection up for up to `organisations` accounts, after the first
/// `skip` (by login); `None` when there is no publication for everyone (load the
/// full demo first).
pub async fn seed(
    db: &DatabaseConnection,
    organisations: u64,
    skip: u64,
    now: DateTime<Utc>,
) -> Result<Option<Surge>, DbErr> {
    let Some(target) = publications::newest_for_everyone(db).await? else {
        return Ok(None);
    };
    let version = forms::create(db, &demo::schedule(), now).await?;
    let input = CollectionInput {
        form_version_id: version.id,
        opens_at: now - Duration::hours(1),
        closes_at: now + Duration::days(1),
        reminder_hours: oko_domain::collections::default_reminder_hours(),
        acceptance_levels: Default::default(),
    };
    // Seeded before any server runs: no instance holds the collection yet.
    let nobody = collections::CollectionCache::default();
    let collection = collections::save(db, &nobody, target.id, &input, now).await?;
    let users = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::OrganisationId.is_not_null())
        .order_by_asc(user::Column::Login)
        .offset(skip)
        .limit(organisations)
        .into_tuple()
        .all(db)
        .await?;
    Ok(Some(Surge {
        collection_id: collection.id,
        users,
    }))
}
