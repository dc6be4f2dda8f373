//! Refresh tokens, stored as SHA-256 hashes: a copy of the table gives nobody a session.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::refresh_token;

/// Remembers a newly issued token.
pub async fn store(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<(), DbErr> {
    refresh_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        token_hash: Set(token_hash.to_owned()),
        created_at: Set(Utc::now()),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// How long after a token was spent a second use still counts as two tabs of one
/// browser refreshing at once (the loser retries with the winner's cookie), not
/// as a stolen copy replayed.
pub const REPLAY_GRACE_SECONDS: i64 = 30;

/// Spends a token: if it is live, marks it revoked and returns its user. The update is
/// conditional, so two requests racing with one token cannot both succeed. A token
/// spent earlier than [`REPLAY_GRACE_SECONDS`] ago that comes back was copied: the
/// whole chain it belongs to — every live refresh token of its user — is revoked,
/// so the thief's rotated copy dies with it.
#[tracing::instrument(skip_all)]
pub async fn consume(
    db: &impl ConnectionTrait,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    let Some(token) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let spent = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::Id.eq(token.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::ExpiresAt.gt(now))
        .exec(db)
        .await?;
    if spent.rows_affected == 1 {
        return Ok(Some(token.user_id));
    }
    if token
        .revoked_at
        .is_some_and(|at| now - at > chrono::Duration::seconds(REPLAY_GRACE_SECONDS))
    {
        tracing::warn!(user_id = %token.user_id, "a spent refresh token came back: the user's sessions are revoked");
        revoke_all_for_user(db, token.user_id).await?;
    }
    Ok(None)
}

/// Revokes one token (logout). Unknown or already revoked tokens are ignored.
pub async fn revoke(db: &impl ConnectionTrait, token_hash: &str) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Revokes every live token of a user (password change, blocking).
pub async fn revoke_all_for_user(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), DbErr> {
    refresh_token::Entity::update_many()
        .col_expr(
            refresh_token::Column::RevokedAt,
            Expr::value(Some(Utc::now())),
        )
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
