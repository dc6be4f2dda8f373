//! An index on `publications.updated_at`: every request reads the publications'
//! version (count and latest change) to know whether its in-memory board is current.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Publications {
    Table,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_publications_updated_at")
                    .table(Publications::Table)
                    .col(Publications::UpdatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_publications_updated_at")
                    .table(Publications::Table)
                    .to_owned(),
            )
            .await
    }
}
