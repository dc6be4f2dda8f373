//! What an organisation's unusual values are compared with (soft checks,
//! `oko_domain::forms::soft`): its own earlier submission of the form and the
//! submissions of the other organisations of its municipality. Every save of
//! a soft-checked form needs them: they are read at most once a minute per
//! organisation and collection (a neighbour's new submission moves a median a
//! little; a minute late is soon enough for a warning).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use oko_db::{entities::collection as collection_entity, sync::Locked};
use oko_domain::forms::{FormData, FormDefinition, Reference, soft};
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

/// How long references are used before they are read again.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Entries kept before the cache starts over.
const MAX_ENTRIES: usize = 50_000;

/// One organisation's references and when they were read.
type Read = (Instant, Arc<Vec<Reference>>);

/// References by collection and organisation.
#[derive(Default)]
pub struct ReferenceCache {
    known: Mutex<HashMap<(Uuid, Uuid), Read>>,
}

impl ReferenceCache {
    /// The references of `organisation_id` in `collection` (none for a form
    /// without soft checks, read from nowhere).
    pub async fn get(
        &self,
        state: &AppState,
        form: &FormDefinition,
        collection: &collection_entity::Model,
        organisation_id: Uuid,
    ) -> Result<Arc<Vec<Reference>>, ApiError> {
        if !form.has_soft_checks() {
            return Ok(Arc::default());
        }
        let key = (collection.id, organisation_id);
        if let Some((at, held)) = self.known.locked().get(&key)
            && at.elapsed() < MAX_AGE
        {
            return Ok(held.clone());
        }
        let read = Arc::new(read(state, form, collection, organisation_id).await?);
        let mut known = self.known.locked();
        if known.len() >= MAX_ENTRIES {
            known.clear();
        }
        known.insert(key, (Instant::now(), read.clone()));
        Ok(read)
    }
}

/// Reads the organisation's earlier submission and its neighbours' latest
/// submissions of the collection, and works the references out.
async fn read(
    state: &AppState,
    form: &FormDefinition,
    collection: &collection_entity::Model,
    organisation_id: Uuid,
) -> Result<Vec<Reference>, ApiError> {
    let earlier = if form.checks_last_time() {
        oko_db::collections::earlier_submission(&state.db, collection, organisation_id).await?
    } else {
        None
    };
    let neighbours = if form.checks_medians() {
        let roster = state.roster.get(&state.db).await?;
        let municipality = roster
            .entries
            .iter()
            .find(|o| o.id == organisation_id)
            .map(|o| o.municipality_id);
        let others: Vec<Uuid> = roster
            .entries
            .iter()
            .filter(|o| Some(o.municipality_id) == municipality && o.id != organisation_id)
            .map(|o| o.id)
            .collect();
        oko_db::monitoring::latest_submissions(&state.db, collection.id, &others)
            .await?
            .into_values()
            .filter_map(|(_, data)| serde_json::from_str::<FormData>(&data).ok())
            .collect()
    } else {
        Vec::new()
    };
    Ok(soft::references(form, earlier.as_ref(), &neighbours))
}
