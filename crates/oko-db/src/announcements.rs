//! Announcements: a collection's opening, its closing in a day, or a
//! coordinator's reminder, told to its whole audience as one row. Who sees one
//! is decided when it is read (the collection's publication reaches the
//! reader's organisation; a closing only while that organisation has not
//! submitted; a reminder only in its region or municipality and while the
//! organisation is in one of its statuses), so announcing to a country writes
//! one row instead of ≈ 91,000 and a school that submits stops being told.

use std::{collections::HashSet, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use oko_domain::{notifications::NotificationView, reminders::ReminderStatus};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{
    entities::{announcement, announcement_read},
    monitoring::DraftDates,
    notifications::Notice,
    sync::Recent,
};

/// How long an announcement stays in the bell.
pub const KEPT: Duration = Duration::days(60);

/// Who of a collection's audience an announcement is for.
#[derive(Clone, Debug, Default)]
pub struct Audience {
    /// Only those who have not submitted (a closing).
    pub only_unsubmitted: bool,
    /// Only those in these statuses (a reminder).
    pub statuses: Option<Vec<ReminderStatus>>,
    pub region: Option<Uuid>,
    pub municipality: Option<Uuid>,
}

/// Where a reader's organisation is.
pub struct Reader {
    pub organisation: Uuid,
    pub region: Uuid,
    pub municipality: Uuid,
}

/// Whether `row` (whose collection reaches the reader) is for `reader` now: its
/// place, and whether the organisation has submitted, as monitoring counts it
/// at this moment (`dates`: its draft's in the row's collection; read only when
/// [`depends_on_draft`]). A reminder is for the organisations that were in its
/// statuses when it was sent (one that started since still reads it) until they
/// submit.
pub fn is_for(row: &announcement::Model, reader: &Reader, dates: Option<&DraftDates>) -> bool {
    if row.region_id.is_some_and(|r| r != reader.region)
        || row
            .municipality_id
            .is_some_and(|m| m != reader.municipality)
    {
        return false;
    }
    if !depends_on_draft(row) {
        return true;
    }
    if dates.is_some_and(|d| d.submitted()) {
        return false;
    }
    let Some(statuses) = &row.statuses else {
        return true;
    };
    let when_sent = match dates {
        Some(dates) if dates.started_at <= row.created_at => {
            ReminderStatus::of(Some((false, dates.returned())))
        }
        _ => Some(ReminderStatus::NotStarted),
    };
    when_sent.is_some_and(|status| ReminderStatus::split(statuses).contains(&status))
}

/// Whether who sees `row` depends on the reader's draft (a closing, a reminder).
pub fn depends_on_draft(row: &announcement::Model) -> bool {
    row.only_unsubmitted || row.statuses.is_some()
}

/// Tells `audience` of the collection's audience (this instance's `recent`
/// list shows it at once).
pub async fn announce(
    db: &DatabaseConnection,
    recent: &RecentCache,
    collection_id: Uuid,
    notice: &Notice<'_>,
    audience: &Audience,
    now: DateTime<Utc>,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    announcement::Entity::insert(announcement::ActiveModel {
        id: Set(id),
        collection_id: Set(collection_id),
        kind: Set(notice.kind.as_str().to_owned()),
        title: Set(notice.title.to_owned()),
        body: Set(notice.body.to_owned()),
        link: Set(notice.link.map(str::to_owned)),
        only_unsubmitted: Set(audience.only_unsubmitted),
        created_at: Set(now),
        statuses: Set(audience.statuses.as_deref().map(ReminderStatus::join)),
        region_id: Set(audience.region),
        municipality_id: Set(audience.municipality),
    })
    .exec_without_returning(db)
    .await?;
    recent.forget();
    Ok(id)
}

/// Announcements of the last [`KEPT`] days, newest first (a few per collection:
/// the caller picks those its reader sees).
pub async fn recent(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<announcement::Model>, DbErr> {
    announcement::Entity::find()
        .filter(announcement::Column::CreatedAt.gt(now - KEPT))
        .order_by_desc(announcement::Column::CreatedAt)
        .all(db)
        .await
}

/// [`recent`], read at most once per [`RECENT_TTL`] by this instance: every open
/// bell's live stream asks every 2 seconds, and announcements come a few a day.
pub struct RecentCache {
    held: Recent<(), Arc<Vec<announcement::Model>>>,
}

impl Default for RecentCache {
    fn default() -> Self {
        RecentCache {
            held: Recent::for_a_while(RECENT_TTL, 1),
        }
    }
}

/// How stale the cached list may be (another instance's announcement shows
/// within it).
pub const RECENT_TTL: std::time::Duration = std::time::Duration::from_secs(2);

impl RecentCache {
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
    ) -> Result<Arc<Vec<announcement::Model>>, DbErr> {
        if let Some(list) = self.held.get(&()) {
            return Ok(list);
        }
        let list = Arc::new(recent(db, now).await?);
        self.held.put((), Arc::clone(&list));
        Ok(list)
    }

    /// Forgets the list: this instance just announced.
    fn forget(&self) {
        self.held.forget(&());
    }
}

/// Which of `ids` the user has read.
pub async fn read_by(
    db: &DatabaseConnection,
    user_id: Uuid,
    ids: &[Uuid],
) -> Result<HashSet<Uuid>, DbErr> {
    if ids.is_empty() {
        return Ok(HashSet::new());
    }
    let read: Vec<Uuid> = announcement_read::Entity::find()
        .select_only()
        .column(announcement_read::Column::AnnouncementId)
        .filter(announcement_read::Column::UserId.eq(user_id))
        .filter(announcement_read::Column::AnnouncementId.is_in(ids.iter().copied()))
        .into_tuple()
        .all(db)
        .await?;
    Ok(read.into_iter().collect())
}

/// Marks `ids` read by the user (those already read stay as they were).
pub async fn mark_read(
    db: &DatabaseConnection,
    user_id: Uuid,
    ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    let rows = ids.iter().map(|id| announcement_read::ActiveModel {
        announcement_id: Set(*id),
        user_id: Set(user_id),
        read_at: Set(now),
    });
    let result = announcement_read::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::columns([
                announcement_read::Column::AnnouncementId,
                announcement_read::Column::UserId,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await;
    match result {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(err) => Err(err),
    }
}

/// The bell's view of an announcement.
pub fn describe(row: &announcement::Model, read: bool) -> NotificationView {
    crate::notifications::view(
        row.id,
        &row.kind,
        (&row.title, &row.body, row.link.as_deref()),
        row.created_at,
        read,
    )
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 9, 6, hour, 0, 0).unwrap()
    }

    fn reminder(statuses: &str, municipality: Option<Uuid>) -> announcement::Model {
        announcement::Model {
            id: Uuid::nil(),
            collection_id: Uuid::nil(),
            kind: "reminder".into(),
            title: "Напоминание".into(),
            body: String::new(),
            link: None,
            only_unsubmitted: false,
            created_at: at(12),
            statuses: Some(statuses.into()),
            region_id: None,
            municipality_id: municipality,
        }
    }

    fn dates(started: u32, submitted: Option<u32>) -> DraftDates {
        DraftDates {
            started_at: at(started),
            last_submitted_at: submitted.map(at),
            returned_at: None,
            accepted: None,
            explained: false,
        }
    }

    #[test]
    fn a_reminder_is_for_those_in_its_statuses_when_sent_until_they_submit() {
        let here = Uuid::from_u128(1);
        let reader = Reader {
            organisation: Uuid::from_u128(9),
            region: Uuid::from_u128(2),
            municipality: here,
        };
        let not_started = reminder("not_started", Some(here));
        assert!(is_for(&not_started, &reader, None), "nothing saved");
        assert!(
            is_for(&not_started, &reader, Some(&dates(13, None))),
            "started since: still told"
        );
        assert!(
            !is_for(&not_started, &reader, Some(&dates(11, None))),
            "was at work when sent"
        );
        assert!(
            !is_for(&not_started, &reader, Some(&dates(13, Some(14)))),
            "submitted"
        );
        assert!(is_for(
            &reminder("in_progress", None),
            &reader,
            Some(&dates(11, None))
        ));
        let elsewhere = reminder("not_started", Some(Uuid::from_u128(3)));
        assert!(!is_for(&elsewhere, &reader, None), "another municipality");
        assert!(!depends_on_draft(&announcement::Model {
            statuses: None,
            ..not_started
        }));
    }
}
