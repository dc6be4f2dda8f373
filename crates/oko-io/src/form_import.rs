//! A filled template (or a CSV) read back into a form's data: sheets found by
//! name, the header row found by its titles (whatever sits above it), columns by
//! title in any order, cells converted by their column's type, and every error of
//! the result with the row number Excel shows. All or nothing: the caller saves the
//! data only when no error comes back.

use std::{
    borrow::Cow,
    collections::{HashMap, VecDeque},
};

use chrono::NaiveDate;
use oko_domain::{
    forms::{
        CellCode, CellError, ColumnDef, ColumnType, FormData, FormDefinition, Row, RowsChecked,
        SheetDef, validate_checked, value,
    },
    text::{at_most_rows_ru, rows_ru},
};
use smol_str::SmolStr;

use crate::{form_template::worksheet_names, workbook::Refusal};

/// How far down the header row may be (title lines above it are common).
const HEADER_SEARCH_ROWS: usize = 10;

/// A cell as a spreadsheet holds it. Texts are inline up to 23 bytes, as a
/// row's cells are, so most cells go from the file into the row unallocated.
#[derive(Clone, Debug, PartialEq)]
pub enum RawCell {
    Empty,
    Text(SmolStr),
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
fn canonical_text(column: &ColumnDef, cell: &mut RawCell) -> SmolStr {
    if let RawCell::Text(text) = cell
        && is_canonical(column, text)
    {
        return std::mem::take(text);
    }
    match (&*cell, column.kind) {
        (RawCell::Number(n), ColumnType::Integer) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
            value::integer_text(*n as i64)
        }
        (RawCell::Number(n), ColumnType::Decimal) if n.is_finite() => {
            value::format_decimal(*n).into()
        }
        _ => value::normalize(column, &cell_text(column, cell)).into(),
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

/// A header (or a preset value) as compared: no `*`, spaces collapsed, any case,
/// «ё» as «е». One pass and one allocation: a fixed sheet's presets are keyed
/// for every row of the file.
pub(crate) fn header_key(text: &str) -> String {
    let bare = text.trim().trim_end_matches('*');
    let mut key = String::with_capacity(bare.len());
    for word in bare.split_whitespace() {
        if !key.is_empty() {
            key.push(' ');
        }
        for c in word.chars() {
            match c {
                'ё' | 'Ё' => key.push('е'),
                c if c.is_ascii() => key.push(c.to_ascii_lowercase()),
                c => key.extend(c.to_lowercase()),
            }
        }
    }
    key
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
        RawCell::Text(SmolStr::new(clean))
    }
}

fn is_stray_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub(crate) fn raw_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Text(t) => t.to_string(),
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

/// A source whose sheets' first rows and lengths are kept as an import reads
/// them, to find the import's errors in the file afterwards
/// ([`places_in_file`]) without holding its cells.
pub struct Outlined<'a, S> {
    source: &'a mut S,
    outlines: Vec<SheetOutline>,
}

/// What a sheet's errors are found by: its name, its rows where the header
/// may be, and how many rows it has.
#[derive(Clone, Debug, Default)]
pub struct SheetOutline {
    pub name: String,
    pub head: Vec<Vec<RawCell>>,
    pub rows: usize,
}

impl<'a, S: RowSource> Outlined<'a, S> {
    pub fn new(source: &'a mut S) -> Self {
        let outlines = source
            .sheet_names()
            .into_iter()
            .map(|name| SheetOutline {
                name,
                ..SheetOutline::default()
            })
            .collect();
        Outlined { source, outlines }
    }

    /// Every sheet's outline (a sheet the import did not read has no rows).
    pub fn finish(self) -> Vec<SheetOutline> {
        self.outlines
    }
}

impl<S: RowSource> RowSource for Outlined<'_, S> {
    fn sheet_names(&self) -> Vec<String> {
        self.outlines.iter().map(|o| o.name.clone()).collect()
    }

    fn each_row(
        &mut self,
        index: usize,
        each: &mut dyn FnMut(usize, Vec<RawCell>),
    ) -> Result<(), Refusal> {
        let outline = &mut self.outlines[index];
        self.source.each_row(index, &mut |at, cells| {
            if at < HEADER_SEARCH_ROWS {
                if outline.head.len() <= at {
                    outline.head.resize_with(at + 1, Vec::new);
                }
                outline.head[at] = cells.clone();
            }
            outline.rows = outline.rows.max(at + 1);
            each(at, cells);
        })
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

/// The read data, or why not: every error of the data refuses it (imports of
/// organisations, regions, results). Rows are converted as the source gives
/// them, so the file's cells are never all held beside the data they become (an
/// upload's peak memory is a figure of issue #4).
pub fn import(form: &FormDefinition, source: &mut impl RowSource) -> Result<FormData, ImportError> {
    import_numbered(form, source).map(|read| read.data)
}

/// [`import`], with each row's number in the file (to name a row that a later
/// check refuses where the user sees it).
pub fn import_numbered(
    form: &FormDefinition,
    source: &mut impl RowSource,
) -> Result<Numbered, ImportError> {
    let (read, checked) = read_sheets(form, source)?;
    refuse_on(form, read, checked, |_| true, RowsNamed::InFile)
}

/// A filled template read as a draft: the file is refused only when it cannot
/// be read or a cell cannot be what its column holds (a word in a number cell);
/// an empty required cell, a number out of range or a broken rule stay in the
/// draft as its errors, as autosave keeps them (they refuse a submission).
pub fn import_draft(
    form: &FormDefinition,
    source: &mut impl RowSource,
) -> Result<Numbered, ImportError> {
    let (read, checked) = read_sheets(form, source)?;
    refuse_on(
        form,
        read,
        checked,
        |error| error.code.is_unreadable_value(),
        RowsNamed::InFileAndEditor,
    )
}

/// Which rows a refusal names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RowsNamed {
    /// The file's (imports: the file is all there is).
    InFile,
    /// The file's, and the editor's where they differ (a form's draft: the user
    /// fixes it in the file or in the editor, whose rows start under the header).
    InFileAndEditor,
}

/// Data read from a file and where each of its rows was.
#[derive(Debug)]
pub struct Numbered {
    pub data: FormData,
    row_numbers: RowNumbers,
}

impl Numbered {
    /// The file's row (1-based, as the spreadsheet shows it) of the sheet's data
    /// row `index` (0-based).
    pub fn file_row(&self, sheet: &str, index: usize) -> u32 {
        self.row_numbers
            .get(sheet)
            .and_then(|numbers| numbers.get(index))
            .copied()
            .unwrap_or(index as u32 + 2)
    }

    /// `error` of the data (its rows the data's) with its rows as the file
    /// numbers them.
    pub fn in_file(&self, error: CellError) -> CellError {
        let numbers = self.row_numbers.get(&error.sheet);
        error.renumbered(|row| numbers?.get(row as usize - 1).copied())
    }
}

/// Each sheet's rows' numbers in the file.
type RowNumbers = HashMap<String, Vec<u32>>;

/// Every sheet of the form from the file, with the rows of the sheets checked
/// as they came; or the file's problems with its sheets and columns (missing,
/// unreadable, rows past a fixed sheet).
fn read_sheets<'f>(
    form: &'f FormDefinition,
    source: &mut impl RowSource,
) -> Result<(Numbered, Vec<RowsChecked<'f>>), ImportError> {
    let names = worksheet_names(form);
    let in_file = source.sheet_names();
    let mut data = FormData::default();
    let mut errors = Vec::new();
    let mut row_numbers: RowNumbers = HashMap::new();
    let mut checked = Vec::new();
    for (index, sheet) in form.sheets.iter().enumerate() {
        let Some(at) = sheet_in_file(form, &names, index, &in_file) else {
            errors.push(sheet_error(
                sheet,
                format!("В файле нет листа «{}»", names[index]),
            ));
            continue;
        };
        let mut reader = SheetReader::new(sheet);
        crate::row_pipe::read_beside(source, at, |number, cells| reader.push(number, cells))
            .map_err(ImportError::Unreadable)?;
        match reader.finish() {
            Ok(read) => {
                data.sheets.insert(sheet.key.clone(), read.rows);
                row_numbers.insert(sheet.key.clone(), read.numbers);
                checked.extend(read.checked);
            }
            Err(mut sheet_errors) => errors.append(&mut sheet_errors),
        }
    }
    if errors.is_empty() {
        data.calculate(form);
        Ok((Numbered { data, row_numbers }, checked))
    } else {
        Err(ImportError::Cells(errors))
    }
}

/// Where the file holds the form's sheet `index` (`names`: the template's
/// worksheet names): by the template's name or the sheet's title, or, for a
/// one-sheet form, the file's first sheet (a book of «Лист1», «Лист2», «Лист3»
/// with the data on the first, as Excel makes new books).
fn sheet_in_file(
    form: &FormDefinition,
    names: &[String],
    index: usize,
    in_file: &[String],
) -> Option<usize> {
    let wanted = [
        header_key(&names[index]),
        header_key(&form.sheets[index].title),
    ];
    in_file
        .iter()
        .position(|name| wanted.contains(&header_key(name)))
        .or_else(|| (form.sheets.len() == 1 && !in_file.is_empty()).then_some(0))
}

/// Where an error of a file's import is in the file: its worksheet (index in the
/// file), row and column (0-based); `None` where the file has no such place (a
/// missing sheet or column, a row the file lacks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilePlace {
    pub sheet: Option<usize>,
    pub row: Option<usize>,
    pub column: Option<usize>,
}

/// The places in `sheets` of errors an import of them gave (rows as the file
/// numbers them), found as the import finds them: sheets by name, columns by
/// their header's titles.
pub fn places_in_file(
    form: &FormDefinition,
    sheets: &[SheetOutline],
    errors: &[CellError],
) -> Vec<FilePlace> {
    let names = worksheet_names(form);
    let in_file: Vec<String> = sheets.iter().map(|s| s.name.clone()).collect();
    let columns: HashMap<&str, (usize, HashMap<&str, usize>)> = form
        .sheets
        .iter()
        .enumerate()
        .filter_map(|(index, sheet)| {
            let at = sheet_in_file(form, &names, index, &in_file)?;
            Some((
                sheet.key.as_str(),
                (at, header_positions(sheet, &sheets[at])),
            ))
        })
        .collect();
    errors
        .iter()
        .map(|error| {
            let found = columns.get(error.sheet.as_str());
            let row = (error.row > 0).then(|| error.row as usize - 1);
            FilePlace {
                sheet: found.map(|(at, _)| *at),
                row: row.filter(|&row| found.is_some_and(|(at, _)| row < sheets[*at].rows)),
                column: error
                    .column
                    .as_deref()
                    .and_then(|key| found.and_then(|(_, positions)| positions.get(key).copied())),
            }
        })
        .collect()
}

/// Each column's position in the sheet's header row (as the import finds it),
/// by the column's key; empty when the sheet has no header row.
fn header_positions<'a>(sheet: &'a SheetDef, outline: &SheetOutline) -> HashMap<&'a str, usize> {
    let reader = SheetReader::new(sheet);
    let Some(cells) = outline.head.iter().find(|cells| reader.is_header(cells)) else {
        return HashMap::new();
    };
    sheet
        .columns
        .iter()
        .zip(reader.column_positions(cells))
        .filter_map(|(column, at)| Some((column.key.as_str(), at?)))
        .collect()
}

/// The data, or every error of it (rows as the file numbers them) when any of
/// them `refuses`.
fn refuse_on(
    form: &FormDefinition,
    read: Numbered,
    checked: Vec<RowsChecked>,
    refuses: impl Fn(&CellError) -> bool,
    rows_named: RowsNamed,
) -> Result<Numbered, ImportError> {
    let found = validate_checked(form, &read.data, checked);
    if !found.iter().any(refuses) {
        return Ok(read);
    }
    Err(ImportError::Cells(
        found
            .into_iter()
            .map(|error| {
                let editor_row = error.row;
                let mut moved = read.in_file(error);
                if rows_named == RowsNamed::InFileAndEditor && moved.row != editor_row {
                    moved.message =
                        format!("{} (в редакторе — строка {editor_row})", moved.message);
                }
                moved
            })
            .collect(),
    ))
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
    /// The columns' titles as compared, each also with its unit («Площадь, м²»,
    /// as the template's header has it).
    wanted: Vec<[String; 2]>,
    /// The header's row number and each column's position in the file (a
    /// calculated column may be missing: its cells are computed anyway).
    header: Option<(usize, Vec<Option<usize>>)>,
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
    /// A fixed sheet with preset values: each file row goes to the preset row
    /// its values name, wherever the user moved it.
    presets: Option<PresetMatcher>,
    /// What makes the sheet unreadable (missing columns, rows past a fixed sheet).
    problems: Vec<CellError>,
    /// The kept rows checked as they come, on sheets whose rows are final as
    /// read (the converting thread has time to spare while the file is read).
    checked: Option<RowsChecked<'a>>,
}

/// The rows of a fixed sheet matched by their preset values, not by position: a
/// user who sorted the rows keeps every value under its own preset.
struct PresetMatcher {
    /// The columns that hold presets on this sheet.
    columns: Vec<String>,
    /// The preset rows not matched yet, by their key (the presets' values as
    /// the definition spells them), in the definition's order (several rows
    /// with the same presets are matched in turn).
    unmatched: HashMap<String, VecDeque<usize>>,
    /// Each preset row's key.
    keys: Vec<String>,
    /// The keys by their values as compared (any case, spaces collapsed): made
    /// at the first row whose presets are not spelled exactly as the template's,
    /// so a file that keeps them pays for no folding.
    folded: Option<HashMap<String, Vec<String>>>,
    /// Each preset row as read and the file's row number it came from.
    matched: Vec<Option<(Row, u32)>>,
}

impl PresetMatcher {
    /// `None` for a sheet whose fixed rows preset nothing (they go by position).
    fn new(sheet: &SheetDef) -> Option<PresetMatcher> {
        let mut columns: Vec<String> = sheet
            .columns
            .iter()
            .filter(|c| sheet.fixed_rows.iter().any(|row| row.contains_key(&c.key)))
            .map(|c| c.key.clone())
            .collect();
        if columns.is_empty() {
            return None;
        }
        columns.shrink_to_fit();
        let keys: Vec<String> = sheet
            .fixed_rows
            .iter()
            .map(|row| exact_key(&columns, row))
            .collect();
        let mut unmatched: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (index, key) in keys.iter().enumerate() {
            unmatched.entry(key.clone()).or_default().push_back(index);
        }
        Some(PresetMatcher {
            columns,
            unmatched,
            matched: vec![None; keys.len()],
            keys,
            folded: None,
        })
    }

    /// The key of the preset row `row` names: spelled as the template spells
    /// it, or in another case or spacing.
    fn key_of(&mut self, row: &Row) -> String {
        let exact = exact_key(&self.columns, row);
        if self.unmatched.contains_key(&exact) {
            return exact;
        }
        let keys = &self.keys;
        let folded = self.folded.get_or_insert_with(|| {
            let mut folded: HashMap<String, Vec<String>> = HashMap::new();
            for key in keys {
                let named = folded.entry(fold_key(key)).or_default();
                if !named.contains(key) {
                    named.push(key.clone());
                }
            }
            folded
        });
        let candidates = folded.get(&fold_key(&exact));
        candidates
            .and_then(|keys| {
                keys.iter()
                    .find(|key| self.unmatched.get(*key).is_some_and(|q| !q.is_empty()))
                    .or(keys.first())
            })
            .cloned()
            .unwrap_or(exact)
    }

    /// Files `row` (file row `number`, 1-based) under its preset row, or says why
    /// it cannot be.
    fn place(&mut self, sheet: &SheetDef, row: Row, number: u32) -> Result<(), String> {
        let key = self.key_of(&row);
        if let Some(index) = self.unmatched.get_mut(&key).and_then(VecDeque::pop_front) {
            self.matched[index] = Some((row, number));
            return Ok(());
        }
        let titles = self
            .columns
            .iter()
            .filter_map(|key| sheet.column(key))
            .map(|c| format!("«{}»", c.title))
            .collect::<Vec<_>>()
            .join(", ");
        let shown = self
            .columns
            .iter()
            .filter_map(|key| row.get(key))
            .collect::<Vec<_>>()
            .join(", ");
        if shown.is_empty() {
            return Err(format!(
                "Лист «{}», строка {number}: пусто в столбце {titles} — строки этого листа задает форма, верните значение из шаблона",
                sheet.title
            ));
        }
        if let Some(first) = self
            .keys
            .iter()
            .zip(&self.matched)
            .find_map(|(k, m)| (*k == key).then_some(m.as_ref()?.1))
        {
            return Err(format!(
                "Лист «{}», строка {number}: строка «{shown}» уже есть в строке {first}; оставьте одну",
                sheet.title
            ));
        }
        let expected: Vec<String> = sheet
            .fixed_rows
            .iter()
            .take(5)
            .map(|preset| {
                let values: Vec<&str> = self.columns.iter().filter_map(|k| preset.get(k)).collect();
                format!("«{}»", values.join(", "))
            })
            .collect();
        let more = if sheet.fixed_rows.len() > expected.len() {
            ", …"
        } else {
            ""
        };
        Err(format!(
            "Лист «{}», строка {number}: в форме нет строки «{shown}» (столбец {titles} изменять нельзя; строки листа: {}{more})",
            sheet.title,
            expected.join(", ")
        ))
    }

    /// The sheet's rows in the definition's order (a preset row absent from the
    /// file is empty) and each one's row number: the file's, or where the
    /// template put it.
    fn into_rows(self, header: usize) -> (Vec<Row>, Vec<u32>) {
        self.matched
            .into_iter()
            .enumerate()
            .map(|(index, found)| {
                found.unwrap_or_else(|| (Row::new(), template_row(header, index)))
            })
            .unzip()
    }
}

/// Where a template under its header (row `header`, 0-based) puts data row
/// `index` (0-based), as the spreadsheet numbers it.
fn template_row(header: usize, index: usize) -> u32 {
    (header + 2 + index) as u32
}

/// The values of a row's preset columns, as they are spelled.
fn exact_key(columns: &[String], row: &Row) -> String {
    let mut key = String::new();
    for (at, column) in columns.iter().enumerate() {
        if at > 0 {
            key.push_str(PRESET_SEPARATOR);
        }
        key.push_str(row.get(column).unwrap_or(""));
    }
    key
}

/// An exact key as compared: each value in any case, spaces collapsed.
fn fold_key(exact: &str) -> String {
    exact
        .split(PRESET_SEPARATOR)
        .map(header_key)
        .collect::<Vec<_>>()
        .join(PRESET_SEPARATOR)
}

/// Between a key's values: a character no one types.
const PRESET_SEPARATOR: &str = "\u{1f}";

impl<'a> SheetReader<'a> {
    fn new(sheet: &'a SheetDef) -> SheetReader<'a> {
        SheetReader {
            sheet,
            wanted: sheet
                .columns
                .iter()
                .map(|c| [header_key(&c.title), header_key(&c.title_with_unit())])
                .collect(),
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
            presets: PresetMatcher::new(sheet),
            problems: Vec::new(),
            checked: RowsChecked::of(sheet),
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
            // What a file holds in a calculated cell is never trusted: the
            // import computes it again.
            if column.is_calculated() {
                continue;
            }
            if let Some(cell) = positions[index].and_then(|at| cells.get_mut(at)) {
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
            if let Some(checked) = &mut self.checked {
                checked.push(&row);
            }
            self.rows.push(row);
            self.numbers.push(number as u32 + 1);
            return;
        }
        if let Some(presets) = &mut self.presets {
            if row.is_empty() {
                return;
            }
            let file_row = number as u32 + 1;
            if let Err(message) = presets.place(self.sheet, row, file_row) {
                self.problems.push(CellError {
                    row: file_row,
                    ..sheet_error(self.sheet, message)
                });
            }
            return;
        }
        // A fixed sheet without presets: its rows go by position.
        let index = number - header - 1;
        let expected = self.sheet.fixed_rows.len();
        if index >= expected {
            if !row.is_empty() {
                let message = format!(
                    "На листе «{}» должно быть {}",
                    self.sheet.title,
                    rows_ru(expected as u64)
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
            .filter(|cell| self.column_titled(&header_key(&raw_text(cell))).is_some())
            .count()
            >= needed
    }

    /// Finds every column in the header row, or names the missing ones.
    fn place_columns(&mut self, number: usize, cells: &[RawCell]) {
        let positions = self.column_positions(cells);
        self.problems = self
            .sheet
            .columns
            .iter()
            .zip(&positions)
            .filter(|(column, at)| at.is_none() && !column.is_calculated())
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
        self.header = Some((number, positions));
    }

    /// The column whose header reads `key` (compared as [`header_key`] makes it).
    fn column_titled(&self, key: &str) -> Option<usize> {
        self.wanted
            .iter()
            .position(|titles| titles.iter().any(|t| t == key))
    }

    /// Each column's position in the header row `cells` (the first cell with its
    /// title), in the definition's order.
    fn column_positions(&self, cells: &[RawCell]) -> Vec<Option<usize>> {
        let mut positions: Vec<Option<usize>> = vec![None; self.sheet.columns.len()];
        for (at, cell) in cells.iter().enumerate() {
            let key = header_key(&raw_text(cell));
            if let Some(column) = self.column_titled(&key)
                && positions[column].is_none()
            {
                positions[column] = Some(at);
            }
        }
        positions
    }

    /// The sheet's rows and, for each, its row number in the file.
    /// The sheet's rows, their numbers in the file and their checks, or why
    /// the sheet cannot be read.
    fn finish(mut self) -> Result<SheetRead<'a>, Vec<CellError>> {
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
                    "На листе «{}» не более {}, в файле {}",
                    sheet.title,
                    at_most_rows_ru(u64::from(limit)),
                    self.rows.len() + self.rows_over
                ),
            )]);
        }
        if !sheet.is_free() {
            let expected = sheet.fixed_rows.len();
            if let Some(presets) = self.presets.take() {
                (self.rows, self.numbers) = presets.into_rows(header);
            } else {
                self.rows.resize(expected, Row::new());
                self.numbers = (0..expected).map(|i| template_row(header, i)).collect();
            }
            // The definition's spelling of the presets wins over the file's.
            for (row, preset) in self.rows.iter_mut().zip(&sheet.fixed_rows) {
                row.extend(preset);
            }
        }
        Ok(SheetRead {
            rows: self.rows,
            numbers: self.numbers,
            checked: self.checked,
        })
    }
}

/// One sheet of the file read.
struct SheetRead<'a> {
    rows: Vec<Row>,
    /// Each row's number in the file.
    numbers: Vec<u32>,
    checked: Option<RowsChecked<'a>>,
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

    proptest::proptest! {
        /// The one-pass key is the search key of the collapsed, unstarred text.
        #[test]
        fn header_keys_fold_as_search_keys(text in "[ \t*a-zA-Zа-яА-ЯёЁ0-9.«»]{0,24}") {
            let bare = text.trim().trim_end_matches('*');
            let collapsed = bare.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(
                header_key(&text),
                oko_domain::text::search_key(&collapsed)
            );
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
        // A new Excel book: the data on «Лист1», two empty sheets beside it.
        let book = |name: &str, rows| RawSheet {
            name: name.into(),
            rows,
        };
        let mut new_book = vec![
            book("Лист1", sheet.rows.clone()),
            book("Лист2", vec![]),
            book("Лист3", vec![]),
        ];
        let read = import(&form, &mut new_book).expect("the first sheet read");
        assert_eq!(read.rows("specialties").len(), 1);

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

    /// The schedule form's fixed sheet, its header and a row of it: the preset
    /// «Работа» and a date and rooms.
    fn fixed_sheet_rows() -> (FormDefinition, SheetDef, Vec<RawCell>) {
        let form = demo::schedule();
        let fixed = form
            .sheets
            .iter()
            .find(|s| !s.is_free())
            .expect("a fixed sheet")
            .clone();
        let header = fixed.columns.iter().map(|c| text(&c.title)).collect();
        (form, fixed, header)
    }

    fn fixed_row(sheet: &SheetDef, subject: &str, date: &str, rooms: f64) -> Vec<RawCell> {
        sheet
            .columns
            .iter()
            .map(|c| match c.key.as_str() {
                "subject" => text(subject),
                "date1" => text(date),
                "rooms1" => RawCell::Number(rooms),
                _ => RawCell::Empty,
            })
            .collect()
    }

    fn named(sheet: &SheetDef, rows: Vec<Vec<RawCell>>) -> Vec<RawSheet> {
        vec![RawSheet {
            name: sheet.title.clone(),
            rows,
        }]
    }

    fn errors_of(form: &FormDefinition, sheets: Vec<RawSheet>, key: &str) -> Vec<String> {
        cell_errors(form, sheets)
            .into_iter()
            .filter(|e| e.sheet == key)
            .map(|e| format!("{}: {}", e.row, e.message))
            .collect()
    }

    #[test]
    fn sorted_fixed_rows_keep_each_value_under_its_own_preset() {
        let (form, fixed, header) = fixed_sheet_rows();
        let [reading, digital] = ["Читательская грамотность", "Цифровая грамотность"];
        assert_eq!(
            (
                fixed.fixed_rows[0].get("subject"),
                fixed.fixed_rows[1].get("subject")
            ),
            (Some(reading), Some(digital))
        );
        // Sorted Z→A, the digital work first; a blank line and the preset typed in
        // other case and spacing change nothing.
        let rows = vec![
            header,
            fixed_row(&fixed, digital, "20.09.2021", 3.0),
            vec![],
            fixed_row(&fixed, " читательская  грамотность", "15.09.2021", 2.0),
        ];
        let sheets = named(&fixed, rows);
        let mut source = sheets.clone();
        let errors = match import(&form, &mut source) {
            Err(ImportError::Cells(errors)) => errors,
            other => panic!("other sheets are empty: {other:?}"),
        };
        assert!(errors.iter().all(|e| e.sheet != fixed.key), "{errors:?}");
        let mut reader = SheetReader::new(&fixed);
        for (number, row) in sheets[0].rows.iter().enumerate() {
            reader.push(number, row.clone());
        }
        let SheetRead { rows, numbers, .. } = reader.finish().expect("read");
        assert_eq!(rows[0].get("subject"), Some(reading));
        assert_eq!(rows[0].get("date1"), Some("2021-09-15"));
        assert_eq!(rows[0].get("rooms1"), Some("2"));
        assert_eq!(rows[1].get("subject"), Some(digital));
        assert_eq!(rows[1].get("date1"), Some("2021-09-20"));
        assert_eq!(numbers, vec![4, 2], "the file's own rows");
    }

    #[test]
    fn an_edited_missing_or_repeated_preset_is_refused_naming_its_row() {
        let (form, fixed, header) = fixed_sheet_rows();
        let title = &fixed.title;
        let edited = vec![
            header.clone(),
            fixed_row(&fixed, "Читательская грамотность", "15.09.2021", 2.0),
            fixed_row(&fixed, "Цифровая грамотность 2", "20.09.2021", 3.0),
        ];
        assert_eq!(
            errors_of(&form, named(&fixed, edited), &fixed.key),
            vec![format!(
                "3: Лист «{title}», строка 3: в форме нет строки «Цифровая грамотность 2» (столбец «Работа» изменять нельзя; строки листа: «Читательская грамотность», «Цифровая грамотность»)"
            )]
        );
        let missing = vec![header.clone(), fixed_row(&fixed, "", "15.09.2021", 2.0)];
        assert_eq!(
            errors_of(&form, named(&fixed, missing), &fixed.key),
            vec![format!(
                "2: Лист «{title}», строка 2: пусто в столбце «Работа» — строки этого листа задает форма, верните значение из шаблона"
            )]
        );
        let repeated = vec![
            header,
            fixed_row(&fixed, "Цифровая грамотность", "15.09.2021", 2.0),
            fixed_row(&fixed, "Цифровая грамотность", "20.09.2021", 3.0),
        ];
        assert_eq!(
            errors_of(&form, named(&fixed, repeated), &fixed.key),
            vec![format!(
                "3: Лист «{title}», строка 3: строка «Цифровая грамотность» уже есть в строке 2; оставьте одну"
            )]
        );
    }

    #[test]
    fn a_fixed_sheet_read_without_its_rows_keeps_its_presets() {
        let (form, fixed, header) = fixed_sheet_rows();
        let errors = cell_errors(&form, named(&fixed, vec![header]));
        assert!(
            errors.iter().all(|e| e.sheet != fixed.key),
            "an empty fixed sheet reads as its presets: {errors:?}"
        );
    }
}
