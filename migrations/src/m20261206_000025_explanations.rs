//! Soft checks (issue #26): how many explanations of unusual values the
//! current submission of each draft holds (`drafts.explanations`, counted
//! when it is submitted), so coordinators filter «есть пояснения» without
//! reading any data.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Drafts {
    Table,
    Explanations,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Drafts::Table)
                    .add_column(integer(Drafts::Explanations).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Drafts::Table)
                    .drop_column(Drafts::Explanations)
                    .to_owned(),
            )
            .await
    }
}
