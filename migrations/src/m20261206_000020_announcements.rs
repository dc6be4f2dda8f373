//! `announcements`: a notice for a whole audience (a collection's opening, its
//! closing in a day) kept as one row that each of its readers reads, instead of
//! one notification per account (≈ 91,000 rows written at once for a country,
//! which held the database away from everyone else's requests for seconds), and
//! `announcement_reads`: who marked one read.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Announcements {
    Table,
    Id,
    CollectionId,
    Kind,
    Title,
    Body,
    Link,
    OnlyUnsubmitted,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AnnouncementReads {
    Table,
    AnnouncementId,
    UserId,
    ReadAt,
}

#[derive(DeriveIden)]
enum Collections {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Announcements::Table)
                    .col(pk_uuid(Announcements::Id))
                    .col(uuid(Announcements::CollectionId))
                    .col(text(Announcements::Kind))
                    .col(text(Announcements::Title))
                    .col(text(Announcements::Body))
                    .col(text_null(Announcements::Link))
                    .col(boolean(Announcements::OnlyUnsubmitted))
                    .col(timestamp_with_time_zone(Announcements::CreatedAt))
                    .foreign_key(&mut fk(
                        (Announcements::Table, Announcements::CollectionId),
                        (Collections::Table, Collections::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_announcements_created",
                Announcements::Table,
                vec![Announcements::CreatedAt.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AnnouncementReads::Table)
                    .col(uuid(AnnouncementReads::AnnouncementId))
                    .col(uuid(AnnouncementReads::UserId))
                    .col(timestamp_with_time_zone(AnnouncementReads::ReadAt))
                    .primary_key(
                        Index::create()
                            .col(AnnouncementReads::AnnouncementId)
                            .col(AnnouncementReads::UserId),
                    )
                    .foreign_key(&mut fk(
                        (AnnouncementReads::Table, AnnouncementReads::AnnouncementId),
                        (Announcements::Table, Announcements::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AnnouncementReads::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Announcements::Table).to_owned())
            .await
    }
}
