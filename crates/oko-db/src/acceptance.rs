//! Accepting submissions (issue #25): one at a time and a municipality's at
//! once. Every write is conditional on the draft still being as it was read,
//! so an acceptance never lands on a submission returned or changed meanwhile.

use chrono::{DateTime, Utc};
use oko_domain::{
    acceptance::{AcceptanceLevel, AcceptanceLevels, AcceptanceNote, Refusal, acceptance_by},
    collections::OrgStatus,
    role::Role,
};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter,
    QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{entities::draft, monitoring::decision_status};

/// The draft's submission and decisions as they were read: a write that
/// filters on this changes nothing once anyone submitted, returned or
/// accepted since.
pub fn still_as_read(read: &draft::Model) -> Condition {
    let same = |column: draft::Column, value: Option<DateTime<Utc>>| match value {
        Some(at) => column.eq(at),
        None => column.is_null(),
    };
    Condition::all()
        .add(same(draft::Column::LastSubmittedAt, read.last_submitted_at))
        .add(same(draft::Column::ReturnedAt, read.returned_at))
        .add(match &read.accepted_level {
            Some(level) => draft::Column::AcceptedLevel.eq(level.as_str()),
            None => draft::Column::AcceptedLevel.is_null(),
        })
}

/// A decision that lost the race with another one.
pub fn changed_meanwhile(organisation: &str) -> Refusal {
    Refusal::Conflict(format!(
        "Форму организации {organisation} только что изменили (сдали, приняли или вернули): обновите список и решите снова"
    ))
}

/// The acceptance of the draft's current submission, as the organisation and
/// the history show it.
pub(crate) fn active_acceptance(draft: &draft::Model) -> Option<AcceptanceNote> {
    Some(AcceptanceNote::new(
        draft.accepted()?,
        draft.accepted_at?,
        draft.accepted_by.clone().unwrap_or_default(),
        draft.accept_comment.clone(),
    ))
}

/// Who accepts which organisation's submission.
pub struct AcceptFor<'a> {
    pub collection_id: Uuid,
    pub levels: AcceptanceLevels,
    pub organisation_id: Uuid,
    /// Its login, for the refusals.
    pub organisation: &'a str,
    pub role: Role,
    pub login: &'a str,
    pub comment: Option<&'a str>,
    pub now: DateTime<Utc>,
}

/// Accepts the organisation's submission at the next level of the collection,
/// if that level is the caller's (otherwise says why not), and closes the
/// comments on its cells.
pub async fn accept(
    db: &DatabaseConnection,
    request: AcceptFor<'_>,
) -> Result<Result<AcceptanceNote, Refusal>, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let current = draft::Entity::find_by_id((request.collection_id, request.organisation_id))
        .one(&txn)
        .await?;
    let status = decision_status(current.as_ref());
    let level = match acceptance_by(request.levels, request.role, status, request.organisation) {
        Ok(level) => level,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let Some(current) = current else {
        return Ok(Err(changed_meanwhile(request.organisation)));
    };
    let accepted = draft::Entity::update_many()
        .col_expr(draft::Column::AcceptedLevel, Expr::value(level.as_str()))
        .col_expr(draft::Column::AcceptedAt, Expr::value(request.now))
        .col_expr(draft::Column::AcceptedBy, Expr::value(request.login))
        .col_expr(draft::Column::AcceptComment, Expr::value(request.comment))
        .filter(draft::Column::CollectionId.eq(request.collection_id))
        .filter(draft::Column::OrganisationId.eq(request.organisation_id))
        .filter(still_as_read(&current))
        .exec(&txn)
        .await?;
    if accepted.rows_affected != 1 {
        return Ok(Err(changed_meanwhile(request.organisation)));
    }
    // An acceptance ends the discussion of the cells.
    crate::comments::close(
        &txn,
        request.collection_id,
        &[request.organisation_id],
        request.now,
    )
    .await?;
    txn.commit().await?;
    Ok(Ok(AcceptanceNote::new(
        level,
        request.now,
        request.login.to_owned(),
        request.comment.map(str::to_owned),
    )))
}

/// Organisations whose submissions are accepted together in one statement.
const BATCH: usize = 500;

/// Accepts at `level` every one of `organisations` whose submission stands
/// at `from` (submitted and not returned since), by `login` at `now`; answers
/// those accepted. One conditional statement per batch of organisations, so
/// a submission returned or accepted by someone else meanwhile is left alone.
pub async fn accept_many(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisations: &[Uuid],
    from: OrgStatus,
    level: AcceptanceLevel,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    let previous = match from {
        OrgStatus::AcceptedMunicipality => draft::Column::AcceptedLevel.eq("municipality"),
        _ => draft::Column::AcceptedLevel.is_null(),
    };
    let submitted_not_returned = Condition::all()
        .add(draft::Column::LastSubmittedAt.is_not_null())
        .add(
            Condition::any()
                .add(draft::Column::ReturnedAt.is_null())
                .add(
                    Expr::col(draft::Column::ReturnedAt)
                        .lt(Expr::col(draft::Column::LastSubmittedAt)),
                ),
        );
    let txn = crate::connection::begin_write(db).await?;
    for batch in organisations.chunks(BATCH) {
        draft::Entity::update_many()
            .col_expr(draft::Column::AcceptedLevel, Expr::value(level.as_str()))
            .col_expr(draft::Column::AcceptedAt, Expr::value(now))
            .col_expr(draft::Column::AcceptedBy, Expr::value(login))
            .col_expr(draft::Column::AcceptComment, Expr::value(None::<String>))
            .filter(draft::Column::CollectionId.eq(collection_id))
            .filter(draft::Column::OrganisationId.is_in(batch.iter().copied()))
            .filter(previous.clone())
            .filter(submitted_not_returned.clone())
            .exec(&txn)
            .await?;
    }
    let accepted = accepted_by_at(&txn, collection_id, organisations, level, login, now).await?;
    crate::comments::close(&txn, collection_id, &accepted, now).await?;
    txn.commit().await?;
    Ok(accepted)
}

/// Which of `organisations` `login` accepted at `level` at `now`.
async fn accepted_by_at<C: ConnectionTrait>(
    db: &C,
    collection_id: Uuid,
    organisations: &[Uuid],
    level: AcceptanceLevel,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    let mut accepted = Vec::new();
    for batch in organisations.chunks(BATCH) {
        let found: Vec<Uuid> = draft::Entity::find()
            .select_only()
            .column(draft::Column::OrganisationId)
            .filter(draft::Column::CollectionId.eq(collection_id))
            .filter(draft::Column::OrganisationId.is_in(batch.iter().copied()))
            .filter(draft::Column::AcceptedLevel.eq(level.as_str()))
            .filter(draft::Column::AcceptedAt.eq(now))
            .filter(draft::Column::AcceptedBy.eq(login))
            .into_tuple()
            .all(db)
            .await?;
        accepted.extend(found);
    }
    Ok(accepted)
}
