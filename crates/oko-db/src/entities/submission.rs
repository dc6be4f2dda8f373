//! `submissions`: immutable snapshots of a draft, the latest of which counts.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "submissions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub draft_version: i32,
    pub submitted_at: DateTimeUtc,
    pub submitted_by: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The data as it was submitted.
    pub fn form_data(&self) -> Result<oko_domain::forms::FormData, DbErr> {
        super::stored_form_data(&self.data, "submission")
    }
}
