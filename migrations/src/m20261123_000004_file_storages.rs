//! File storages of publications, their files, who downloaded what, and the report
//! jobs coordinators run over them.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Storages {
    Table,
    Id,
    PublicationId,
    Title,
    AvailableFrom,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum StoredFiles {
    Table,
    Id,
    StorageId,
    Kind,
    OrganisationId,
    Name,
    NameSearch,
    ContentType,
    Size,
    Crc32,
    StoreKey,
    CreatedAt,
}

/// One row per user and file: the first and the last download.
#[derive(DeriveIden)]
enum FileDownloads {
    Table,
    UserId,
    FileId,
    OrganisationId,
    FirstAt,
    LastAt,
    Count,
}

#[derive(DeriveIden)]
pub(crate) enum ReportJobs {
    Table,
    Id,
    UserId,
    StorageId,
    Status,
    FileName,
    StoreKey,
    Error,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum Publications {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Storages::Table)
                    .col(pk_uuid(Storages::Id))
                    .col(uuid(Storages::PublicationId))
                    .col(string(Storages::Title))
                    .col(timestamp_with_time_zone(Storages::AvailableFrom))
                    .col(integer(Storages::Position))
                    .col(timestamp_with_time_zone(Storages::CreatedAt))
                    .foreign_key(&mut fk(
                        (Storages::Table, Storages::PublicationId),
                        (Publications::Table, Publications::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_storages_publication",
                Storages::Table,
                vec![Storages::PublicationId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StoredFiles::Table)
                    .col(pk_uuid(StoredFiles::Id))
                    .col(uuid(StoredFiles::StorageId))
                    // common | organisations | personal
                    .col(string_len(StoredFiles::Kind, 16))
                    // Set for personal files only.
                    .col(uuid_null(StoredFiles::OrganisationId))
                    // The original name, shown and sent on download; never a path.
                    .col(string(StoredFiles::Name))
                    .col(string(StoredFiles::NameSearch))
                    .col(string(StoredFiles::ContentType))
                    .col(big_integer(StoredFiles::Size))
                    // Computed on upload, so «Скачать всё.zip» writes complete headers
                    // without reading each file twice.
                    .col(big_integer(StoredFiles::Crc32))
                    // Where the bytes are in the file store (generated, never the client's).
                    .col(string_uniq(StoredFiles::StoreKey))
                    .col(timestamp_with_time_zone(StoredFiles::CreatedAt))
                    .foreign_key(&mut fk(
                        (StoredFiles::Table, StoredFiles::StorageId),
                        (Storages::Table, Storages::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (StoredFiles::Table, StoredFiles::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_stored_files_storage_name",
                StoredFiles::Table,
                vec![
                    StoredFiles::StorageId.into_iden(),
                    StoredFiles::NameSearch.into_iden(),
                ],
            ))
            .await?;
        manager
            .create_index(index(
                "ix_stored_files_organisation",
                StoredFiles::Table,
                vec![StoredFiles::OrganisationId.into_iden()],
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FileDownloads::Table)
                    .col(uuid(FileDownloads::UserId))
                    .col(uuid(FileDownloads::FileId))
                    // The user's organisation, for the coordinators' report.
                    .col(uuid_null(FileDownloads::OrganisationId))
                    .col(timestamp_with_time_zone(FileDownloads::FirstAt))
                    .col(timestamp_with_time_zone(FileDownloads::LastAt))
                    .col(integer(FileDownloads::Count))
                    .primary_key(
                        Index::create()
                            .col(FileDownloads::UserId)
                            .col(FileDownloads::FileId),
                    )
                    .foreign_key(&mut fk(
                        (FileDownloads::Table, FileDownloads::UserId),
                        (Users::Table, Users::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (FileDownloads::Table, FileDownloads::FileId),
                        (StoredFiles::Table, StoredFiles::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_file_downloads_file",
                FileDownloads::Table,
                vec![
                    FileDownloads::FileId.into_iden(),
                    FileDownloads::OrganisationId.into_iden(),
                ],
            ))
            .await?;
        manager.create_table(report_jobs_table()).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReportJobs::Table.into_iden(),
            FileDownloads::Table.into_iden(),
            StoredFiles::Table.into_iden(),
            Storages::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// The storage reports' own job table, replaced by `jobs` (migration 8) and dropped
/// by migration 16, which builds it again when taken back.
pub(crate) fn report_jobs_table() -> TableCreateStatement {
    Table::create()
        .table(ReportJobs::Table)
        .col(pk_uuid(ReportJobs::Id))
        .col(uuid(ReportJobs::UserId))
        .col(uuid(ReportJobs::StorageId))
        // queued | running | ready | failed
        .col(string_len(ReportJobs::Status, 16))
        .col(string(ReportJobs::FileName))
        .col(string_null(ReportJobs::StoreKey))
        .col(text_null(ReportJobs::Error))
        .col(timestamp_with_time_zone(ReportJobs::CreatedAt))
        .col(timestamp_with_time_zone_null(ReportJobs::FinishedAt))
        .foreign_key(&mut fk(
            (ReportJobs::Table, ReportJobs::UserId),
            (Users::Table, Users::Id),
            ForeignKeyAction::Cascade,
        ))
        .foreign_key(&mut fk(
            (ReportJobs::Table, ReportJobs::StorageId),
            (Storages::Table, Storages::Id),
            ForeignKeyAction::Cascade,
        ))
        .to_owned()
}
