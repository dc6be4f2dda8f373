//! The benchmark's baseline: what a report would cost without the kept statistics —
//! a plain GROUP BY over the raw results of the unit.

use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use super::units::Unit;
use crate::entities::{assessment_result, organisation};

/// Students per mark of work `work` in `unit`, counted from the raw rows.
pub async fn marks(
    db: &DatabaseConnection,
    work: Uuid,
    unit: Unit,
) -> Result<Vec<(i32, i64)>, DbErr> {
    let mut query = assessment_result::Entity::find()
        .select_only()
        .column(assessment_result::Column::Mark)
        .column_as(Expr::col(assessment_result::Column::Code).count(), "n")
        .filter(assessment_result::Column::WorkId.eq(work))
        .group_by(assessment_result::Column::Mark);
    let within = |column: organisation::Column, id: Uuid| {
        assessment_result::Column::OrganisationId.in_subquery(
            Query::select()
                .column(organisation::Column::Id)
                .from(organisation::Entity)
                .and_where(Expr::col(column).eq(id))
                .to_owned(),
        )
    };
    query = match unit {
        Unit::Country => query,
        Unit::Region(id) => query.filter(within(organisation::Column::RegionId, id)),
        Unit::Municipality(id) => query.filter(within(organisation::Column::MunicipalityId, id)),
        Unit::Organisation(id) => query.filter(assessment_result::Column::OrganisationId.eq(id)),
    };
    query.into_tuple().all(db).await
}
