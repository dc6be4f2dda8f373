//! A filled template (or a CSV) read back into a form's data: sheets found by
//! name, the header row found by its titles (whatever sits above it), columns by
//! title in any order, cells converted by their column's type, and every error of
//! the result with the row number Excel shows. All or nothing: the caller saves the
//! data only when no error comes back.

use std::{borrow::Cow, collections::HashMap};

use chrono::NaiveDate;
use oko_domain::{
    forms::{
        CellCode, CellError, ColumnDef, ColumnType, FormData, FormDefinition, Row, SheetDef,
        validate, value,
    },
    text::search_key,
};

use crate::form_template::worksheet_names;

/// How far down the header row may be (title lines above it are common).
const HEADER_SEARCH_ROWS: usize = 10;

/// A cell as a spreadsheet holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum RawCell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
}

/// A worksheet: its name and its rows from row 1 (index 0) down.
#[derive(Clone, Debug, Default)]
pub struct RawSheet {
    pub name: String,
    pub rows: Vec<Vec<RawCell>>,
}

/// The canonical text of a cell for `column`. A number in a number column is written
/// straight in its canonical form (most cells of a filled template are numbers).
fn canonical_text(column: &ColumnDef, cell: &mut RawCell) -> String {
    if let RawCell::Text(text) = cell
        && is_canonical(column, text)
    {
        return std::mem::take(text);
    }
    match (&*cell, column.kind) {
        (RawCell::Number(n), ColumnType::Integer) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            value::integer_text(*n as i64)
        }
        (RawCell::Number(n), ColumnType::Decimal) if n.is_finite() => value::format_decimal(*n),
        _ => value::normalize(column, &cell_text(column, cell)),
    }
}

/// Whether `text` is already what `value::normalize` would make of it (checked
/// for the kinds where that is cheap to tell).
fn is_canonical(column: &ColumnDef, text: &str) -> bool {
    match column.kind {
        ColumnType::Text => text.trim().len() == text.len(),
        ColumnType::List => column.values.iter().any(|v| v == text),
        ColumnType::YesNo => text == "Да" || text == "Нет",
        _ => false,
    }
}

/// The text of a cell for `column`, before normalisation (borrowed when the cell
/// holds text, as most do).
fn cell_text<'a>(column: &ColumnDef, cell: &'a RawCell) -> Cow<'a, str> {
    match cell {
        RawCell::Empty => Cow::Borrowed(""),
        RawCell::Text(text) => Cow::Borrowed(text),
        RawCell::Bool(b) => Cow::Borrowed(if *b { "Да" } else { "Нет" }),
        RawCell::Date(day) => Cow::Owned(match column.kind {
            ColumnType::Date => day.format("%Y-%m-%d").to_string(),
            _ => day.format("%d.%m.%Y").to_string(),
        }),
        RawCell::Number(n) => Cow::Owned(match column.kind {
            ColumnType::Date => excel_serial_date(*n)
                .map_or_else(|| n.to_string(), |d| d.format("%Y-%m-%d").to_string()),
            _ if n.fract() == 0.0 && n.abs() < 9.0e15 => format!("{}", *n as i64),
            _ => n.to_string(),
        }),
    }
}

/// An Excel serial day number (1900 system, with its phantom 29 Feb 1900) as a date.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    let epoch = if days > 60 {
        NaiveDate::from_ymd_opt(1899, 12, 30)
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 31)
    }?;
    epoch.checked_add_signed(chrono::Duration::days(days))
}

/// A header as compared: no `*`, spaces collapsed, any case, «ё» as «е».
pub(crate) fn header_key(text: &str) -> String {
    let bare = text.trim().trim_end_matches('*').trim();
    search_key(&bare.split_whitespace().collect::<Vec<_>>().join(" "))
}

pub(crate) fn raw_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Text(t) => t.clone(),
        RawCell::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The read data, or every error (rows as the spreadsheet numbers them). Takes the
/// sheets to move their texts into the data instead of copying them.
pub fn import(
    form: &FormDefinition,
    mut sheets: Vec<RawSheet>,
) -> Result<FormData, Vec<CellError>> {
    let names = worksheet_names(form);
    let mut data = FormData::default();
    let mut errors = Vec::new();
    let mut row_numbers: HashMap<String, Vec<u32>> = HashMap::new();
    for (index, sheet) in form.sheets.iter().enumerate() {
        let found = sheets
            .iter()
            .position(|s| {
                let name = header_key(&s.name);
                name == header_key(&names[index]) || name == header_key(&sheet.title)
            })
            .or_else(|| (form.sheets.len() == 1 && sheets.len() == 1).then_some(0));
        let Some(raw) = found.map(|at| &mut sheets[at]) else {
            errors.push(sheet_error(
                sheet,
                format!("В файле нет листа «{}»", names[index]),
            ));
            continue;
        };
        match read_sheet(sheet, raw) {
            Ok((rows, numbers)) => {
                data.sheets.insert(sheet.key.clone(), rows);
                row_numbers.insert(sheet.key.clone(), numbers);
            }
            Err(mut sheet_errors) => errors.append(&mut sheet_errors),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut found = validate(form, &data);
    if found.is_empty() {
        return Ok(data);
    }
    for error in &mut found {
        if error.row > 0
            && let Some(number) = row_numbers
                .get(&error.sheet)
                .and_then(|n| n.get(error.row as usize - 1))
        {
            error.row = *number;
        }
    }
    Err(found)
}

fn sheet_error(sheet: &SheetDef, message: String) -> CellError {
    CellError {
        sheet: sheet.key.clone(),
        row: 0,
        column: None,
        code: CellCode::Unknown,
        message,
    }
}

/// A sheet's rows and, for each, its row number in the file.
fn read_sheet(
    sheet: &SheetDef,
    raw: &mut RawSheet,
) -> Result<(Vec<Row>, Vec<u32>), Vec<CellError>> {
    let wanted: Vec<String> = sheet.columns.iter().map(|c| header_key(&c.title)).collect();
    let needed = sheet.columns.len().div_ceil(2).max(1);
    let header = raw.rows.iter().take(HEADER_SEARCH_ROWS).position(|row| {
        row.iter()
            .filter(|cell| wanted.contains(&header_key(&raw_text(cell))))
            .count()
            >= needed
    });
    let Some(header) = header else {
        let titles: Vec<String> = sheet
            .columns
            .iter()
            .take(3)
            .map(|c| format!("«{}»", c.title))
            .collect();
        return Err(vec![sheet_error(
            sheet,
            format!(
                "Не найдена строка заголовков: ожидаются столбцы {}, …",
                titles.join(", ")
            ),
        )]);
    };
    let mut positions: Vec<Option<usize>> = vec![None; sheet.columns.len()];
    for (at, cell) in raw.rows[header].iter().enumerate() {
        let key = header_key(&raw_text(cell));
        if let Some(column) = wanted.iter().position(|w| *w == key)
            && positions[column].is_none()
        {
            positions[column] = Some(at);
        }
    }
    let missing: Vec<CellError> = sheet
        .columns
        .iter()
        .zip(&positions)
        .filter(|(_, at)| at.is_none())
        .map(|(column, _)| CellError {
            sheet: sheet.key.clone(),
            row: header as u32 + 1,
            column: Some(column.key.clone()),
            code: CellCode::Unknown,
            message: format!("В файле нет столбца «{}»", column.title),
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rows = Vec::new();
    let mut numbers = Vec::new();
    for (offset, raw_row) in raw.rows.iter_mut().enumerate().skip(header + 1) {
        // Each file row is freed once read, so the file and the data it becomes are
        // not both held whole (peak memory of an upload).
        let mut raw_row = std::mem::take(raw_row);
        let mut row = Row::new();
        for (column, at) in sheet.columns.iter().zip(&positions) {
            let Some(cell) = at.and_then(|at| raw_row.get_mut(at)) else {
                continue;
            };
            let text = canonical_text(column, cell);
            if !text.is_empty() {
                row.insert(column.key.clone(), text);
            }
        }
        if sheet.is_free() && row.is_empty() {
            continue;
        }
        rows.push(row);
        numbers.push(offset as u32 + 1);
    }
    if !sheet.is_free() {
        // Rows by position; the definition's cells win over whatever the file says.
        let expected = sheet.fixed_rows.len();
        if rows.iter().skip(expected).any(|r| !r.is_empty()) {
            return Err(vec![sheet_error(
                sheet,
                format!("На листе «{}» должно быть {expected} строк", sheet.title),
            )]);
        }
        rows.resize(expected, Row::new());
        numbers = (0..expected).map(|i| (header + 2 + i) as u32).collect();
        for (row, preset) in rows.iter_mut().zip(&sheet.fixed_rows) {
            row.extend(preset.clone());
        }
    }
    let limit = sheet.row_limit() as usize;
    if rows.len() > limit {
        return Err(vec![sheet_error(
            sheet,
            format!(
                "На листе «{}» не более {limit} строк, в файле {}",
                sheet.title,
                rows.len()
            ),
        )]);
    }
    Ok((rows, numbers))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oko_domain::forms::demo;

    fn text(t: &str) -> RawCell {
        RawCell::Text(t.into())
    }

    #[test]
    fn serial_dates_follow_excel() {
        assert_eq!(
            excel_serial_date(44454.0),
            NaiveDate::from_ymd_opt(2021, 9, 15)
        );
        assert_eq!(excel_serial_date(1.0), NaiveDate::from_ymd_opt(1900, 1, 1));
        assert_eq!(excel_serial_date(61.0), NaiveDate::from_ymd_opt(1900, 3, 1));
        assert_eq!(excel_serial_date(-3.0), None);
    }

    #[test]
    fn finds_the_header_under_a_title_and_skips_empty_rows() {
        let form = demo::college();
        let columns = &form.sheets[0].columns;
        let mut header: Vec<RawCell> = columns.iter().rev().map(|c| text(&c.header())).collect();
        header.push(text("Примечание"));
        let mut values: HashMap<&str, RawCell> = HashMap::from([
            ("code", text("38.02.01 Экономика")),
            ("subject_a", text("Математика")),
            ("subject_b", text("—")),
            ("course", RawCell::Number(1.0)),
            ("students", text("34")),
            ("after_9", RawCell::Number(30.0)),
            ("after_11", text("4")),
            ("digital", RawCell::Number(35.0)),
            ("admitted", RawCell::Bool(false)),
        ]);
        let row: Vec<RawCell> = columns
            .iter()
            .rev()
            .map(|c| values.remove(c.key.as_str()).unwrap_or(RawCell::Empty))
            .collect();
        let sheet = RawSheet {
            name: "СПЕЦИАЛЬНОСТИ".into(),
            rows: vec![
                vec![text("Сведения о профессиях")],
                header,
                vec![],
                row.clone(),
                vec![RawCell::Empty; 3],
            ],
        };
        let data = import(&form, vec![sheet.clone()]).expect("valid");
        let rows = data.rows("specialties");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["admitted"], "Нет");
        assert_eq!(rows[0]["course"], "1");

        let mut bad = sheet;
        bad.rows[3][columns.len() - 1 - 3] = RawCell::Number(9.0); // course
        let errors = import(&form, vec![bad]).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].row, errors[0].code), (4, CellCode::OutOfRange));
    }

    #[test]
    fn a_missing_sheet_or_column_is_named() {
        let form = demo::schedule();
        let errors = import(
            &form,
            vec![RawSheet {
                name: "Лист1".into(),
                rows: vec![],
            }],
        )
        .unwrap_err();
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].message, "В файле нет листа «РАБОТЫ НА БЛАНКЕ»");
        let college = demo::college();
        let header = college.sheets[0]
            .columns
            .iter()
            .skip(1)
            .map(|c| text(&c.title))
            .collect();
        let errors = import(
            &college,
            vec![RawSheet {
                name: "x".into(),
                rows: vec![header],
            }],
        )
        .unwrap_err();
        assert_eq!(
            errors[0].message,
            "В файле нет столбца «1. Код и название профессии/специальности»"
        );
    }
}
