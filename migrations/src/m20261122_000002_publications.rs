//! Sections and publications: who they reach (audience), and each user's stars and
//! read marks.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sections {
    Table,
    Id,
    Title,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Publications {
    Table,
    Id,
    SectionId,
    Title,
    TitleSearch,
    BodyMarkdown,
    BodyHtml,
    PublishedOn,
    VisibleFrom,
    IsNews,
    ForEveryone,
    CreatedAt,
    UpdatedAt,
}

/// One row per audience target: an organisation kind, a region or an organisation.
/// Exactly one of the three target columns is set.
#[derive(DeriveIden)]
enum PublicationAudience {
    Table,
    Id,
    PublicationId,
    OrgKind,
    RegionId,
    OrganisationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum PublicationStars {
    Table,
    UserId,
    PublicationId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum PublicationReads {
    Table,
    UserId,
    PublicationId,
    ReadAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

/// A user's mark on a publication (star or read), one per pair.
fn mark_table(
    table: impl IntoIden + Copy,
    user: impl IntoIden + Copy,
    publication: impl IntoIden + Copy,
    at: impl IntoIden,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(uuid(user))
        .col(uuid(publication))
        .col(timestamp_with_time_zone(at))
        .primary_key(Index::create().col(user).col(publication))
        .foreign_key(&mut fk(
            (table, user),
            (Users::Table, Users::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            (table, publication),
            (Publications::Table, Publications::Id),
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sections::Table)
                    .col(pk_uuid(Sections::Id))
                    .col(string_uniq(Sections::Title))
                    .col(integer(Sections::Position))
                    .col(timestamp_with_time_zone(Sections::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Publications::Table)
                    .col(pk_uuid(Publications::Id))
                    .col(uuid(Publications::SectionId))
                    .col(string(Publications::Title))
                    // Lower-cased title with ё → е: Russian search on both databases.
                    .col(string(Publications::TitleSearch))
                    .col(text(Publications::BodyMarkdown))
                    // Rendered and sanitised once, on save.
                    .col(text(Publications::BodyHtml))
                    .col(timestamp_with_time_zone(Publications::PublishedOn))
                    .col(timestamp_with_time_zone(Publications::VisibleFrom))
                    .col(boolean(Publications::IsNews).default(false))
                    .col(boolean(Publications::ForEveryone).default(false))
                    .col(timestamp_with_time_zone(Publications::CreatedAt))
                    .col(timestamp_with_time_zone(Publications::UpdatedAt))
                    .foreign_key(&mut fk(
                        (Publications::Table, Publications::SectionId),
                        (Sections::Table, Sections::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_publications_section_published",
                Publications::Table,
                vec![
                    Publications::SectionId.into_iden(),
                    Publications::PublishedOn.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PublicationAudience::Table)
                    .col(pk_uuid(PublicationAudience::Id))
                    .col(uuid(PublicationAudience::PublicationId))
                    .col(string_len_null(PublicationAudience::OrgKind, 16))
                    .col(uuid_null(PublicationAudience::RegionId))
                    .col(uuid_null(PublicationAudience::OrganisationId))
                    .foreign_key(&mut fk(
                        (
                            PublicationAudience::Table,
                            PublicationAudience::PublicationId,
                        ),
                        (Publications::Table, Publications::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (PublicationAudience::Table, PublicationAudience::RegionId),
                        (Regions::Table, Regions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        (
                            PublicationAudience::Table,
                            PublicationAudience::OrganisationId,
                        ),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_publication_audience_publication",
                PublicationAudience::Table,
                vec![PublicationAudience::PublicationId.into_iden()],
            ))
            .await?;
        manager
            .create_table(mark_table(
                PublicationStars::Table,
                PublicationStars::UserId,
                PublicationStars::PublicationId,
                PublicationStars::CreatedAt,
            ))
            .await?;
        manager
            .create_table(mark_table(
                PublicationReads::Table,
                PublicationReads::UserId,
                PublicationReads::PublicationId,
                PublicationReads::ReadAt,
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PublicationReads::Table.into_iden(),
            PublicationStars::Table.into_iden(),
            PublicationAudience::Table.into_iden(),
            Publications::Table.into_iden(),
            Sections::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
