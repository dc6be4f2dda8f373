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
    /// When the latest closing reminder («сбор закрывается через …») was
    /// announced: the next is due once its moment is later.
    pub closing_announced_at: Option<DateTimeUtc>,
    /// The work whose electronic protocol the collection gathers («Аналитика»):
    /// each submission becomes the organisation's results.
    pub assessment_work_id: Option<Uuid>,
    /// Hours before the deadline of the closing reminders, as the collection
    /// form shows them (`72, 24, 3`; the migration's default `24`).
    #[sea_orm(column_type = "Text")]
    pub reminder_hours: String,
    /// Which levels accept its submissions (`none`, `municipality`, `region`,
    /// `both`).
    #[sea_orm(column_type = "Text")]
    pub acceptance_levels: String,
}

impl Model {
    /// Its state at `now`: the window, unless the operator overrode it.
    pub fn state(&self, now: DateTimeUtc) -> oko_domain::collections::CollectionState {
        oko_domain::collections::CollectionState::at(
            self.opens_at,
            self.closes_at,
            self.overridden_state(),
            now,
        )
    }

    /// The operator's override of the window, if any.
    pub fn overridden_state(&self) -> Option<oko_domain::collections::CollectionState> {
        self.state_override
            .as_deref()
            .and_then(oko_domain::collections::CollectionState::parse)
    }

    /// Which levels accept its submissions.
    pub fn acceptance_levels(&self) -> oko_domain::acceptance::AcceptanceLevels {
        oko_domain::acceptance::AcceptanceLevels::parse(&self.acceptance_levels)
    }

    /// The closing reminders' hours, largest first.
    pub fn reminder_hours(&self) -> Vec<u32> {
        let mut hours: Vec<u32> = self
            .reminder_hours
            .split(',')
            .filter_map(|h| h.trim().parse().ok())
            .collect();
        hours.sort_unstable_by(|a, b| b.cmp(a));
        hours
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
