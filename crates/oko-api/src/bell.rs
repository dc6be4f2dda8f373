//! What a user's bell holds: their own notifications and the announcements they
//! see now. An announcement is one row for a collection's whole audience; who
//! sees it is decided here, when it is read: the collection's publication
//! reaches the reader's organisation, a closing is shown only while that
//! organisation has not submitted, a reminder only in its place and statuses.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use oko_db::{
    announcements,
    entities::announcement,
    monitoring::{self, DraftDates},
    notifications,
    reach::Reach,
};
use oko_domain::notifications::NotificationList;
use uuid::Uuid;

use oko_db::known_users::KnownUser;

use crate::{error::ApiError, state::AppState};

/// The announcements `user` sees now, each with whether they read it.
pub async fn announcements_seen(
    state: &AppState,
    user: &KnownUser,
    now: DateTime<Utc>,
) -> Result<Vec<(announcement::Model, bool)>, ApiError> {
    let (Reach::Organisation { id, region, .. }, Some(municipality)) =
        (&user.reach, &user.me.municipality)
    else {
        return Ok(Vec::new());
    };
    let reader = announcements::Reader {
        organisation: *id,
        region: *region,
        municipality: municipality.id,
    };
    let mut seen = Vec::new();
    // The draft's dates, read once per collection however many of its
    // announcements (closing, reminders) the bell weighs.
    let mut dates: HashMap<Uuid, Option<DraftDates>> = HashMap::new();
    for found in reaching(state, user, now).await? {
        let draft = match dates.get(&found.collection_id) {
            Some(known) => *known,
            None if announcements::depends_on_draft(&found) => {
                let read = monitoring::draft_dates_of(&state.db, found.collection_id, *id).await?;
                dates.insert(found.collection_id, read);
                read
            }
            None => None,
        };
        if announcements::is_for(&found, &reader, draft.as_ref()) {
            seen.push(found);
        }
    }
    let ids: Vec<Uuid> = seen.iter().map(|a| a.id).collect();
    let read = announcements::read_by(&state.db, user.principal.user_id, &ids).await?;
    Ok(seen
        .into_iter()
        .map(|a| {
            let was_read = read.contains(&a.id);
            (a, was_read)
        })
        .collect())
}

/// The recent announcements whose collection's publication reaches the user's
/// organisation (from memory: no query while the caches are fresh).
async fn reaching(
    state: &AppState,
    user: &KnownUser,
    now: DateTime<Utc>,
) -> Result<Vec<announcement::Model>, ApiError> {
    if !matches!(user.reach, Reach::Organisation { .. }) {
        return Ok(Vec::new());
    }
    let recent = state.announcements.get(&state.db, now).await?;
    if recent.is_empty() {
        return Ok(Vec::new());
    }
    let board = state.board.get(&state.db).await?;
    let mut reached = Vec::new();
    for found in recent.iter() {
        let Some(collection) = state
            .collections
            .get(&state.db, found.collection_id)
            .await?
        else {
            continue;
        };
        if board
            .find_visible(collection.publication_id, &user.reach, now)
            .is_some()
        {
            reached.push(found.clone());
        }
    }
    Ok(reached)
}

/// The newest `limit` of both kinds and how many are unread.
pub async fn list(
    state: &AppState,
    user: &KnownUser,
    limit: u64,
    now: DateTime<Utc>,
) -> Result<NotificationList, ApiError> {
    let mut list = notifications::list(&state.db, user.principal.user_id, limit).await?;
    let seen = announcements_seen(state, user, now).await?;
    list.unread += seen.iter().filter(|(_, read)| !read).count() as u64;
    list.items.extend(
        seen.iter()
            .map(|(found, read)| announcements::describe(found, *read)),
    );
    list.items
        .sort_by_key(|item| std::cmp::Reverse(item.created_at));
    list.items
        .truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(list)
}

/// Marks one (`Some(id)`) or every unread item read; how many changed.
pub async fn mark_read(
    state: &AppState,
    user: &KnownUser,
    id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, ApiError> {
    let user_id = user.principal.user_id;
    let own = notifications::mark_read(&state.db, user_id, id, now).await?;
    if own > 0 && id.is_some() {
        return Ok(own);
    }
    let unread: Vec<Uuid> = announcements_seen(state, user, now)
        .await?
        .into_iter()
        .filter(|(found, read)| !read && id.is_none_or(|id| id == found.id))
        .map(|(found, _)| found.id)
        .collect();
    announcements::mark_read(&state.db, user_id, &unread, now).await?;
    Ok(own + unread.len() as u64)
}

/// When the newest item the user may see arrived (the live stream compares it;
/// a closing already submitted counts too, which costs the bell one needless
/// look, not a query per poll).
pub async fn latest(
    state: &AppState,
    user: &KnownUser,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let own = notifications::latest(&state.db, user.principal.user_id).await?;
    let announced = reaching(state, user, now)
        .await?
        .iter()
        .map(|found| found.created_at)
        .max();
    Ok(own.max(announced))
}
