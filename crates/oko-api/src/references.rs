//! What an organisation's unusual values are compared with (soft checks,
//! `oko_domain::forms::soft`): its own earlier submission of the form, and
//! the latest submissions of its municipality. Every save of a soft-checked
//! form needs them, so each is read at most once a minute — the last time per
//! organisation, the medians per municipality (one read serves every school
//! of it on a deadline day; a neighbour's new submission moves a median a
//! little, and a minute late is soon enough for a warning).

use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use oko_db::{entities::collection as collection_entity, sync::Locked};
use oko_domain::forms::{FormData, FormDefinition, Reference, soft};
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

/// How long references are used before they are read again.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Entries kept before a cache starts over.
const MAX_ENTRIES: usize = 50_000;

/// References as read, and when.
type Read = (Instant, Arc<Vec<Reference>>);

/// References by collection and whose they are.
struct Remembered<K> {
    known: Mutex<HashMap<(Uuid, K), Read>>,
}

impl<K> Default for Remembered<K> {
    fn default() -> Self {
        Remembered {
            known: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash> Remembered<K> {
    /// The references held for `key` if read less than a minute ago.
    fn fresh(&self, key: &(Uuid, K)) -> Option<Arc<Vec<Reference>>> {
        let known = self.known.locked();
        let (at, held) = known.get(key)?;
        (at.elapsed() < MAX_AGE).then(|| held.clone())
    }

    fn forget(&self, key: &(Uuid, K)) {
        self.known.locked().remove(key);
    }

    fn keep(&self, key: (Uuid, K), read: Vec<Reference>) -> Arc<Vec<Reference>> {
        let read = Arc::new(read);
        let mut known = self.known.locked();
        if known.len() >= MAX_ENTRIES {
            known.clear();
        }
        known.insert(key, (Instant::now(), read.clone()));
        read
    }
}

/// The references of every organisation that saves a soft-checked form.
#[derive(Default)]
pub struct ReferenceCache {
    /// By organisation: its own values last time.
    last_time: Remembered<Uuid>,
    /// By municipality: the medians of its submissions.
    medians: Remembered<Uuid>,
}

impl ReferenceCache {
    /// A submission of `organisation_id` to `collection` moves its
    /// municipality's medians: they are read again at the next save (on this
    /// instance; others within the minute).
    pub async fn submitted(
        &self,
        state: &AppState,
        form: &FormDefinition,
        collection: Uuid,
        organisation_id: Uuid,
    ) -> Result<(), ApiError> {
        if form.checks_medians()
            && let Some(municipality) = municipality_of(state, organisation_id).await?
        {
            self.medians.forget(&(collection, municipality));
        }
        Ok(())
    }

    /// The references of `organisation_id` in `collection` (none for a form
    /// without soft checks, read from nowhere).
    pub async fn get(
        &self,
        state: &AppState,
        form: &FormDefinition,
        collection: &collection_entity::Model,
        organisation_id: Uuid,
    ) -> Result<Vec<Reference>, ApiError> {
        let mut references = Vec::new();
        if form.checks_last_time() {
            let key = (collection.id, organisation_id);
            let own = match self.last_time.fresh(&key) {
                Some(held) => held,
                None => {
                    let earlier = oko_db::collections::earlier_submission(
                        &state.db,
                        collection,
                        organisation_id,
                    )
                    .await?;
                    let read = earlier.map_or_else(Vec::new, |earlier| {
                        soft::last_time_references(form, &earlier)
                    });
                    self.last_time.keep(key, read)
                }
            };
            references.extend(own.iter().cloned());
        }
        if form.checks_medians() {
            let Some(municipality) = municipality_of(state, organisation_id).await? else {
                return Ok(references);
            };
            let key = (collection.id, municipality);
            let medians = match self.medians.fresh(&key) {
                Some(held) => held,
                None => {
                    let roster = state.roster.get(&state.db).await?;
                    let members: Vec<Uuid> = roster
                        .entries
                        .iter()
                        .filter(|o| o.municipality_id == municipality)
                        .map(|o| o.id)
                        .collect();
                    let submissions: Vec<FormData> =
                        oko_db::monitoring::latest_submissions(&state.db, collection.id, &members)
                            .await?
                            .into_values()
                            .filter_map(|(_, data)| serde_json::from_str(&data).ok())
                            .collect();
                    self.medians
                        .keep(key, soft::median_references(form, &submissions))
                }
            };
            references.extend(medians.iter().cloned());
        }
        Ok(references)
    }
}

/// The municipality of `organisation_id`, as the roster has it.
async fn municipality_of(
    state: &AppState,
    organisation_id: Uuid,
) -> Result<Option<Uuid>, ApiError> {
    let roster = state.roster.get(&state.db).await?;
    Ok(roster
        .entries
        .iter()
        .find(|o| o.id == organisation_id)
        .map(|o| o.municipality_id))
}
