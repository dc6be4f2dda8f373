//! `collections`: a publication's data-collection block.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "collections")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub publication_id: Uuid,
    pub form_version_id: Uuid,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    /// `open` or `closed` when the operator overrode the clock.
    pub state_override: Option<String>,
    pub created_at: DateTimeUtc,
    /// When «сбор открыт» was announced (once per window).
    pub opening_announced_at: Option<DateTimeUtc>,
    /// When «сбор закрывается через 24 часа» was announced.
    pub closing_announced_at: Option<DateTimeUtc>,
    /// The work whose electronic protocol the collection gathers («Аналитика»):
    /// each submission becomes the organisation's results.
    pub assessment_work_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
