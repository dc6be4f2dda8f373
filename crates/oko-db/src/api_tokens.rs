//! Personal API tokens in the database: made, listed, revoked, and looked up by
//! the hash of the secret a request presents.

use chrono::{DateTime, Duration, Utc};
use oko_domain::api_tokens::ApiTokenView;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::api_token;

/// How stale `last_used_at` may get before a request writes it again.
const LAST_USED_PRECISION: Duration = Duration::minutes(1);

/// Stores a new token of `user_id` (its secret's `hash` and shown `prefix`).
pub async fn create(
    db: &DatabaseConnection,
    user_id: Uuid,
    name: &str,
    hash: &str,
    prefix: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<api_token::Model, DbErr> {
    api_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        name: Set(name.to_owned()),
        token_hash: Set(hash.to_owned()),
        prefix: Set(prefix.to_owned()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        last_used_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
}

/// The user's tokens, newest first.
pub async fn list(db: &DatabaseConnection, user_id: Uuid) -> Result<Vec<api_token::Model>, DbErr> {
    api_token::Entity::find()
        .filter(api_token::Column::UserId.eq(user_id))
        .order_by_desc(api_token::Column::CreatedAt)
        .all(db)
        .await
}

/// Revokes the user's token `id`; false when there is no such live token.
pub async fn revoke(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(id))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

/// Revokes every live token of a user (a password reset: the old password may
/// have been used to make them).
pub async fn revoke_all_for_user(
    db: &impl sea_orm::ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::UserId.eq(user_id))
        .filter(api_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The user a live (not revoked, not expired) token with this hash acts as; notes
/// the use.
pub async fn user_of(
    db: &DatabaseConnection,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, DbErr> {
    let Some(token) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash))
        .filter(api_token::Column::RevokedAt.is_null())
        .filter(api_token::Column::ExpiresAt.gt(now))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if token
        .last_used_at
        .is_none_or(|at| now - at > LAST_USED_PRECISION)
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(db)
            .await?;
    }
    Ok(Some(token.user_id))
}

/// The API view of a token.
pub fn describe(token: &api_token::Model) -> ApiTokenView {
    ApiTokenView {
        id: token.id,
        name: token.name.clone(),
        prefix: token.prefix.clone(),
        created_at: token.created_at,
        expires_at: token.expires_at,
        last_used_at: token.last_used_at,
        revoked: token.revoked_at.is_some(),
    }
}
