//! The Excel template of a form: one worksheet per sheet, a frozen header with `*`
//! on required columns and the hints as notes, Excel's own data validation
//! (drop-downs, number and date limits, with Russian messages), and the draft's
//! data filled in with real numbers and dates. A calculated column holds a real
//! Excel formula in each row (its value recomputed on upload all the same). A
//! sheet with presets or formulas is protected without a password, as Excel's
//! own «Защитить лист» does: those cells cannot be typed over, every other can.

use chrono::{Datelike, NaiveDate};
use oko_domain::forms::{
    ColumnDef, ColumnType, FormData, FormDefinition, SheetDef, files, formula,
    totals::{Aggregate, TOTALS_LABEL},
    value::{self, Value},
};
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, Formula, Note, ProtectionOptions,
    Workbook, Worksheet, XlsxError,
};

/// Excel's limit on a worksheet name.
const MAX_SHEET_NAME: usize = 31;
/// Excel's limit on an inline list of a drop-down (longer lists go to a hidden sheet).
const MAX_INLINE_LIST: usize = 255;
/// Excel's limit on an input message.
const MAX_INPUT_MESSAGE: usize = 255;
/// The hidden worksheet holding long drop-down lists.
const LISTS_SHEET: &str = "Списки";
/// Rows below a free sheet's data that get its formulas, for rows typed in
/// Excel (the upload computes every row's anyway).
const FORMULA_ROWS_AHEAD: u32 = 1_000;

/// The worksheet name of each sheet: its title without the characters Excel
/// forbids, cut to 31 characters, unique. Reading an upload uses the same names.
pub fn worksheet_names(form: &FormDefinition) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for sheet in &form.sheets {
        let clean: String = sheet
            .title
            .chars()
            .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
            .collect();
        let mut name: String = clean.trim().chars().take(MAX_SHEET_NAME).collect();
        if name.is_empty() {
            name = sheet.key.chars().take(MAX_SHEET_NAME).collect();
        }
        let mut n = 2;
        let base = name.clone();
        while names.iter().any(|taken| taken.eq_ignore_ascii_case(&name)) {
            let suffix = format!(" ({n})");
            name = base
                .chars()
                .take(MAX_SHEET_NAME - suffix.chars().count())
                .collect::<String>()
                + &suffix;
            n += 1;
        }
        names.push(name);
    }
    names
}

/// The template's bytes.
pub fn template(form: &FormDefinition, data: &FormData) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let names = worksheet_names(form);
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#E8EEF7");
    let locked = Format::new().set_background_color("#F2F2F2");
    // Every cell the user fills is unlocked, so a protected sheet keeps only
    // the header and the presets from being typed over.
    let input = Format::new().set_unlocked();
    let date = Format::new().set_num_format("dd.mm.yyyy").set_unlocked();
    let mut long_lists: Vec<Vec<String>> = Vec::new();
    for (sheet, name) in form.sheets.iter().zip(&names) {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(name)?;
        // A totals row goes above the header, where the upload never reads.
        let top = u32::from(sheet.has_totals());
        worksheet.set_freeze_panes(top + 1, 0)?;
        // An empty calculated cell's stored result is an empty text (not 0).
        worksheet.set_formula_result_default("");
        let last_row = sheet.row_limit().max(1);
        let sheet_condition = form.sheet_condition_ru(sheet).unwrap_or_default();
        for (col, column) in sheet.columns.iter().enumerate() {
            let col = col as u16;
            worksheet.write_string_with_format(top, col, column.header(), &header)?;
            worksheet.set_column_width(
                col,
                (column.title.chars().count() as f64 * 0.9).clamp(12.0, 40.0),
            )?;
            let typed = match (column.kind, number_format(column)) {
                (ColumnType::Date, _) => date.clone(),
                (ColumnType::File, _) => locked.clone(),
                (_, Some(shown)) if column.is_calculated() => locked.clone().set_num_format(shown),
                (_, Some(shown)) => input.clone().set_num_format(shown),
                _ => input.clone(),
            };
            worksheet.set_column_format(col, &typed)?;
            let computed = formula::explain(sheet, column).unwrap_or_default();
            let note = [
                computed.as_str(),
                column.hint.as_str(),
                sheet.hint.as_str(),
                sheet_condition.as_str(),
            ]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n");
            if !note.is_empty() {
                worksheet.insert_note(
                    top,
                    col,
                    &Note::new(note).set_author("ФИС ОКО").set_width(320),
                )?;
            }
            if column.is_calculated() {
                write_formulas(worksheet, sheet, data, (top, col), &typed)?;
            } else if let Some(validation) =
                validation_of(column, column.condition_ru(sheet), &mut long_lists)?
            {
                worksheet.add_data_validation(top + 1, col, last_row + top, col, &validation)?;
            }
        }
        write_rows(worksheet, sheet, data, top, [&locked, &input, &date])?;
        if sheet.has_totals() {
            write_totals(worksheet, sheet, data, &header)?;
        }
        if !sheet.is_free() || sheet.has_formulas() || sheet.has_totals() {
            worksheet.protect_with_options(&ProtectionOptions {
                insert_rows: sheet.is_free(),
                delete_rows: sheet.is_free(),
                ..preset_protection()
            });
        }
    }
    if !long_lists.is_empty() {
        let lists = workbook.add_worksheet();
        lists.set_name(LISTS_SHEET)?;
        for (col, values) in long_lists.iter().enumerate() {
            for (row, text) in values.iter().enumerate() {
                lists.write_string(row as u32, col as u16, text)?;
            }
        }
        lists.set_hidden(true);
    }
    workbook.save_to_buffer()
}

/// What a protected sheet still lets the user do: everything but typing over
/// the header and the presets (no password: protection guards against slips,
/// the server checks the presets anyway).
fn preset_protection() -> ProtectionOptions {
    ProtectionOptions {
        format_cells: true,
        format_columns: true,
        format_rows: true,
        sort: true,
        use_autofilter: true,
        edit_objects: true,
        ..ProtectionOptions::default()
    }
}

/// The data's rows under the header (row `top`); `[locked, input, date]`
/// are the formats of presets, typed cells and dates.
fn write_rows(
    worksheet: &mut Worksheet,
    sheet: &SheetDef,
    data: &FormData,
    top: u32,
    [locked, input, date]: [&Format; 3],
) -> Result<(), XlsxError> {
    for (index, row) in data.rows(&sheet.key).iter().enumerate() {
        let r = index as u32 + 1 + top;
        for (col, column) in sheet.columns.iter().enumerate() {
            let col = col as u16;
            let Some(text) = row.get(&column.key) else {
                continue;
            };
            if column.is_calculated() {
                continue;
            }
            if sheet.is_preset(index, &column.key) {
                worksheet.write_string_with_format(r, col, text, locked)?;
                continue;
            }
            match value::parse(column, text) {
                Ok(Value::Integer(n)) => {
                    worksheet.write_number_with_format(r, col, n as f64, input)?;
                }
                Ok(Value::Decimal(n)) => {
                    worksheet.write_number_with_format(r, col, n, input)?;
                }
                Ok(Value::Date(day)) => {
                    worksheet.write_date_with_format(r, col, excel_date(day)?, date)?;
                }
                // A file cannot travel in a cell: its name stands for it, and
                // the upload puts the file back by that name.
                Ok(Value::File) => {
                    worksheet.write_string_with_format(r, col, files::shown(text), locked)?;
                }
                _ => {
                    worksheet.write_string_with_format(r, col, text, input)?;
                }
            }
        }
    }
    Ok(())
}

/// How a number column's cells show: whole, or with its decimals.
fn number_format(column: &ColumnDef) -> Option<String> {
    match (column.kind, column.decimals) {
        (ColumnType::Integer, _) => Some("0".to_owned()),
        (ColumnType::Decimal, Some(0)) => Some("0".to_owned()),
        (ColumnType::Decimal, Some(places)) => Some(format!("0.{}", "0".repeat(places.into()))),
        _ => None,
    }
}

/// The formula of calculated column `col` in each row the user may fill, with
/// the value the form computed where the draft has the row (a program that
/// does not recalculate shows it).
fn write_formulas(
    worksheet: &mut Worksheet,
    sheet: &SheetDef,
    data: &FormData,
    (top, col): (u32, u16),
    shown: &Format,
) -> Result<(), XlsxError> {
    let column = &sheet.columns[col as usize];
    let Some(expr) = column
        .formula
        .as_deref()
        .and_then(|f| formula::parse(f).ok())
    else {
        return Ok(());
    };
    let rows = data.rows(&sheet.key);
    let count = if sheet.is_free() {
        (rows.len() as u32 + FORMULA_ROWS_AHEAD).min(sheet.row_limit())
    } else {
        sheet.fixed_rows.len() as u32
    };
    let letter = |key: &str| {
        sheet
            .columns
            .iter()
            .position(|c| c.key == key)
            .map(column_letters)
    };
    let places = match column.kind {
        ColumnType::Integer => Some(0),
        _ => column.decimals,
    };
    for index in 0..count {
        let r = index + 1 + top;
        // LibreOffice does not recalculate an .xlsx on opening by default: the
        // stored result is what it shows, so an empty row's is empty, not 0.
        let computed = rows
            .get(index as usize)
            .and_then(|row| row.get(&column.key));
        let cell = Formula::new(expr.to_excel_cell(&letter, r + 1, places))
            .set_result(computed.unwrap_or_default());
        worksheet.write_formula_with_format(r, col, cell, shown)?;
    }
    Ok(())
}

/// The totals row «Итого» above the header: a real `SUM` over each summed
/// column's rows (every row the sheet may have), with the sum the form
/// computed as its stored result (a program that does not recalculate shows
/// it); the label in the first column that is not summed.
fn write_totals(
    worksheet: &mut Worksheet,
    sheet: &SheetDef,
    data: &FormData,
    bold: &Format,
) -> Result<(), XlsxError> {
    let rows = data.rows(&sheet.key);
    // Excel's rows of the data: under the header, which is under this row.
    let (first, last) = (3, 2 + sheet.row_limit().max(1));
    if let Some(label) = sheet
        .columns
        .iter()
        .position(|c| !sheet.is_totalled(&c.key))
    {
        worksheet.write_string_with_format(0, label as u16, TOTALS_LABEL, bold)?;
    }
    for (col, column) in sheet.columns.iter().enumerate() {
        let Some(aggregate) = sheet.total_of(&column.key) else {
            continue;
        };
        let letters = column_letters(col);
        let range = format!("{letters}{first}:{letters}{last}");
        let total = Formula::new(total_formula(aggregate, &range))
            .set_result(sheet.total_text(column, rows));
        // A value that is not a sum carries its mark in its format («ср. 23,5»),
        // so it stays a number.
        let number = match aggregate {
            Aggregate::Sum | Aggregate::Min | Aggregate::Max => number_format(column),
            Aggregate::Average if column.decimals.is_some() => number_format(column),
            Aggregate::Average => Some("0.00".to_owned()),
            Aggregate::Count => Some("0".to_owned()),
        };
        let format = match (aggregate.mark_ru(), number) {
            (Some(mark), Some(number)) => Some(format!("\"{mark} \"{number}")),
            (Some(mark), None) => Some(format!("\"{mark} \"General")),
            (None, number) => number,
        };
        let shown = match format {
            Some(format) => bold.clone().set_num_format(format),
            None => bold.clone(),
        };
        worksheet.write_formula_with_format(0, col as u16, total, &shown)?;
    }
    Ok(())
}

/// The Excel formula of a totals cell over `range`: empty, as ours, for an
/// average or an extreme of no numbers; a count of the cells holding text or
/// a number (`COUNTBLANK` takes a calculated cell's empty result for blank,
/// `COUNTA` would count it).
fn total_formula(aggregate: Aggregate, range: &str) -> String {
    match aggregate {
        Aggregate::Sum => format!("=SUM({range})"),
        Aggregate::Average => format!("=IF(COUNT({range})=0,\"\",AVERAGE({range}))"),
        Aggregate::Min => format!("=IF(COUNT({range})=0,\"\",MIN({range}))"),
        Aggregate::Max => format!("=IF(COUNT({range})=0,\"\",MAX({range}))"),
        // Not SUMPRODUCT(--(LEN(…)>0)): Gnumeric answers it #VALUE!.
        Aggregate::Count => format!("=ROWS({range})-COUNTBLANK({range})"),
    }
}

/// A date as Excel stores it.
pub(crate) fn excel_date(day: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(day.year() as u16, day.month() as u8, day.day() as u8)
}

/// Excel's own check for a column, with a Russian message, or `None` for free text.
fn validation_of(
    column: &ColumnDef,
    condition: Option<String>,
    long_lists: &mut Vec<Vec<String>>,
) -> Result<Option<DataValidation>, XlsxError> {
    let mut validation = match column.kind {
        // Excel's drop-down takes one value: a cell of several only gets its
        // message (the upload checks each value).
        ColumnType::List if column.multiple => DataValidation::new().allow_any_value(),
        // Only its message: the file is attached on the site.
        ColumnType::File => DataValidation::new().allow_any_value(),
        ColumnType::List | ColumnType::YesNo => {
            let values: Vec<String> = if column.kind == ColumnType::YesNo {
                vec!["Да".into(), "Нет".into()]
            } else {
                column.values.clone()
            };
            let inline: usize = values.iter().map(|v| v.chars().count() + 1).sum();
            if inline <= MAX_INLINE_LIST && values.iter().all(|v| !v.contains(',')) {
                DataValidation::new().allow_list_strings(&values)?
            } else {
                let col = column_letters(long_lists.len());
                let formula = format!("='{LISTS_SHEET}'!${col}$1:${col}${}", values.len());
                long_lists.push(values);
                DataValidation::new().allow_list_formula(Formula::new(formula))
            }
        }
        ColumnType::Integer => {
            let clamp = |n: f64| n.clamp(i32::MIN as f64, i32::MAX as f64) as i32;
            let min = column.min.map_or(i32::MIN, clamp);
            let max = column.max.map_or(i32::MAX, clamp);
            DataValidation::new().allow_whole_number(DataValidationRule::Between(min, max))
        }
        ColumnType::Decimal if column.min.is_some() || column.max.is_some() => {
            let min = column.min.unwrap_or(f64::MIN);
            let max = column.max.unwrap_or(f64::MAX);
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(min, max))
        }
        ColumnType::Date => {
            let from = column
                .date_from
                .unwrap_or(NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date"));
            let to = column
                .date_to
                .unwrap_or(NaiveDate::from_ymd_opt(9999, 12, 31).expect("a date"));
            DataValidation::new().allow_date(DataValidationRule::Between(
                excel_date(from)?,
                excel_date(to)?,
            ))
        }
        ColumnType::Text if column.max_length.is_some() => DataValidation::new().allow_text_length(
            DataValidationRule::LessThanOrEqualTo(column.max_length.unwrap_or(0)),
        ),
        _ => return Ok(None),
    };
    // What the column takes, its limits stated, when it is asked for, then the
    // form's own hint.
    let message = [
        expectation_ru(column),
        condition.unwrap_or_default(),
        column.hint.clone(),
    ]
    .into_iter()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(". ");
    if !message.is_empty() {
        let short: String = message.chars().take(MAX_INPUT_MESSAGE).collect();
        validation = validation
            .set_input_title(column.title.chars().take(32).collect::<String>())?
            .set_input_message(short.clone())?
            .set_error_title("Недопустимое значение")?
            .set_error_message(short)?;
    }
    Ok(Some(validation))
}

/// What a column takes, with its limits: «Целое число от 0 до 70», «Дата с
/// 01.01.1950 по 31.12.2008» (Excel shows it as the cell's input message and
/// as the refusal of a wrong value).
fn expectation_ru(column: &ColumnDef) -> String {
    let number = |n: f64| value::decimal_ru(n);
    let day = |d: NaiveDate| d.format("%d.%m.%Y").to_string();
    let between = |from: Option<String>, to: Option<String>, words: [&str; 4]| match (from, to) {
        (Some(from), Some(to)) => format!(" {} {from} {} {to}", words[0], words[1]),
        (Some(from), None) => format!(" {} {from}", words[2]),
        (None, Some(to)) => format!(" {} {to}", words[3]),
        (None, None) => String::new(),
    };
    let numbers = ["от", "до", "не меньше", "не больше"];
    match column.kind {
        ColumnType::List if column.multiple => format!(
            "Одно или несколько значений через «;»: {}",
            column.values.join("; ")
        ),
        ColumnType::List | ColumnType::YesNo => "Выберите значение из списка".into(),
        ColumnType::Integer => format!(
            "Целое число{}",
            between(column.min.map(number), column.max.map(number), numbers)
        ),
        ColumnType::Decimal => format!(
            "Число{}",
            between(column.min.map(number), column.max.map(number), numbers)
        ),
        ColumnType::Date => format!(
            "Дата в формате дд.мм.гггг{}",
            between(
                column.date_from.map(day),
                column.date_to.map(day),
                ["с", "по", "не раньше", "не позже"]
            )
        ),
        ColumnType::Text if !column.words.is_empty() => {
            format!("Только слова: {}", column.words.join(", "))
        }
        ColumnType::File => {
            "Файл прикрепляется в форме на сайте; здесь — его имя, не меняйте его".into()
        }
        ColumnType::Text => match column.max_length {
            Some(max) => format!(
                "Текст не длиннее {}",
                oko_domain::text::count_ru(u64::from(max), ["символа", "символов", "символов"])
            ),
            None => String::new(),
        },
    }
}

/// `A`, `B`, …, `Z`, `AA`, … for a 0-based column.
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push((b'A' + (index % 26) as u8) as char);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use oko_domain::forms::{ColumnDef, ColumnType};

    use super::expectation_ru;

    #[test]
    fn a_columns_message_states_its_limits() {
        let mut marks = ColumnDef::new("marks", "Баллы", ColumnType::Integer);
        marks.min = Some(0.0);
        marks.max = Some(70.0);
        assert_eq!(expectation_ru(&marks), "Целое число от 0 до 70");
        marks.min = None;
        assert_eq!(expectation_ru(&marks), "Целое число не больше 70");
        let mut share = ColumnDef::new("share", "Доля", ColumnType::Decimal);
        share.min = Some(0.5);
        assert_eq!(expectation_ru(&share), "Число не меньше 0,5");
        let mut born = ColumnDef::new("born", "Дата рождения", ColumnType::Date);
        born.date_from = NaiveDate::from_ymd_opt(1950, 1, 1);
        born.date_to = NaiveDate::from_ymd_opt(2008, 12, 31);
        assert_eq!(
            expectation_ru(&born),
            "Дата в формате дд.мм.гггг с 01.01.1950 по 31.12.2008"
        );
        let mut code = ColumnDef::new("code", "Код", ColumnType::Text);
        code.max_length = Some(21);
        assert_eq!(expectation_ru(&code), "Текст не длиннее 21 символа");
    }
}
