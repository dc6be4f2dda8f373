//! `login_failures`: the login back-off's counters, shared by every instance (kept
//! in each process before, so N instances gave an attacker N times the budget).

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    CounterKey,
    Failures,
    LastMs,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(text(LoginFailures::CounterKey).primary_key())
                    .col(integer(LoginFailures::Failures))
                    .col(big_integer(LoginFailures::LastMs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_login_failures_last_ms",
                LoginFailures::Table,
                vec![LoginFailures::LastMs.into_iden()],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}
