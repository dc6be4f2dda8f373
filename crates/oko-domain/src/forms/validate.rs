//! The validation engine: every error of a form's data, in sheet, row and column
//! order within each check. Pure; the server runs it on save and submit, the SPA on
//! every keystroke.

use super::{
    CellCode, CellError, Change, ColumnDef, FormData, FormDefinition, Row, SheetColumn, SheetDef,
    across, pattern,
    rules::{self, ReadSheet},
    soft,
    value::{self, ParseProblem, Value},
};

/// Every error of `data` against `form`.
pub fn validate(form: &FormDefinition, data: &FormData) -> Vec<CellError> {
    Validation::new(form, data).errors()
}

/// Every error of `data` against `form` as a submission sees them: [`validate`]'s,
/// and the values unusual against `references` that have no explanation
/// ([`soft`]).
pub fn validate_with(
    form: &FormDefinition,
    data: &FormData,
    references: &[super::Reference],
) -> Vec<CellError> {
    Validation::new(form, data).errors_with(form, data, references)
}

/// [`validate`] of data some of whose sheets' rows `checked` has already read
/// (an upload checks each row beside the reading of the next); a sheet's checks
/// count only when they hold exactly its rows, otherwise it is read again.
pub fn validate_checked(
    form: &FormDefinition,
    data: &FormData,
    checked: Vec<RowsChecked>,
) -> Vec<CellError> {
    Validation::checked(form, data, checked).errors()
}

/// The rows of one sheet checked as they come, for [`validate_checked`].
pub struct RowsChecked<'a> {
    sheet: &'a SheetDef,
    order: Vec<(&'a str, usize)>,
    rows: RowChecks,
}

impl<'a> RowsChecked<'a> {
    /// `None` for a sheet whose rows are not final as they are read: fixed rows
    /// (placed by their presets), calculated or cleared cells (filled after all
    /// rows are read).
    pub fn of(sheet: &'a SheetDef) -> Option<Self> {
        (sheet.is_free() && !sheet.derives_cells()).then(|| RowsChecked {
            sheet,
            order: column_order(sheet),
            rows: RowChecks::new(sheet),
        })
    }

    /// Checks the sheet's next row.
    pub fn push(&mut self, row: &Row) {
        self.rows.push(self.sheet, &self.order, row);
    }
}

/// A form's data checked once and kept checked as it changes: a changed cell
/// re-reads its row and the sheet's rules run again over values already read, so
/// a keystroke in a sheet of 5,000 rows does not read 100,000 cells again.
/// [`Validation::errors`] equals [`validate`] of the same data at every step.
#[derive(Clone, Debug, Default)]
pub struct Validation {
    /// Sheets the data holds and the form does not.
    unknown_sheets: Vec<CellError>,
    /// The form's sheets, in its order.
    sheets: Vec<SheetCheck>,
    /// The errors of the form's rules across sheets.
    across: Vec<CellError>,
}

/// One sheet's checks.
#[derive(Clone, Debug, Default)]
struct SheetCheck {
    /// Too many or too few rows.
    count: Vec<CellError>,
    rows: RowChecks,
    /// The sheet rules' errors.
    rules: Vec<CellError>,
}

/// A sheet's rows read: each row's values by column position and its cells'
/// errors. The values of all rows are one allocation (`width` a row), not one a
/// row: 5,000 rows are held while an upload is checked, and one block is given
/// back whole when it is dropped.
#[derive(Clone, Debug, Default)]
struct RowChecks {
    width: usize,
    values: Vec<Option<Value>>,
    errors: Vec<Vec<CellError>>,
}

impl RowChecks {
    fn new(sheet: &SheetDef) -> RowChecks {
        RowChecks {
            width: sheet.columns.len(),
            ..RowChecks::default()
        }
    }

    /// Every row of `rows` read.
    fn read(sheet: &SheetDef, rows: &[Row]) -> RowChecks {
        let order = column_order(sheet);
        let mut read = RowChecks::new(sheet);
        read.values.reserve_exact(rows.len() * read.width);
        read.errors.reserve_exact(rows.len());
        for row in rows {
            read.push(sheet, &order, row);
        }
        read
    }

    fn len(&self) -> usize {
        self.errors.len()
    }

    /// Where row `index`'s values are in `values`.
    fn place(&self, index: usize) -> std::ops::Range<usize> {
        index * self.width..(index + 1) * self.width
    }

    /// Reads the sheet's next row.
    fn push(&mut self, sheet: &SheetDef, order: &[(&str, usize)], row: &Row) {
        let index = self.len();
        self.values.resize(self.values.len() + self.width, None);
        let place = self.place(index);
        let errors = read_row(sheet, order, index, row, &mut self.values[place]);
        self.errors.push(errors);
    }

    /// Reads row `index` again.
    fn read_again(&mut self, sheet: &SheetDef, order: &[(&str, usize)], index: usize, row: &Row) {
        let place = self.place(index);
        self.errors[index] = read_row(sheet, order, index, row, &mut self.values[place]);
    }

    /// Each row's values.
    fn rows(&self) -> impl Iterator<Item = &[Option<Value>]> {
        (0..self.len()).map(|index| &self.values[self.place(index)])
    }
}

impl Validation {
    /// Checks everything.
    pub fn new(form: &FormDefinition, data: &FormData) -> Validation {
        Validation::checked(form, data, Vec::new())
    }

    /// Checks everything, taking the rows `checked` has read.
    fn checked(form: &FormDefinition, data: &FormData, mut checked: Vec<RowsChecked>) -> Self {
        let mut validation = Validation {
            unknown_sheets: unknown_sheets(form, data),
            sheets: vec![SheetCheck::default(); form.sheets.len()],
            across: Vec::new(),
        };
        for (at, sheet) in form.sheets.iter().enumerate() {
            let rows = data.rows(&sheet.key);
            let read = checked
                .iter()
                .position(|c| c.sheet.key == sheet.key && c.rows.len() == rows.len())
                .map(|found| checked.swap_remove(found).rows);
            validation.check_sheet_read(form, data, at, read);
        }
        validation.check_across(form, data);
        validation
    }

    /// Checks again what `changes` (already applied to `data`) can have changed.
    pub fn update(&mut self, form: &FormDefinition, data: &FormData, changes: &[Change]) {
        if self.sheets.len() != form.sheets.len() {
            *self = Validation::new(form, data);
            return;
        }
        self.unknown_sheets = unknown_sheets(form, data);
        let mut touched: Vec<Option<Vec<usize>>> = vec![Some(Vec::new()); form.sheets.len()];
        for change in changes {
            let Some(at) = form.sheets.iter().position(|s| s.key == change.sheet()) else {
                continue;
            };
            match (change, &mut touched[at]) {
                (Change::Set { row, .. }, Some(rows)) => rows.push(*row as usize - 1),
                (_, whole) => *whole = None,
            }
        }
        for (at, rows) in touched.into_iter().enumerate() {
            let sheet = &form.sheets[at];
            let now = data.rows(&sheet.key);
            match rows {
                Some(rows) if rows.is_empty() => {}
                Some(rows)
                    if now.len() == self.sheets[at].rows.len() && sheet.shown_if.is_none() =>
                {
                    let order = column_order(sheet);
                    for index in rows {
                        self.sheets[at]
                            .rows
                            .read_again(sheet, &order, index, &now[index]);
                    }
                    self.check_rules(sheet, now, at);
                }
                _ => self.check_sheet(form, data, at),
            }
        }
        // A sheet shown or left out by what changed on another is checked anew.
        for (at, sheet) in form.sheets.iter().enumerate() {
            let decided_by_a_change = sheet.shown_if.as_ref().is_some_and(|condition| {
                changes
                    .iter()
                    .any(|change| change.sheet() == condition.sheet)
            });
            if decided_by_a_change {
                self.check_sheet(form, data, at);
            }
        }
        self.check_across(form, data);
    }

    /// The rules across sheets, over the values already read.
    fn check_across(&mut self, form: &FormDefinition, data: &FormData) {
        if form.rules.is_empty() {
            return;
        }
        let read = ReadChecked {
            form,
            data,
            sheets: &self.sheets,
        };
        self.across = across::check_all(form, &read);
    }

    /// [`Validation::errors`] and, after them, the values of `data` unusual
    /// against `references` that have no explanation: what [`validate_with`]
    /// gives, for checks kept as the data changes.
    pub fn errors_with(
        &self,
        form: &FormDefinition,
        data: &FormData,
        references: &[super::Reference],
    ) -> Vec<CellError> {
        let mut errors = self.errors();
        errors.extend(soft::unexplained(form, data, references));
        errors
    }

    /// Every error, in the order [`validate`] has always given them: unknown
    /// sheets, then per sheet its row count, its rows in order, its rules.
    pub fn errors(&self) -> Vec<CellError> {
        let mut errors = self.unknown_sheets.clone();
        for sheet in &self.sheets {
            errors.extend(sheet.count.iter().cloned());
            for row in &sheet.rows.errors {
                errors.extend(row.iter().cloned());
            }
            errors.extend(sheet.rules.iter().cloned());
        }
        errors.extend(self.across.iter().cloned());
        errors
    }

    fn check_sheet(&mut self, form: &FormDefinition, data: &FormData, at: usize) {
        self.check_sheet_read(form, data, at, None);
    }

    /// Checks sheet `at`, whose rows are `read` already when given.
    fn check_sheet_read(
        &mut self,
        form: &FormDefinition,
        data: &FormData,
        at: usize,
        read: Option<RowChecks>,
    ) {
        let sheet = &form.sheets[at];
        // A sheet its condition leaves out is not asked for: nothing on it counts.
        if !form.is_sheet_shown(sheet, data) {
            self.sheets[at] = SheetCheck::default();
            return;
        }
        let rows = data.rows(&sheet.key);
        let read = read.unwrap_or_else(|| RowChecks::read(sheet, rows));
        self.sheets[at] = SheetCheck {
            count: row_count_errors(sheet, rows),
            rows: read,
            rules: Vec::new(),
        };
        self.check_rules(sheet, rows, at);
    }

    fn check_rules(&mut self, sheet: &SheetDef, texts: &[super::Row], at: usize) {
        let check = &mut self.sheets[at];
        let mut errors = Vec::new();
        if !sheet.rules.is_empty() {
            let cells: Vec<&[Option<Value>]> = check.rows.rows().collect();
            let read = ReadSheet {
                sheet,
                cells: &cells,
                texts,
            };
            for rule in &sheet.rules {
                rules::check(rule, &read, &mut errors);
            }
        }
        check.rules = errors;
    }
}

/// The data's texts and the values [`Validation`] has read, for the rules
/// across sheets.
struct ReadChecked<'a> {
    form: &'a FormDefinition,
    data: &'a FormData,
    sheets: &'a [SheetCheck],
}

impl across::ReadValues for ReadChecked<'_> {
    fn rows(&self, sheet: &str) -> &[Row] {
        self.data.rows(sheet)
    }

    fn total(&self, at: &SheetColumn) -> f64 {
        let Some(index) = self.form.sheets.iter().position(|s| s.key == at.sheet) else {
            return 0.0;
        };
        let Some(column) = self.form.sheets[index]
            .columns
            .iter()
            .position(|c| c.key == at.column)
        else {
            return 0.0;
        };
        self.sheets[index]
            .rows
            .rows()
            .filter_map(|row| row.get(column)?.as_ref()?.as_number())
            .sum()
    }
}

fn unknown_sheets(form: &FormDefinition, data: &FormData) -> Vec<CellError> {
    data.sheets
        .keys()
        .filter(|key| form.sheet(key).is_none())
        .map(|key| CellError {
            sheet: key.clone(),
            row: 0,
            column: None,
            code: CellCode::Unknown,
            message: format!("В форме нет листа «{key}»"),
        })
        .collect()
}

fn row_count_errors(sheet: &SheetDef, rows: &[super::Row]) -> Vec<CellError> {
    let row_count_error = |message: String| CellError {
        sheet: sheet.key.clone(),
        row: 0,
        column: None,
        code: CellCode::RowCount,
        message,
    };
    let mut errors = Vec::new();
    if sheet.is_free() && rows.len() > sheet.row_limit() as usize {
        errors.push(row_count_error(format!(
            "На листе «{}» не более {}",
            sheet.title,
            crate::text::at_most_rows_ru(u64::from(sheet.row_limit()))
        )));
    }
    if !sheet.is_free() && rows.len() != sheet.fixed_rows.len() {
        errors.push(row_count_error(format!(
            "На листе «{}» должно быть {}",
            sheet.title,
            crate::text::rows_ru(sheet.fixed_rows.len() as u64)
        )));
    }
    errors
}

/// Column keys sorted once: a row's cells (a sorted map) are matched to their
/// columns in one merge walk, instead of a search per column and per cell.
fn column_order(sheet: &SheetDef) -> Vec<(&str, usize)> {
    let mut order: Vec<(&str, usize)> = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(at, c)| (c.key.as_str(), at))
        .collect();
    order.sort_unstable();
    order
}

/// Row `index` of `sheet` read: its values into `values` (one a column), its
/// errors returned.
fn read_row(
    sheet: &SheetDef,
    order: &[(&str, usize)],
    index: usize,
    row: &super::Row,
    values: &mut [Option<Value>],
) -> Vec<CellError> {
    let mut errors = Vec::new();
    let mut texts: Vec<&str> = vec![""; sheet.columns.len()];
    let mut known = order.iter().peekable();
    for (key, text) in row {
        while known.next_if(|(k, _)| *k < key).is_some() {}
        match known.peek() {
            Some((k, at)) if *k == key => texts[*at] = text,
            // An unusual value's explanation, beside its cell (`soft`).
            _ if soft::is_explanation(sheet, key) => {}
            _ => errors.push(CellError::at(
                &sheet.key,
                index,
                key,
                CellCode::Unknown,
                format!("На листе «{}» нет столбца «{key}»", sheet.title),
            )),
        }
    }
    if let Some(preset) = sheet.fixed_rows.get(index) {
        for (key, wanted) in preset {
            if row.get(key) != Some(wanted) {
                errors.push(CellError::at(
                    &sheet.key,
                    index,
                    key,
                    CellCode::LockedCell,
                    format!("Эта ячейка заполнена заранее: «{wanted}»"),
                ));
            }
        }
    }
    // A row left entirely empty in a free sheet is a gap, not a row to fill.
    let skip_required = sheet.is_free() && row.is_empty();
    let conditional = sheet.columns.iter().any(|c| c.shown_if.is_some());
    for ((column, text), value) in sheet.columns.iter().zip(&texts).zip(values) {
        // A cell its condition hides is neither asked for nor checked.
        *value = if conditional && !column.is_shown(sheet, row) {
            None
        } else {
            match read_cell(column, text, skip_required) {
                Ok(value) => value,
                Err((code, message)) => {
                    errors.push(CellError::at(&sheet.key, index, &column.key, code, message));
                    None
                }
            }
        };
    }
    errors
}

/// One cell: its value (`None` when empty), or what is wrong with it.
fn read_cell(
    column: &ColumnDef,
    text: &str,
    skip_required: bool,
) -> Result<Option<Value>, (CellCode, String)> {
    if text.is_empty() {
        if column.required && !skip_required {
            return Err((CellCode::Required, "Заполните обязательную ячейку".into()));
        }
        return Ok(None);
    }
    let value = value::parse(column, text).map_err(|problem| parse_error(column, problem, text))?;
    check_constraints(column, &value, text)?;
    Ok(Some(value))
}

fn parse_error(column: &ColumnDef, problem: ParseProblem, text: &str) -> (CellCode, String) {
    match problem {
        ParseProblem::NotInteger => (
            CellCode::NotInteger,
            "Введите целое число, например 25".into(),
        ),
        ParseProblem::NotDecimal => (CellCode::NotDecimal, "Введите число, например 12,5".into()),
        ParseProblem::NotDate => (
            CellCode::NotDate,
            "Введите дату в формате дд.мм.гггг, например 15.09.2021".into(),
        ),
        ParseProblem::NotInList if column.multiple => {
            let wrong = value::unknown_choices(column, text);
            (
                CellCode::NotInList,
                format!(
                    "Нет в списке: {}. Выберите одно или несколько значений через «;»",
                    wrong
                        .iter()
                        .map(|w| format!("«{w}»"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        }
        ParseProblem::NotInList => {
            let shown: Vec<&str> = column.values.iter().take(5).map(String::as_str).collect();
            let more = if column.values.len() > 5 { ", …" } else { "" };
            (
                CellCode::NotInList,
                format!("Выберите значение из списка: {}{more}", shown.join(", ")),
            )
        }
        ParseProblem::NotYesNo => (CellCode::NotYesNo, "Выберите «Да» или «Нет»".into()),
        ParseProblem::NotAttached => (
            CellCode::FileNotAttached,
            format!(
                "Файл «{text}» не прикреплен: прикрепите его в форме на сайте кнопкой «Прикрепить файл»"
            ),
        ),
    }
}

fn check_constraints(
    column: &ColumnDef,
    value: &Value,
    text: &str,
) -> Result<(), (CellCode, String)> {
    match value {
        Value::Integer(_) | Value::Decimal(_) => {
            let n = value.as_number().unwrap_or_default();
            let below = column.min.is_some_and(|min| n < min);
            let above = column.max.is_some_and(|max| n > max);
            if below || above {
                return Err((CellCode::OutOfRange, number_range_ru(column)));
            }
            if let Some(places) = column.decimals
                && decimal_places(text) > usize::from(places)
            {
                return Err((
                    CellCode::TooManyDecimals,
                    format!(
                        "Не больше {} после запятой",
                        crate::text::count_ru(u64::from(places), ["знака", "знаков", "знаков"])
                    ),
                ));
            }
        }
        Value::Text => {
            let length = text.chars().count() as u32;
            let short = column.min_length.is_some_and(|min| length < min);
            let long = column.max_length.is_some_and(|max| length > max);
            if short || long {
                return Err((CellCode::WrongLength, length_range_ru(column)));
            }
            if let Some(message) = words_problem(column, text) {
                return Err((CellCode::WordNotAllowed, message));
            }
            if let Some(mask) = &column.pattern
                && !pattern::matches(mask, text)
            {
                return Err((
                    CellCode::PatternMismatch,
                    format!(
                        "Значение должно соответствовать шаблону {}",
                        pattern::explain(mask)
                    ),
                ));
            }
        }
        Value::Date(date) => {
            let early = column.date_from.is_some_and(|from| *date < from);
            let late = column.date_to.is_some_and(|to| *date > to);
            if early || late {
                return Err((CellCode::DateOutOfRange, date_range_ru(column)));
            }
        }
        Value::Choice(_) | Value::Choices | Value::YesNo(_) | Value::File => {}
    }
    Ok(())
}

/// What stands between the words of a text of allowed words: spaces, «,», «;».
pub fn is_word_separator(c: char) -> bool {
    c.is_whitespace() || c == ',' || c == ';'
}

/// What is wrong with `text` in a column of allowed words: the words it
/// holds that are not among them.
fn words_problem(column: &ColumnDef, text: &str) -> Option<String> {
    if column.words.is_empty() {
        return None;
    }
    let allowed: std::collections::HashSet<String> = column
        .words
        .iter()
        .map(|w| crate::text::search_key(w))
        .collect();
    let wrong: Vec<String> = text
        .split(is_word_separator)
        .filter(|word| !word.is_empty() && !allowed.contains(&crate::text::search_key(word)))
        .map(|word| format!("«{word}»"))
        .collect();
    if wrong.is_empty() {
        return None;
    }
    let shown: Vec<&str> = column.words.iter().take(8).map(String::as_str).collect();
    let more = if column.words.len() > 8 { ", …" } else { "" };
    Some(format!(
        "Недопустимые слова: {}. Можно: {}{more}",
        wrong.join(", "),
        shown.join(", ")
    ))
}

/// Digits after the point of a canonical number (`12.345` → 3).
fn decimal_places(text: &str) -> usize {
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.len())
}

/// «Число должно быть между 1 и 100», as the seeds' hints say it.
pub fn number_range_ru(column: &ColumnDef) -> String {
    match (column.min, column.max) {
        (Some(min), Some(max)) => {
            format!(
                "Число должно быть между {} и {}",
                value::decimal_ru(min),
                value::decimal_ru(max)
            )
        }
        (Some(min), None) => format!("Число должно быть не меньше {}", value::decimal_ru(min)),
        (None, Some(max)) => format!("Число должно быть не больше {}", value::decimal_ru(max)),
        (None, None) => String::new(),
    }
}

fn length_range_ru(column: &ColumnDef) -> String {
    match (column.min_length, column.max_length) {
        (Some(min), Some(max)) if min == max => format!("Нужно ровно {min} символов"),
        (Some(min), Some(max)) => format!("Нужно от {min} до {max} символов"),
        (Some(min), None) => format!("Нужно не меньше {min} символов"),
        (None, Some(max)) => format!("Не больше {max} символов"),
        (None, None) => String::new(),
    }
}

fn date_range_ru(column: &ColumnDef) -> String {
    let day = |d: chrono::NaiveDate| d.format("%d.%m.%Y").to_string();
    match (column.date_from, column.date_to) {
        (Some(from), Some(to)) => format!("Дата должна быть между {} и {}", day(from), day(to)),
        (Some(from), None) => format!("Дата должна быть не раньше {}", day(from)),
        (None, Some(to)) => format!("Дата должна быть не позже {}", day(to)),
        (None, None) => String::new(),
    }
}
