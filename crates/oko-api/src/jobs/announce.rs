//! Collections announced to their audience: «Открыт сбор данных» once when the
//! window opens, «Сбор данных закрывается через …» at each of its closing
//! reminders (a day before, unless the operator chose other hours; only to
//! those who have not submitted). Whichever instance marks a collection
//! first announces it, as one row its whole audience reads.

use chrono::Utc;
use oko_db::{
    announcements,
    notifications::{self, Announcement, Notice},
};
use oko_domain::{
    collections::{closing_in_ru, window_ru},
    moscow_time::short_date_time,
    notifications::NotificationKind,
};

use crate::state::AppState;

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
    let (kind, title, body) = if closing {
        (
            NotificationKind::ClosingSoon,
            format!(
                "Сбор данных закрывается {}",
                closing_in_ru(found.closes_at - Utc::now())
            ),
            format!(
                "{}: прием до {}",
                form.title,
                short_date_time(found.closes_at)
            ),
        )
    } else {
        (
            NotificationKind::CollectionOpened,
            "Открыт сбор данных".to_owned(),
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
        title: &title,
        body: &body,
        link: Some(&link),
    };
    // One row for the whole audience: who sees it is decided as each reads
    // it (crate::bell), so nothing else waits while a country is told.
    let audience = announcements::Audience {
        only_unsubmitted: closing,
        ..announcements::Audience::default()
    };
    let recent = &state.announcements;
    announcements::announce(&state.db, recent, found.id, &notice, &audience, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}
