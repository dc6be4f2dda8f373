//! Reminders («Напомнить») as announcements with an audience: the statuses they
//! are for and the region or municipality they are limited to. Who reads one is
//! decided when it is read, as for the other announcements.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Announcements {
    Table,
    /// `not_started,in_progress,returned`; null for everyone.
    Statuses,
    RegionId,
    MunicipalityId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite adds no more at once.
        for column in [
            text_null(Announcements::Statuses),
            uuid_null(Announcements::RegionId),
            uuid_null(Announcements::MunicipalityId),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Announcements::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Announcements::Statuses,
            Announcements::RegionId,
            Announcements::MunicipalityId,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Announcements::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
