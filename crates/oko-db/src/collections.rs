//! A publication's collection and the submissions made to it (the drafts
//! themselves: `drafts`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use oko_domain::{
    collections::{CollectionInput, CollectionState, reminder_hours_text},
    forms::FormData,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::{
    entities::{collection, draft, form_version, submission, user},
    sync::Recent,
};

/// The collection of publication `publication_id`.
pub async fn of_publication(
    db: &DatabaseConnection,
    publication_id: Uuid,
) -> Result<Option<collection::Model>, DbErr> {
    collection::Entity::find()
        .filter(collection::Column::PublicationId.eq(publication_id))
        .one(db)
        .await
}

/// Collection `id`.
pub async fn find(db: &DatabaseConnection, id: Uuid) -> Result<Option<collection::Model>, DbErr> {
    collection::Entity::find_by_id(id).one(db).await
}

/// Every collection (a few hundred at most: one per publication that collects).
pub async fn all(db: &DatabaseConnection) -> Result<Vec<collection::Model>, DbErr> {
    collection::Entity::find()
        .order_by_desc(collection::Column::OpensAt)
        .all(db)
        .await
}

/// Collections by id, each trusted for `max_age`: every save and submit of deadline
/// day reads its collection, which changes only when the operator edits it. This
/// instance forgets what it writes at once; other instances see an operator's change
/// within `max_age` (the window itself is checked against the clock on every request).
pub struct CollectionCache {
    recent: Recent<Uuid, collection::Model>,
}

/// Collections held at once (there are hundreds a year).
const MAX_COLLECTIONS: usize = 10_000;

impl Default for CollectionCache {
    /// As fresh as the notice board: an operator's change shows everywhere within it.
    fn default() -> Self {
        CollectionCache::new(crate::board::BOARD_MAX_AGE)
    }
}

impl CollectionCache {
    pub fn new(max_age: Duration) -> CollectionCache {
        CollectionCache {
            recent: Recent::for_a_while(max_age, MAX_COLLECTIONS),
        }
    }

    /// Collection `id`, from the cache while it is young enough.
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        id: Uuid,
    ) -> Result<Option<collection::Model>, DbErr> {
        if let Some(cached) = self.recent.get(&id) {
            return Ok(Some(cached));
        }
        let found = find(db, id).await?;
        if let Some(found) = &found {
            self.recent.put(id, found.clone());
        }
        Ok(found)
    }

    /// Drops collection `id` (this instance just changed it).
    pub(crate) fn forget(&self, id: Uuid) {
        self.recent.forget(&id);
    }
}

/// Creates the publication's collection or changes its form version and
/// window (this instance's `cache` knows at once).
pub async fn save(
    db: &DatabaseConnection,
    cache: &CollectionCache,
    publication_id: Uuid,
    input: &CollectionInput,
    now: DateTime<Utc>,
) -> Result<collection::Model, DbErr> {
    let saved = match of_publication(db, publication_id).await? {
        Some(existing) => {
            let mut row: collection::ActiveModel = existing.clone().into();
            row.form_version_id = Set(input.form_version_id);
            // A moved window is announced again.
            if existing.opens_at != input.opens_at {
                row.opening_announced_at = Set(None);
            }
            if existing.closes_at != input.closes_at {
                row.closing_announced_at = Set(None);
            }
            row.opens_at = Set(input.opens_at);
            row.closes_at = Set(input.closes_at);
            row.reminder_hours = Set(reminder_hours_text(&input.reminder_hours));
            row.acceptance_levels = Set(input.acceptance_levels.as_str().to_owned());
            row.update(db).await
        }
        None => {
            collection::ActiveModel {
                id: Set(Uuid::new_v4()),
                publication_id: Set(publication_id),
                form_version_id: Set(input.form_version_id),
                opens_at: Set(input.opens_at),
                closes_at: Set(input.closes_at),
                state_override: Set(None),
                created_at: Set(now),
                opening_announced_at: Set(None),
                closing_announced_at: Set(None),
                assessment_work_id: Set(None),
                reminder_hours: Set(reminder_hours_text(&input.reminder_hours)),
                acceptance_levels: Set(input.acceptance_levels.as_str().to_owned()),
            }
            .insert(db)
            .await
        }
    }?;
    cache.forget(saved.id);
    Ok(saved)
}

/// Whether any organisation has saved a draft of the collection.
pub async fn has_drafts(db: &DatabaseConnection, collection_id: Uuid) -> Result<bool, DbErr> {
    Ok(draft::Entity::find()
        .filter(draft::Column::CollectionId.eq(collection_id))
        .one(db)
        .await?
        .is_some())
}

/// Sets or clears the operator's override of the clock (this instance's
/// `cache` knows at once).
pub async fn set_state(
    db: &DatabaseConnection,
    cache: &CollectionCache,
    collection: collection::Model,
    state: Option<CollectionState>,
) -> Result<collection::Model, DbErr> {
    let mut row: collection::ActiveModel = collection.into();
    row.state_override = Set(state.map(|s| s.as_str().to_owned()));
    let saved = row.update(db).await?;
    cache.forget(saved.id);
    Ok(saved)
}

/// What the organisation last submitted in an earlier collection of the form
/// `collection` collects (any of its versions; the collections that opened
/// before this one), for the columns filled «как в прошлом году».
pub async fn earlier_submission(
    db: &impl sea_orm::ConnectionTrait,
    collection: &collection::Model,
    organisation_id: Uuid,
) -> Result<Option<FormData>, DbErr> {
    let Some(version) = form_version::Entity::find_by_id(collection.form_version_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let versions: Vec<Uuid> = form_version::Entity::find()
        .filter(form_version::Column::FormId.eq(version.form_id))
        .select_only()
        .column(form_version::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let earlier: Vec<Uuid> = collection::Entity::find()
        .filter(collection::Column::FormVersionId.is_in(versions))
        .filter(collection::Column::OpensAt.lt(collection.opens_at))
        .select_only()
        .column(collection::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if earlier.is_empty() {
        return Ok(None);
    }
    let Some(last) = submission::Entity::find()
        .filter(submission::Column::OrganisationId.eq(organisation_id))
        .filter(submission::Column::CollectionId.is_in(earlier))
        .order_by_desc(submission::Column::SubmittedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    last.form_data().map(Some)
}

/// The organisation's submissions, newest first, with the submitter's login.
pub async fn submissions(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Vec<(submission::Model, String)>, DbErr> {
    let rows = submission::Entity::find()
        .filter(submission::Column::CollectionId.eq(collection_id))
        .filter(submission::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(submission::Column::SubmittedAt)
        .all(db)
        .await?;
    let submitters: Vec<Uuid> = rows.iter().map(|r| r.submitted_by).collect();
    let logins: std::collections::HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(submitters))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.login))
        .collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let login = logins.get(&row.submitted_by).cloned().unwrap_or_default();
            (row, login)
        })
        .collect())
}
