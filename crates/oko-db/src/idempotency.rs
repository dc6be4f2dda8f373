//! Requests sent with an `Idempotency-Key`: the first claims the key, its answer
//! is kept for a day, and a repeat (a double click, a retry after a lost answer,
//! on any instance) gets that answer instead of making a second thing.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set, sea_query::OnConflict,
};

use crate::entities::idempotency_key::{self, Column};

/// How long an answer is kept for a repeat.
pub const KEPT_MS: i64 = 24 * 3600 * 1000;

/// What a request with a key finds.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: run the request, then [`finish`] or [`release`].
    New,
    /// The first request with this key has not answered yet.
    Running,
    /// The first request's answer.
    Answered {
        status: u16,
        content_type: Option<String>,
        body: Vec<u8>,
    },
}

/// Claims `scope_key` for a request at `now_ms`, or tells what the first one did.
pub async fn claim(
    db: &impl ConnectionTrait,
    scope_key: &str,
    now_ms: i64,
) -> Result<Claim, DbErr> {
    let row = idempotency_key::ActiveModel {
        scope_key: Set(scope_key.to_owned()),
        status: Set(None),
        content_type: Set(None),
        body: Set(None),
        created_ms: Set(now_ms),
    };
    let inserted = idempotency_key::Entity::insert(row)
        .on_conflict(OnConflict::column(Column::ScopeKey).do_nothing().to_owned())
        .exec_without_returning(db)
        .await?;
    if inserted == 1 {
        return Ok(Claim::New);
    }
    let Some(first) = idempotency_key::Entity::find_by_id(scope_key.to_owned())
        .one(db)
        .await?
    else {
        // Released between the two statements: the first request failed.
        return Ok(Claim::Running);
    };
    Ok(match first.status {
        None => Claim::Running,
        Some(status) => Claim::Answered {
            status: u16::try_from(status).unwrap_or(500),
            content_type: first.content_type,
            body: first.body.unwrap_or_default(),
        },
    })
}

/// Keeps the first request's answer for its repeats.
pub async fn finish(
    db: &impl ConnectionTrait,
    scope_key: &str,
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
) -> Result<(), DbErr> {
    idempotency_key::Entity::update_many()
        .col_expr(Column::Status, i32::from(status).into())
        .col_expr(Column::ContentType, content_type.into())
        .col_expr(Column::Body, body.into())
        .filter(Column::ScopeKey.eq(scope_key))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives the key back (the request failed on the server's side: a repeat may
/// try again).
pub async fn release(db: &impl ConnectionTrait, scope_key: &str) -> Result<(), DbErr> {
    idempotency_key::Entity::delete_by_id(scope_key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}

/// Drops the answers older than a day.
pub async fn purge(db: &impl ConnectionTrait, now_ms: i64) -> Result<u64, DbErr> {
    Ok(idempotency_key::Entity::delete_many()
        .filter(Column::CreatedMs.lt(now_ms - KEPT_MS))
        .exec(db)
        .await?
        .rows_affected)
}
