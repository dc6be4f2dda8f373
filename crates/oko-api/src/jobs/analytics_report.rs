//! «Заказать отчет» of «Аналитика», made by the worker: the report as a file, with
//! the owner's scope as it is now. «Индивидуальные результаты» of a region or the
//! country are streamed organisation by organisation (constant memory).

use std::path::Path;

use actix_web::web;
use oko_db::entities::job;
use oko_domain::{analytics::ReportKind, jobs::AnalyticsReportJob};
use oko_io::analytics_report::ReportFile;

use super::Progress;
use crate::{analytics, state::AppState};

pub async fn run(
    state: &web::Data<AppState>,
    job: &job::Model,
    spec: &AnalyticsReportJob,
    path: &Path,
    progress: Progress,
) -> Result<(), String> {
    let AnalyticsReportJob {
        work_id,
        kind,
        unit,
        format,
    } = spec;
    let failed = |e: &dyn std::fmt::Display| format!("Не удалось построить отчёт: {e}");
    let reach = super::owner_reach(state, job).await?;
    let target = analytics::target(state, &reach, *work_id, unit.as_deref())
        .await
        .map_err(|e| failed(&e))?;
    let temp = state.jobs.work_dir.clone();
    if *kind != ReportKind::Individual {
        let report = analytics::summary_report(*kind, &target, &reach);
        let (path, format) = (path.to_owned(), *format);
        return tokio::task::spawn_blocking(move || {
            oko_io::analytics_report::write_report(&report, format, &path, &temp)
        })
        .await
        .map_err(|e| failed(&e))?
        .map_err(|e| failed(&e.0));
    }
    let header =
        oko_domain::analytics::report::individual(target.totals.definition(), &target.name, &[]);
    let mut file = ReportFile::create(&header, *format, path, &temp).map_err(|e| failed(&e.0))?;
    let (organisations, _) = analytics::organisations_with_results(&target);
    for (done, (id, label)) in organisations.iter().enumerate() {
        if progress.cancelled() {
            return Err("Задание перешло к другому экземпляру".into());
        }
        let rows = analytics::individual_rows(state, &target, *id, label)
            .await
            .map_err(|e| failed(&e))?;
        file.rows(&rows).map_err(|e| failed(&e.0))?;
        progress.set(done + 1, organisations.len());
    }
    file.finish().map_err(|e| failed(&e.0))
}
