//! Data collection: versioned form definitions, a publication's collection (which
//! pins one version), each organisation's draft and its submissions.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Forms {
    Table,
    Id,
    Title,
    CreatedAt,
}

#[derive(DeriveIden)]
enum FormVersions {
    Table,
    Id,
    FormId,
    Version,
    Definition,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Collections {
    Table,
    Id,
    PublicationId,
    FormVersionId,
    OpensAt,
    ClosesAt,
    StateOverride,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Drafts {
    Table,
    CollectionId,
    OrganisationId,
    Data,
    Version,
    RecentChangeIds,
    StartedAt,
    UpdatedAt,
    UpdatedBy,
    FirstSubmittedAt,
    LastSubmittedAt,
}

#[derive(DeriveIden)]
enum Submissions {
    Table,
    Id,
    CollectionId,
    OrganisationId,
    Data,
    DraftVersion,
    SubmittedAt,
    SubmittedBy,
}

#[derive(DeriveIden)]
enum Publications {
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
                    .table(Forms::Table)
                    .col(pk_uuid(Forms::Id))
                    .col(string(Forms::Title))
                    .col(timestamp_with_time_zone(Forms::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(FormVersions::Table)
                    .col(pk_uuid(FormVersions::Id))
                    .col(uuid(FormVersions::FormId))
                    .col(integer(FormVersions::Version))
                    // The FormDefinition as JSON; a version never changes once saved.
                    .col(text(FormVersions::Definition))
                    .col(timestamp_with_time_zone(FormVersions::CreatedAt))
                    .foreign_key(&mut fk(
                        (FormVersions::Table, FormVersions::FormId),
                        (Forms::Table, Forms::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                index(
                    "ux_form_versions_form_version",
                    FormVersions::Table,
                    vec![
                        FormVersions::FormId.into_iden(),
                        FormVersions::Version.into_iden(),
                    ],
                )
                .unique()
                .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Collections::Table)
                    .col(pk_uuid(Collections::Id))
                    // A publication holds at most one data-collection block.
                    .col(uuid_uniq(Collections::PublicationId))
                    .col(uuid(Collections::FormVersionId))
                    .col(timestamp_with_time_zone(Collections::OpensAt))
                    .col(timestamp_with_time_zone(Collections::ClosesAt))
                    // open | closed: the operator's word over the clock; null: the clock.
                    .col(string_len_null(Collections::StateOverride, 8))
                    .col(timestamp_with_time_zone(Collections::CreatedAt))
                    .foreign_key(&mut fk(
                        (Collections::Table, Collections::PublicationId),
                        (Publications::Table, Publications::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Collections::Table, Collections::FormVersionId),
                        (FormVersions::Table, FormVersions::Id),
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Drafts::Table)
                    .col(uuid(Drafts::CollectionId))
                    .col(uuid(Drafts::OrganisationId))
                    // FormData as JSON.
                    .col(text(Drafts::Data))
                    // Bumped by every save; a save naming an older one is a conflict.
                    .col(integer(Drafts::Version))
                    // JSON list of the last client change ids, so a retried save applies once.
                    .col(text(Drafts::RecentChangeIds))
                    .col(timestamp_with_time_zone(Drafts::StartedAt))
                    .col(timestamp_with_time_zone(Drafts::UpdatedAt))
                    .col(uuid(Drafts::UpdatedBy))
                    // Copied from submissions so statuses need no second table.
                    .col(timestamp_with_time_zone_null(Drafts::FirstSubmittedAt))
                    .col(timestamp_with_time_zone_null(Drafts::LastSubmittedAt))
                    .primary_key(
                        Index::create()
                            .col(Drafts::CollectionId)
                            .col(Drafts::OrganisationId),
                    )
                    .foreign_key(&mut fk(
                        (Drafts::Table, Drafts::CollectionId),
                        (Collections::Table, Collections::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Drafts::Table, Drafts::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Submissions::Table)
                    .col(pk_uuid(Submissions::Id))
                    .col(uuid(Submissions::CollectionId))
                    .col(uuid(Submissions::OrganisationId))
                    // The snapshot (FormData as JSON); never updated.
                    .col(text(Submissions::Data))
                    .col(integer(Submissions::DraftVersion))
                    .col(timestamp_with_time_zone(Submissions::SubmittedAt))
                    .col(uuid(Submissions::SubmittedBy))
                    .foreign_key(&mut fk(
                        (Submissions::Table, Submissions::CollectionId),
                        (Collections::Table, Collections::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        (Submissions::Table, Submissions::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_submissions_collection_organisation",
                Submissions::Table,
                vec![
                    Submissions::CollectionId.into_iden(),
                    Submissions::OrganisationId.into_iden(),
                    Submissions::SubmittedAt.into_iden(),
                ],
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Submissions::Table.into_iden(),
            Drafts::Table.into_iden(),
            Collections::Table.into_iden(),
            FormVersions::Table.into_iden(),
            Forms::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
