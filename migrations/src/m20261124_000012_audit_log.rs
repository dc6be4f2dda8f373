//! `audit_events`: who did what and when, with the place (region, municipality,
//! organisation) it concerns so that coordinators read their territory's events.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    Actor,
    Action,
    Target,
    Detail,
    Address,
    RegionId,
    MunicipalityId,
    OrganisationId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(pk_uuid(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(uuid_null(AuditEvents::ActorId))
                    .col(text(AuditEvents::Actor))
                    .col(text(AuditEvents::Action))
                    .col(text(AuditEvents::Target))
                    .col(text(AuditEvents::Detail))
                    .col(text_null(AuditEvents::Address))
                    .col(uuid_null(AuditEvents::RegionId))
                    .col(uuid_null(AuditEvents::MunicipalityId))
                    .col(uuid_null(AuditEvents::OrganisationId))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_audit_events_at", AuditEvents::At),
            ("ix_audit_events_region", AuditEvents::RegionId),
            ("ix_audit_events_municipality", AuditEvents::MunicipalityId),
        ] {
            let mut columns = vec![column.into_iden()];
            if name != "ix_audit_events_at" {
                columns.push(AuditEvents::At.into_iden());
            }
            manager
                .create_index(index(name, AuditEvents::Table, columns))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}
