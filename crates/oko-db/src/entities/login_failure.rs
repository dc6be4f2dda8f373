//! `login_failures`: one counter of the login back-off (see `login_failures`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_failures")]
pub struct Model {
    /// `pair:<login> <address>`, `address:<address>` or `login:<login>`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub counter_key: String,
    pub failures: i32,
    /// Unix milliseconds of the last failure.
    pub last_ms: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
