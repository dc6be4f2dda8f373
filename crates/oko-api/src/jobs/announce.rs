//! Collections announced to their audience once: «Открыт сбор данных» when the
//! window opens, «Сбор данных закрывается через 24 часа» a day before it closes
//! (only to those who have not submitted). Whichever instance marks a collection
//! first announces it.

use chrono::Utc;
use oko_db::{
    entities::collection,
    monitoring,
    notifications::{self, Announcement, Notice},
    reach::Reach,
};
use oko_domain::{
    collections::window_ru, moscow_time::short_date_time, notifications::NotificationKind,
};

use crate::startup::AppState;

/// Accounts told per batch of an announcement, and the pause between batches.
const ANNOUNCE_CHUNK: usize = 500;
const ANNOUNCE_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);

/// Announces what is due.
pub async fn due(state: &AppState) {
    let due = match notifications::due_announcements(&state.db, Utc::now()).await {
        Ok(due) => due,
        Err(error) => {
            tracing::warn!(%error, "could not look for announcements");
            return;
        }
    };
    for announcement in due {
        if let Err(error) = announce(state, announcement).await {
            tracing::warn!(%error, "an announcement failed");
        }
    }
}

async fn announce(state: &AppState, announcement: Announcement) -> Result<(), String> {
    let (found, closing) = match announcement {
        Announcement::Opened(c) => (c, false),
        Announcement::ClosingSoon(c) => (c, true),
    };
    let form = state
        .forms
        .get(&state.db, found.form_version_id)
        .await
        .map_err(|e| e.to_string())?;
    let organisations = audience(state, &found, closing).await?;
    let users = notifications::users_of_organisations(&state.db, &organisations)
        .await
        .map_err(|e| e.to_string())?;
    let (kind, title, body) = if closing {
        (
            NotificationKind::ClosingSoon,
            "Сбор данных закрывается через 24 часа",
            format!(
                "{}: прием до {}",
                form.title,
                short_date_time(found.closes_at)
            ),
        )
    } else {
        (
            NotificationKind::CollectionOpened,
            "Открыт сбор данных",
            format!(
                "{}: {}",
                form.title,
                window_ru(found.opens_at, found.closes_at)
            ),
        )
    };
    let link = format!("/publications/{}", found.publication_id);
    let notice = Notice {
        kind,
        title,
        body: &body,
        link: Some(&link),
    };
    let now = Utc::now();
    for chunk in users.chunks(ANNOUNCE_CHUNK) {
        notifications::notify(&state.db, chunk, &notice, now)
            .await
            .map_err(|e| e.to_string())?;
        // A whole audience at once would hold SQLite's one writer away from the
        // saves of the very deadline it announces.
        tokio::time::sleep(ANNOUNCE_PAUSE).await;
    }
    Ok(())
}

/// The organisations the collection reaches; for a closing, those who have not
/// submitted.
async fn audience(
    state: &AppState,
    found: &collection::Model,
    closing: bool,
) -> Result<Vec<uuid::Uuid>, String> {
    let roster = state
        .roster
        .get(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    let board = state
        .board
        .get(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    let now = Utc::now();
    let dates = monitoring::draft_dates(&state.db, found.id)
        .await
        .map_err(|e| e.to_string())?;
    let reached = state
        .reached
        .get(&roster, &board, &Reach::Everything, found, now);
    Ok(reached
        .positions
        .iter()
        .map(|at| &roster.entries[*at as usize])
        .filter(|o| !closing || !dates.get(&o.id).is_some_and(|d| d.submitted()))
        .map(|o| o.id)
        .collect())
}
