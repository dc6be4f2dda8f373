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

use crate::{form_template::worksheet_names, workbook::Refusal};

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

/// A text cell of an uploaded file, without the control characters no one types
/// (a NUL from Excel's `_x0000_` escape or a binary CSV would reach PostgreSQL,
/// which refuses it); tabs and line breaks stay. Empty when nothing but spaces is
/// left.
pub(crate) fn text_cell(text: &str) -> RawCell {
    let clean: std::borrow::Cow<str> = if text.chars().any(is_stray_control) {
        text.chars()
            .filter(|c| !is_stray_control(*c))
            .collect::<String>()
            .into()
    } else {
        text.into()
    };
    if clean.trim().is_empty() {
        RawCell::Empty
    } else {
        RawCell::Text(clean.into_owned())
    }
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub(crate) fn raw_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Text(t) => t.clone(),
        RawCell::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Where an import's rows come from: a workbook streamed cell by cell, or sheets
/// already in memory (a CSV file).
pub trait RowSource {
    /// The sheets' names, in the file's order.
    fn sheet_names(&self) -> Vec<String>;
    /// Hands each row of sheet `index` that holds a cell to `each`, in order, with
    /// its 0-based row number.
    fn each_row(
        &mut self,
        index: usize,
        each: &mut dyn FnMut(usize, Vec<RawCell>),
    ) -> Result<(), Refusal>;
}

impl RowSource for Vec<RawSheet> {
    fn sheet_names(&self) -> Vec<String> {
        self.iter().map(|s| s.name.clone()).collect()
    }

    fn each_row(
        &mut self,
        index: usize,
        each: &mut dyn FnMut(usize, Vec<RawCell>),
    ) -> Result<(), Refusal> {
        for (at, row) in std::mem::take(&mut self[index].rows)
            .into_iter()
            .enumerate()
        {
            each(at, row);
        }
        Ok(())
    }
}

/// Why an import gives no data.
#[derive(Debug)]
pub enum ImportError {
    /// The file itself cannot be read.
    Unreadable(Refusal),
    /// Every problem of its cells, rows as the spreadsheet numbers them.
    Cells(Vec<CellError>),
}

/// The read data, or why not. Rows are converted as the source gives them, so the
/// file's cells are never all held beside the data they become (an upload's peak
/// memory is a figure of issue #4).
pub fn import(form: &FormDefinition, source: &mut impl RowSource) -> Result<FormData, ImportError> {
    let names = worksheet_names(form);
    let in_file = source.sheet_names();
    let mut data = FormData::default();
    let mut errors = Vec::new();
    let mut row_numbers: HashMap<String, Vec<u32>> = HashMap::new();
    for (index, sheet) in form.sheets.iter().enumerate() {
        let found = in_file
            .iter()
            .position(|name| {
                let name = header_key(name);
                name == header_key(&names[index]) || name == header_key(&sheet.title)
            })
            .or_else(|| (form.sheets.len() == 1 && in_file.len() == 1).then_some(0));
        let Some(at) = found else {
            errors.push(sheet_error(
                sheet,
                format!("В файле нет листа «{}»", names[index]),
            ));
            continue;
        };
        let mut reader = SheetReader::new(sheet);
        source
            .each_row(at, &mut |number, cells| reader.push(number, cells))
            .map_err(ImportError::Unreadable)?;
        match reader.finish() {
            Ok((rows, numbers)) => {
                data.sheets.insert(sheet.key.clone(), rows);
                row_numbers.insert(sheet.key.clone(), numbers);
            }
            Err(mut sheet_errors) => errors.append(&mut sheet_errors),
        }
    }
    if !errors.is_empty() {
        return Err(ImportError::Cells(errors));
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
    Err(ImportError::Cells(found))
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

/// One form sheet read from the file's rows as they come: the header row looked
/// for among the first rows (title lines above it are skipped), then each row
/// converted by its column's type.
struct SheetReader<'a> {
    sheet: &'a SheetDef,
    /// The columns' titles as compared.
    wanted: Vec<String>,
    /// The header's row number and each column's position in the file.
    header: Option<(usize, Vec<usize>)>,
    /// How many columns the header row spans: a value right of it belongs to no
    /// column and is refused, never silently dropped.
    width: usize,
    /// The columns' indices in the order of their keys: a row's cells are filled
    /// in that order, so each goes at the row's end.
    by_key: Vec<usize>,
    rows: Vec<Row>,
    /// Each row's number in the file.
    numbers: Vec<u32>,
    /// Rows past the sheet's limit, counted for the message but not kept.
    rows_over: usize,
    /// What makes the sheet unreadable (missing columns, rows past a fixed sheet).
    problems: Vec<CellError>,
}

impl<'a> SheetReader<'a> {
    fn new(sheet: &'a SheetDef) -> SheetReader<'a> {
        SheetReader {
            sheet,
            wanted: sheet.columns.iter().map(|c| header_key(&c.title)).collect(),
            header: None,
            width: 0,
            by_key: {
                let mut order: Vec<usize> = (0..sheet.columns.len()).collect();
                order.sort_by(|&a, &b| sheet.columns[a].key.cmp(&sheet.columns[b].key));
                order
            },
            rows: Vec::new(),
            numbers: Vec::new(),
            rows_over: 0,
            problems: Vec::new(),
        }
    }

    fn push(&mut self, number: usize, mut cells: Vec<RawCell>) {
        if !self.problems.is_empty() {
            return;
        }
        let Some((header, positions)) = &self.header else {
            if number < HEADER_SEARCH_ROWS && self.is_header(&cells) {
                self.place_columns(number, &cells);
            }
            return;
        };
        if let Some(past) = (self.width..cells.len()).find(|&at| cells[at] != RawCell::Empty) {
            let message = format!(
                "Лист «{}», ячейка {}: значение правее таблицы формы (последний столбец — {}); удалите его или перенесите в столбец формы",
                self.sheet.title,
                crate::workbook::cell_reference(number, past),
                crate::form_template::column_letters(self.width.saturating_sub(1)),
            );
            self.problems.push(CellError {
                row: number as u32 + 1,
                ..sheet_error(self.sheet, message)
            });
            return;
        }
        let mut row = Row::with_capacity(self.sheet.columns.len());
        for &index in &self.by_key {
            let column = &self.sheet.columns[index];
            if let Some(cell) = cells.get_mut(positions[index]) {
                let text = canonical_text(column, cell);
                if !text.is_empty() {
                    row.insert(&column.key, text);
                }
            }
        }
        row.shrink_to_fit();
        if self.sheet.is_free() {
            if row.is_empty() {
                return;
            }
            if self.rows.len() >= self.sheet.row_limit() as usize {
                self.rows_over += 1;
                return;
            }
            self.rows.push(row);
            self.numbers.push(number as u32 + 1);
            return;
        }
        // A fixed sheet's rows go by position; the definition's cells win over
        // whatever the file says.
        let index = number - header - 1;
        let expected = self.sheet.fixed_rows.len();
        if index >= expected {
            if !row.is_empty() {
                let message = format!(
                    "На листе «{}» должно быть {expected} строк",
                    self.sheet.title
                );
                self.problems.push(sheet_error(self.sheet, message));
            }
            return;
        }
        self.rows.resize(index, Row::new());
        self.rows.push(row);
    }

    fn is_header(&self, cells: &[RawCell]) -> bool {
        let needed = self.sheet.columns.len().div_ceil(2).max(1);
        cells
            .iter()
            .filter(|cell| self.wanted.contains(&header_key(&raw_text(cell))))
            .count()
            >= needed
    }

    /// Finds every column in the header row, or names the missing ones.
    fn place_columns(&mut self, number: usize, cells: &[RawCell]) {
        let mut positions: Vec<Option<usize>> = vec![None; self.sheet.columns.len()];
        for (at, cell) in cells.iter().enumerate() {
            let key = header_key(&raw_text(cell));
            if let Some(column) = self.wanted.iter().position(|w| *w == key)
                && positions[column].is_none()
            {
                positions[column] = Some(at);
            }
        }
        self.problems = self
            .sheet
            .columns
            .iter()
            .zip(&positions)
            .filter(|(_, at)| at.is_none())
            .map(|(column, _)| CellError {
                sheet: self.sheet.key.clone(),
                row: number as u32 + 1,
                column: Some(column.key.clone()),
                code: CellCode::Unknown,
                message: format!("В файле нет столбца «{}»", column.title),
            })
            .collect();
        self.width = cells
            .iter()
            .rposition(|c| *c != RawCell::Empty)
            .map_or(0, |at| at + 1);
        self.header = Some((number, positions.into_iter().flatten().collect()));
    }

    /// The sheet's rows and, for each, its row number in the file.
    fn finish(mut self) -> Result<(Vec<Row>, Vec<u32>), Vec<CellError>> {
        let sheet = self.sheet;
        let Some((header, _)) = self.header else {
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
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        if self.rows_over > 0 {
            let limit = sheet.row_limit();
            return Err(vec![sheet_error(
                sheet,
                format!(
                    "На листе «{}» не более {limit} строк, в файле {}",
                    sheet.title,
                    self.rows.len() + self.rows_over
                ),
            )]);
        }
        if !sheet.is_free() {
            let expected = sheet.fixed_rows.len();
            self.rows.resize(expected, Row::new());
            self.numbers = (0..expected).map(|i| (header + 2 + i) as u32).collect();
            for (row, preset) in self.rows.iter_mut().zip(&sheet.fixed_rows) {
                row.extend(preset);
            }
        }
        Ok((self.rows, self.numbers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oko_domain::forms::demo;

    fn text(t: &str) -> RawCell {
        RawCell::Text(t.into())
    }

    fn cell_errors(form: &FormDefinition, mut sheets: Vec<RawSheet>) -> Vec<CellError> {
        match import(form, &mut sheets) {
            Err(ImportError::Cells(errors)) => errors,
            other => panic!("cell errors expected, got {other:?}"),
        }
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
        let data = import(&form, &mut vec![sheet.clone()]).expect("valid");
        let rows = data.rows("specialties");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0]["admitted"], "Нет");
        assert_eq!(rows[0]["course"], "1");

        let mut bad = sheet;
        bad.rows[3][columns.len() - 1 - 3] = RawCell::Number(9.0); // course
        let errors = cell_errors(&form, vec![bad]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!((errors[0].row, errors[0].code), (4, CellCode::OutOfRange));
    }

    #[test]
    fn a_missing_sheet_or_column_is_named() {
        let form = demo::schedule();
        let errors = cell_errors(
            &form,
            vec![RawSheet {
                name: "Лист1".into(),
                rows: vec![],
            }],
        );
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].message, "В файле нет листа «РАБОТЫ НА БЛАНКЕ»");
        let college = demo::college();
        let header = college.sheets[0]
            .columns
            .iter()
            .skip(1)
            .map(|c| text(&c.title))
            .collect();
        let errors = cell_errors(
            &college,
            vec![RawSheet {
                name: "x".into(),
                rows: vec![header],
            }],
        );
        assert_eq!(
            errors[0].message,
            "В файле нет столбца «1. Код и название профессии/специальности»"
        );
    }

    #[test]
    fn rows_past_the_limit_are_counted_not_kept() {
        let (form, data) = demo::college_filled(40);
        let bytes = crate::form_template::template(&form, &data).unwrap();
        let mut book = crate::workbook::open_xlsx(&bytes, Default::default()).unwrap();
        let errors = match import(&demo::college_for(25), &mut book) {
            Err(ImportError::Cells(errors)) => errors,
            other => panic!("the limit is exceeded: {other:?}"),
        };
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.ends_with("не более 25 строк, в файле 40"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_fixed_sheet_takes_rows_by_position_and_refuses_extra_ones() {
        let form = demo::schedule();
        let fixed = form
            .sheets
            .iter()
            .find(|s| !s.is_free())
            .expect("a fixed sheet");
        let header: Vec<RawCell> = fixed.columns.iter().map(|c| text(&c.title)).collect();
        let named = |rows: Vec<Vec<RawCell>>| RawSheet {
            name: fixed.title.clone(),
            rows,
        };
        let errors = cell_errors(&form, vec![named(vec![header.clone()])]);
        assert!(
            errors.iter().all(|e| e.sheet != fixed.key),
            "an empty fixed sheet reads as its presets: {errors:?}"
        );
        let mut rows = vec![header];
        rows.resize(fixed.fixed_rows.len() + 2, Vec::new());
        rows.push(vec![text("лишняя строка")]);
        let errors = cell_errors(&form, vec![named(rows)]);
        assert!(
            errors.iter().any(|e| e.sheet == fixed.key
                && e.message
                    == format!(
                        "На листе «{}» должно быть {} строк",
                        fixed.title,
                        fixed.fixed_rows.len()
                    )),
            "{errors:?}"
        );
    }
}
