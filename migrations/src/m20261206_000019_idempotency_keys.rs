//! `idempotency_keys`: answers to requests sent with an `Idempotency-Key`, so a
//! creating request repeated (a double click, a retry after a lost answer, on any
//! instance) makes one thing and gets the first answer again.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    ScopeKey,
    Status,
    ContentType,
    Body,
    CreatedMs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(text(IdempotencyKeys::ScopeKey).primary_key())
                    .col(integer_null(IdempotencyKeys::Status))
                    .col(text_null(IdempotencyKeys::ContentType))
                    .col(blob_null(IdempotencyKeys::Body))
                    .col(big_integer(IdempotencyKeys::CreatedMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_idempotency_keys_created_ms",
                IdempotencyKeys::Table,
                vec![IdempotencyKeys::CreatedMs.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await
    }
}
