//! The validation engine: every error of a form's data, in sheet, row and column
//! order within each check. Pure; the server runs it on save and submit, the SPA on
//! every keystroke.

use super::{
    CellCode, CellError, ColumnDef, FormData, FormDefinition, SheetDef, pattern,
    rules::{self, ReadSheet},
    value::{self, ParseProblem, Value},
};

/// Every error of `data` against `form`.
pub fn validate(form: &FormDefinition, data: &FormData) -> Vec<CellError> {
    let mut errors = Vec::new();
    for key in data.sheets.keys() {
        if form.sheet(key).is_none() {
            errors.push(CellError {
                sheet: key.clone(),
                row: 0,
                column: None,
                code: CellCode::Unknown,
                message: format!("В форме нет листа «{key}»"),
            });
        }
    }
    for sheet in &form.sheets {
        validate_sheet(sheet, data.rows(&sheet.key), &mut errors);
    }
    errors
}

fn validate_sheet(sheet: &SheetDef, rows: &[super::Row], errors: &mut Vec<CellError>) {
    let row_count_error = |message: String| CellError {
        sheet: sheet.key.clone(),
        row: 0,
        column: None,
        code: CellCode::RowCount,
        message,
    };
    if sheet.is_free() && rows.len() > sheet.row_limit() as usize {
        errors.push(row_count_error(format!(
            "На листе «{}» не более {} строк",
            sheet.title,
            sheet.row_limit()
        )));
    }
    if !sheet.is_free() && rows.len() != sheet.fixed_rows.len() {
        errors.push(row_count_error(format!(
            "На листе «{}» должно быть {} строк",
            sheet.title,
            sheet.fixed_rows.len()
        )));
    }
    // Column keys sorted once: a row's cells (a sorted map) are matched to their
    // columns in one merge walk, instead of a search per column and per cell.
    let mut order: Vec<(&str, usize)> = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(at, c)| (c.key.as_str(), at))
        .collect();
    order.sort_unstable();
    let mut texts: Vec<&str> = vec![""; sheet.columns.len()];
    let mut cells = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        texts.fill("");
        let mut known = order.iter().peekable();
        for (key, text) in row {
            while known.next_if(|(k, _)| *k < key.as_str()).is_some() {}
            match known.peek() {
                Some((k, at)) if *k == key.as_str() => texts[*at] = text,
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
        let read: Vec<Option<Value>> = sheet
            .columns
            .iter()
            .zip(&texts)
            .map(
                |(column, text)| match read_cell(column, text, skip_required) {
                    Ok(value) => value,
                    Err((code, message)) => {
                        errors.push(CellError::at(&sheet.key, index, &column.key, code, message));
                        None
                    }
                },
            )
            .collect();
        cells.push(read);
    }
    let read = ReadSheet {
        sheet,
        cells,
        texts: rows,
    };
    for rule in &sheet.rules {
        rules::check(rule, &read, errors);
    }
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
    let value = value::parse(column, text).map_err(|problem| parse_error(column, problem))?;
    check_constraints(column, &value)?;
    Ok(Some(value))
}

fn parse_error(column: &ColumnDef, problem: ParseProblem) -> (CellCode, String) {
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
        ParseProblem::NotInList => {
            let shown: Vec<&str> = column.values.iter().take(5).map(String::as_str).collect();
            let more = if column.values.len() > 5 { ", …" } else { "" };
            (
                CellCode::NotInList,
                format!("Выберите значение из списка: {}{more}", shown.join(", ")),
            )
        }
        ParseProblem::NotYesNo => (CellCode::NotYesNo, "Выберите «Да» или «Нет»".into()),
    }
}

fn check_constraints(column: &ColumnDef, value: &Value) -> Result<(), (CellCode, String)> {
    match value {
        Value::Integer(_) | Value::Decimal(_) => {
            let n = value.as_number().unwrap_or_default();
            let below = column.min.is_some_and(|min| n < min);
            let above = column.max.is_some_and(|max| n > max);
            if below || above {
                return Err((CellCode::OutOfRange, number_range_ru(column)));
            }
        }
        Value::Text(text) => {
            let length = text.chars().count() as u32;
            let short = column.min_length.is_some_and(|min| length < min);
            let long = column.max_length.is_some_and(|max| length > max);
            if short || long {
                return Err((CellCode::WrongLength, length_range_ru(column)));
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
        Value::Choice(_) | Value::YesNo(_) => {}
    }
    Ok(())
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
