//! The organisation tree (regions → municipalities → organisations), users and their
//! refresh tokens.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Regions {
    Table,
    Id,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Municipalities {
    Table,
    Id,
    RegionId,
    Code,
    Name,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
    Id,
    RegionId,
    MunicipalityId,
    Kind,
    Code,
    Login,
    Name,
    ShortName,
    SearchText,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Login,
    PasswordHash,
    Role,
    DisplayName,
    RegionId,
    MunicipalityId,
    OrganisationId,
    Blocked,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

fn fk(
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Regions::Table)
                    .col(pk_uuid(Regions::Id))
                    .col(string_len_uniq(Regions::Code, 2))
                    .col(string(Regions::Name))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Municipalities::Table)
                    .col(pk_uuid(Municipalities::Id))
                    .col(uuid(Municipalities::RegionId))
                    .col(integer(Municipalities::Code))
                    .col(string(Municipalities::Name))
                    .foreign_key(&mut fk(
                        (Municipalities::Table, Municipalities::RegionId),
                        (Regions::Table, Regions::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_municipalities_region_code")
                    .table(Municipalities::Table)
                    .col(Municipalities::RegionId)
                    .col(Municipalities::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Organisations::Table)
                    .col(pk_uuid(Organisations::Id))
                    .col(uuid(Organisations::RegionId))
                    .col(uuid(Organisations::MunicipalityId))
                    .col(string_len(Organisations::Kind, 16))
                    .col(integer(Organisations::Code))
                    .col(string_len_uniq(Organisations::Login, 64))
                    .col(string(Organisations::Name))
                    .col(string(Organisations::ShortName))
                    // Lower-cased login and names: SQLite's LIKE folds only ASCII case,
                    // so Russian search compares against this column on both databases.
                    .col(string(Organisations::SearchText))
                    .foreign_key(&mut fk(
                        (Organisations::Table, Organisations::RegionId),
                        (Regions::Table, Regions::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Organisations::Table, Organisations::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_organisations_region_login", Organisations::RegionId),
            (
                "ix_organisations_municipality_login",
                Organisations::MunicipalityId,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Organisations::Table)
                        .col(column)
                        .col(Organisations::Login)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len_uniq(Users::Login, 64))
                    .col(string(Users::PasswordHash))
                    .col(string_len(Users::Role, 32))
                    .col(string(Users::DisplayName))
                    .col(uuid_null(Users::RegionId))
                    .col(uuid_null(Users::MunicipalityId))
                    .col(uuid_null(Users::OrganisationId))
                    .col(boolean(Users::Blocked).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(&mut fk(
                        (Users::Table, Users::RegionId),
                        (Regions::Table, Regions::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Users::Table, Users::MunicipalityId),
                        (Municipalities::Table, Municipalities::Id),
                    ))
                    .foreign_key(&mut fk(
                        (Users::Table, Users::OrganisationId),
                        (Organisations::Table, Organisations::Id),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(pk_uuid(RefreshTokens::Id))
                    .col(uuid(RefreshTokens::UserId))
                    .col(string_len_uniq(RefreshTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(RefreshTokens::CreatedAt))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .foreign_key(
                        &mut fk(
                            (RefreshTokens::Table, RefreshTokens::UserId),
                            (Users::Table, Users::Id),
                        )
                        .on_delete(ForeignKeyAction::Cascade)
                        .to_owned(),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_refresh_tokens_user")
                    .table(RefreshTokens::Table)
                    .col(RefreshTokens::UserId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RefreshTokens::Table.into_iden(),
            Users::Table.into_iden(),
            Organisations::Table.into_iden(),
            Municipalities::Table.into_iden(),
            Regions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
