//! Monitoring queries: where each organisation of a scope is with a collection
//! (from the drafts' dates only, never their data) and returns for revision.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use oko_domain::{
    collections::{CollectionState, OrgStatus},
    monitoring::{Participant, ReturnNote, still_returned},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    board::Board,
    entities::{collection, draft, draft_return, submission},
    reach::Reach,
    roster::Roster,
};

/// The dates of one organisation's draft that decide its status.
#[derive(Clone, Copy, Debug)]
pub struct DraftDates {
    pub started_at: DateTime<Utc>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
}

impl DraftDates {
    /// The submission that counts: none while returned for revision.
    pub fn submitted(&self) -> bool {
        self.last_submitted_at.is_some() && !self.returned()
    }

    /// Returned for revision and not submitted since.
    pub fn returned(&self) -> bool {
        still_returned(self.returned_at, self.last_submitted_at)
    }
}

/// Every draft's dates of a collection, by organisation.
pub async fn draft_dates(
    db: &DatabaseConnection,
    collection_id: Uuid,
) -> Result<HashMap<Uuid, DraftDates>, DbErr> {
    let rows = draft::Entity::find()
        .select_only()
        .column(draft::Column::OrganisationId)
        .column(draft::Column::StartedAt)
        .column(draft::Column::LastSubmittedAt)
        .column(draft::Column::ReturnedAt)
        .filter(draft::Column::CollectionId.eq(collection_id))
        .into_tuple::<(
            Uuid,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        )>()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(org, started_at, last_submitted_at, returned_at)| {
            (
                org,
                DraftDates {
                    started_at,
                    last_submitted_at,
                    returned_at,
                },
            )
        })
        .collect())
}

/// Every organisation under `reach` that the collection's publication reaches,
/// with its status, by login.
pub fn participants(
    roster: &Roster,
    board: &Board,
    reach: &Reach,
    collection: &collection::Model,
    state: CollectionState,
    dates: &HashMap<Uuid, DraftDates>,
    now: DateTime<Utc>,
) -> Vec<Participant> {
    let Some(entry) = board.find_visible(collection.publication_id, reach, now) else {
        return Vec::new();
    };
    roster
        .under(reach)
        .filter(|o| board.reaches(entry, &o.as_reach(), now))
        .map(|o| {
            let draft = dates.get(&o.id);
            let status = OrgStatus::of(
                draft.is_some(),
                draft.is_some_and(DraftDates::submitted),
                state,
            );
            Participant {
                login: o.login.clone(),
                name: o.name.clone(),
                municipality_id: o.municipality_id,
                municipality: o.municipality.to_string(),
                status,
                status_title: status.title_ru().to_owned(),
                started_at: draft.map(|d| d.started_at),
                submitted_at: draft.and_then(|d| d.last_submitted_at),
                returned: draft.is_some_and(DraftDates::returned),
            }
        })
        .collect()
}

/// The latest return of `draft` while it still counts (nothing submitted since).
pub fn active_return(draft: &draft::Model) -> Option<ReturnNote> {
    if !still_returned(draft.returned_at, draft.last_submitted_at) {
        return None;
    }
    Some(ReturnNote::new(
        draft.returned_at?,
        draft.returned_by.clone().unwrap_or_default(),
        draft.return_comment.clone().unwrap_or_default(),
    ))
}

/// Who returns a submission, and why.
pub struct ReturnFor<'a> {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub user_id: Uuid,
    pub login: &'a str,
    pub comment: &'a str,
    pub now: DateTime<Utc>,
}

/// Returns the organisation's submission for revision. `None` when there is no
/// submission to return (never submitted, or already returned since).
pub async fn return_for_revision(
    db: &DatabaseConnection,
    request: ReturnFor<'_>,
) -> Result<Option<ReturnNote>, DbErr> {
    let txn = db.begin().await?;
    let Some(current) = draft::Entity::find_by_id((request.collection_id, request.organisation_id))
        .one(&txn)
        .await?
    else {
        return Ok(None);
    };
    let submitted = current.last_submitted_at.is_some()
        && !still_returned(current.returned_at, current.last_submitted_at);
    if !submitted {
        return Ok(None);
    }
    draft::Entity::update_many()
        .col_expr(draft::Column::ReturnedAt, Expr::value(request.now))
        .col_expr(draft::Column::ReturnedBy, Expr::value(request.login))
        .col_expr(draft::Column::ReturnComment, Expr::value(request.comment))
        .filter(draft::Column::CollectionId.eq(request.collection_id))
        .filter(draft::Column::OrganisationId.eq(request.organisation_id))
        .exec(&txn)
        .await?;
    draft_return::ActiveModel {
        id: Set(Uuid::new_v4()),
        collection_id: Set(request.collection_id),
        organisation_id: Set(request.organisation_id),
        returned_by: Set(request.user_id),
        returned_by_login: Set(request.login.to_owned()),
        comment: Set(request.comment.to_owned()),
        returned_at: Set(request.now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(Some(ReturnNote::new(
        request.now,
        request.login.to_owned(),
        request.comment.to_owned(),
    )))
}

/// Every return of the organisation's submissions, newest first.
pub async fn returns(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Vec<ReturnNote>, DbErr> {
    Ok(draft_return::Entity::find()
        .filter(draft_return::Column::CollectionId.eq(collection_id))
        .filter(draft_return::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(draft_return::Column::ReturnedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|r| ReturnNote::new(r.returned_at, r.returned_by_login, r.comment))
        .collect())
}

/// The submission that counts of each of `organisations` (the latest), with when.
pub async fn latest_submissions(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisations: &[Uuid],
) -> Result<HashMap<Uuid, (DateTime<Utc>, String)>, DbErr> {
    let rows = submission::Entity::find()
        .select_only()
        .column(submission::Column::OrganisationId)
        .column(submission::Column::SubmittedAt)
        .column(submission::Column::Data)
        .filter(submission::Column::CollectionId.eq(collection_id))
        .filter(submission::Column::OrganisationId.is_in(organisations.iter().copied()))
        .into_tuple::<(Uuid, DateTime<Utc>, String)>()
        .all(db)
        .await?;
    let mut latest: HashMap<Uuid, (DateTime<Utc>, String)> = HashMap::new();
    for (organisation, at, data) in rows {
        match latest.get(&organisation) {
            Some((known, _)) if *known >= at => {}
            _ => {
                latest.insert(organisation, (at, data));
            }
        }
    }
    Ok(latest)
}
