//! `jobs`: background work (exports, reports) that survives restarts. A job is
//! claimed with a lease (`lease_owner`, `lease_until`) by one `oko` instance at a
//! time; a running job whose lease ran out (its instance died) is claimed again.
//! `number` is the «Отчёт #446» people see.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Number,
    Kind,
    Params,
    UserId,
    Title,
    Status,
    Progress,
    LeaseOwner,
    LeaseUntil,
    Attempts,
    FileName,
    ContentType,
    StoreKey,
    Error,
    CreatedAt,
    StartedAt,
    FinishedAt,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(pk_uuid(Jobs::Id))
                    .col(big_integer_uniq(Jobs::Number))
                    .col(text(Jobs::Kind))
                    .col(text(Jobs::Params))
                    .col(uuid(Jobs::UserId))
                    .col(text(Jobs::Title))
                    .col(text(Jobs::Status))
                    .col(integer(Jobs::Progress).default(0))
                    .col(text_null(Jobs::LeaseOwner))
                    .col(timestamp_with_time_zone_null(Jobs::LeaseUntil))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(text(Jobs::FileName))
                    .col(text(Jobs::ContentType))
                    .col(text_null(Jobs::StoreKey))
                    .col(text_null(Jobs::Error))
                    .col(timestamp_with_time_zone(Jobs::CreatedAt))
                    .col(timestamp_with_time_zone_null(Jobs::StartedAt))
                    .col(timestamp_with_time_zone_null(Jobs::FinishedAt))
                    .col(timestamp_with_time_zone_null(Jobs::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_jobs_status_created",
                vec![Jobs::Status.into_iden(), Jobs::CreatedAt.into_iden()],
            ),
            (
                "ix_jobs_user_created",
                vec![Jobs::UserId.into_iden(), Jobs::CreatedAt.into_iden()],
            ),
        ] {
            manager
                .create_index(index(name, Jobs::Table, columns))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
