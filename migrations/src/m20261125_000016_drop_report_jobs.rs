//! Drops `report_jobs`: storage reports run on the general `jobs` queue since
//! migration 8 and nothing reads or writes this table any more.

use sea_orm_migration::prelude::*;

use crate::m20261123_000004_file_storages::{ReportJobs, report_jobs_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ReportJobs::Table)
                    .if_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(report_jobs_table()).await
    }
}
