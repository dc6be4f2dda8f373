//! The group report over several collections: one row per organisation of the
//! caller's scope that any of them reaches, and per collection its status and
//! submit time («—» where a collection does not reach the organisation).

use std::{
    collections::{BTreeSet, HashMap},
    path::Path,
    sync::Arc,
};

use actix_web::web;
use chrono::Utc;
use oko_db::{
    board::Board,
    collections,
    entities::{collection, job},
    monitoring::{self, DraftDates, ReachedScope},
    roster::RosterEntry,
};
use oko_domain::{collections::CollectionState, jobs::ExportFormat, moscow_time::short_date_time};
use oko_io::export::{Cell, ExportColumn, ExportTable, ExportWriter};

use super::Progress;
use crate::state::AppState;

/// One collection of the report, loaded.
struct Column {
    collection: collection::Model,
    title: String,
    state: CollectionState,
    dates: HashMap<uuid::Uuid, DraftDates>,
}

/// Writes the report of `ids` as the job's owner sees them.
pub async fn run(
    state: &web::Data<AppState>,
    job: &job::Model,
    ids: &[uuid::Uuid],
    format: ExportFormat,
    path: &Path,
    progress: Progress,
) -> Result<(), String> {
    let failed = |e: &dyn std::fmt::Display| format!("Не удалось прочитать данные: {e}");
    let db = &state.db;
    let reach = super::owner_reach(state, job).await?;
    let board: Arc<Board> = state.board.get(db).await.map_err(|e| failed(&e))?;
    let roster = state.roster.get(db).await.map_err(|e| failed(&e))?;
    let now = Utc::now();
    let mut columns = Vec::new();
    for id in ids {
        let Some(found) = collections::find(db, *id).await.map_err(|e| failed(&e))? else {
            continue;
        };
        if board
            .find_visible(found.publication_id, &reach, now)
            .is_none()
        {
            continue;
        }
        let form = state
            .forms
            .get(db, found.form_version_id)
            .await
            .map_err(|e| failed(&e))?;
        columns.push(Column {
            title: form.title.clone(),
            state: found.state(now),
            dates: monitoring::draft_dates(db, found.id)
                .await
                .map_err(|e| failed(&e))?,
            collection: found,
        });
    }
    if columns.is_empty() {
        return Err("Ни один из выбранных сборов данных недоступен".into());
    }
    // Which organisations each collection reaches (roster positions).
    let reached: Vec<Arc<ReachedScope>> = columns
        .iter()
        .map(|c| {
            state
                .reached
                .get(&roster, &board, &reach, &c.collection, now)
        })
        .collect();
    let anywhere: BTreeSet<u32> = reached
        .iter()
        .flat_map(|r| r.positions.iter().copied())
        .collect();
    let mut rows: Vec<(&RosterEntry, Vec<bool>)> = anywhere
        .into_iter()
        .map(|at| {
            let flags = reached
                .iter()
                .map(|r| r.positions.binary_search(&at).is_ok())
                .collect();
            (&roster.entries[at as usize], flags)
        })
        .collect();
    rows.sort_by(|(a, _), (b, _)| {
        (&a.region, &a.municipality, &a.login).cmp(&(&b.region, &b.municipality, &b.login))
    });
    let (state, path) = (state.clone(), path.to_owned());
    let owned: Vec<(RosterEntry, Vec<bool>)> =
        rows.into_iter().map(|(o, r)| (o.clone(), r)).collect();
    tokio::task::spawn_blocking(move || {
        write(
            &state.jobs.work_dir,
            &path,
            format,
            &columns,
            &owned,
            &progress,
        )
    })
    .await
    .map_err(|e| format!("Отчёт прерван: {e}"))?
}

fn write(
    temp: &Path,
    path: &Path,
    format: ExportFormat,
    columns: &[Column],
    rows: &[(RosterEntry, Vec<bool>)],
    progress: &Progress,
) -> Result<(), String> {
    let mut header = vec![
        ExportColumn::new("region", "Регион"),
        ExportColumn::new("municipality", "Муниципалитет"),
        ExportColumn::new("login", "Логин"),
        ExportColumn::new("name", "Наименование"),
    ];
    for column in columns {
        let id = column.collection.id;
        header.push(ExportColumn::new(
            &format!("{id}:status"),
            &format!("{}: статус", column.title),
        ));
        header.push(ExportColumn::new(
            &format!("{id}:submitted_at"),
            &format!("{}: дата подачи (мск)", column.title),
        ));
    }
    let table = ExportTable {
        key: "group".into(),
        title: "Групповой отчет".into(),
        columns: header,
    };
    let mut writer = ExportWriter::create(format, path, temp, vec![table]).map_err(|e| e.0)?;
    for (done, (organisation, reached)) in rows.iter().enumerate() {
        let mut texts: Vec<String> = Vec::with_capacity(columns.len() * 2);
        for (column, reaches) in columns.iter().zip(reached) {
            if !reaches {
                texts.extend(["—".to_owned(), String::new()]);
                continue;
            }
            let draft = column.dates.get(&organisation.id);
            let status = DraftDates::status(draft, column.state);
            texts.push(status.title_ru().to_owned());
            texts.push(
                draft
                    .and_then(|d| d.last_submitted_at)
                    .map(short_date_time)
                    .unwrap_or_default(),
            );
        }
        let mut cells = vec![
            Cell::Text(&organisation.region),
            Cell::Text(&organisation.municipality),
            Cell::Text(&organisation.login),
            Cell::Text(&organisation.name),
        ];
        cells.extend(texts.iter().map(|t| Cell::Text(t)));
        writer.row(0, &cells).map_err(|e| e.0)?;
        if done % 1000 == 0 {
            progress.set(done, rows.len());
        }
    }
    writer.finish().map_err(|e| e.0)
}
