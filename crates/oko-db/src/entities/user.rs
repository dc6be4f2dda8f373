//! `users`: accounts of every role.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub login: String,
    pub password_hash: String,
    pub role: String,
    pub display_name: String,
    pub region_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
    pub blocked: bool,
    pub created_at: DateTimeUtc,
    /// Access tokens issued before this are refused (a password change or reset).
    pub sessions_since: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
