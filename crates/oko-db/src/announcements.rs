//! Announcements: a collection's opening, or its closing in a day, told to its
//! whole audience as one row. Who sees one is decided when it is read (the
//! collection's publication reaches the reader's organisation; a closing only
//! while that organisation has not submitted), so announcing to a country writes
//! one row instead of ≈ 91,000 and a school that submits stops being told.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Instant,
};

use chrono::{DateTime, Duration, Utc};
use oko_domain::notifications::NotificationView;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{
    entities::{announcement, announcement_read},
    monitoring,
    notifications::Notice,
};

/// How long an announcement stays in the bell.
pub const KEPT: Duration = Duration::days(60);

/// Tells the audience of `collection_id` (only those who have not submitted,
/// when `only_unsubmitted`).
pub async fn announce(
    db: &DatabaseConnection,
    collection_id: Uuid,
    notice: &Notice<'_>,
    only_unsubmitted: bool,
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
        only_unsubmitted: Set(only_unsubmitted),
        created_at: Set(now),
    })
    .exec_without_returning(db)
    .await?;
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
#[derive(Default)]
pub struct RecentCache {
    held: Mutex<Option<(Instant, Arc<Vec<announcement::Model>>)>>,
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
        if let Some((at, list)) = &*self.held.lock().unwrap_or_else(|p| p.into_inner())
            && at.elapsed() < RECENT_TTL
        {
            return Ok(Arc::clone(list));
        }
        let list = Arc::new(recent(db, now).await?);
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), Arc::clone(&list)));
        Ok(list)
    }

    /// Forgets the list: this instance just announced.
    pub fn forget(&self) {
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

/// Whether the organisation's submission of the collection counts now (as
/// monitoring counts it: not returned since).
pub async fn has_submitted(
    db: &DatabaseConnection,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<bool, DbErr> {
    Ok(
        monitoring::draft_dates_of(db, collection_id, organisation_id)
            .await?
            .is_some_and(|dates| dates.submitted()),
    )
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
