//! `publication_audience`: one target of a publication (a kind, a region or an
//! organisation); exactly one of the three columns is set.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publication_audience")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub publication_id: Uuid,
    pub org_kind: Option<String>,
    pub region_id: Option<Uuid>,
    pub organisation_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
