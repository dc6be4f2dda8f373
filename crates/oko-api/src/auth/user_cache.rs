//! A short-lived cache of who a token's subject is. Every authenticated request needs
//! the user's role, scope and `Me` description; reading them from the database each
//! time costs several queries on the hottest path of deadline day. Entries are trusted
//! for `OKO_AUTH_CACHE_SECONDS` (default 5): blocking or moving a user reaches access
//! tokens within that time, and refresh tokens at once (they are always checked in
//! the database). After that one query reads the user's row again; while it is
//! unchanged the description is reused (up to five minutes, so a renamed organisation
//! shows by then), which keeps a save on deadline day at one query for the user
//! instead of four. Every instance keeps its own copy; nothing here is the only copy.

use std::{
    collections::HashMap,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use oko_db::{
    DatabaseConnection, DbErr,
    principal::{self, Principal},
    reach::Reach,
};
use oko_domain::api::Me;
use uuid::Uuid;

/// A live user as handlers see it.
#[derive(Debug)]
pub struct KnownUser {
    /// Role and scope.
    pub principal: Principal,
    /// The `GET /api/me` view.
    pub me: Me,
    /// Where the user stands for publications.
    pub reach: Reach,
}

/// Past this many entries the cache drops everything stale (and, if that is not
/// enough, everything): memory stays bounded under any token traffic.
const MAX_ENTRIES: usize = 200_000;
/// How long a description (`Me`, reach) is reused while the user's row is unchanged.
const DESCRIPTION_TTL: Duration = Duration::from_secs(300);

/// A cached user: when its row was last checked and when it was last described.
struct Entry {
    checked_at: Instant,
    described_at: Instant,
    user: Arc<KnownUser>,
}

/// Users by id, each with the time it was read.
pub struct UserCache {
    ttl: Duration,
    entries: RwLock<HashMap<Uuid, Entry>>,
}

impl UserCache {
    /// A cache keeping entries for `ttl`; zero turns it off.
    pub fn new(ttl: Duration) -> UserCache {
        UserCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The live, unblocked user `user_id`, from the cache or the database.
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        user_id: Uuid,
    ) -> Result<Option<Arc<KnownUser>>, DbErr> {
        let now = Instant::now();
        if let Some(user) = self.fresh(user_id, now) {
            return Ok(Some(user));
        }
        let Some((principal, row)) = principal::load_with_user(db, user_id).await? else {
            self.forget(user_id);
            return Ok(None);
        };
        if let Some((user, described_at)) = self.described(user_id, now)
            && user.principal == principal
        {
            // The row is as it was: the cheap check was all that was needed.
            self.insert(user_id, user.clone(), now, described_at);
            return Ok(Some(user));
        }
        let me = principal::describe(db, &principal, row).await?;
        // A place that is gone (e.g. a deleted organisation) ends the session.
        let Some(reach) = Reach::of(db, principal.scope).await? else {
            return Ok(None);
        };
        let user = Arc::new(KnownUser {
            principal,
            me,
            reach,
        });
        self.insert(user_id, user.clone(), now, now);
        Ok(Some(user))
    }

    pub fn forget(&self, user_id: Uuid) {
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&user_id);
    }

    fn fresh(&self, user_id: Uuid, now: Instant) -> Option<Arc<KnownUser>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(&user_id)?;
        (now.duration_since(entry.checked_at) < self.ttl).then(|| entry.user.clone())
    }

    /// A description young enough to reuse if the user's row is unchanged.
    fn described(&self, user_id: Uuid, now: Instant) -> Option<(Arc<KnownUser>, Instant)> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let entry = entries.get(&user_id)?;
        (now.duration_since(entry.described_at) < DESCRIPTION_TTL)
            .then(|| (entry.user.clone(), entry.described_at))
    }

    fn insert(&self, user_id: Uuid, user: Arc<KnownUser>, now: Instant, described_at: Instant) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, entry| now.duration_since(entry.checked_at) < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        let entry = Entry {
            checked_at: now,
            described_at,
            user,
        };
        entries.insert(user_id, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oko_domain::{role::Role, scope::Scope};

    fn user(login: &str) -> Arc<KnownUser> {
        let id = Uuid::new_v4();
        Arc::new(KnownUser {
            principal: Principal {
                user_id: id,
                login: login.to_owned(),
                role: Role::Operator,
                scope: Scope::All,
            },
            me: Me {
                id,
                login: login.to_owned(),
                role: Role::Operator,
                role_title: Role::Operator.title_ru().to_owned(),
                display_name: "Федеральный оператор".to_owned(),
                region: None,
                municipality: None,
                organisation_id: None,
            },
            reach: Reach::Everything,
        })
    }

    #[test]
    fn entries_expire_after_the_ttl_and_can_be_forgotten() {
        let cache = UserCache::new(Duration::from_secs(5));
        let id = Uuid::new_v4();
        let start = Instant::now();
        cache.insert(id, user("admin"), start, start);
        assert!(cache.fresh(id, start + Duration::from_secs(4)).is_some());
        assert!(cache.fresh(id, start + Duration::from_secs(5)).is_none());
        cache.forget(id);
        assert!(cache.fresh(id, start).is_none());
    }

    #[test]
    fn a_checked_user_keeps_its_description_for_five_minutes() {
        let cache = UserCache::new(Duration::from_secs(5));
        let id = Uuid::new_v4();
        let start = Instant::now();
        cache.insert(id, user("sch240001"), start, start);
        let later = start + Duration::from_secs(6);
        assert!(cache.fresh(id, later).is_none(), "the row is read again");
        assert!(
            cache.described(id, later).is_some(),
            "the description is not"
        );
        assert!(cache.described(id, start + DESCRIPTION_TTL).is_none());
    }

    #[test]
    fn a_full_cache_drops_stale_entries_first() {
        let cache = UserCache::new(Duration::from_secs(5));
        let start = Instant::now();
        let old = Uuid::new_v4();
        cache.insert(old, user("old"), start, start);
        for _ in 1..MAX_ENTRIES {
            let later = start + Duration::from_secs(10);
            cache.insert(Uuid::new_v4(), user("x"), later, later);
        }
        let fresh = Uuid::new_v4();
        let later = start + Duration::from_secs(10);
        cache.insert(fresh, user("new"), later, later);
        assert!(cache.fresh(old, start).is_none());
        assert!(
            cache
                .fresh(fresh, start + Duration::from_secs(10))
                .is_some()
        );
        assert!(cache.entries.read().unwrap().len() <= MAX_ENTRIES);
    }
}
