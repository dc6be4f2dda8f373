//! A work of an assessment described in Excel, the way operators already work:
//! worksheet «Работа» (lines «Предмет», «Класс»), «Задания» (columns «Номер»,
//! «Максимальный балл», «Проверяемый результат») and «Шкала» («Баллы от», «Баллы
//! до», «Отметка»). Every problem is placed by worksheet, row and column.

use oko_domain::{
    analytics::{ScaleBand, Task, WorkDefinition, check_work},
    api::FieldError,
};

use crate::form_import::{RawCell, RawSheet, header_key, raw_text};

pub const WORK_SHEET: &str = "Работа";
pub const TASKS_SHEET: &str = "Задания";
pub const SCALE_SHEET: &str = "Шкала";
const TASK_COLUMNS: [&str; 3] = ["Номер", "Максимальный балл", "Проверяемый результат"];
const SCALE_COLUMNS: [&str; 3] = ["Баллы от", "Баллы до", "Отметка"];
const CODE: &str = "invalid_description";

/// The description workbook of `work` (what [`read_work`] reads back unchanged).
pub fn describe_work(work: &WorkDefinition) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(WORK_SHEET)?;
    sheet.write_string_with_format(0, 0, "Предмет", &bold)?;
    sheet.write_string(0, 1, &work.subject)?;
    sheet.write_string_with_format(1, 0, "Класс", &bold)?;
    sheet.write_string(1, 1, &work.grade)?;
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 30)?;
    let sheet = book.add_worksheet().set_name(TASKS_SHEET)?;
    for (at, title) in TASK_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, at as u16, *title, &bold)?;
    }
    for (at, task) in work.tasks.iter().enumerate() {
        let row = at as u32 + 1;
        sheet.write_string(row, 0, &task.number)?;
        sheet.write_number(row, 1, f64::from(task.max_score))?;
        sheet.write_string(row, 2, &task.skill)?;
    }
    sheet.set_column_width(1, 20)?;
    sheet.set_column_width(2, 60)?;
    let sheet = book.add_worksheet().set_name(SCALE_SHEET)?;
    for (at, title) in SCALE_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, at as u16, *title, &bold)?;
    }
    for (at, band) in work.scale.iter().enumerate() {
        let row = at as u32 + 1;
        sheet.write_number(row, 0, f64::from(band.from))?;
        sheet.write_number(row, 1, f64::from(band.to))?;
        sheet.write_number(row, 2, f64::from(band.mark))?;
    }
    book.save_to_buffer()
}

/// The work the workbook describes, or every problem with its place.
pub fn read_work(sheets: &[RawSheet]) -> Result<WorkDefinition, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut sheet = |name: &str| {
        let found = sheets
            .iter()
            .find(|s| header_key(&s.name) == header_key(name));
        if found.is_none() {
            problems.push(FieldError::in_sheet(
                name,
                0,
                None,
                CODE,
                &format!("В книге нет листа «{name}»"),
            ));
        }
        found
    };
    let (work, tasks, scale) = (sheet(WORK_SHEET), sheet(TASKS_SHEET), sheet(SCALE_SHEET));
    let line = |name: &str| {
        work.and_then(|w| {
            w.rows
                .iter()
                .find(|row| {
                    row.first()
                        .is_some_and(|c| header_key(&raw_text(c)) == header_key(name))
                })
                .map(|row| {
                    row.get(1)
                        .map(raw_text)
                        .unwrap_or_default()
                        .trim()
                        .to_owned()
                })
        })
        .unwrap_or_default()
    };
    let mut definition = WorkDefinition {
        subject: line("Предмет"),
        grade: line("Класс"),
        tasks: Vec::new(),
        scale: Vec::new(),
    };
    if let Some(tasks) = tasks {
        for (row, cells) in table(tasks, &TASK_COLUMNS, &mut problems) {
            definition.tasks.push(Task {
                number: text(cells, 0),
                max_score: number(tasks, row, cells, 1, &TASK_COLUMNS, &mut problems),
                skill: text(cells, 2),
            });
        }
    }
    if let Some(scale) = scale {
        for (row, cells) in table(scale, &SCALE_COLUMNS, &mut problems) {
            definition.scale.push(ScaleBand {
                from: number(scale, row, cells, 0, &SCALE_COLUMNS, &mut problems),
                to: number(scale, row, cells, 1, &SCALE_COLUMNS, &mut problems),
                mark: number(scale, row, cells, 2, &SCALE_COLUMNS, &mut problems) as u8,
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let checked: Vec<FieldError> = check_work(&definition).into_iter().map(locate).collect();
    if checked.is_empty() {
        Ok(definition)
    } else {
        Err(checked)
    }
}

/// The data rows under the header row (1-based row numbers), refusing a sheet
/// whose first row is not `columns`.
fn table<'a>(
    sheet: &'a RawSheet,
    columns: &[&str; 3],
    problems: &mut Vec<FieldError>,
) -> Vec<(u32, &'a [RawCell])> {
    let header = sheet.rows.first().map(Vec::as_slice).unwrap_or_default();
    for (at, title) in columns.iter().enumerate() {
        if header
            .get(at)
            .is_none_or(|c| header_key(&raw_text(c)) != header_key(title))
        {
            problems.push(FieldError::in_sheet(
                &sheet.name,
                1,
                Some(title),
                CODE,
                &format!("В строке 1 столбец {} должен называться «{title}»", at + 1),
            ));
        }
    }
    sheet
        .rows
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, cells)| cells.iter().any(|c| !raw_text(c).trim().is_empty()))
        .map(|(at, cells)| (at as u32 + 1, cells.as_slice()))
        .collect()
}

fn text(cells: &[RawCell], at: usize) -> String {
    cells
        .get(at)
        .map(raw_text)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// A whole number ≥ 0 in column `at`, or a problem at its cell (and 0).
fn number(
    sheet: &RawSheet,
    row: u32,
    cells: &[RawCell],
    at: usize,
    columns: &[&str; 3],
    problems: &mut Vec<FieldError>,
) -> u32 {
    let value = match cells.get(at) {
        Some(RawCell::Number(n)) if *n >= 0.0 && n.fract() == 0.0 && *n <= f64::from(u32::MAX) => {
            Some(*n as u32)
        }
        Some(cell) => raw_text(cell).trim().parse().ok(),
        None => None,
    };
    value.unwrap_or_else(|| {
        problems.push(FieldError::in_sheet(
            &sheet.name,
            row,
            Some(columns[at]),
            CODE,
            "Введите целое число не меньше 0",
        ));
        0
    })
}

/// `check_work`'s finding (`tasks[2].max_score`, `scale[1]`) at its cell: data row
/// `i` is spreadsheet row `i + 2`.
fn locate(found: FieldError) -> FieldError {
    let field = found.field.clone().unwrap_or_default();
    let indexed = |prefix: &str| {
        field.strip_prefix(prefix).and_then(|rest| {
            let (index, rest) = rest.split_once(']')?;
            Some((
                index.parse::<u32>().ok()? + 2,
                rest.trim_start_matches('.').to_owned(),
            ))
        })
    };
    let (sheet, row, column) = if let Some((row, attr)) = indexed("tasks[") {
        let column = match attr.as_str() {
            "number" => Some(TASK_COLUMNS[0]),
            "max_score" => Some(TASK_COLUMNS[1]),
            "skill" => Some(TASK_COLUMNS[2]),
            _ => None,
        };
        (TASKS_SHEET, row, column)
    } else if let Some((row, attr)) = indexed("scale[") {
        (
            SCALE_SHEET,
            row,
            (attr == "mark").then_some(SCALE_COLUMNS[2]),
        )
    } else if field == "tasks" {
        (TASKS_SHEET, 0, None)
    } else if field == "scale" {
        (SCALE_SHEET, 0, None)
    } else {
        (WORK_SHEET, 0, None)
    };
    FieldError::in_sheet(sheet, row, column, &found.code, &found.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(name: &str, rows: Vec<Vec<RawCell>>) -> RawSheet {
        RawSheet {
            name: name.into(),
            rows,
        }
    }

    fn t(text: &str) -> RawCell {
        RawCell::Text(text.into())
    }

    fn n(value: f64) -> RawCell {
        RawCell::Number(value)
    }

    fn workbook(scale_end: f64) -> Vec<RawSheet> {
        vec![
            sheet(
                WORK_SHEET,
                vec![
                    vec![t("Предмет"), t("Математика")],
                    vec![t("Класс"), t("5 класс")],
                ],
            ),
            sheet(
                TASKS_SHEET,
                vec![
                    TASK_COLUMNS.iter().map(|c| t(c)).collect(),
                    vec![t("1"), n(1.0), t("Числа")],
                    vec![n(2.0), n(2.0), t("Задачи")],
                ],
            ),
            sheet(
                SCALE_SHEET,
                vec![
                    SCALE_COLUMNS.iter().map(|c| t(c)).collect(),
                    vec![n(0.0), n(1.0), n(2.0)],
                    vec![n(2.0), n(scale_end), n(5.0)],
                ],
            ),
        ]
    }

    #[test]
    fn a_described_work_reads_back_unchanged() {
        let work = oko_domain::analytics::demo_work("Математика", "5 класс");
        let bytes = describe_work(&work).unwrap();
        let sheets = crate::workbook::read_xlsx(&bytes, Default::default()).unwrap();
        assert_eq!(read_work(&sheets).unwrap(), work);
    }

    #[test]
    fn a_described_work_is_read() {
        let work = read_work(&workbook(3.0)).expect("valid");
        assert_eq!(work.title(), "Математика, 5 класс");
        assert_eq!(work.tasks[1].number, "2");
        assert_eq!(work.mark_for(3), 5);
    }

    #[test]
    fn a_scale_that_stops_short_is_placed_on_its_sheet_and_a_bad_number_on_its_cell() {
        let problems = read_work(&workbook(2.0)).unwrap_err();
        assert!(
            problems
                .iter()
                .any(|p| p.sheet.as_deref() == Some(SCALE_SHEET)),
            "{problems:?}"
        );
        let mut book = workbook(3.0);
        book[1].rows[2][1] = t("два");
        let problems = read_work(&book).unwrap_err();
        assert_eq!(problems[0].sheet.as_deref(), Some(TASKS_SHEET));
        assert_eq!(problems[0].row, Some(3));
        assert_eq!(problems[0].column.as_deref(), Some("Максимальный балл"));
    }
}
