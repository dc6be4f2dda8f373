//! «Отчет» of a file storage, made by the worker: every organisation of the
//! owner's scope the publication reaches × every file it should download, with its
//! first download (Moscow time) or «Не скачивал».

use std::path::Path;

use actix_web::web;
use chrono::Utc;
use oko_db::{download_report::DownloadReport, entities::job};
use oko_domain::moscow_time::short_date_time;
use oko_io::download_report::{ReportRow, download_report};

use crate::state::AppState;

pub async fn run(
    state: &web::Data<AppState>,
    job: &job::Model,
    storage_id: uuid::Uuid,
    path: &Path,
) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("Не удалось построить отчёт: {e}");
    let reach = super::owner_reach(state, job).await?;
    let storage = oko_db::storages::find(&state.db, storage_id)
        .await
        .map_err(|e| failed(&e))?
        .ok_or("Хранилище удалено")?;
    let board = state.board.get(&state.db).await.map_err(|e| failed(&e))?;
    let report = DownloadReport::load(&state.db, &board, &reach, &storage, Utc::now())
        .await
        .map_err(|e| failed(&e))?;
    let title = format!("Отчёт о скачивании: {}", storage.title);
    let path = path.to_owned();
    tokio::task::spawn_blocking(move || {
        let bytes = download_report(
            &title,
            report.rows().map(|(org, file, first)| ReportRow {
                login: &org.login,
                organisation: &org.name,
                file: &file.name,
                first_download: first.map(short_date_time),
            }),
        )
        .map_err(|e| failed(&e))?;
        std::fs::write(&path, bytes).map_err(|e| failed(&e))
    })
    .await
    .map_err(|e| failed(&e))?
}
