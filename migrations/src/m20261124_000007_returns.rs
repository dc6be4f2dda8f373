//! Returns for revision: a coordinator sends a submission back with a comment.
//! `drafts.returned_at` / `returned_by` (the coordinator's login) /
//! `return_comment` hold the latest return (a draft is
//! «Возвращено на доработку» while it is newer than its last submission);
//! `draft_returns` keeps every return for the history.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Drafts {
    Table,
    ReturnedAt,
    ReturnedBy,
    ReturnComment,
}

#[derive(DeriveIden)]
enum DraftReturns {
    Table,
    Id,
    CollectionId,
    OrganisationId,
    ReturnedBy,
    ReturnedByLogin,
    Comment,
    ReturnedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per statement.
        for column in [
            timestamp_with_time_zone_null(Drafts::ReturnedAt),
            text_null(Drafts::ReturnedBy),
            text_null(Drafts::ReturnComment),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Drafts::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(DraftReturns::Table)
                    .col(pk_uuid(DraftReturns::Id))
                    .col(uuid(DraftReturns::CollectionId))
                    .col(uuid(DraftReturns::OrganisationId))
                    .col(uuid(DraftReturns::ReturnedBy))
                    .col(text(DraftReturns::ReturnedByLogin))
                    .col(text(DraftReturns::Comment))
                    .col(timestamp_with_time_zone(DraftReturns::ReturnedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_draft_returns_draft",
                DraftReturns::Table,
                vec![
                    DraftReturns::CollectionId.into_iden(),
                    DraftReturns::OrganisationId.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DraftReturns::Table).to_owned())
            .await?;
        for column in [
            Drafts::ReturnedAt,
            Drafts::ReturnedBy,
            Drafts::ReturnComment,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Drafts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
