//! «Паспорт»: an organisation's address, head and contacts beside its registry
//! row, and the history of every change to the passport.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OrganisationProfiles {
    Table,
    OrganisationId,
    Address,
    Head,
    ContactPerson,
    Phone,
    Email,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PassportChanges {
    Table,
    Id,
    OrganisationId,
    At,
    ChangedBy,
    Field,
    OldValue,
    NewValue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(OrganisationProfiles::Table)
                    .col(pk_uuid(OrganisationProfiles::OrganisationId))
                    .col(text(OrganisationProfiles::Address))
                    .col(text(OrganisationProfiles::Head))
                    .col(text(OrganisationProfiles::ContactPerson))
                    .col(text(OrganisationProfiles::Phone))
                    .col(text(OrganisationProfiles::Email))
                    .col(timestamp_with_time_zone(OrganisationProfiles::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PassportChanges::Table)
                    .col(pk_uuid(PassportChanges::Id))
                    .col(uuid(PassportChanges::OrganisationId))
                    .col(timestamp_with_time_zone(PassportChanges::At))
                    .col(text(PassportChanges::ChangedBy))
                    .col(text(PassportChanges::Field))
                    .col(text(PassportChanges::OldValue))
                    .col(text(PassportChanges::NewValue))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_passport_changes_organisation",
                PassportChanges::Table,
                vec![
                    PassportChanges::OrganisationId.into_iden(),
                    PassportChanges::At.into_iden(),
                ],
            ))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PassportChanges::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OrganisationProfiles::Table).to_owned())
            .await
    }
}
