//! A short-lived cache of who a token's subject is. Every authenticated request needs
//! the user's role, scope and `Me` description; reading them from the database each
//! time costs several queries on the hottest path of deadline day. Entries live for
//! `OKO_AUTH_CACHE_SECONDS` (default 5): blocking or moving a user reaches access
//! tokens within that time, and refresh tokens at once (they are always checked in
//! the database). Every instance keeps its own copy; nothing here is the only copy.

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

/// Users by id, each with the time it was read.
pub struct UserCache {
    ttl: Duration,
    entries: RwLock<HashMap<Uuid, (Instant, Arc<KnownUser>)>>,
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
        if let Some(user) = self.fresh(user_id, Instant::now()) {
            return Ok(Some(user));
        }
        let Some((principal, row)) = principal::load_with_user(db, user_id).await? else {
            self.forget(user_id);
            return Ok(None);
        };
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
        if !self.ttl.is_zero() {
            self.insert(user_id, user.clone(), Instant::now());
        }
        Ok(Some(user))
    }

    /// Drops a user, e.g. after this instance changed or blocked them.
    pub fn forget(&self, user_id: Uuid) {
        self.entries
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&user_id);
    }

    fn fresh(&self, user_id: Uuid, now: Instant) -> Option<Arc<KnownUser>> {
        let entries = self.entries.read().unwrap_or_else(|p| p.into_inner());
        let (read_at, user) = entries.get(&user_id)?;
        (now.duration_since(*read_at) < self.ttl).then(|| user.clone())
    }

    fn insert(&self, user_id: Uuid, user: Arc<KnownUser>, now: Instant) {
        let mut entries = self.entries.write().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (read_at, _)| now.duration_since(*read_at) < self.ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(user_id, (now, user));
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
        cache.insert(id, user("admin"), start);
        assert!(cache.fresh(id, start + Duration::from_secs(4)).is_some());
        assert!(cache.fresh(id, start + Duration::from_secs(5)).is_none());
        cache.forget(id);
        assert!(cache.fresh(id, start).is_none());
    }

    #[test]
    fn a_full_cache_drops_stale_entries_first() {
        let cache = UserCache::new(Duration::from_secs(5));
        let start = Instant::now();
        let old = Uuid::new_v4();
        cache.insert(old, user("old"), start);
        for _ in 1..MAX_ENTRIES {
            cache.insert(Uuid::new_v4(), user("x"), start + Duration::from_secs(10));
        }
        let fresh = Uuid::new_v4();
        cache.insert(fresh, user("new"), start + Duration::from_secs(10));
        assert!(cache.fresh(old, start).is_none());
        assert!(
            cache
                .fresh(fresh, start + Duration::from_secs(10))
                .is_some()
        );
        assert!(cache.entries.read().unwrap().len() <= MAX_ENTRIES);
    }
}
