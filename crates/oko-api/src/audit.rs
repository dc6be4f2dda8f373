//! Writing the audit log from handlers. A failure to write is logged, never turned
//! into a failed request: the action itself has happened.

use chrono::Utc;
use oko_db::audit::{NewEvent, Place, record};
use oko_domain::audit::AuditAction;

use crate::{auth::extractor::Authenticated, state::AppState};

/// What one event says.
pub struct Entry<'a> {
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: &'a str,
}

/// An event done by a signed-in user, placed where the user stands (or at
/// `about`, the place of the user or organisation it was done to).
pub async fn by_user(
    state: &AppState,
    user: &Authenticated,
    entry: Entry<'_>,
    about: Option<Place>,
) {
    write(state, event_by_user(state, user, entry, about).await).await;
}

/// The event [`by_user`] writes, for a caller that writes it in its own
/// transaction.
pub async fn event_by_user<'a>(
    state: &AppState,
    user: &'a Authenticated,
    entry: Entry<'a>,
    about: Option<Place>,
) -> NewEvent<'a> {
    let place = match about {
        Some(place) => place,
        None => match state.roster.get(&state.db).await {
            Ok(roster) => Place::of_reach(user.reach(), &roster),
            Err(_) => Place::default(),
        },
    };
    NewEvent {
        actor_id: Some(user.user_id()),
        actor: user.login(),
        action: entry.action,
        target: entry.target,
        detail: entry.detail,
        address: None,
        place,
        at: Utc::now(),
    }
}

/// Any event.
pub async fn write(state: &AppState, event: NewEvent<'_>) {
    if let Err(error) = record(&state.db, event).await {
        tracing::warn!(%error, "could not write the audit log");
    }
}
