//! A publication's collection, each organisation's draft and its submissions.
//! Saves are optimistic: a draft row is written only if its version is still the
//! one the change was made on, so two tabs never overwrite each other silently.

use std::time::Duration;

use chrono::{DateTime, Utc};
use oko_domain::{
    collections::{CollectionInput, CollectionState, reminder_hours_text},
    forms::FormData,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::{
    entities::{collection, draft, form_version, submission, user},
    held::Held,
    sync::Recent,
};

/// How many recent client change ids a draft remembers (a retry comes right after
/// its original, so a handful is plenty).
const RECENT_CHANGE_IDS: usize = 32;

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
    pub fn forget(&self, id: Uuid) {
        self.recent.forget(&id);
    }
}

/// Creates the publication's collection or changes its form version and window.
pub async fn save(
    db: &DatabaseConnection,
    publication_id: Uuid,
    input: &CollectionInput,
    now: DateTime<Utc>,
) -> Result<collection::Model, DbErr> {
    match of_publication(db, publication_id).await? {
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
    }
}

/// Whether any organisation has saved a draft of the collection.
pub async fn has_drafts(db: &DatabaseConnection, collection_id: Uuid) -> Result<bool, DbErr> {
    Ok(draft::Entity::find()
        .filter(draft::Column::CollectionId.eq(collection_id))
        .one(db)
        .await?
        .is_some())
}

/// Sets or clears the operator's override of the clock.
pub async fn set_state(
    db: &DatabaseConnection,
    collection: collection::Model,
    state: Option<CollectionState>,
) -> Result<collection::Model, DbErr> {
    let mut row: collection::ActiveModel = collection.into();
    row.state_override = Set(state.map(|s| s.as_str().to_owned()));
    row.update(db).await
}

/// The organisation's draft.
pub async fn draft(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<draft::Model>, DbErr> {
    draft::Entity::find_by_id((collection_id, organisation_id))
        .one(db)
        .await
}

/// The organisation's draft, read on `held` to be written on it next (see
/// [`write_draft`]).
pub async fn draft_to_write(
    held: &mut Held,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<draft::Model>, DbErr> {
    held.one(&draft::Entity::find_by_id((collection_id, organisation_id)))
        .await
}

/// A draft's data (blank when there is no draft).
pub fn data_of(
    draft: Option<&draft::Model>,
    blank: impl FnOnce() -> FormData,
) -> Result<FormData, DbErr> {
    match draft {
        Some(d) => d.form_data(),
        None => Ok(blank()),
    }
}

/// Whether the draft already applied the change batch `change_id`.
pub fn already_applied(draft: Option<&draft::Model>, change_id: &str) -> bool {
    draft.is_some_and(|d| recent_ids(d).iter().any(|id| id == change_id))
}

fn recent_ids(draft: &draft::Model) -> Vec<String> {
    serde_json::from_str(&draft.recent_change_ids).unwrap_or_default()
}

/// A draft write: who, when, which batch.
pub struct DraftWrite<'a> {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub data: &'a FormData,
    pub change_id: Option<&'a str>,
    pub user_id: Uuid,
    pub now: DateTime<Utc>,
}

/// Writes the draft over `current` (`None`: there was none), on the connection it
/// was read on. Answers the draft as written, or `None` when someone saved first
/// (the caller answers 409).
pub async fn write_draft(
    held: &mut Held,
    current: Option<&draft::Model>,
    write: DraftWrite<'_>,
) -> Result<Option<draft::Model>, DbErr> {
    let data = serde_json::to_string(write.data).map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut ids = current.map(recent_ids).unwrap_or_default();
    if let Some(id) = write.change_id {
        ids.push(id.to_owned());
        let excess = ids.len().saturating_sub(RECENT_CHANGE_IDS);
        ids.drain(..excess);
    }
    let ids = serde_json::to_string(&ids).map_err(|e| DbErr::Custom(e.to_string()))?;
    match current {
        None => {
            let written = draft::Model {
                collection_id: write.collection_id,
                organisation_id: write.organisation_id,
                data,
                version: 1,
                recent_change_ids: ids,
                started_at: write.now,
                updated_at: write.now,
                updated_by: write.user_id,
                first_submitted_at: None,
                last_submitted_at: None,
                returned_at: None,
                returned_by: None,
                return_comment: None,
                accepted_level: None,
                accepted_at: None,
                accepted_by: None,
                accept_comment: None,
                explanations: 0,
            };
            let inserted = held
                .execute(
                    &draft::Entity::insert(draft::ActiveModel::from(written.clone())).on_conflict(
                        OnConflict::columns([
                            draft::Column::CollectionId,
                            draft::Column::OrganisationId,
                        ])
                        .do_nothing()
                        .to_owned(),
                    ),
                )
                .await?;
            Ok((inserted == 1).then_some(written))
        }
        Some(existing) => {
            let next = existing.version + 1;
            let updated = held
                .execute(
                    &draft::Entity::update_many()
                        .col_expr(draft::Column::Data, Expr::value(data.clone()))
                        .col_expr(draft::Column::Version, Expr::value(next))
                        .col_expr(draft::Column::RecentChangeIds, Expr::value(ids.clone()))
                        .col_expr(draft::Column::UpdatedAt, Expr::value(write.now))
                        .col_expr(draft::Column::UpdatedBy, Expr::value(write.user_id))
                        .filter(draft::Column::CollectionId.eq(write.collection_id))
                        .filter(draft::Column::OrganisationId.eq(write.organisation_id))
                        .filter(draft::Column::Version.eq(existing.version))
                        // An acceptance between the read and this write locks it.
                        .filter(draft::Column::AcceptedLevel.is_null()),
                )
                .await?;
            Ok((updated == 1).then(|| draft::Model {
                data,
                version: next,
                recent_change_ids: ids,
                updated_at: write.now,
                updated_by: write.user_id,
                ..existing.clone()
            }))
        }
    }
}

/// Stores a snapshot of `draft` as the organisation's latest submission, if the
/// draft is still at its version. `None` when someone saved in between.
pub async fn submit(
    db: &DatabaseConnection,
    submitting: Submitting<'_>,
    protocol: Option<ProtocolResults<'_>>,
) -> Result<Option<submission::Model>, DbErr> {
    let Submitting {
        draft,
        user_id,
        now,
        ..
    } = submitting;
    let txn = crate::connection::begin_write(db).await?;
    let marked = mark_submitted(&submitting).exec(&txn).await?;
    if marked.rows_affected != 1 {
        return Ok(None);
    }
    let snapshot = snapshot_of(draft, user_id, now);
    submission::Entity::insert(submission::ActiveModel::from(snapshot.clone()))
        .exec_without_returning(&txn)
        .await?;
    if let Some(results) = protocol {
        crate::analytics::replace_in(
            &txn,
            results.work_id,
            results.work,
            draft.organisation_id,
            results.students,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(Some(snapshot))
}

/// Submits `draft` (read on `held` at its version) on that one connection, with
/// the audit `event` in the same transaction: BEGIN, the draft marked, its
/// snapshot, the event, COMMIT, and no pool round trip between them. `None`
/// when the draft changed since it was read (nothing is written then).
pub async fn submit_on(
    held: &mut Held,
    submitting: Submitting<'_>,
    event: crate::audit::NewEvent<'_>,
) -> Result<Option<submission::Model>, DbErr> {
    held.begin_write().await?;
    if held.execute(&mark_submitted(&submitting)).await? != 1 {
        held.rollback().await?;
        return Ok(None);
    }
    let snapshot = snapshot_of(submitting.draft, submitting.user_id, submitting.now);
    held.execute(&submission::Entity::insert(submission::ActiveModel::from(
        snapshot.clone(),
    )))
    .await?;
    held.execute(&crate::audit::insert_of(event)).await?;
    held.commit().await?;
    Ok(Some(snapshot))
}

/// A submission about to be written: the draft as read, who submits, when,
/// and how many explanations of unusual values it holds.
pub struct Submitting<'a> {
    pub draft: &'a draft::Model,
    pub user_id: Uuid,
    pub now: DateTime<Utc>,
    pub explanations: i32,
}

/// Marks the draft submitted, if it is still at the version read.
fn mark_submitted(submitting: &Submitting<'_>) -> sea_orm::UpdateMany<draft::Entity> {
    let (draft, now) = (submitting.draft, submitting.now);
    draft::Entity::update_many()
        .col_expr(
            draft::Column::FirstSubmittedAt,
            Expr::value(draft.first_submitted_at.unwrap_or(now)),
        )
        .col_expr(draft::Column::LastSubmittedAt, Expr::value(now))
        .col_expr(
            draft::Column::Explanations,
            Expr::value(submitting.explanations),
        )
        .filter(draft::Column::CollectionId.eq(draft.collection_id))
        .filter(draft::Column::OrganisationId.eq(draft.organisation_id))
        .filter(draft::Column::Version.eq(draft.version))
        .filter(draft::Column::AcceptedLevel.is_null())
}

/// What a submission keeps: the draft as it was submitted.
fn snapshot_of(draft: &draft::Model, user_id: Uuid, now: DateTime<Utc>) -> submission::Model {
    submission::Model {
        id: Uuid::new_v4(),
        collection_id: draft.collection_id,
        organisation_id: draft.organisation_id,
        data: draft.data.clone(),
        draft_version: draft.version,
        submitted_at: now,
        submitted_by: user_id,
    }
}

/// The students of a submitted electronic protocol, stored with the submission.
pub struct ProtocolResults<'a> {
    pub work_id: Uuid,
    pub work: &'a oko_domain::analytics::WorkDefinition,
    pub students: &'a [oko_domain::analytics::StudentResult],
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
