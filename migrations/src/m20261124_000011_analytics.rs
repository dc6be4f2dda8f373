//! «Аналитика»: assessments and their works (subject × grade, with tasks and scale
//! as JSON), students' results (one row per student, pseudonymous codes only), the
//! statistics kept per organisation and work as results arrive (what reports sum,
//! instead of scanning the results), and the link from a collection to the work
//! whose electronic protocol it collects.

use sea_orm_migration::{prelude::*, schema::*};

use crate::helpers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assessments {
    Table,
    Id,
    Title,
    Project,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AssessmentWorks {
    Table,
    Id,
    AssessmentId,
    Subject,
    Grade,
    Definition,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AssessmentResults {
    Table,
    WorkId,
    OrganisationId,
    Code,
    ClassName,
    Variant,
    Scores,
    PrimaryScore,
    Mark,
    JournalMark,
}

#[derive(DeriveIden)]
enum AssessmentOrgStats {
    Table,
    WorkId,
    OrganisationId,
    Participants,
    Stats,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Collections {
    Table,
    AssessmentWorkId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assessments::Table)
                    .col(pk_uuid(Assessments::Id))
                    .col(text(Assessments::Title))
                    .col(text(Assessments::Project))
                    .col(timestamp_with_time_zone(Assessments::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentWorks::Table)
                    .col(pk_uuid(AssessmentWorks::Id))
                    .col(uuid(AssessmentWorks::AssessmentId))
                    .col(text(AssessmentWorks::Subject))
                    .col(text(AssessmentWorks::Grade))
                    .col(text(AssessmentWorks::Definition))
                    .col(timestamp_with_time_zone(AssessmentWorks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentResults::Table)
                    .col(uuid(AssessmentResults::WorkId))
                    .col(uuid(AssessmentResults::OrganisationId))
                    .col(text(AssessmentResults::Code))
                    .col(text(AssessmentResults::ClassName))
                    .col(text(AssessmentResults::Variant))
                    .col(text(AssessmentResults::Scores))
                    .col(integer(AssessmentResults::PrimaryScore))
                    .col(integer(AssessmentResults::Mark))
                    .col(integer_null(AssessmentResults::JournalMark))
                    .primary_key(
                        Index::create()
                            .col(AssessmentResults::WorkId)
                            .col(AssessmentResults::OrganisationId)
                            .col(AssessmentResults::Code),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AssessmentOrgStats::Table)
                    .col(uuid(AssessmentOrgStats::WorkId))
                    .col(uuid(AssessmentOrgStats::OrganisationId))
                    .col(integer(AssessmentOrgStats::Participants))
                    .col(text(AssessmentOrgStats::Stats))
                    .col(timestamp_with_time_zone(AssessmentOrgStats::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(AssessmentOrgStats::WorkId)
                            .col(AssessmentOrgStats::OrganisationId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index(
                "ix_assessment_org_stats_updated",
                AssessmentOrgStats::Table,
                vec![
                    AssessmentOrgStats::WorkId.into_iden(),
                    AssessmentOrgStats::UpdatedAt.into_iden(),
                ],
            ))
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Collections::Table)
                    .add_column(uuid_null(Collections::AssessmentWorkId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Assessments::Table.into_iden(),
            AssessmentWorks::Table.into_iden(),
            AssessmentResults::Table.into_iden(),
            AssessmentOrgStats::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Collections::Table)
                    .drop_column(Collections::AssessmentWorkId)
                    .to_owned(),
            )
            .await
    }
}
