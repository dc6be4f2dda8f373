//! A form definition written as a description spreadsheet, so an operator can take
//! a form, change it in Excel and upload it as the next version.

use chrono::NaiveDate;
use oko_domain::forms::{ColumnDef, FormDefinition, SheetDef, rule_text, totals::TotalDef};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::{Attr, FORM_LIST, FORM_RULE, FORM_SHEET, FORM_TITLE, Param, join_values};
use crate::form_template::{excel_date, worksheet_names};

/// Why a definition cannot be written as a description.
#[derive(Debug)]
pub enum Undescribable {
    /// A fixed-row sheet presets more than one column per row (JSON only).
    Presets(String),
    Xlsx(XlsxError),
}

impl From<XlsxError> for Undescribable {
    fn from(error: XlsxError) -> Self {
        Undescribable::Xlsx(error)
    }
}

/// The description spreadsheet's bytes.
pub fn describe(form: &FormDefinition) -> Result<Vec<u8>, Undescribable> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#E8EEF7");
    let first = workbook.add_worksheet();
    first.set_name(FORM_SHEET)?;
    first.set_column_width(0, 24)?;
    first.set_column_width(1, 80)?;
    first.write_string_with_format(0, 0, FORM_TITLE, &bold)?;
    first.write_string(0, 1, &form.title)?;
    first.write_string(
        2,
        0,
        "Каждый следующий лист описывает лист формы: параметры листа, затем таблица столбцов.",
    )?;
    let lists_from = 4 + form.rules.len() as u32;
    for (at, (name, values)) in form.lists.iter().enumerate() {
        let row = lists_from + at as u32;
        first.write_string_with_format(row, 0, FORM_LIST, &bold)?;
        first.write_string(row, 1, name)?;
        first.write_string(row, 2, join_values(values))?;
    }
    for (at, rule) in form.rules.iter().enumerate() {
        let row = 4 + at as u32;
        let (line, message) = rule_text::render_form_rule(rule);
        first.write_string_with_format(row, 0, FORM_RULE, &bold)?;
        first.write_string(row, 1, &line)?;
        if let Some(message) = message {
            first.write_string(row, 2, &message)?;
        }
    }
    for (sheet, name) in form.sheets.iter().zip(worksheet_names(form)) {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&name)?;
        let row = write_params(worksheet, sheet, &bold)?;
        write_columns(worksheet, row + 1, &sheet.columns, &header)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// Writes the parameter lines; answers the first free row.
fn write_params(
    worksheet: &mut Worksheet,
    sheet: &SheetDef,
    bold: &Format,
) -> Result<u32, Undescribable> {
    let mut lines: Vec<(Param, String, String)> = vec![
        (Param::Key, sheet.key.clone(), String::new()),
        (Param::Title, sheet.title.clone(), String::new()),
    ];
    if !sheet.hint.is_empty() {
        lines.push((Param::Hint, sheet.hint.clone(), String::new()));
    }
    if let Some(max) = sheet.max_rows {
        lines.push((Param::MaxRows, max.to_string(), String::new()));
    }
    if !sheet.is_free() {
        let (column, presets) = single_column_presets(sheet)?;
        lines.push((Param::FixedRows, column, join_values(&presets)));
    }
    if let Some(condition) = &sheet.shown_if {
        lines.push((
            Param::ShownIf,
            rule_text::render_sheet_condition(condition),
            String::new(),
        ));
    }
    if sheet.has_totals() {
        let totals: Vec<String> = sheet.totals.iter().map(TotalDef::text_ru).collect();
        lines.push((Param::Totals, join_values(&totals), String::new()));
    }
    for rule in &sheet.rules {
        let (line, message) = rule_text::render(rule);
        lines.push((Param::Rule, line, message.unwrap_or_default()));
    }
    worksheet.set_column_width(0, 28)?;
    for (row, (param, value, extra)) in lines.iter().enumerate() {
        let row = row as u32;
        worksheet.write_string_with_format(row, 0, param.title(), bold)?;
        if *param == Param::MaxRows {
            worksheet.write_number(row, 1, sheet.max_rows.unwrap_or(0) as f64)?;
        } else {
            worksheet.write_string(row, 1, value)?;
        }
        if !extra.is_empty() {
            worksheet.write_string(row, 2, extra)?;
        }
    }
    Ok(lines.len() as u32)
}

/// The one column every fixed row presets, and the preset values in row order.
fn single_column_presets(sheet: &SheetDef) -> Result<(String, Vec<String>), Undescribable> {
    let mut column: Option<&str> = None;
    let mut presets = Vec::new();
    for row in &sheet.fixed_rows {
        let mut cells = row.iter();
        let (Some((key, preset)), None) = (cells.next(), cells.next()) else {
            return Err(not_single(sheet));
        };
        if column.is_some_and(|c| c != key) {
            return Err(not_single(sheet));
        }
        column = Some(key);
        presets.push(preset.to_owned());
    }
    Ok((column.unwrap_or_default().to_owned(), presets))
}

fn not_single(sheet: &SheetDef) -> Undescribable {
    Undescribable::Presets(format!(
        "Строки листа «{}» задают значения нескольких столбцов: такую форму можно получить только в JSON",
        sheet.title
    ))
}

fn write_columns(
    worksheet: &mut Worksheet,
    top: u32,
    columns: &[ColumnDef],
    header: &Format,
) -> Result<(), XlsxError> {
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (at, attr) in Attr::ALL.into_iter().enumerate() {
        let width = match attr {
            Attr::Title | Attr::Hint | Attr::Values | Attr::Formula => 36,
            _ => 12,
        };
        worksheet.set_column_width(at as u16, width)?;
        worksheet.write_string_with_format(top, at as u16, attr.title(), header)?;
    }
    worksheet.set_freeze_panes(top + 1, 0)?;
    for (index, column) in columns.iter().enumerate() {
        let row = top + 1 + index as u32;
        for (at, attr) in Attr::ALL.into_iter().enumerate() {
            let at = at as u16;
            match cell_of(column, attr) {
                Cell::Empty => {}
                Cell::Text(text) => {
                    worksheet.write_string(row, at, text)?;
                }
                Cell::Number(n) => {
                    worksheet.write_number(row, at, n)?;
                }
                Cell::Date(day) => {
                    worksheet.write_date_with_format(row, at, excel_date(day)?, &date)?;
                }
            }
        }
    }
    Ok(())
}

enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

fn cell_of(column: &ColumnDef, attr: Attr) -> Cell {
    let text = |t: &str| {
        if t.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(t.to_owned())
        }
    };
    let number = |n: Option<f64>| n.map_or(Cell::Empty, Cell::Number);
    let date = |d: Option<NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
    match attr {
        Attr::Title => text(&column.title),
        Attr::Key => text(&column.key),
        Attr::Type => text(column.kind.title_ru()),
        Attr::Required => text(if column.required { "да" } else { "" }),
        Attr::Multiple => text(if column.multiple { "да" } else { "" }),
        Attr::KeepHidden => text(if column.keep_hidden { "да" } else { "" }),
        Attr::PrefillLocked => text(if column.prefill_locked { "да" } else { "" }),
        Attr::Prefill => text(column.prefill.map_or("", |f| f.title_ru())),
        Attr::PrefillFrom => text(column.prefill_from.as_deref().unwrap_or("")),
        Attr::ShownIf => text(
            &column
                .shown_if
                .as_ref()
                .map(rule_text::render_condition)
                .unwrap_or_default(),
        ),
        Attr::Hint => text(&column.hint),
        Attr::Min => number(column.min),
        Attr::Max => number(column.max),
        Attr::MinLength => number(column.min_length.map(f64::from)),
        Attr::MaxLength => number(column.max_length.map(f64::from)),
        Attr::Pattern => text(column.pattern.as_deref().unwrap_or("")),
        Attr::DateFrom => date(column.date_from),
        Attr::DateTo => date(column.date_to),
        // A column of a named list takes its values from the list's line.
        Attr::Values if column.list.is_some() => Cell::Empty,
        Attr::Values => text(&join_values(&column.values)),
        Attr::Words => text(&join_values(&column.words)),
        Attr::List => text(column.list.as_deref().unwrap_or("")),
        Attr::Decimals => number(column.decimals.map(f64::from)),
        Attr::Unit => text(column.unit.as_deref().unwrap_or("")),
        Attr::Formula => text(column.formula.as_deref().unwrap_or("")),
        Attr::UsualMin => number(column.soft.as_ref().and_then(|s| s.usual_min)),
        Attr::UsualMax => number(column.soft.as_ref().and_then(|s| s.usual_max)),
        Attr::FromLastTime => number(column.soft.as_ref().and_then(|s| s.from_last_time)),
        Attr::FromMedian => number(column.soft.as_ref().and_then(|s| s.from_median)),
    }
}
