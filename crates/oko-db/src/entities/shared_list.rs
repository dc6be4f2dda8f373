//! `shared_lists`: a list of values named once and taken by list columns of
//! any form.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shared_lists")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false, column_type = "Text")]
    pub name: String,
    /// The values, a JSON array of texts.
    #[sea_orm(column_type = "Text")]
    pub list_values: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
