//! An organisation's draft of a collection's form and its submissions, handed
//! out as parsed values: a handler never sees a `drafts` row, its JSON text or
//! its decision columns. Saves are optimistic: a draft row is written only if
//! its version is still the one the change was made on, so two tabs never
//! overwrite each other silently.

use chrono::{DateTime, Utc};
use oko_domain::{acceptance::AcceptanceNote, forms::FormData, monitoring::ReturnNote};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::{
    acceptance::active_acceptance,
    entities::{draft, submission},
    held::Held,
    monitoring::active_return,
};

/// How many recent client change ids a draft remembers (a retry comes right after
/// its original, so a handful is plenty).
const RECENT_CHANGE_IDS: usize = 32;

/// Where a draft stands: its version, its dates and the decisions on its
/// current submission.
#[derive(Clone, Debug)]
pub struct DraftStanding {
    pub version: i32,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    /// The return still in force (nothing submitted since).
    pub returned: Option<ReturnNote>,
    /// The acceptance of the current submission: the draft is locked while it holds.
    pub accepted: Option<AcceptanceNote>,
}

impl DraftStanding {
    fn of(row: &draft::Model) -> DraftStanding {
        DraftStanding {
            version: row.version,
            started_at: row.started_at,
            updated_at: row.updated_at,
            first_submitted_at: row.first_submitted_at,
            last_submitted_at: row.last_submitted_at,
            returned: active_return(row),
            accepted: active_acceptance(row),
        }
    }
}

/// An organisation's draft as stored: where it stands and its data.
#[derive(Clone, Debug)]
pub struct StoredDraft {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub standing: DraftStanding,
    pub data: FormData,
    /// The latest client change batches applied (a retried batch is not applied twice).
    recent_change_ids: Vec<String>,
}

impl StoredDraft {
    fn parse(row: draft::Model) -> Result<StoredDraft, DbErr> {
        Ok(StoredDraft {
            collection_id: row.collection_id,
            organisation_id: row.organisation_id,
            standing: DraftStanding::of(&row),
            data: row.form_data()?,
            recent_change_ids: serde_json::from_str(&row.recent_change_ids).unwrap_or_default(),
        })
    }

    /// Whether the draft already applied the change batch `change_id`.
    pub fn already_applied(&self, change_id: &str) -> bool {
        self.recent_change_ids.iter().any(|id| id == change_id)
    }

    /// The data, taken out to be changed and written back over this draft
    /// ([`write_draft`] needs only the rest): an autosave does not copy a
    /// whole form to change one cell.
    pub fn take_data(&mut self) -> FormData {
        std::mem::take(&mut self.data)
    }
}

/// The organisation's draft.
pub async fn stored(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<StoredDraft>, DbErr> {
    let row = draft::Entity::find_by_id((collection_id, organisation_id))
        .one(db)
        .await?;
    row.map(StoredDraft::parse).transpose()
}

/// Where the organisation's draft stands, its data left unparsed.
pub async fn standing(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<DraftStanding>, DbErr> {
    let row = draft::Entity::find_by_id((collection_id, organisation_id))
        .one(db)
        .await?;
    Ok(row.as_ref().map(DraftStanding::of))
}

/// The organisation's draft, read on `held` to be written on it next (see
/// [`write_draft`]).
pub async fn to_write(
    held: &mut Held,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<StoredDraft>, DbErr> {
    let row = held
        .one(&draft::Entity::find_by_id((collection_id, organisation_id)))
        .await?;
    row.map(StoredDraft::parse).transpose()
}

/// A draft write: who, when, which batch, the data to store.
pub struct DraftWrite<'a> {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub data: FormData,
    pub change_id: Option<&'a str>,
    pub user_id: Uuid,
    pub now: DateTime<Utc>,
}

/// Writes the draft over `current` (`None`: there was none), on the connection it
/// was read on. Answers the draft as written, or `None` when someone saved first
/// (the caller answers 409).
pub async fn write_draft(
    held: &mut Held,
    current: Option<&StoredDraft>,
    write: DraftWrite<'_>,
) -> Result<Option<StoredDraft>, DbErr> {
    let text = serde_json::to_string(&write.data).map_err(|e| DbErr::Custom(e.to_string()))?;
    let mut ids = current
        .map(|d| d.recent_change_ids.clone())
        .unwrap_or_default();
    if let Some(id) = write.change_id {
        ids.push(id.to_owned());
        let excess = ids.len().saturating_sub(RECENT_CHANGE_IDS);
        ids.drain(..excess);
    }
    let ids_text = serde_json::to_string(&ids).map_err(|e| DbErr::Custom(e.to_string()))?;
    let standing = match current {
        None => {
            let row = draft::Model {
                collection_id: write.collection_id,
                organisation_id: write.organisation_id,
                data: text,
                version: 1,
                recent_change_ids: ids_text,
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
            let standing = DraftStanding::of(&row);
            let inserted = held
                .execute(
                    &draft::Entity::insert(draft::ActiveModel::from(row)).on_conflict(
                        OnConflict::columns([
                            draft::Column::CollectionId,
                            draft::Column::OrganisationId,
                        ])
                        .do_nothing()
                        .to_owned(),
                    ),
                )
                .await?;
            (inserted == 1).then_some(standing)
        }
        Some(existing) => {
            let read = existing.standing.version;
            let next = read + 1;
            let updated = held
                .execute(
                    &draft::Entity::update_many()
                        .col_expr(draft::Column::Data, Expr::value(text))
                        .col_expr(draft::Column::Version, Expr::value(next))
                        .col_expr(draft::Column::RecentChangeIds, Expr::value(ids_text))
                        .col_expr(draft::Column::UpdatedAt, Expr::value(write.now))
                        .col_expr(draft::Column::UpdatedBy, Expr::value(write.user_id))
                        .filter(draft::Column::CollectionId.eq(write.collection_id))
                        .filter(draft::Column::OrganisationId.eq(write.organisation_id))
                        .filter(draft::Column::Version.eq(read))
                        // An acceptance between the read and this write locks it.
                        .filter(draft::Column::AcceptedLevel.is_null()),
                )
                .await?;
            (updated == 1).then(|| DraftStanding {
                version: next,
                updated_at: write.now,
                ..existing.standing.clone()
            })
        }
    };
    Ok(standing.map(|standing| StoredDraft {
        collection_id: write.collection_id,
        organisation_id: write.organisation_id,
        standing,
        data: write.data,
        recent_change_ids: ids,
    }))
}

/// Stores a snapshot of `draft` as the organisation's latest submission, if the
/// draft is still at its version. `None` when someone saved in between.
pub async fn submit(
    db: &DatabaseConnection,
    submitting: Submitting<'_>,
    protocol: Option<ProtocolResults<'_>>,
) -> Result<Option<submission::Model>, DbErr> {
    let snapshot = snapshot_of(&submitting)?;
    let txn = crate::connection::begin_write(db).await?;
    let marked = mark_submitted(&submitting).exec(&txn).await?;
    if marked.rows_affected != 1 {
        return Ok(None);
    }
    submission::Entity::insert(submission::ActiveModel::from(snapshot.clone()))
        .exec_without_returning(&txn)
        .await?;
    if let Some(results) = protocol {
        crate::analytics::replace_in(
            &txn,
            results.work_id,
            results.work,
            submitting.draft.organisation_id,
            results.students,
            submitting.now,
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
    let snapshot = snapshot_of(&submitting)?;
    held.begin_write().await?;
    if held.execute(&mark_submitted(&submitting)).await? != 1 {
        held.rollback().await?;
        return Ok(None);
    }
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
    pub draft: &'a StoredDraft,
    pub user_id: Uuid,
    pub now: DateTime<Utc>,
    pub explanations: i32,
}

/// Marks the draft submitted, if it is still at the version read.
fn mark_submitted(submitting: &Submitting<'_>) -> sea_orm::UpdateMany<draft::Entity> {
    let (draft, now) = (submitting.draft, submitting.now);
    let first = draft.standing.first_submitted_at.unwrap_or(now);
    draft::Entity::update_many()
        .col_expr(draft::Column::FirstSubmittedAt, Expr::value(first))
        .col_expr(draft::Column::LastSubmittedAt, Expr::value(now))
        .col_expr(
            draft::Column::Explanations,
            Expr::value(submitting.explanations),
        )
        .filter(draft::Column::CollectionId.eq(draft.collection_id))
        .filter(draft::Column::OrganisationId.eq(draft.organisation_id))
        .filter(draft::Column::Version.eq(draft.standing.version))
        .filter(draft::Column::AcceptedLevel.is_null())
}

/// What a submission keeps: the draft as it was submitted.
fn snapshot_of(submitting: &Submitting<'_>) -> Result<submission::Model, DbErr> {
    let draft = submitting.draft;
    Ok(submission::Model {
        id: Uuid::new_v4(),
        collection_id: draft.collection_id,
        organisation_id: draft.organisation_id,
        data: serde_json::to_string(&draft.data).map_err(|e| DbErr::Custom(e.to_string()))?,
        draft_version: draft.standing.version,
        submitted_at: submitting.now,
        submitted_by: submitting.user_id,
    })
}

/// The students of a submitted electronic protocol, stored with the submission.
pub struct ProtocolResults<'a> {
    pub work_id: Uuid,
    pub work: &'a oko_domain::analytics::WorkDefinition,
    pub students: &'a [oko_domain::analytics::StudentResult],
}
