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
    /// `municipality` or `region`: the level that accepted the current
    /// submission (cleared when it is returned).
    #[sea_orm(column_type = "Text", nullable)]
    pub accepted_level: Option<String>,
    pub accepted_at: Option<DateTimeUtc>,
    /// Login of the coordinator who accepted it.
    #[sea_orm(column_type = "Text", nullable)]
    pub accepted_by: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub accept_comment: Option<String>,
    /// Explanations of unusual values in the current submission.
    pub explanations: i32,
}

impl Model {
    /// The draft's data.
    pub fn form_data(&self) -> Result<oko_domain::forms::FormData, DbErr> {
        super::stored_form_data(&self.data, "draft")
    }

    /// The level that accepted the current submission, if any.
    pub fn accepted(&self) -> Option<oko_domain::acceptance::AcceptanceLevel> {
        self.accepted_level
            .as_deref()
            .and_then(oko_domain::acceptance::AcceptanceLevel::parse)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
