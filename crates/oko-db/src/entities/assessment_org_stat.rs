//! `assessment_org_stats`: an organisation's statistics in one work (the JSON of
//! `oko_domain::analytics::UnitStats`), rewritten whenever its results change.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_org_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub work_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    pub participants: i32,
    #[sea_orm(column_type = "Text")]
    pub stats: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
