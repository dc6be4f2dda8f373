//! `notifications`: «Уведомления» per user (report ready, returned for revision,
//! collection opened / closing in 24 hours); and the collections' marks that their
//! opening and closing were announced once.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Kind,
    Title,
    Body,
    Link,
    CreatedAt,
    ReadAt,
}

#[derive(DeriveIden)]
enum Collections {
    Table,
    OpeningAnnouncedAt,
    ClosingAnnouncedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .col(pk_uuid(Notifications::Id))
                    .col(uuid(Notifications::UserId))
                    .col(text(Notifications::Kind))
                    .col(text(Notifications::Title))
                    .col(text(Notifications::Body))
                    .col(text_null(Notifications::Link))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(timestamp_with_time_zone_null(Notifications::ReadAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_notifications_user_created",
                Notifications::Table,
                vec![
                    Notifications::UserId.into_iden(),
                    Notifications::CreatedAt.into_iden(),
                ],
            ))
            .await?;
        for column in [
            Collections::OpeningAnnouncedAt,
            Collections::ClosingAnnouncedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Collections::Table)
                        .add_column(timestamp_with_time_zone_null(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await?;
        for column in [
            Collections::OpeningAnnouncedAt,
            Collections::ClosingAnnouncedAt,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Collections::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
