//! The drafts this instance last read or wrote, so that an autosave made on the
//! version this instance knows costs one database round trip (the conditional
//! write) instead of two (read, then write). On deadline day every organisation
//! saves every few seconds; the read was half of the database's work.
//!
//! Never trusted blindly: an entry is used only when the client names its version,
//! and every write is conditional on that version, so a draft changed by another
//! instance fails the write and is read again from the database. Only the fields a
//! save reads are relied on (data, version, change ids, `updated_at`), and all of
//! them change only with the version; submission and return marks are read from the
//! database where they matter.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use uuid::Uuid;

use crate::entities::draft;

/// How many drafts are kept: the organisations saving at about the same time (a
/// school's draft is ~5 KiB of JSON, so ~20 MiB). Past it, an arbitrary one goes;
/// losing an entry costs one read, never a wrong answer.
pub const DRAFTS_KEPT: usize = 4_096;

/// Drafts by (collection, organisation).
pub struct DraftCache {
    capacity: usize,
    entries: Mutex<HashMap<(Uuid, Uuid), Arc<draft::Model>>>,
}

impl Default for DraftCache {
    fn default() -> Self {
        DraftCache::new(DRAFTS_KEPT)
    }
}

impl DraftCache {
    pub fn new(capacity: usize) -> DraftCache {
        DraftCache {
            capacity: capacity.max(1),
            entries: Mutex::default(),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<(Uuid, Uuid), Arc<draft::Model>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The organisation's draft if this instance holds it at `version`.
    pub fn at_version(
        &self,
        collection_id: Uuid,
        organisation_id: Uuid,
        version: i32,
    ) -> Option<Arc<draft::Model>> {
        self.entries()
            .get(&(collection_id, organisation_id))
            .filter(|d| d.version == version)
            .cloned()
    }

    /// Keeps `draft` as the organisation's current one.
    pub fn remember(&self, draft: Arc<draft::Model>) {
        let key = (draft.collection_id, draft.organisation_id);
        let mut entries = self.entries();
        if entries.len() >= self.capacity
            && !entries.contains_key(&key)
            && let Some(any) = entries.keys().next().copied()
        {
            entries.remove(&any);
        }
        entries.insert(key, draft);
    }

    /// Drops the organisation's draft (a write on it failed: someone else wrote).
    pub fn forget(&self, collection_id: Uuid, organisation_id: Uuid) {
        self.entries().remove(&(collection_id, organisation_id));
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn draft(organisation_id: Uuid, version: i32) -> Arc<draft::Model> {
        Arc::new(draft::Model {
            collection_id: Uuid::nil(),
            organisation_id,
            data: "{}".into(),
            version,
            recent_change_ids: "[]".into(),
            started_at: Utc::now(),
            updated_at: Utc::now(),
            updated_by: Uuid::nil(),
            first_submitted_at: None,
            last_submitted_at: None,
            returned_at: None,
            returned_by: None,
            return_comment: None,
        })
    }

    #[test]
    fn answers_only_at_the_version_it_holds_and_stays_bounded() {
        let cache = DraftCache::new(2);
        let (a, b, c) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        cache.remember(draft(a, 3));
        assert!(cache.at_version(Uuid::nil(), a, 3).is_some());
        assert!(cache.at_version(Uuid::nil(), a, 2).is_none());
        cache.remember(draft(a, 4));
        assert!(cache.at_version(Uuid::nil(), a, 3).is_none());
        cache.remember(draft(b, 1));
        cache.remember(draft(c, 1));
        let kept = [a, b, c]
            .iter()
            .filter(|o| cache.entries().contains_key(&(Uuid::nil(), **o)))
            .count();
        assert_eq!(kept, 2);
        assert!(
            cache.at_version(Uuid::nil(), c, 1).is_some(),
            "the newest stays"
        );
        cache.forget(Uuid::nil(), c);
        assert!(cache.at_version(Uuid::nil(), c, 1).is_none());
    }
}
