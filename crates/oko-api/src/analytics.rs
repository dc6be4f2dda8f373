//! Building «Аналитика» reports for a caller: the unit asked for (or the caller's
//! own), checked against the caller's scope, the totals kept in memory, and for
//! «Индивидуальные результаты» the students read organisation by organisation.
//! Request handlers and the background worker both build reports here.

use std::sync::Arc;

use oko_db::{
    analytics::{
        cache::Totals,
        units::{Unit, organisation_label, report_input},
    },
    reach::Reach,
    roster::Roster,
};
use oko_domain::{
    analytics::{
        Report, ReportKind, ReportRow,
        report::{build, individual},
    },
    api::FieldError,
    error_code::ErrorCode,
};
use uuid::Uuid;

use crate::{error::ApiError, state::AppState};

/// Most students «Индивидуальные результаты» shows on screen; bigger ones are
/// ordered as files («Заказать отчет»).
pub const SHOWN_STUDENTS: u64 = 20_000;

/// A report's unit, resolved for a caller.
pub struct Target {
    pub totals: Arc<Totals>,
    pub roster: Arc<Roster>,
    pub unit: Unit,
    pub name: String,
}

/// Work `work_id`'s totals and the unit `unit` (the caller's own when `None`),
/// refused when it is not the caller's to see.
pub async fn target(
    state: &AppState,
    reach: &Reach,
    work_id: Uuid,
    unit: Option<&str>,
) -> Result<Target, ApiError> {
    let roster = state.roster.get(&state.db).await?;
    let totals = state
        .analytics
        .totals(&state.db, &roster, work_id)
        .await?
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Работа не найдена"))?;
    let unit = match unit.filter(|u| !u.is_empty()) {
        None => Unit::own(reach),
        Some(text) => Unit::parse(text, &roster).ok_or_else(|| {
            ApiError::invalid_parameter(
                "unit",
                "Ожидается country, region:<id>, municipality:<id> или organisation:<логин>",
            )
        })?,
    };
    if !unit.is_within(reach, &roster) {
        return Err(ApiError::new(
            ErrorCode::Forbidden,
            "Отчёт по этой территории или организации вам недоступен",
        ));
    }
    let name = unit
        .name(&roster)
        .ok_or_else(|| ApiError::new(ErrorCode::NotFound, "Территория не найдена"))?;
    Ok(Target {
        totals,
        roster,
        unit,
        name,
    })
}

/// Every report but «Индивидуальные результаты», from the totals alone.
pub fn summary_report(kind: ReportKind, target: &Target, reach: &Reach) -> Report {
    build(
        kind,
        &report_input(&target.totals, &target.roster, target.unit, reach),
    )
}

/// The organisations with results under the target, and their students in all.
pub fn organisations_with_results(target: &Target) -> (Vec<(Uuid, String)>, u64) {
    let mut students = 0;
    let organisations = target
        .unit
        .organisations(&target.roster)
        .into_iter()
        .filter_map(|e| {
            let stats = target.totals.organisations.get(&e.id)?;
            (stats.participants > 0).then(|| {
                students += stats.participants;
                (e.id, organisation_label(e))
            })
        })
        .collect();
    (organisations, students)
}

/// «Индивидуальные результаты» on screen: refused past [`SHOWN_STUDENTS`].
pub async fn individual_report(state: &AppState, target: &Target) -> Result<Report, ApiError> {
    let (organisations, students) = organisations_with_results(target);
    if students > SHOWN_STUDENTS {
        return Err(ApiError::validation(vec![FieldError::about_field(
            "unit",
            "too_large",
            &format!(
                "В отчёте {students} участников — больше, чем помещается на экране \
                 ({SHOWN_STUDENTS}). Закажите его файлом: «Заказать отчет»"
            ),
        )]));
    }
    let mut rows = Vec::new();
    for (id, label) in &organisations {
        rows.extend(individual_rows(state, target, *id, label).await?);
    }
    let mut report = individual(target.totals.definition(), &target.name, &[]);
    report.chart.series[0].values = target_marks(target);
    report.rows = rows;
    Ok(report)
}

/// One organisation's students as report rows.
pub async fn individual_rows(
    state: &AppState,
    target: &Target,
    organisation: Uuid,
    label: &str,
) -> Result<Vec<ReportRow>, ApiError> {
    let work = target.totals.definition();
    let students =
        oko_db::analytics::students_of(&state.db, target.totals.work.row.id, organisation).await?;
    let labelled: Vec<(String, _)> = students
        .into_iter()
        .map(|s| (label.to_owned(), s))
        .collect();
    Ok(individual(work, label, &labelled).rows)
}

/// The unit's students per mark, from the totals.
fn target_marks(target: &Target) -> Vec<f64> {
    let totals = &target.totals;
    let stats = match target.unit {
        Unit::Country => Some(&totals.country),
        Unit::Region(id) => totals.regions.get(&id),
        Unit::Municipality(id) => totals.municipalities.get(&id),
        Unit::Organisation(id) => totals.organisations.get(&id).map(|s| s.as_ref()),
    };
    stats.map_or(vec![0.0; 4], |s| {
        s.marks.iter().map(|&n| n as f64).collect()
    })
}
