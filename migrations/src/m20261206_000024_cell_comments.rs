//! Comments on cells (issue #25): a return for revision can point at cells
//! (`cell_comments`, one row each, with the organisation's answer); an
//! acceptance closes them (`closed_at`).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CellComments {
    Table,
    Id,
    CollectionId,
    OrganisationId,
    Sheet,
    Row,
    Column,
    Comment,
    Author,
    CreatedAt,
    Answer,
    AnsweredAt,
    AnsweredBy,
    ClosedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CellComments::Table)
                    .col(pk_uuid(CellComments::Id))
                    .col(uuid(CellComments::CollectionId))
                    .col(uuid(CellComments::OrganisationId))
                    .col(text(CellComments::Sheet))
                    .col(integer(CellComments::Row))
                    .col(text(CellComments::Column))
                    .col(text(CellComments::Comment))
                    .col(text(CellComments::Author))
                    .col(timestamp_with_time_zone(CellComments::CreatedAt))
                    .col(text_null(CellComments::Answer))
                    .col(timestamp_with_time_zone_null(CellComments::AnsweredAt))
                    .col(text_null(CellComments::AnsweredBy))
                    .col(timestamp_with_time_zone_null(CellComments::ClosedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_cell_comments_draft",
                CellComments::Table,
                vec![
                    CellComments::CollectionId.into_iden(),
                    CellComments::OrganisationId.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CellComments::Table).to_owned())
            .await
    }
}
