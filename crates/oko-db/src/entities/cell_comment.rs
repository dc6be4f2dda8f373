//! `cell_comments`: a coordinator's comment on one cell of a returned form,
//! with the organisation's answer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cell_comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub sheet: String,
    pub row: i32,
    #[sea_orm(column_type = "Text")]
    pub column: String,
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    /// Login of the coordinator.
    #[sea_orm(column_type = "Text")]
    pub author: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    pub answered_at: Option<DateTimeUtc>,
    /// Login of the organisation's user who answered.
    #[sea_orm(column_type = "Text", nullable)]
    pub answered_by: Option<String>,
    /// When an acceptance closed it.
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
