//! `announcements`: one notice for a collection's whole audience (see
//! `announcements.rs`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "announcements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub collection_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub kind: String,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub link: Option<String>,
    /// Only organisations that have not submitted see it.
    pub only_unsubmitted: bool,
    pub created_at: DateTimeUtc,
    /// A reminder's: only organisations in these statuses see it
    /// (`not_started,in_progress,returned`).
    #[sea_orm(column_type = "Text", nullable)]
    pub statuses: Option<String>,
    /// Only organisations of this region see it.
    pub region_id: Option<Uuid>,
    /// Only organisations of this municipality see it.
    pub municipality_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
