//! File cells (issue #26): `form_attachments`, a file an organisation attached
//! to its draft of a collection (a scan of a signed protocol). The bytes are in
//! the file store like a storage file's; a cell of the draft refers to the row.
//! Rows are never changed: a replaced file is a new row, and a submission that
//! referred to the old one still finds it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum FormAttachments {
    Table,
    Id,
    CollectionId,
    OrganisationId,
    Name,
    ContentType,
    Size,
    Crc32,
    StoreKey,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(FormAttachments::Table)
                    .col(uuid(FormAttachments::Id).primary_key())
                    .col(uuid(FormAttachments::CollectionId))
                    .col(uuid(FormAttachments::OrganisationId))
                    .col(text(FormAttachments::Name))
                    .col(text(FormAttachments::ContentType))
                    .col(big_integer(FormAttachments::Size))
                    .col(big_integer(FormAttachments::Crc32))
                    .col(text(FormAttachments::StoreKey))
                    .col(uuid(FormAttachments::CreatedBy))
                    .col(timestamp_with_time_zone(FormAttachments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("form_attachments_of_organisation")
                    .table(FormAttachments::Table)
                    .col(FormAttachments::CollectionId)
                    .col(FormAttachments::OrganisationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(FormAttachments::Table).to_owned())
            .await
    }
}
