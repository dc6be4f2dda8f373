//! `idempotency_keys`: the answer to one request sent with an `Idempotency-Key`
//! (see `idempotency`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idempotency_keys")]
pub struct Model {
    /// `<user id> <method> <path> <key>`: a key means something only for its
    /// user and its request.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_key: String,
    /// The answer's status; `None` while the first request runs.
    pub status: Option<i32>,
    pub content_type: Option<String>,
    pub body: Option<Vec<u8>>,
    /// Unix milliseconds when the first request came.
    pub created_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
