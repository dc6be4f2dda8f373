//! Acceptance (issue #25): which levels accept a collection's submissions
//! (`collections.acceptance_levels`: `none`, `municipality`, `region`, `both`;
//! every existing collection had none) and where each draft's current
//! submission stands (`drafts.accepted_level`, `accepted_at`, `accepted_by`,
//! `accept_comment`; cleared when it is returned).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Collections {
    Table,
    AcceptanceLevels,
}

#[derive(DeriveIden)]
enum Drafts {
    Table,
    AcceptedLevel,
    AcceptedAt,
    AcceptedBy,
    AcceptComment,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collections::Table)
                    .add_column(text(Collections::AcceptanceLevels).default("none"))
                    .to_owned(),
            )
            .await?;
        // One column a statement: SQLite adds no more at once.
        for column in [
            text_null(Drafts::AcceptedLevel),
            timestamp_with_time_zone_null(Drafts::AcceptedAt),
            text_null(Drafts::AcceptedBy),
            text_null(Drafts::AcceptComment),
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
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Drafts::AcceptedLevel,
            Drafts::AcceptedAt,
            Drafts::AcceptedBy,
            Drafts::AcceptComment,
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
        manager
            .alter_table(
                Table::alter()
                    .table(Collections::Table)
                    .drop_column(Collections::AcceptanceLevels)
                    .to_owned(),
            )
            .await
    }
}
