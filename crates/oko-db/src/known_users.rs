//! A cache of who a token's subject is. Every authenticated request needs the
//! user's role, scope and `Me` description; reading them from the database each time
//! costs several queries on the hottest path of deadline day. A user is described
//! once and reused for five minutes (so a renamed organisation shows by then); every
//! `OKO_AUTH_CACHE_SECONDS` (default 1) a task of its own reads `user_changes` and the
//! users blocked or unblocked since are dropped, so a blocked user's access tokens stop
//! within that time on every instance, and refresh tokens at once (they are always
//! checked in the database); the instance that made the change (`users::set_blocked`,
//! `users::set_password_hash`, `admin::close_organisation`) drops them as it commits.
//! A save then costs no query for its user. Every instance keeps its own copy;
//! nothing here is the only copy.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DbErr};

use crate::{
    principal::{self, Principal},
    reach::Reach,
    sync::{Locked, Recent},
    users,
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
    /// Unix milliseconds of the last password change: access tokens signed
    /// before it are refused.
    pub sessions_since_ms: Option<i64>,
}

/// Past this many entries the cache drops everything stale (and, if that is not
/// enough, everything): memory stays bounded under any token traffic
/// ([`Recent`]'s policy).
const MAX_ENTRIES: usize = 200_000;
/// How long a description (`Me`, reach) is reused.
const DESCRIPTION_TTL: Duration = Duration::from_secs(300);
/// How far back each poll of `user_changes` looks past the last change it saw:
/// covers a change committed late, or stamped by a clock a little behind.
const POLL_OVERLAP: chrono::Duration = chrono::Duration::seconds(5);

/// Users by id, each with the time it was described.
pub struct UserCache {
    /// How often `user_changes` is read; zero turns the cache off.
    ttl: Duration,
    entries: Recent<Uuid, Arc<KnownUser>>,
    poll: Mutex<Poll>,
}

/// From when `user_changes` is read next, and which changes of that window were
/// applied already.
struct Poll {
    /// When the previous read began: the next one reads from there, less
    /// [`POLL_OVERLAP`]. (It used to read from the latest change seen, less the
    /// overlap: after a burst — a coordinator's new passwords for a thousand
    /// schools — every poll read the burst again and dropped those users from
    /// the cache each second, for good.)
    read_from: DateTime<Utc>,
    /// Changes applied that the overlap reads again: applied once.
    applied: HashSet<(Uuid, DateTime<Utc>)>,
}

impl Poll {
    /// The lower bound of a read starting at `now`.
    fn window(&mut self, now: DateTime<Utc>) -> DateTime<Utc> {
        let since = self.read_from - POLL_OVERLAP;
        self.read_from = now;
        since
    }

    /// The users whose change read since `since` is news.
    fn news(&mut self, since: DateTime<Utc>, changes: Vec<(Uuid, DateTime<Utc>)>) -> Vec<Uuid> {
        self.applied.retain(|(_, at)| *at >= since);
        changes
            .into_iter()
            .filter(|change| self.applied.insert(*change))
            .map(|(user, _)| user)
            .collect()
    }
}

impl UserCache {
    /// A cache keeping entries for `ttl`; zero turns it off.
    pub fn new(ttl: Duration) -> UserCache {
        UserCache {
            ttl,
            entries: Recent::for_a_while(DESCRIPTION_TTL, MAX_ENTRIES),
            poll: Mutex::new(Poll {
                read_from: Utc::now(),
                applied: HashSet::new(),
            }),
        }
    }

    /// No cache, for the console's commands: they serve no requests, and the
    /// servers learn of their changes from `user_changes`.
    pub fn off() -> UserCache {
        UserCache::new(Duration::ZERO)
    }

    /// The live, unblocked user `user_id`, from the cache or the database.
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        user_id: Uuid,
    ) -> Result<Option<Arc<KnownUser>>, DbErr> {
        if let Some(user) = self.fresh(user_id) {
            return Ok(Some(user));
        }
        let Some((principal, row)) = principal::load_with_user(db, user_id).await? else {
            self.forget(user_id);
            return Ok(None);
        };
        let sessions_since_ms = row.sessions_since.map(|at| at.timestamp_millis());
        let me = principal::describe(db, &principal, row).await?;
        // A place that is gone (e.g. a deleted organisation) ends the session.
        let Some(reach) = Reach::of(db, principal.scope).await? else {
            return Ok(None);
        };
        let user = Arc::new(KnownUser {
            principal,
            me,
            reach,
            sessions_since_ms,
        });
        self.insert(user_id, user.clone());
        Ok(Some(user))
    }

    /// Reads `user_changes` every `ttl`, for good, dropping the users whose
    /// access changed: a task of its own (spawned at start), so no request waits
    /// for it. One request a second used to do it inline, and on PostgreSQL with
    /// the server's cores saturated that round trip took 0.5–5 s: that request's
    /// latency was `GET /api/me`'s p99 jump of issue #24.
    pub async fn follow_changes(&self, db: &DatabaseConnection) {
        if self.ttl.is_zero() {
            return;
        }
        let mut tick = tokio::time::interval(self.ttl);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(error) = self.drop_changed(db).await {
                tracing::warn!(%error, "could not read the users' changes");
            }
        }
    }

    /// Drops the users whose access changed since the last read.
    async fn drop_changed(&self, db: &DatabaseConnection) -> Result<(), DbErr> {
        let since = self.poll.locked().window(Utc::now());
        let changed = users::changed_since(db, since).await?;
        let news = self.poll.locked().news(since, changed);
        for user_id in news {
            self.forget(user_id);
        }
        Ok(())
    }

    /// Drops `user_id`: its access changed.
    pub(crate) fn forget(&self, user_id: Uuid) {
        self.entries.forget(&user_id);
    }

    fn fresh(&self, user_id: Uuid) -> Option<Arc<KnownUser>> {
        if self.ttl.is_zero() {
            return None;
        }
        self.entries.get(&user_id)
    }

    fn insert(&self, user_id: Uuid, user: Arc<KnownUser>) {
        if !self.ttl.is_zero() {
            self.entries.put(user_id, user);
        }
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
            sessions_since_ms: None,
        })
    }

    #[test]
    fn a_description_is_reused_until_forgotten_and_never_with_the_cache_off() {
        // (How long it lives and how the cache stays bounded: `Recent`'s tests.)
        let cache = UserCache::new(Duration::from_secs(1));
        let id = Uuid::new_v4();
        cache.insert(id, user("admin"));
        assert!(cache.fresh(id).is_some());
        cache.forget(id);
        assert!(cache.fresh(id).is_none());
        let off = UserCache::new(Duration::ZERO);
        off.insert(id, user("admin"));
        assert!(off.fresh(id).is_none());
    }

    #[test]
    fn a_burst_of_changes_drops_its_users_once_and_the_window_moves_on() {
        let start = Utc::now();
        let mut poll = Poll {
            read_from: start,
            applied: HashSet::new(),
        };
        let burst: Vec<(Uuid, DateTime<Utc>)> =
            (0..1000).map(|_| (Uuid::new_v4(), start)).collect();
        let second = chrono::Duration::seconds(1);
        let since = poll.window(start + second);
        assert_eq!(since, start - POLL_OVERLAP);
        assert_eq!(poll.news(since, burst.clone()).len(), 1000);
        // The next polls' overlap reads the burst again: nothing is news.
        let since = poll.window(start + second * 2);
        assert_eq!(since, start + second - POLL_OVERLAP);
        assert!(poll.news(since, burst.clone()).is_empty());
        let late = (Uuid::new_v4(), start + second);
        assert_eq!(
            poll.news(since, vec![late]),
            [late.0],
            "a change within the overlap"
        );
        // Past the overlap the window no longer holds the burst, nor remembers it.
        let since = poll.window(start + second * 10);
        let since = poll.window(start + second * 11).max(since);
        assert!(since > start + second);
        assert!(poll.news(since, Vec::new()).is_empty());
        assert!(poll.applied.is_empty(), "{}", poll.applied.len());
    }
}
