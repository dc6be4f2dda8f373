//! Monitoring queries: where each organisation of a scope is with a collection
//! (from the drafts' dates only, never their data) and returns for revision.

use crate::sync::{Locked, Recent, Shared};
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, RwLock, atomic::Ordering},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use oko_domain::{
    acceptance::{AcceptanceLevel, Refusal, return_by},
    collections::{CollectionState, OrgStatus},
    monitoring::{
        MunicipalityOption, Participant, ParticipantRow, ReturnNote, municipalities_of,
        still_returned,
    },
    reminders::ReminderStatus,
    role::Role,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    board::Board,
    entities::{collection, draft, draft_return, submission},
    reach::Reach,
    roster::{Roster, RosterEntry},
};

/// The dates of one organisation's draft that decide its status.
#[derive(Clone, Copy, Debug)]
pub struct DraftDates {
    pub started_at: DateTime<Utc>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    /// The level that accepted the current submission.
    pub accepted: Option<AcceptanceLevel>,
    /// Whether the latest submission explains unusual values.
    pub explained: bool,
}

impl DraftDates {
    /// The organisation's status in a collection in `state` (`None`: no draft).
    pub fn status(dates: Option<&DraftDates>, state: CollectionState) -> OrgStatus {
        OrgStatus::of(dates.is_some(), dates.is_some_and(|d| d.submitted()), state).reviewed(
            dates.is_some_and(|d| d.returned()),
            dates.and_then(|d| d.accepted),
        )
    }

    /// The submission that counts: none while returned for revision.
    pub fn submitted(&self) -> bool {
        self.last_submitted_at.is_some() && !self.returned()
    }

    /// Returned for revision and not submitted since.
    pub fn returned(&self) -> bool {
        still_returned(self.returned_at, self.last_submitted_at)
    }

    /// Where an organisation with these dates (`None`: no draft) is, as a
    /// reminder chooses it; `None` once it has submitted.
    pub fn reminder_status(dates: Option<&DraftDates>) -> Option<ReminderStatus> {
        ReminderStatus::of(dates.map(|d| (d.submitted(), d.returned())))
    }
}

/// A time a draft may not have reached yet (submitted, returned).
type Moment = Option<DateTime<Utc>>;

/// A draft's accepted level, as stored.
type AcceptedLevel = Option<String>;

/// A draft's started, last submitted and returned times, accepted level and
/// explanations, as read.
type DatesRow = (DateTime<Utc>, Moment, Moment, AcceptedLevel, i32);

impl From<DatesRow> for DraftDates {
    fn from(
        (started_at, last_submitted_at, returned_at, accepted, explanations): DatesRow,
    ) -> DraftDates {
        DraftDates {
            started_at,
            last_submitted_at,
            returned_at,
            accepted: accepted.as_deref().and_then(AcceptanceLevel::parse),
            explained: explanations > 0,
        }
    }
}

/// A draft's columns that decide its status, in [`DatesRow`]'s order.
fn dates_columns<S: QuerySelect>(query: S) -> S {
    query
        .column(draft::Column::StartedAt)
        .column(draft::Column::LastSubmittedAt)
        .column(draft::Column::ReturnedAt)
        .column(draft::Column::AcceptedLevel)
        .column(draft::Column::Explanations)
}

/// Every draft's dates of a collection, by organisation.
pub async fn draft_dates(
    db: &DatabaseConnection,
    collection_id: Uuid,
) -> Result<HashMap<Uuid, DraftDates>, DbErr> {
    let query = draft::Entity::find()
        .select_only()
        .column(draft::Column::OrganisationId);
    let rows: Vec<(Uuid, DateTime<Utc>, Moment, Moment, AcceptedLevel, i32)> = dates_columns(query)
        .filter(draft::Column::CollectionId.eq(collection_id))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(org, started, submitted, returned, accepted, explanations)| {
                let dates = (started, submitted, returned, accepted, explanations);
                (org, DraftDates::from(dates))
            },
        )
        .collect())
}

/// One organisation's draft dates of a collection (`None`: not started).
pub async fn draft_dates_of(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<DraftDates>, DbErr> {
    let query = draft::Entity::find_by_id((collection_id, organisation_id)).select_only();
    let row: Option<DatesRow> = dates_columns(query).into_tuple().one(db).await?;
    Ok(row.map(DraftDates::from))
}

/// How long a computed scope is reused at most (publications that become visible
/// later are picked up by then; a board or roster reload ends it at once).
const REACHED_MAX_AGE: Duration = Duration::from_secs(60);

/// The roster positions of the organisations under a reach that a collection's
/// publication reaches, remembered per collection and reach: working it out
/// checks the audience of every organisation of the country, which monitoring
/// would otherwise do on every request of a deadline day.
pub struct ReachedCache {
    known: Recent<(Uuid, String), Reached>,
    /// Held while a scope is worked out: the requests that miss together wait
    /// for the first one's answer instead of all walking the roster at once.
    working_out: Mutex<()>,
}

/// A scope with the board and roster it was worked out from.
#[derive(Clone)]
struct Reached {
    board: Arc<Board>,
    roster: Arc<Roster>,
    scope: Arc<ReachedScope>,
}

/// A collection's organisations under one reach.
pub struct ReachedScope {
    /// Positions in the roster, in login order.
    pub positions: Vec<u32>,
    /// Their municipalities, by name (the list's filter).
    pub municipalities: Vec<MunicipalityOption>,
}

/// Entries kept before the cache starts over (a few per coordinator and collection).
const REACHED_ENTRIES: usize = 4_096;

impl Default for ReachedCache {
    fn default() -> Self {
        ReachedCache {
            known: Recent::for_a_while(REACHED_MAX_AGE, REACHED_ENTRIES),
            working_out: Mutex::new(()),
        }
    }
}

impl ReachedCache {
    pub fn get(
        &self,
        roster: &Arc<Roster>,
        board: &Arc<Board>,
        reach: &Reach,
        collection: &collection::Model,
        now: DateTime<Utc>,
    ) -> Arc<ReachedScope> {
        let key = (collection.id, format!("{reach:?}"));
        let held = || {
            self.known.get(&key).filter(|found| {
                Arc::ptr_eq(&found.board, board) && Arc::ptr_eq(&found.roster, roster)
            })
        };
        if let Some(found) = held() {
            return found.scope;
        }
        let _working_out = self.working_out.locked();
        if let Some(found) = held() {
            return found.scope;
        }
        let positions = reached(roster, board, reach, collection, now);
        let rows = scope_rows(roster, &positions, &HashMap::new(), CollectionState::Open);
        let scope = Arc::new(ReachedScope {
            municipalities: municipalities_of(&rows),
            positions,
        });
        let reached = Reached {
            board: board.clone(),
            roster: roster.clone(),
            scope: scope.clone(),
        };
        self.known.put(key, reached);
        scope
    }
}

/// The roster positions of the organisations under `reach` the collection reaches.
fn reached(
    roster: &Roster,
    board: &Board,
    reach: &Reach,
    collection: &collection::Model,
    now: DateTime<Utc>,
) -> Vec<u32> {
    let Some(entry) = board.find_visible(collection.publication_id, reach, now) else {
        return Vec::new();
    };
    roster
        .entries
        .iter()
        .enumerate()
        .filter(|(_, o)| o.is_under(reach) && board.reaches(entry, &o.as_reach(), now))
        .map(|(at, _)| at as u32)
        .collect()
}

/// One organisation of a collection's scope, with its status: what monitoring
/// counts, filters and sorts before it builds the [`Participant`]s of one page.
pub struct ScopeRow<'a> {
    pub organisation: &'a RosterEntry,
    pub dates: Option<DraftDates>,
    pub status: OrgStatus,
}

/// The scope's rows: `positions` in `roster`, with their drafts' dates.
pub fn scope_rows<'a>(
    roster: &'a Roster,
    positions: &[u32],
    dates: &HashMap<Uuid, DraftDates>,
    state: CollectionState,
) -> Vec<ScopeRow<'a>> {
    positions
        .iter()
        .map(|at| {
            let organisation = &roster.entries[*at as usize];
            let dates = dates.get(&organisation.id).copied();
            let status = DraftDates::status(dates.as_ref(), state);
            ScopeRow {
                organisation,
                dates,
                status,
            }
        })
        .collect()
}

impl ScopeRow<'_> {
    /// The row as the API shows it.
    pub fn participant(&self) -> Participant {
        Participant {
            login: self.organisation.login.clone(),
            name: self.organisation.name.clone(),
            municipality_id: self.organisation.municipality_id,
            municipality: self.organisation.municipality.to_string(),
            status: self.status,
            status_title: self.status.title_ru().to_owned(),
            started_at: self.started_at(),
            submitted_at: self.submitted_at(),
            returned: self.status == OrgStatus::Returned,
            explained: self.explained(),
        }
    }
}

impl ParticipantRow for ScopeRow<'_> {
    fn login(&self) -> &str {
        &self.organisation.login
    }
    fn name(&self) -> &str {
        &self.organisation.name
    }
    fn municipality(&self) -> &str {
        &self.organisation.municipality
    }
    fn municipality_id(&self) -> Uuid {
        self.organisation.municipality_id
    }
    fn status(&self) -> OrgStatus {
        self.status
    }
    fn started_at(&self) -> Option<DateTime<Utc>> {
        self.dates.map(|d| d.started_at)
    }
    fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.dates.and_then(|d| d.last_submitted_at)
    }
    fn explained(&self) -> bool {
        self.dates
            .is_some_and(|d| d.explained && d.last_submitted_at.is_some())
    }
}

/// The latest return of `draft` while it still counts (nothing submitted since).
pub(crate) fn active_return(draft: &draft::Model) -> Option<ReturnNote> {
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
    /// Its login, for the refusals.
    pub organisation: &'a str,
    pub user_id: Uuid,
    pub role: Role,
    pub login: &'a str,
    pub comment: &'a str,
    /// Comments on the cells to fix (checked against the form by the caller).
    pub cells: &'a [oko_domain::comments::CellCommentInput],
    pub now: DateTime<Utc>,
}

/// The status of a stored draft as far as decisions on its submission go
/// (they do not depend on the collection's window).
pub fn decision_status(draft: Option<&draft::Model>) -> OrgStatus {
    let dates = draft.map(|d| {
        DraftDates::from((
            d.started_at,
            d.last_submitted_at,
            d.returned_at,
            d.accepted_level.clone(),
            d.explanations,
        ))
    });
    DraftDates::status(dates.as_ref(), CollectionState::Open)
}

/// Returns the organisation's submission for revision, if `role` may: a
/// submission not accepted yet, or accepted at the caller's level or below.
/// The acceptance is cleared with it; the comments on cells are stored with it.
pub async fn return_for_revision(
    db: &DatabaseConnection,
    request: ReturnFor<'_>,
) -> Result<Result<ReturnNote, Refusal>, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let current = draft::Entity::find_by_id((request.collection_id, request.organisation_id))
        .one(&txn)
        .await?;
    let status = decision_status(current.as_ref());
    if let Err(refusal) = return_by(request.role, status, request.organisation) {
        return Ok(Err(refusal));
    }
    let Some(current) = current else {
        return Ok(Err(crate::acceptance::changed_meanwhile(
            request.organisation,
        )));
    };
    let returned = draft::Entity::update_many()
        .col_expr(draft::Column::ReturnedAt, Expr::value(request.now))
        .col_expr(draft::Column::ReturnedBy, Expr::value(request.login))
        .col_expr(draft::Column::ReturnComment, Expr::value(request.comment))
        .col_expr(draft::Column::AcceptedLevel, Expr::value(None::<String>))
        .col_expr(
            draft::Column::AcceptedAt,
            Expr::value(None::<DateTime<Utc>>),
        )
        .col_expr(draft::Column::AcceptedBy, Expr::value(None::<String>))
        .col_expr(draft::Column::AcceptComment, Expr::value(None::<String>))
        .filter(draft::Column::CollectionId.eq(request.collection_id))
        .filter(draft::Column::OrganisationId.eq(request.organisation_id))
        .filter(crate::acceptance::still_as_read(&current))
        .exec(&txn)
        .await?;
    if returned.rows_affected != 1 {
        return Ok(Err(crate::acceptance::changed_meanwhile(
            request.organisation,
        )));
    }
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
    let commenting = crate::comments::Commenting {
        collection_id: request.collection_id,
        organisation_id: request.organisation_id,
        author: request.login,
        now: request.now,
    };
    crate::comments::insert(&txn, &commenting, request.cells).await?;
    txn.commit().await?;
    Ok(Ok(ReturnNote::new(
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

/// How long a collection's drafts' dates are used before they are read again
/// (what other instances wrote shows within this; this instance's own saves,
/// submits and returns are applied at once).
const DATES_MAX_AGE: Duration = Duration::from_secs(2);

/// Every collection's drafts' dates as monitoring last read them, kept current with
/// this instance's own writes: a deadline day's statistics must not read 45,000
/// draft rows per request while the same drafts are being saved. Stale dates are
/// read again in the background (the caller spawns [`DraftDatesCache::refresh`])
/// while requests go on with what is held.
#[derive(Default)]
pub struct DraftDatesCache {
    known: Mutex<HashMap<Uuid, Arc<CachedDates>>>,
}

/// Own writes noted while the dates are read again: organisation, write, when.
type NotedWrites = Vec<(Uuid, DraftWriteKind, DateTime<Utc>)>;

/// One collection's dates and when they were read.
pub struct CachedDates {
    pub collection_id: Uuid,
    pub dates: RwLock<HashMap<Uuid, DraftDates>>,
    loaded: Mutex<Instant>,
    /// While a re-read runs: the own writes it may not see, applied again after.
    refreshing: Mutex<Option<NotedWrites>>,
    /// Read at least once.
    ready: std::sync::atomic::AtomicBool,
}

impl CachedDates {
    fn new(collection_id: Uuid, refreshing: Option<NotedWrites>) -> CachedDates {
        CachedDates {
            collection_id,
            dates: RwLock::new(HashMap::new()),
            loaded: Mutex::new(Instant::now()),
            refreshing: Mutex::new(refreshing),
            ready: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Claims the re-read when the dates are stale and nobody re-reads them yet.
    pub fn claim_refresh(&self) -> bool {
        let stale = self.loaded.locked().elapsed() >= DATES_MAX_AGE;
        let mut refreshing = self.refreshing.locked();
        if stale && refreshing.is_none() {
            *refreshing = Some(Vec::new());
            return true;
        }
        false
    }

    fn apply(&self, organisation_id: Uuid, write: DraftWriteKind, at: DateTime<Utc>) {
        let mut dates = self.dates.writing();
        let entry = dates.entry(organisation_id).or_insert(DraftDates {
            started_at: at,
            last_submitted_at: None,
            returned_at: None,
            accepted: None,
            explained: false,
        });
        match write {
            DraftWriteKind::Saved => {}
            DraftWriteKind::Submitted { explained } => {
                entry.last_submitted_at = Some(at);
                entry.explained = explained;
            }
            DraftWriteKind::Returned => {
                entry.returned_at = Some(at);
                entry.accepted = None;
            }
            DraftWriteKind::Accepted(level) => entry.accepted = Some(level),
        }
    }
}

impl DraftDatesCache {
    /// The collection's dates: read now the first time, afterwards as held (the
    /// caller refreshes them when [`CachedDates::claim_refresh`] says so).
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        collection_id: Uuid,
    ) -> Result<Arc<CachedDates>, DbErr> {
        let held = self.known.locked().get(&collection_id).cloned();
        match held {
            Some(cached) if cached.ready.load(Ordering::Acquire) => return Ok(cached),
            // Another request is reading them for the first time: read for this one.
            Some(_) => {
                let own = CachedDates::new(collection_id, None);
                *own.dates.writing() = draft_dates(db, collection_id).await?;
                return Ok(Arc::new(own));
            }
            None => {}
        }
        let made = Arc::new(CachedDates::new(collection_id, Some(Vec::new())));
        self.known.locked().insert(collection_id, made.clone());
        self.refresh(db, &made).await?;
        Ok(made)
    }

    /// Reads the dates again; own writes noted meanwhile are applied on top.
    pub async fn refresh(
        &self,
        db: &DatabaseConnection,
        cached: &CachedDates,
    ) -> Result<(), DbErr> {
        let started = Instant::now();
        let read = draft_dates(db, cached.collection_id).await;
        let noted = cached.refreshing.locked().take().unwrap_or_default();
        let read = read?;
        *cached.dates.writing() = read;
        for (organisation, write, at) in noted {
            cached.apply(organisation, write, at);
        }
        *cached.loaded.locked() = started;
        cached.ready.store(true, Ordering::Release);
        Ok(())
    }

    /// Applies this instance's own write to a draft's dates, if the collection's
    /// dates are held.
    pub fn note(
        &self,
        collection_id: Uuid,
        organisation_id: Uuid,
        write: DraftWriteKind,
        at: DateTime<Utc>,
    ) {
        let Some(cached) = self.known.locked().get(&collection_id).cloned() else {
            return;
        };
        if let Some(noted) = cached.refreshing.locked().as_mut() {
            noted.push((organisation_id, write, at));
        }
        cached.apply(organisation_id, write, at);
    }
}

/// Which write [`DraftDatesCache::note`] applies.
#[derive(Clone, Copy, Debug)]
pub enum DraftWriteKind {
    Saved,
    /// A submission, and whether it explains unusual values.
    Submitted {
        explained: bool,
    },
    Returned,
    Accepted(AcceptanceLevel),
}
