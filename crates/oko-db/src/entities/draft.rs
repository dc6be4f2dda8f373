//! `drafts`: an organisation's working copy of a collection's form.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub collection_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub data: String,
    pub version: i32,
    /// JSON list of the latest client change ids.
    #[sea_orm(column_type = "Text")]
    pub recent_change_ids: String,
    pub started_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub updated_by: Uuid,
    pub first_submitted_at: Option<DateTimeUtc>,
    pub last_submitted_at: Option<DateTimeUtc>,
    /// The latest return for revision; the draft is returned while it is newer
    /// than `last_submitted_at`.
    pub returned_at: Option<DateTimeUtc>,
    /// Login of the coordinator who returned it.
    #[sea_orm(column_type = "Text", nullable)]
    pub returned_by: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub return_comment: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
