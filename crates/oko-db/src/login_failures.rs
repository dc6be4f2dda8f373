//! The login back-off's counters (`oko_domain::login_throttle`) in the database, so
//! that every instance sees the same ones: two instances must not double an
//! attacker's budget. A login reads its three counters in one query; only a failure
//! writes (and a success whose pair counter exists clears it).

use oko_domain::login_throttle::{Failures, forgotten_before};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, Set,
    sea_query::{Expr, OnConflict},
};

use crate::entities::login_failure::{self, Column};

/// The counters among `keys` that exist, by key.
pub async fn read(
    db: &impl ConnectionTrait,
    keys: &[String],
) -> Result<Vec<(String, Failures)>, DbErr> {
    Ok(login_failure::Entity::find()
        .filter(Column::CounterKey.is_in(keys.iter().cloned()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let failures = Failures {
                count: u32::try_from(row.failures).unwrap_or(0),
                last_ms: row.last_ms,
            };
            (row.counter_key, failures)
        })
        .collect())
}

/// One more failure at `now_ms` on each of `keys`: a forgotten counter starts
/// again at one (the rule of
/// `login_throttle::record_failure`, in one statement per key so that instances
/// failing at once never lose a count).
pub async fn record(db: &impl ConnectionTrait, keys: &[String], now_ms: i64) -> Result<(), DbErr> {
    let before = forgotten_before(now_ms);
    for key in keys {
        let first = login_failure::ActiveModel {
            counter_key: Set(key.clone()),
            failures: Set(1),
            last_ms: Set(now_ms),
        };
        let count = Expr::case(
            Expr::col((login_failure::Entity, Column::LastMs)).lt(before),
            1,
        )
        .finally(Expr::col((login_failure::Entity, Column::Failures)).add(1));
        login_failure::Entity::insert(first)
            .on_conflict(
                OnConflict::column(Column::CounterKey)
                    .value(Column::Failures, count)
                    .value(Column::LastMs, now_ms)
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Drops one counter (a successful login's own pair).
pub async fn clear(db: &impl ConnectionTrait, key: &str) -> Result<(), DbErr> {
    login_failure::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Drops the counters forgotten by `now_ms`.
pub async fn purge(db: &impl ConnectionTrait, now_ms: i64) -> Result<u64, DbErr> {
    Ok(login_failure::Entity::delete_many()
        .filter(Column::LastMs.lt(forgotten_before(now_ms)))
        .exec(db)
        .await?
        .rows_affected)
}
