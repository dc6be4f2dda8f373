//! `draft_returns`: every return of a submission for revision, for the history.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "draft_returns")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub returned_by: Uuid,
    #[sea_orm(column_type = "Text")]
    pub returned_by_login: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    pub returned_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
