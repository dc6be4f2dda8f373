//! `organisations`: schools, colleges and other educational organisations.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub region_id: Uuid,
    pub municipality_id: Uuid,
    pub kind: String,
    pub code: i32,
    pub login: String,
    pub name: String,
    pub short_name: String,
    pub search_text: String,
    /// When the organisation closed (out of counts and lists since).
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
