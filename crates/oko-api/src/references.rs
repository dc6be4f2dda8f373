//! What an organisation's unusual values are compared with (soft checks,
//! `oko_domain::forms::soft`): its own earlier submission of the form, and
//! the latest submissions of its municipality. Every save of a soft-checked
//! form needs them, so they are worked out at most once a minute per
//! organisation, and the medians read at most once a minute per municipality
//! (one read serves every school of it on a deadline day; a neighbour's new
//! submission moves a median a little, and a minute late is soon enough for a
//! warning).

use std::{sync::Arc, time::Duration};

use oko_db::{entities::collection as collection_entity, sync::Recent};
use oko_domain::forms::{FormData, FormDefinition, Reference, soft};
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

/// How long references are used before they are read again.
const MAX_AGE: Duration = Duration::from_secs(60);
/// Entries kept before a cache starts over.
const MAX_ENTRIES: usize = 50_000;

/// References by collection and whose they are (an organisation, a
/// municipality).
type Remembered = Recent<(Uuid, Uuid), Arc<Vec<Reference>>>;

/// The references of every organisation that saves a soft-checked form.
pub struct ReferenceCache {
    /// By organisation: all it is compared with, as last worked out — what a
    /// save takes without a look at the roster or a copy.
    of_organisation: Remembered,
    /// By municipality: the medians of its submissions (one read serves all
    /// its schools).
    medians: Remembered,
}

impl Default for ReferenceCache {
    fn default() -> Self {
        ReferenceCache {
            of_organisation: Recent::for_a_while(MAX_AGE, MAX_ENTRIES),
            medians: Recent::for_a_while(MAX_AGE, MAX_ENTRIES),
        }
    }
}

impl ReferenceCache {
    /// A submission of `organisation_id` to `collection` moves its
    /// municipality's medians: they are read again for the next organisation
    /// whose references are worked out (on this instance; others, and the
    /// organisations that hold theirs, within the minute), the submitter's own
    /// at its next save.
    pub async fn submitted(
        &self,
        state: &AppState,
        form: &FormDefinition,
        collection: Uuid,
        organisation_id: Uuid,
    ) -> Result<(), ApiError> {
        self.of_organisation.forget(&(collection, organisation_id));
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
    ) -> Result<Arc<Vec<Reference>>, ApiError> {
        if !form.has_soft_checks() {
            return Ok(Arc::default());
        }
        let key = (collection.id, organisation_id);
        if let Some(held) = self.of_organisation.get(&key) {
            return Ok(held);
        }
        let mut references = Vec::new();
        if form.checks_last_time() {
            let earlier =
                oko_db::collections::earlier_submission(&state.db, collection, organisation_id)
                    .await?;
            if let Some(earlier) = earlier {
                references.extend(soft::last_time_references(form, &earlier));
            }
        }
        if form.checks_medians()
            && let Some(municipality) = municipality_of(state, organisation_id).await?
        {
            let medians = self
                .medians_of(state, form, collection.id, municipality)
                .await?;
            references.extend(medians.iter().cloned());
        }
        let references = Arc::new(references);
        self.of_organisation.put(key, references.clone());
        Ok(references)
    }

    /// The medians of `municipality`'s latest submissions of `collection`.
    async fn medians_of(
        &self,
        state: &AppState,
        form: &FormDefinition,
        collection: Uuid,
        municipality: Uuid,
    ) -> Result<Arc<Vec<Reference>>, ApiError> {
        let key = (collection, municipality);
        if let Some(held) = self.medians.get(&key) {
            return Ok(held);
        }
        let roster = state.roster.get(&state.db).await?;
        let members: Vec<Uuid> = roster
            .entries
            .iter()
            .filter(|o| o.municipality_id == municipality)
            .map(|o| o.id)
            .collect();
        let submissions: Vec<FormData> =
            oko_db::monitoring::latest_submissions(&state.db, collection, &members)
                .await?
                .into_values()
                .filter_map(|(_, data)| serde_json::from_str(&data).ok())
                .collect();
        let medians = Arc::new(soft::median_references(form, &submissions));
        self.medians.put(key, medians.clone());
        Ok(medians)
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
