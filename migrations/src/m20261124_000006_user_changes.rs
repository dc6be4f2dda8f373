//! `user_changes`: when an account's access changed (blocked or unblocked). Every
//! instance polls it to drop such users from its in-memory cache, so a save on
//! deadline day needs no query to re-check its user, and a blocked user's access
//! tokens stop within the poll interval everywhere.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserChanges {
    Table,
    Id,
    UserId,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UserChanges::Table)
                    .col(pk_uuid(UserChanges::Id))
                    .col(uuid(UserChanges::UserId))
                    .col(timestamp_with_time_zone(UserChanges::ChangedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_user_changes_changed_at",
                UserChanges::Table,
                vec![UserChanges::ChangedAt.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UserChanges::Table).to_owned())
            .await
    }
}
