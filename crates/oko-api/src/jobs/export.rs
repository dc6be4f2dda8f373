//! A collection's exports, written by the worker: «Экспорт результатов» (one row per
//! organisation × form row of the submission that counts, region, municipality,
//! login, name and submit time in front) and «Экспорт статусов» (every organisation
//! of the scope). They act with the scope of the user who asked, as it is when the
//! job runs. Submissions are read 500 organisations at a time and written straight
//! to the file, so memory does not grow with the country.

use std::{collections::HashMap, path::Path, sync::Arc};

use actix_web::web;
use chrono::{DateTime, Utc};
use oko_db::{
    board::Board,
    collections,
    entities::{collection, job},
    monitoring::{self, DraftDates},
    passports::{self, Contacts},
    roster::RosterEntry,
};
use oko_domain::{
    collections::{CollectionState, OrgStatus},
    forms::{ColumnType, FormData, FormDefinition, soft, value},
    jobs::{ExportFormat, ExportJob, ExportKind},
    moscow_time::short_date_time,
    reminders::ReminderStatus,
};
use oko_io::export::{Cell, ExportColumn, ExportTable, ExportWriter};
use tokio::runtime::Handle;

use super::Progress;
use crate::state::AppState;

/// Organisations whose submissions are read at once.
const BATCH: usize = 500;

/// What every export row starts with.
const FRONT: [(&str, &str); 5] = [
    ("region", "Регион"),
    ("municipality", "Муниципалитет"),
    ("login", "Логин"),
    ("name", "Наименование"),
    ("submitted_at", "Дата подачи (мск)"),
];

/// Everything an export reads, loaded once.
struct Scope {
    collection: collection::Model,
    form: Arc<FormDefinition>,
    state: CollectionState,
    /// The organisations of the scope the collection reaches, by region,
    /// municipality and login.
    organisations: Vec<RosterEntry>,
    dates: HashMap<uuid::Uuid, DraftDates>,
}

/// Writes the job's file at `path`; the error is a Russian sentence for the owner.
pub async fn run(
    state: &web::Data<AppState>,
    job: &job::Model,
    spec: &ExportJob,
    path: &Path,
    progress: Progress,
) -> Result<(), String> {
    let ExportJob {
        collection_id,
        kind,
        format,
    } = spec;
    let scope = load_scope(state, job, *collection_id)
        .await
        .map_err(|e| format!("Не удалось прочитать данные: {e}"))?;
    let contacts = match kind {
        ExportKind::CallList => {
            let laggards: Vec<uuid::Uuid> = scope.laggards().map(|(o, _)| o.id).collect();
            passports::contacts_of(&state.db, &laggards)
                .await
                .map_err(|e| format!("Не удалось прочитать паспорта: {e}"))?
        }
        _ => HashMap::new(),
    };
    let (state, path, kind, format) = (state.clone(), path.to_owned(), *kind, *format);
    let handle = Handle::current();
    tokio::task::spawn_blocking(move || {
        let temp = state.jobs.work_dir.clone();
        match kind {
            ExportKind::Results => {
                write_results(&state, &handle, &scope, format, &path, &temp, &progress)
            }
            ExportKind::Statuses => write_statuses(&scope, format, &path, &temp, &progress),
            ExportKind::CallList => {
                write_call_list(&scope, &contacts, format, &path, &temp, &progress)
            }
        }
    })
    .await
    .map_err(|e| format!("Экспорт прерван: {e}"))?
}

async fn load_scope(
    state: &AppState,
    job: &job::Model,
    collection_id: uuid::Uuid,
) -> Result<Scope, String> {
    let db = &state.db;
    let reach = super::owner_reach(state, job).await?;
    let collection = collections::find(db, collection_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("Сбор данных удален")?;
    let form = state
        .forms
        .get(db, collection.form_version_id)
        .await
        .map_err(|e| e.to_string())?;
    let board: Arc<Board> = state.board.get(db).await.map_err(|e| e.to_string())?;
    let roster = state.roster.get(db).await.map_err(|e| e.to_string())?;
    let now = Utc::now();
    board
        .find_visible(collection.publication_id, &reach, now)
        .ok_or("Публикация сбора данных недоступна")?;
    let reached = state.reached.get(&roster, &board, &reach, &collection, now);
    let mut organisations: Vec<RosterEntry> = reached
        .positions
        .iter()
        .map(|at| roster.entries[*at as usize].clone())
        .collect();
    organisations.sort_by(|a, b| {
        (&a.region, &a.municipality, &a.login).cmp(&(&b.region, &b.municipality, &b.login))
    });
    let dates = monitoring::draft_dates(db, collection.id)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Scope {
        state: collection.state(now),
        collection,
        form,
        organisations,
        dates,
    })
}

impl Scope {
    /// The organisations that have not submitted, in the scope's order, each with
    /// where it is («Не приступило», «В работе», «Возвращено»).
    fn laggards(&self) -> impl Iterator<Item = (&RosterEntry, ReminderStatus)> {
        self.organisations.iter().filter_map(|organisation| {
            let draft = self.dates.get(&organisation.id);
            DraftDates::reminder_status(draft).map(|status| (organisation, status))
        })
    }
}

fn front_columns() -> Vec<ExportColumn> {
    FRONT
        .iter()
        .map(|(key, title)| ExportColumn::new(key, title))
        .collect()
}

fn status_of(scope: &Scope, organisation: &RosterEntry) -> OrgStatus {
    DraftDates::status(scope.dates.get(&organisation.id), scope.state)
}

fn write_results(
    state: &AppState,
    handle: &Handle,
    scope: &Scope,
    format: ExportFormat,
    path: &Path,
    temp: &Path,
    progress: &Progress,
) -> Result<(), String> {
    let tables = scope
        .form
        .sheets
        .iter()
        .map(|sheet| {
            let mut columns = front_columns();
            columns.push(ExportColumn::new("row", "Строка"));
            for column in &sheet.columns {
                columns.push(ExportColumn::new(&column.key, &column.title));
                // An unusual value's explanation beside it (soft checks).
                if column.soft.is_some() {
                    columns.push(ExportColumn::new(
                        &soft::explanation_key(&column.key),
                        &soft::explanation_title(column),
                    ));
                }
            }
            ExportTable {
                key: sheet.key.clone(),
                title: sheet.title.clone(),
                columns,
            }
        })
        .collect();
    let mut writer = ExportWriter::create(format, path, temp, tables).map_err(|e| e.0)?;
    let submitted: Vec<&RosterEntry> = scope
        .organisations
        .iter()
        .filter(|o| status_of(scope, o).has_submitted())
        .collect();
    for (done, batch) in submitted.chunks(BATCH).enumerate() {
        if progress.cancelled() {
            return Err("Отчёт передан другому серверу".into());
        }
        let ids: Vec<uuid::Uuid> = batch.iter().map(|o| o.id).collect();
        let latest = handle
            .block_on(monitoring::latest_submissions(
                &state.db,
                scope.collection.id,
                &ids,
            ))
            .map_err(|e| format!("Не удалось прочитать данные: {e}"))?;
        for organisation in batch {
            let Some((at, data)) = latest.get(&organisation.id) else {
                continue;
            };
            let data: FormData = serde_json::from_str(data)
                .map_err(|e| format!("Сохраненная форма не читается: {e}"))?;
            write_submission(&mut writer, &scope.form, organisation, *at, &data)?;
        }
        progress.set((done + 1) * BATCH, submitted.len());
    }
    writer.finish().map_err(|e| e.0)
}

/// Every row of every sheet of one organisation's submission.
fn write_submission(
    writer: &mut ExportWriter,
    form: &FormDefinition,
    organisation: &RosterEntry,
    submitted_at: DateTime<Utc>,
    data: &FormData,
) -> Result<(), String> {
    let when = Cell::moscow_time(submitted_at);
    for (table, sheet) in form.sheets.iter().enumerate() {
        for (index, row) in data.rows(&sheet.key).iter().enumerate() {
            if row.is_empty() {
                continue;
            }
            let shown: Vec<Option<String>> = sheet
                .columns
                .iter()
                .map(|c| row.get(&c.key).map(|text| value::display(c, text)))
                .collect();
            let number = (index + 1) as f64;
            let mut cells = vec![
                Cell::Text(&organisation.region),
                Cell::Text(&organisation.municipality),
                Cell::Text(&organisation.login),
                Cell::Text(&organisation.name),
                when.clone(),
                Cell::Number(number),
            ];
            for (column, text) in sheet.columns.iter().zip(&shown) {
                let raw = row.get(&column.key);
                cells.push(match (column.kind, raw, text) {
                    (_, None, _) => Cell::Empty,
                    (ColumnType::Integer | ColumnType::Decimal, Some(raw), Some(text)) => {
                        value::parse_decimal(raw).map_or(Cell::Text(text), Cell::Number)
                    }
                    (ColumnType::Date, Some(raw), Some(text)) => {
                        value::parse_date(raw).map_or(Cell::Text(text), Cell::Date)
                    }
                    (_, _, Some(text)) => Cell::Text(text),
                    (_, _, None) => Cell::Empty,
                });
                if column.soft.is_some() {
                    let explanation = row.get(&soft::explanation_key(&column.key));
                    cells.push(explanation.map_or(Cell::Empty, Cell::Text));
                }
            }
            writer.row(table, &cells).map_err(|e| e.0)?;
        }
    }
    Ok(())
}

/// «Список для обзвона»: a worksheet per municipality of the laggards, whom to
/// call first.
fn write_call_list(
    scope: &Scope,
    contacts: &HashMap<uuid::Uuid, Contacts>,
    format: ExportFormat,
    path: &Path,
    temp: &Path,
    progress: &Progress,
) -> Result<(), String> {
    let columns: Vec<ExportColumn> = [
        ("login", "Логин"),
        ("name", "Наименование"),
        ("status", "Статус"),
        ("contact_person", "Контактное лицо"),
        ("phone", "Телефон"),
        ("email", "E-mail"),
        ("started_at", "Дата начала работы (мск)"),
    ]
    .iter()
    .map(|(key, title)| ExportColumn::new(key, title))
    .collect();
    // The scope is in region, municipality, login order: a municipality's
    // laggards come together.
    let laggards: Vec<(&RosterEntry, ReminderStatus)> = scope.laggards().collect();
    let mut places: Vec<(&str, &str)> = Vec::new();
    for (organisation, _) in &laggards {
        let place = (&*organisation.region, &*organisation.municipality);
        if places.last() != Some(&place) {
            places.push(place);
        }
    }
    let regions = places
        .iter()
        .map(|(region, _)| region)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let tables: Vec<ExportTable> = if places.is_empty() {
        vec![ExportTable {
            key: "call_list".into(),
            title: "Все сдали".into(),
            columns: columns.clone(),
        }]
    } else {
        places
            .iter()
            .enumerate()
            .map(|(at, (region, municipality))| ExportTable {
                key: format!("municipality_{at}"),
                // A country's list names the region too.
                title: if regions > 1 {
                    format!("{municipality} ({region})")
                } else {
                    (*municipality).to_owned()
                },
                columns: columns.clone(),
            })
            .collect()
    };
    let mut writer = ExportWriter::create(format, path, temp, tables).map_err(|e| e.0)?;
    let none = Contacts::default();
    let mut table = 0;
    for (done, (organisation, status)) in laggards.iter().enumerate() {
        while places[table] != (&*organisation.region, &*organisation.municipality) {
            table += 1;
        }
        let whom = contacts.get(&organisation.id).unwrap_or(&none);
        let started = scope
            .dates
            .get(&organisation.id)
            .map(|d| short_date_time(d.started_at))
            .unwrap_or_default();
        writer
            .row(
                table,
                &[
                    Cell::Text(&organisation.login),
                    Cell::Text(&organisation.name),
                    Cell::Text(status.title_ru()),
                    Cell::Text(&whom.person),
                    Cell::Text(&whom.phone),
                    Cell::Text(&whom.email),
                    Cell::Text(&started),
                ],
            )
            .map_err(|e| e.0)?;
        if done % 1000 == 0 {
            progress.set(done, laggards.len());
        }
    }
    writer.finish().map_err(|e| e.0)
}

fn write_statuses(
    scope: &Scope,
    format: ExportFormat,
    path: &Path,
    temp: &Path,
    progress: &Progress,
) -> Result<(), String> {
    let mut columns = front_columns();
    columns.truncate(4);
    columns.extend([
        ExportColumn::new("status", "Статус"),
        ExportColumn::new("started_at", "Дата начала работы (мск)"),
        ExportColumn::new("submitted_at", "Дата подачи (мск)"),
        ExportColumn::new("returned", "Возвращено на доработку"),
    ]);
    let table = ExportTable {
        key: "statuses".into(),
        title: "Статусы".into(),
        columns,
    };
    let mut writer = ExportWriter::create(format, path, temp, vec![table]).map_err(|e| e.0)?;
    let total = scope.organisations.len();
    for (done, organisation) in scope.organisations.iter().enumerate() {
        let draft = scope.dates.get(&organisation.id);
        let status = status_of(scope, organisation);
        let started = draft.map_or(Cell::Empty, |d| Cell::moscow_time(d.started_at));
        let submitted = draft
            .and_then(|d| d.last_submitted_at)
            .map_or(Cell::Empty, Cell::moscow_time);
        let returned = if draft.is_some_and(DraftDates::returned) {
            "Да"
        } else {
            ""
        };
        writer
            .row(
                0,
                &[
                    Cell::Text(&organisation.region),
                    Cell::Text(&organisation.municipality),
                    Cell::Text(&organisation.login),
                    Cell::Text(&organisation.name),
                    Cell::Text(status.title_ru()),
                    started,
                    submitted,
                    Cell::Text(returned),
                ],
            )
            .map_err(|e| e.0)?;
        if done % 1000 == 0 {
            progress.set(done, total);
        }
    }
    writer.finish().map_err(|e| e.0)
}
