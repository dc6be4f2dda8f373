//! «Скачать файл с отметками ошибок»: the user's own workbook back, each wrong
//! cell filled red with its message as a cell note, and a last sheet «Ошибки»
//! listing every problem with a link to its cell, so the fix happens where the
//! mistake is. The file is changed, not rebuilt: its formatting, drop-downs,
//! protection and notes stay, and its untouched parts are copied still
//! compressed. A CSV is first made a plain workbook.

mod cells;
mod error_list;
mod notes;
mod package;
mod styles;
mod window;
mod xml;

use std::collections::{BTreeMap, HashMap};

use rust_xlsxwriter::{Workbook, XlsxError};

use oko_domain::forms::{FormDefinition, validate};

use crate::{
    form_import::{
        FilePlace, ImportError, Outlined, RawCell, RawSheet, import_draft, places_in_file,
    },
    form_template::excel_date,
    workbook::{Refusal, WorkbookLimits, open_xlsx},
};

use self::{
    cells::mark_cells,
    error_list::error_list,
    notes::{NotesOf, add_notes},
    package::{Package, PackageError, RELATIONSHIPS_NS},
    styles::{DEFAULT_STYLES, RedStyles},
    xml::{Edits, start_tag, tags},
};

/// The list's own sheet; numbered when the file has a sheet of that name.
const ERRORS_SHEET: &str = "Ошибки";
const WORKBOOK: &str = "xl/workbook.xml";
const WORKSHEET_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const STYLES_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";
/// Column widths of a CSV made a workbook, in characters.
const MAX_WIDTH: usize = 60;
const MIN_WIDTH: usize = 8;

/// What was uploaded.
pub enum Upload<'a> {
    Workbook(&'a [u8]),
    Csv(RawSheet),
}

/// Why a file cannot be marked.
#[derive(Debug)]
pub enum MarkError {
    /// The file itself cannot be read (as its upload would be refused).
    Unreadable(Refusal),
    /// Read, but a part of it is not as a workbook's should be.
    Unmarkable(String),
}

impl From<PackageError> for MarkError {
    fn from(error: PackageError) -> Self {
        MarkError::Unmarkable(error.to_string())
    }
}

impl From<XlsxError> for MarkError {
    fn from(error: XlsxError) -> Self {
        MarkError::Unmarkable(error.to_string())
    }
}

/// The upload with every error its upload would list marked, or, for a file the
/// upload takes, every error its draft would have.
pub fn mark_errors(form: &FormDefinition, upload: Upload) -> Result<Vec<u8>, MarkError> {
    let plain;
    let bytes = match upload {
        Upload::Workbook(bytes) => bytes,
        Upload::Csv(sheet) => {
            plain = plain_workbook(&sheet)?;
            &plain
        }
    };
    let mut workbook =
        open_xlsx(bytes, WorkbookLimits::default()).map_err(MarkError::Unreadable)?;
    let mut outlined = Outlined::new(&mut workbook);
    let errors = match import_draft(form, &mut outlined) {
        Ok(read) => validate(form, &read.data)
            .into_iter()
            .map(|error| read.in_file(error))
            .collect(),
        Err(ImportError::Cells(errors)) => errors,
        Err(ImportError::Unreadable(refusal)) => return Err(MarkError::Unreadable(refusal)),
    };
    let outlines = outlined.finish();
    // The reader's tables are not needed to mark the file.
    drop(workbook);
    let places = places_in_file(form, &outlines, &errors);
    let messages: Vec<String> = errors.iter().map(|e| e.located(form, 0)).collect();
    let marks: Vec<Marked> = places
        .iter()
        .zip(&messages)
        .map(|(place, message)| Marked { place, message })
        .collect();
    let names: Vec<String> = outlines.iter().map(|o| o.name.clone()).collect();
    Ok(mark_workbook(bytes, &names, &marks)?)
}

/// One problem and where the file has it.
pub struct Marked<'a> {
    pub place: &'a FilePlace,
    /// The full message with its place, as the refusal said it.
    pub message: &'a str,
}

/// The workbook `bytes` (whose visible sheets are `names`) with `marks`.
fn mark_workbook(
    bytes: &[u8],
    names: &[String],
    marks: &[Marked],
) -> Result<Vec<u8>, PackageError> {
    let mut package = Package::open(bytes)?;
    let workbook = package
        .text(WORKBOOK)?
        .ok_or("the file has no xl/workbook.xml")?;
    let workbook_tags = tags(&workbook)?;
    let relationships = package.relationships(WORKBOOK)?;
    let part_of = |id: &str| {
        relationships
            .iter()
            .find(|(own, _, _)| own == id)
            .map(|(_, _, part)| part.clone())
    };
    let sheet_parts: HashMap<&str, String> = workbook_tags
        .iter()
        .filter(|t| t.opens("sheet"))
        .filter_map(|t| Some((t.attribute("name")?, part_of(t.attribute("id")?)?)))
        .collect();
    let styles_part = relationships
        .iter()
        .find(|(_, kind, _)| kind == "styles")
        .map(|(_, _, part)| part.clone());
    let mut styles = RedStyles::read(match &styles_part {
        Some(part) => package.text(part)?.ok_or("the file's styles are missing")?,
        None => DEFAULT_STYLES.to_owned(),
    })?;
    let notes = notes_by_cell(marks);
    for (index, name) in names.iter().enumerate() {
        let in_sheet: Vec<((usize, usize), &str)> = notes
            .range((index, 0, 0)..(index + 1, 0, 0))
            .map(|((_, row, column), note)| ((*row, *column), note.as_str()))
            .collect();
        if in_sheet.is_empty() {
            continue;
        }
        let part = sheet_parts
            .get(name.as_str())
            .ok_or("a sheet without its part")?;
        let cells: Vec<(usize, usize)> = in_sheet.iter().map(|(cell, _)| *cell).collect();
        let drawing_id = package.fresh_id(part)?;
        let marked = package.rewrite(part, |sheet, sink| {
            mark_cells(sheet, &cells, &mut styles, &drawing_id, sink)
        })?;
        let sheet = NotesOf {
            sheet_part: part,
            own_drawing: marked.own_drawing.as_deref(),
            new_drawing_id: &drawing_id,
        };
        add_notes(&mut package, sheet, &in_sheet)?;
    }
    add_error_list(
        &mut package,
        &workbook,
        &workbook_tags,
        names,
        marks,
        &styles,
    )?;
    let styles_part = match styles_part {
        Some(part) => part,
        None => {
            let part = "xl/styles.xml".to_owned();
            let id = package.fresh_id(WORKBOOK)?;
            package.relate(WORKBOOK, &id, "styles", &part)?;
            package.declare(Some(&part), "", STYLES_TYPE)?;
            part
        }
    };
    package.put(&styles_part, styles.finish()?.into_bytes());
    package.finish()
}

/// «Ошибки» as the workbook's last sheet (the file opens where it did).
fn add_error_list(
    package: &mut Package,
    workbook: &str,
    workbook_tags: &[xml::Tag],
    names: &[String],
    marks: &[Marked],
    styles: &RedStyles,
) -> Result<(), PackageError> {
    let taken: Vec<&str> = workbook_tags
        .iter()
        .filter(|t| t.opens("sheet"))
        .filter_map(|t| t.attribute("name"))
        .collect();
    let name = std::iter::once(ERRORS_SHEET.to_owned())
        .chain((2..).map(|n| format!("{ERRORS_SHEET} ({n})")))
        .find(|name| {
            !taken
                .iter()
                .any(|t| t.to_lowercase() == name.to_lowercase())
        })
        .unwrap_or_default();
    let sheet_id = workbook_tags
        .iter()
        .filter(|t| t.opens("sheet"))
        .filter_map(|t| t.attribute("sheetId")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    let part = package.unused(|n| format!("xl/worksheets/sheet{n}.xml"));
    package.put(
        &part,
        error_list(names, marks, &styles.list_styles()).into_bytes(),
    );
    let id = package.fresh_id(WORKBOOK)?;
    package.relate(WORKBOOK, &id, "worksheet", &part)?;
    package.declare(Some(&part), "", WORKSHEET_TYPE)?;
    let end = workbook_tags
        .iter()
        .find(|t| t.closes("sheets"))
        .ok_or("the workbook has no </sheets>")?;
    let prefix = &end.qname[..end.qname.len() - end.name().len()];
    let sheet = start_tag(
        &format!("{prefix}sheet"),
        &[
            ("name".to_owned(), name),
            ("sheetId".to_owned(), sheet_id.to_string()),
            ("xmlns:r".to_owned(), RELATIONSHIPS_NS.to_owned()),
            ("r:id".to_owned(), id),
        ],
        true,
    );
    let mut edits = Edits::default();
    edits.insert(end.at.start, sheet);
    package.put(WORKBOOK, edits.apply(workbook).into_bytes());
    Ok(())
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

/// A CSV's one sheet as a plain workbook («Данные»): numbers as numbers, dates
/// as date cells, columns as wide as their values.
fn plain_workbook(sheet: &RawSheet) -> Result<Vec<u8>, XlsxError> {
    let date = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name("Данные")?;
    for (column, width) in widths_of(sheet).iter().enumerate() {
        worksheet.set_column_width(to_column(column), (*width).min(MAX_WIDTH) as f64)?;
    }
    for (row, cells) in sheet.rows.iter().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            let (row, column) = (to_row(row), to_column(column));
            match cell {
                RawCell::Empty => {}
                RawCell::Text(text) => {
                    worksheet.write_string(row, column, text.as_str())?;
                }
                RawCell::Number(n) => {
                    worksheet.write_number(row, column, *n)?;
                }
                RawCell::Bool(b) => {
                    worksheet.write_boolean(row, column, *b)?;
                }
                RawCell::Date(day) => {
                    worksheet.write_datetime_with_format(row, column, excel_date(*day)?, &date)?;
                }
            }
        }
    }
    workbook.save_to_buffer()
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

    use oko_domain::forms::{FormData, demo};

    use super::*;
    use crate::{form_template::template, workbook::read_xlsx};

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

    /// The college form's template with a word in a number cell (row 3's
    /// course) and an empty required cell (row 4's code).
    fn refused_template() -> (FormDefinition, Vec<u8>) {
        let (form, mut data) = demo::college_filled(3);
        let rows = data.sheets.get_mut("specialties").unwrap();
        rows[1].insert("course", "второй".to_owned());
        rows[2].remove("code");
        let bytes = template(&form, &data).unwrap();
        (form, bytes)
    }

    #[test]
    fn the_users_own_file_comes_back_with_its_wrong_cells_red_and_noted() {
        let (form, bytes) = refused_template();
        let marked = mark_errors(&form, Upload::Workbook(&bytes)).unwrap();

        // Every value as it was, the list last.
        let before = read_xlsx(&bytes, WorkbookLimits::default()).unwrap();
        let after = read_xlsx(&marked, WorkbookLimits::default()).unwrap();
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(
            after[0].rows, before[0].rows,
            "the values are the file's own"
        );
        assert_eq!(after.last().unwrap().name, "Ошибки");
        let list = &after.last().unwrap().rows;
        let RawCell::Text(summary) = &list[0][0] else {
            panic!("{list:?}")
        };
        assert!(summary.starts_with("В файле 2 ошибки"), "{summary}");
        let places: Vec<&RawCell> = list[3..].iter().map(|row| &row[0]).collect();
        assert_eq!(
            places,
            [
                &RawCell::Text("СПЕЦИАЛЬНОСТИ!D3".into()),
                &RawCell::Text("СПЕЦИАЛЬНОСТИ!A4".into())
            ]
        );

        // The wrong cell: a red copy of its own style, its message a note
        // beside the template's own hints.
        let sheet = part(&marked, "xl/worksheets/sheet1.xml");
        let styles = part(&marked, "xl/styles.xml");
        let red_fill = styles.matches("<fill>").count() - 1;
        let cell = &sheet[sheet.find(r#"<c r="D3""#).unwrap()..];
        let style: usize = cell[cell.find(" s=\"").unwrap() + 4..]
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        let xf = xfs.split("<xf ").nth(style + 1).unwrap();
        assert!(xf.contains(&format!(r#"fillId="{red_fill}""#)), "{xf}");
        assert!(styles.contains("FFFFC7CE"));
        assert!(
            sheet.contains("<legacyDrawing"),
            "the sheet shows its notes"
        );
        assert!(sheet.contains("<dataValidations"), "the drop-downs stay");
        let notes = part(&marked, "xl/comments1.xml");
        assert!(notes.contains("Введите целое число"), "{notes}");
        let hints = part(&bytes, "xl/comments1.xml");
        for hint in hints.split("<comment ref=").skip(1) {
            let cell = hint.split('"').nth(1).unwrap();
            assert!(
                notes.contains(&format!(r#"ref="{cell}""#)),
                "the hint on {cell} stays"
            );
        }
        assert_eq!(
            notes.matches("<author>ФИС ОКО</author>").count(),
            1,
            "{notes}"
        );
    }

    #[test]
    fn an_empty_required_cell_the_file_lacks_is_added_red_in_its_columns_style() {
        let (form, mut data) = demo::college_filled(3);
        data.sheets.get_mut("specialties").unwrap()[2].remove("code");
        let bytes = template(&form, &data).unwrap();
        let marked = mark_errors(&form, Upload::Workbook(&bytes)).unwrap();
        let sheet = part(&marked, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"<c r="A4" s=""#), "{sheet}");
        let notes = part(&marked, "xl/comments1.xml");
        assert!(notes.contains(r#"ref="A4""#), "{notes}");
    }

    #[test]
    fn the_marked_file_still_uploads_as_the_users_file() {
        let (form, bytes) = refused_template();
        let marked = mark_errors(&form, Upload::Workbook(&bytes)).unwrap();
        let again = mark_errors(&form, Upload::Workbook(&marked)).unwrap();
        let sheets = read_xlsx(&again, WorkbookLimits::default()).unwrap();
        let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["СПЕЦИАЛЬНОСТИ", "Ошибки", "Ошибки (2)"]);
        assert_eq!(
            sheets[1].rows, sheets[2].rows,
            "the same errors found again"
        );
    }

    #[test]
    fn a_csv_comes_back_as_a_plain_workbook_with_its_marks() {
        let form = demo::college();
        let mut data = FormData::blank(&form);
        data.sheets.insert(
            "specialties".into(),
            vec![oko_domain::forms::Row::from([(
                "course".to_owned(),
                "второй".to_owned(),
            )])],
        );
        let bytes = template(&form, &data).unwrap();
        let sheet = read_xlsx(&bytes, WorkbookLimits::default())
            .unwrap()
            .remove(0);
        let csv = RawSheet {
            name: String::new(),
            rows: sheet.rows,
        };
        let marked = mark_errors(&form, Upload::Csv(csv)).unwrap();
        let after = read_xlsx(&marked, WorkbookLimits::default()).unwrap();
        assert_eq!(after[0].name, "Данные");
        assert!(part(&marked, "xl/comments1.xml").contains("Введите целое число"));
    }
}
