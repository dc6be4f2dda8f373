//! Lists shared between forms (issue #26): `shared_lists`, one row per named
//! list («Общие списки»), its values as a JSON array. Forms copy a shared
//! list's values in when they are saved, so nothing else refers to it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SharedLists {
    Table,
    Name,
    ListValues,
    UpdatedAt,
    UpdatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SharedLists::Table)
                    .col(text(SharedLists::Name).primary_key())
                    .col(text(SharedLists::ListValues))
                    .col(timestamp_with_time_zone(SharedLists::UpdatedAt))
                    .col(uuid(SharedLists::UpdatedBy))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SharedLists::Table).to_owned())
            .await
    }
}
