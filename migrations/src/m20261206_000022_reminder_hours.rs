//! A collection's closing reminders: `reminder_hours` (`72,24,3`) before the
//! deadline, «Сбор данных закрывается через …» to those who have not submitted.
//! Every collection so far had one, a day before: that is the default. Which
//! was sent last stays in `closing_announced_at` (a reminder is due when its
//! moment is later than that).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Collections {
    Table,
    ReminderHours,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collections::Table)
                    .add_column(text(Collections::ReminderHours).default("24"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collections::Table)
                    .drop_column(Collections::ReminderHours)
                    .to_owned(),
            )
            .await
    }
}
