//! «Скачать файл с отметками ошибок»: the user's own file back as a workbook, each
//! wrong cell filled red with its message as a cell note, and a first sheet
//! «Ошибки» listing every problem with a link to its cell, so the fix happens
//! where the mistake is. The values are rewritten from what was read (numbers as
//! numbers, dates as date cells); the file's own formatting is not kept.

use std::collections::BTreeMap;

use oko_domain::text::count_ru;
use rust_xlsxwriter::{Format, Note, Url, Workbook, Worksheet, XlsxError};

use oko_domain::forms::{FormDefinition, validate};

use crate::{
    form_import::{FilePlace, ImportError, Lent, RawCell, RawSheet, import_draft, places_in_file},
    form_template::excel_date,
    workbook::{Refusal, cell_reference},
};

/// The list's own sheet; a file sheet of that name is renamed.
const ERRORS_SHEET: &str = "Ошибки";
/// Column widths in characters: text is not wrapped past the widest.
const MAX_WIDTH: usize = 60;
const MIN_WIDTH: usize = 8;

/// Why a file cannot be marked.
#[derive(Debug)]
pub enum MarkError {
    /// The file itself cannot be read (as its upload would be refused).
    Unreadable(Refusal),
    Writing(XlsxError),
}

/// `sheets` (an upload's, as read) with every error the upload would list, or,
/// for a file the upload takes, every error its draft would have.
pub fn mark_errors(form: &FormDefinition, sheets: &[RawSheet]) -> Result<Vec<u8>, MarkError> {
    let errors = match import_draft(form, &mut Lent(sheets)) {
        Ok(read) => validate(form, &read.data)
            .into_iter()
            .map(|error| read.in_file(error))
            .collect(),
        Err(ImportError::Cells(errors)) => errors,
        Err(ImportError::Unreadable(refusal)) => return Err(MarkError::Unreadable(refusal)),
    };
    let places = places_in_file(form, sheets, &errors);
    let messages: Vec<String> = errors.iter().map(|e| e.located(form, 0)).collect();
    let marks: Vec<Marked> = places
        .iter()
        .zip(&messages)
        .map(|(place, message)| Marked { place, message })
        .collect();
    marked_workbook(sheets, &marks).map_err(MarkError::Writing)
}

/// One problem and where the file has it.
pub struct Marked<'a> {
    pub place: &'a FilePlace,
    /// The full message with its place, as the refusal said it.
    pub message: &'a str,
}

/// The workbook: «Ошибки» first, then the file's sheets with the marks.
pub fn marked_workbook(sheets: &[RawSheet], marks: &[Marked]) -> Result<Vec<u8>, XlsxError> {
    let wrong = Format::new()
        .set_background_color("#FFC7CE")
        .set_font_color("#9C0006")
        .set_bold();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let wrong_date = wrong.clone().set_num_format("dd.mm.yyyy");
    let names = sheet_names(sheets);
    let notes = notes_by_cell(marks);
    let mut workbook = Workbook::new();
    // Made once for one download: saving fast matters more than a smaller file.
    workbook.set_zip_compression_level(1);
    error_list(workbook.add_worksheet(), &names, marks)?;
    for (index, sheet) in sheets.iter().enumerate() {
        // Row by row to a temporary file, not the whole sheet in memory: a
        // 5,000-row template is marked in the memory of a few rows.
        let worksheet = workbook.add_worksheet_with_constant_memory()?;
        worksheet.set_name(&names[index])?;
        for (column, width) in widths_of(sheet).iter().enumerate() {
            worksheet.set_column_width(to_column(column), (*width).min(MAX_WIDTH) as f64)?;
        }
        let mut marked = notes.range((index, 0, 0)..(index + 1, 0, 0)).peekable();
        for (row, cells) in sheet.rows.iter().enumerate() {
            let mut row_marks = Vec::new();
            while let Some(((_, _, column), note)) = marked.next_if(|((_, r, _), _)| *r == row) {
                row_marks.push((*column, note));
            }
            for (column, cell) in cells.iter().enumerate() {
                let formats = if row_marks.iter().any(|(c, _)| *c == column) {
                    (Some(&wrong), &wrong_date)
                } else {
                    // Most cells: no format to look up (rust_xlsxwriter hashes
                    // every format it is given).
                    (None, &date)
                };
                write_cell(worksheet, row, column, cell, formats)?;
            }
            for (column, note) in row_marks {
                // A cell the file left empty (an empty required cell) is filled too.
                if cells.get(column).is_none_or(|cell| *cell == RawCell::Empty) {
                    worksheet.write_blank(to_row(row), to_column(column), &wrong)?;
                }
                worksheet.insert_note(
                    to_row(row),
                    to_column(column),
                    &Note::new(note).set_author("ФИС ОКО").set_width(360),
                )?;
            }
        }
    }
    workbook.save_to_buffer()
}

/// «Ошибки»: how many problems, then each with a link to its cell.
fn error_list(sheet: &mut Worksheet, names: &[String], marks: &[Marked]) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    sheet.set_name(ERRORS_SHEET)?;
    sheet.write_string_with_format(
        0,
        0,
        format!(
            "В файле {}: ячейки с ошибками залиты красным, у каждой — примечание с объяснением",
            count_ru(marks.len() as u64, ["ошибка", "ошибки", "ошибок"])
        ),
        &bold,
    )?;
    sheet.write_string_with_format(2, 0, "Ячейка", &bold)?;
    sheet.write_string_with_format(2, 1, "Ошибка", &bold)?;
    for (at, mark) in marks.iter().enumerate() {
        let row = to_row(at + 3);
        match (mark.place.sheet, mark.place.row) {
            (Some(sheet_at), Some(file_row)) => {
                let cell = cell_reference(file_row, mark.place.column.unwrap_or(0));
                let name = &names[sheet_at];
                let target = format!("internal:'{}'!{cell}", name.replace('\'', "''"));
                sheet.write_url_with_text(row, 0, Url::new(target), format!("{name}!{cell}"))?;
            }
            (Some(sheet_at), None) => {
                sheet.write_string(row, 0, &names[sheet_at])?;
            }
            _ => {}
        }
        sheet.write_string(row, 1, mark.message)?;
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 120)?;
    Ok(())
}

/// The file's sheet names, a name equal to the list's own changed (a CSV's one
/// sheet has none: «Данные»).
fn sheet_names(sheets: &[RawSheet]) -> Vec<String> {
    sheets
        .iter()
        .map(|sheet| match sheet.name.as_str() {
            "" => "Данные".to_owned(),
            name if name.eq_ignore_ascii_case(ERRORS_SHEET) => format!("{name} (файл)"),
            name => name.to_owned(),
        })
        .collect()
}

/// Each marked cell's note (its problems one per line) by (sheet, row, column);
/// a problem of a whole row is noted in its first cell.
fn notes_by_cell(marks: &[Marked]) -> BTreeMap<(usize, usize, usize), String> {
    let mut notes: BTreeMap<(usize, usize, usize), String> = BTreeMap::new();
    for mark in marks {
        let (Some(sheet), Some(row)) = (mark.place.sheet, mark.place.row) else {
            continue;
        };
        let note = notes
            .entry((sheet, row, mark.place.column.unwrap_or(0)))
            .or_default();
        if !note.is_empty() {
            note.push('\n');
        }
        note.push_str(mark.message);
    }
    notes
}

/// A cell's value; `plain` is the format of a non-date cell (`None`: Excel's
/// default), `dated` of a date.
fn write_cell(
    sheet: &mut Worksheet,
    row: usize,
    column: usize,
    cell: &RawCell,
    (plain, dated): (Option<&Format>, &Format),
) -> Result<(), XlsxError> {
    let (row, column) = (to_row(row), to_column(column));
    match (cell, plain) {
        (RawCell::Empty, _) => {}
        (RawCell::Text(text), None) => {
            sheet.write_string(row, column, text)?;
        }
        (RawCell::Text(text), Some(format)) => {
            sheet.write_string_with_format(row, column, text, format)?;
        }
        (RawCell::Number(n), None) => {
            sheet.write_number(row, column, *n)?;
        }
        (RawCell::Number(n), Some(format)) => {
            sheet.write_number_with_format(row, column, *n, format)?;
        }
        (RawCell::Bool(b), None) => {
            sheet.write_boolean(row, column, *b)?;
        }
        (RawCell::Bool(b), Some(format)) => {
            sheet.write_boolean_with_format(row, column, *b, format)?;
        }
        (RawCell::Date(day), _) => {
            sheet.write_datetime_with_format(row, column, excel_date(*day)?, dated)?;
        }
    }
    Ok(())
}

/// Each column's width: its widest value's, within bounds.
fn widths_of(sheet: &RawSheet) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for cells in &sheet.rows {
        if widths.len() < cells.len() {
            widths.resize(cells.len(), MIN_WIDTH);
        }
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(shown_width(cell));
        }
    }
    widths
}

/// How wide a cell's value shows, in characters.
fn shown_width(cell: &RawCell) -> usize {
    match cell {
        RawCell::Text(text) => text.lines().map(|l| l.chars().count()).max().unwrap_or(0) + 2,
        RawCell::Date(_) => 12,
        RawCell::Number(_) | RawCell::Bool(_) | RawCell::Empty => MIN_WIDTH,
    }
}

// A workbook read within `WorkbookLimits` has at most 1,048,576 rows and 16,384
// columns, Excel's own bounds; these conversions cannot truncate.
fn to_row(row: usize) -> u32 {
    row as u32
}

fn to_column(column: usize) -> u16 {
    column as u16
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        archive
            .by_name(name)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        text
    }

    #[test]
    fn a_wrong_cell_is_filled_red_and_noted_and_an_empty_one_too() {
        let sheet = RawSheet {
            name: "СПЕЦИАЛЬНОСТИ".into(),
            rows: vec![
                vec![RawCell::Text("Код".into()), RawCell::Text("Курс".into())],
                vec![RawCell::Empty, RawCell::Text("второй".into())],
            ],
        };
        let word = FilePlace {
            sheet: Some(0),
            row: Some(1),
            column: Some(1),
        };
        let empty = FilePlace {
            column: Some(0),
            ..word.clone()
        };
        let missing = FilePlace {
            sheet: None,
            row: None,
            column: None,
        };
        let marks = [
            Marked {
                place: &word,
                message: "Введите целое число",
            },
            Marked {
                place: &empty,
                message: "Заполните ячейку",
            },
            Marked {
                place: &missing,
                message: "В файле нет листа «ВТОРОЙ»",
            },
        ];
        let bytes = marked_workbook(&[sheet], &marks).unwrap();
        let notes = part(&bytes, "xl/comments1.xml");
        assert!(notes.contains("Введите целое число"), "{notes}");
        assert!(notes.contains("Заполните ячейку"), "{notes}");
        assert!(part(&bytes, "xl/styles.xml").contains("FFFFC7CE"));
        let data = part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(
            data.contains(r#"<c r="A2" s="#),
            "the empty cell is filled: {data}"
        );
        let list = part(&bytes, "xl/sharedStrings.xml");
        assert!(list.contains("В файле 3 ошибки"), "{list}");
        assert!(list.contains("В файле нет листа «ВТОРОЙ»"), "{list}");
    }
}
