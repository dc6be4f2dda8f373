//! Exports written row by row to a file, in constant memory whatever the number of
//! organisations: XLSX (one worksheet per table, rust_xlsxwriter's constant-memory
//! worksheets), CSV as Russian Excel opens it (the tables one after another, a
//! «Лист» column telling them apart) or JSON lines for machines. Each keeps the
//! values' types: XLSX real numbers and date cells (`ДД.ММ.ГГГГ`, Moscow time
//! for moments), JSON lines integers, numbers and ISO dates. Text that a CSV
//! reader could take for a formula is neutralised
//! (`oko_domain::jobs::neutralise`); an XLSX string is never run as one.

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Timelike, Utc};
use oko_domain::jobs::{ExportFormat, neutralise};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::{
    csv::{BOM, write_record},
    form_template::excel_date,
};

/// One table of an export (a form sheet, or the statuses).
#[derive(Clone, Debug)]
pub struct ExportTable {
    /// Stable, for JSON lines.
    pub key: String,
    /// The worksheet's name, the CSV «Лист» column.
    pub title: String,
    pub columns: Vec<ExportColumn>,
}

/// A column: its key (JSON lines) and its title (header row).
#[derive(Clone, Debug)]
pub struct ExportColumn {
    pub key: String,
    pub title: String,
}

impl ExportColumn {
    pub fn new(key: &str, title: &str) -> ExportColumn {
        ExportColumn {
            key: key.to_owned(),
            title: title.to_owned(),
        }
    }
}

/// A cell value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    /// A day.
    Date(NaiveDate),
    /// A moment in Moscow time (the column's title says «(мск)»).
    MoscowTime(NaiveDateTime),
}

impl Cell<'_> {
    /// A stored moment (UTC) as Moscow time, the way people read it.
    pub fn moscow_time(at: DateTime<Utc>) -> Cell<'static> {
        Cell::MoscowTime(oko_domain::moscow_time::to_moscow(at).naive_local())
    }
}

/// The number format of date cells (Russian Excel shows it as `ДД.ММ.ГГГГ`).
const DATE_FORMAT: &str = "dd.mm.yyyy";
/// The number format of moments.
const DATE_TIME_FORMAT: &str = "dd.mm.yyyy hh:mm";

/// A moment as Excel stores it.
fn excel_date_time(at: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    excel_date(at.date())?.and_hms(at.hour() as u16, at.minute() as u8, f64::from(at.second()))
}

/// A JSON number: an integer when it is one (`34`, not `34.0`).
fn json_number(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        (n as i64).into()
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// Why an export could not be written.
#[derive(Debug)]
pub struct ExportError(pub String);

impl From<io::Error> for ExportError {
    fn from(e: io::Error) -> Self {
        ExportError(e.to_string())
    }
}

impl From<XlsxError> for ExportError {
    fn from(e: XlsxError) -> Self {
        ExportError(e.to_string())
    }
}

/// An export being written.
pub struct ExportWriter {
    tables: Vec<ExportTable>,
    target: Target,
}

enum Target {
    Xlsx {
        workbook: Box<Workbook>,
        path: std::path::PathBuf,
        /// The next row of each worksheet.
        next_rows: Vec<u32>,
        /// Date cells' and moments' formats (boxed: a format is large).
        date: Box<Format>,
        date_time: Box<Format>,
    },
    /// Each table's rows in a file of its own under the temporary directory,
    /// joined one table after another when the export is finished.
    Csv {
        path: std::path::PathBuf,
        tables: Vec<(std::path::PathBuf, BufWriter<File>)>,
    },
    Jsonl(BufWriter<File>),
}

/// Worksheet names: at most 31 characters, none of `[]:*?/\`, unique.
fn sheet_name(title: &str, taken: &[String]) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "Лист".to_owned()
    } else {
        clean
    };
    let mut name = clean.clone();
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        name = format!("{clean} {n}");
        n += 1;
    }
    name
}

impl ExportWriter {
    /// Starts an export of `tables` at `path`; `temp_dir` holds XLSX's row files.
    pub fn create(
        format: ExportFormat,
        path: &Path,
        temp_dir: &Path,
        tables: Vec<ExportTable>,
    ) -> Result<ExportWriter, ExportError> {
        let target = match format {
            ExportFormat::Xlsx => {
                let mut workbook = Box::new(Workbook::new());
                workbook.set_tempdir(temp_dir)?;
                let bold = Format::new().set_bold();
                let mut names = Vec::new();
                for table in &tables {
                    let name = sheet_name(&table.title, &names);
                    let sheet = workbook.add_worksheet_with_constant_memory()?;
                    sheet.set_name(&name)?;
                    for (at, column) in table.columns.iter().enumerate() {
                        sheet.write_string_with_format(0, at as u16, &column.title, &bold)?;
                        sheet.set_column_width(at as u16, 18)?;
                    }
                    sheet.set_freeze_panes(1, 0)?;
                    names.push(name);
                }
                Target::Xlsx {
                    workbook,
                    path: path.to_owned(),
                    next_rows: vec![1; tables.len()],
                    date: Box::new(Format::new().set_num_format(DATE_FORMAT)),
                    date_time: Box::new(Format::new().set_num_format(DATE_TIME_FORMAT)),
                }
            }
            ExportFormat::Csv => Target::Csv {
                path: path.to_owned(),
                tables: (0..tables.len())
                    .map(|at| {
                        let part = temp_dir.join(format!("table-{at}.csv"));
                        Ok((part.clone(), BufWriter::new(File::create(part)?)))
                    })
                    .collect::<io::Result<_>>()?,
            },
            ExportFormat::Jsonl => Target::Jsonl(BufWriter::new(File::create(path)?)),
        };
        Ok(ExportWriter { tables, target })
    }

    /// Writes one row of table `table`.
    pub fn row(&mut self, table: usize, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        let spec = &self.tables[table];
        match &mut self.target {
            Target::Xlsx {
                workbook,
                next_rows,
                date,
                date_time,
                ..
            } => {
                let row = next_rows[table];
                next_rows[table] += 1;
                let sheet = workbook.worksheet_from_index(table)?;
                for (at, cell) in cells.iter().enumerate() {
                    let col = at as u16;
                    match cell {
                        Cell::Empty => {}
                        Cell::Text(text) => {
                            sheet.write_string(row, col, *text)?;
                        }
                        Cell::Number(n) => {
                            sheet.write_number(row, col, *n)?;
                        }
                        Cell::Date(day) => {
                            sheet.write_date_with_format(row, col, excel_date(*day)?, date)?;
                        }
                        Cell::MoscowTime(at) => {
                            sheet.write_datetime_with_format(
                                row,
                                col,
                                excel_date_time(*at)?,
                                date_time,
                            )?;
                        }
                    }
                }
            }
            Target::Csv { tables, .. } => {
                let out = &mut tables[table].1;
                let mut fields = vec![spec.title.clone()];
                fields.extend(cells.iter().map(|cell| match cell {
                    Cell::Empty => String::new(),
                    Cell::Text(text) => neutralise(text).into_owned(),
                    Cell::Number(n) => oko_domain::forms::value::decimal_ru(*n),
                    Cell::Date(day) => day.format("%d.%m.%Y").to_string(),
                    Cell::MoscowTime(at) => at.format("%d.%m.%Y %H:%M").to_string(),
                }));
                write_record(out, &fields)?;
            }
            Target::Jsonl(out) => {
                let mut object = serde_json::Map::new();
                object.insert("table".into(), spec.key.clone().into());
                for (column, cell) in spec.columns.iter().zip(cells) {
                    let value = match cell {
                        Cell::Empty => serde_json::Value::Null,
                        Cell::Text(text) => (*text).into(),
                        Cell::Number(n) => json_number(*n),
                        Cell::Date(day) => day.format("%Y-%m-%d").to_string().into(),
                        Cell::MoscowTime(at) => {
                            at.format("%Y-%m-%dT%H:%M:%S+03:00").to_string().into()
                        }
                    };
                    object.insert(column.key.clone(), value);
                }
                serde_json::to_writer(&mut *out, &object)
                    .map_err(|e| ExportError(e.to_string()))?;
                out.write_all(b"\n")?;
            }
        }
        Ok(())
    }

    /// Finishes the file.
    pub fn finish(self) -> Result<(), ExportError> {
        match self.target {
            Target::Xlsx {
                mut workbook, path, ..
            } => workbook.save(&path)?,
            Target::Csv { path, tables } => join_tables(&path, &self.tables, tables)?,
            Target::Jsonl(mut out) => out.flush()?,
        }
        Ok(())
    }
}

/// The CSV file: a BOM, then each table's header and rows, a blank line between
/// tables; the tables' own files are removed.
fn join_tables(
    path: &Path,
    specs: &[ExportTable],
    parts: Vec<(std::path::PathBuf, BufWriter<File>)>,
) -> Result<(), ExportError> {
    let mut out = BufWriter::new(File::create(path)?);
    out.write_all(BOM)?;
    for (at, (spec, (part, rows))) in specs.iter().zip(parts).enumerate() {
        rows.into_inner().map_err(|e| e.into_error())?;
        if at > 0 {
            out.write_all(b"\r\n")?;
        }
        let mut header = vec!["Лист".to_owned()];
        header.extend(spec.columns.iter().map(|c| c.title.clone()));
        write_record(&mut out, &header)?;
        io::copy(&mut File::open(&part)?, &mut out)?;
        std::fs::remove_file(&part)?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> Vec<ExportTable> {
        vec![
            ExportTable {
                key: "paper".into(),
                title: "РАБОТЫ НА БЛАНКЕ".into(),
                columns: vec![
                    ExportColumn::new("login", "Логин"),
                    ExportColumn::new("n", "Участников"),
                ],
            },
            ExportTable {
                key: "pc".into(),
                title: "РАБОТЫ НА КОМПЬЮТЕРЕ".into(),
                columns: vec![
                    ExportColumn::new("login", "Логин"),
                    ExportColumn::new("date1", "Дата"),
                    ExportColumn::new("submitted_at", "Дата подачи (мск)"),
                ],
            },
        ]
    }

    fn day() -> Cell<'static> {
        Cell::Date(NaiveDate::from_ymd_opt(2021, 9, 15).unwrap())
    }

    fn moment() -> Cell<'static> {
        Cell::MoscowTime(
            NaiveDate::from_ymd_opt(2021, 9, 2)
                .unwrap()
                .and_hms_opt(17, 42, 0)
                .unwrap(),
        )
    }

    fn write(format: ExportFormat) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!(
            "oko-export-{}-{}",
            format.extension(),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out");
        let mut writer = ExportWriter::create(format, &path, &dir, tables()).unwrap();
        writer
            .row(0, &[Cell::Text("=cmd()"), Cell::Number(12.5)])
            .unwrap();
        writer
            .row(1, &[Cell::Text("sch240001"), day(), moment()])
            .unwrap();
        writer
            .row(0, &[Cell::Text("sch240002"), Cell::Number(34.0)])
            .unwrap();
        writer.finish().unwrap();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        bytes
    }

    #[test]
    fn csv_has_a_bom_a_sheet_column_and_no_formulas() {
        let text = String::from_utf8(write(ExportFormat::Csv)).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        // One table after another, each under its own header.
        assert_eq!(
            lines,
            [
                "Лист;Логин;Участников",
                "РАБОТЫ НА БЛАНКЕ;'=cmd();12,5",
                "РАБОТЫ НА БЛАНКЕ;sch240002;34",
                "",
                "Лист;Логин;Дата;Дата подачи (мск)",
                "РАБОТЫ НА КОМПЬЮТЕРЕ;sch240001;15.09.2021;02.09.2021 17:42",
            ]
        );
    }

    #[test]
    fn json_lines_carry_keys_and_raw_values() {
        let text = String::from_utf8(write(ExportFormat::Jsonl)).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(
            first,
            serde_json::json!({"table": "paper", "login": "=cmd()", "n": 12.5})
        );
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(
            lines[1],
            serde_json::json!({"table": "pc", "login": "sch240001", "date1": "2021-09-15",
                "submitted_at": "2021-09-02T17:42:00+03:00"})
        );
        assert_eq!(lines[2]["n"], serde_json::json!(34), "an integer stays one");
        assert!(text.lines().nth(2).unwrap().contains(r#""n":34"#));
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn xlsx_has_a_worksheet_per_table_with_its_rows() {
        use calamine::{DataType, Reader, Xlsx};
        let bytes = write(ExportFormat::Xlsx);
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            ["РАБОТЫ НА БЛАНКЕ", "РАБОТЫ НА КОМПЬЮТЕРЕ"]
        );
        let range = book.worksheet_range("РАБОТЫ НА БЛАНКЕ").unwrap();
        // An XLSX string is never a formula: no visible apostrophe.
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "=cmd()");
        assert_eq!(range.get_value((1, 1)).unwrap().get_float(), Some(12.5));
        assert_eq!(range.get_value((2, 0)).unwrap().to_string(), "sch240002");
        let pc = book.worksheet_range("РАБОТЫ НА КОМПЬЮТЕРЕ").unwrap();
        // Real date cells: Excel's serial days (2021-09-15 is day 44454).
        let serial = |cell: (u32, u32)| match pc.get_value(cell) {
            Some(calamine::Data::DateTime(at)) => at.as_f64(),
            other => panic!("a date cell expected, got {other:?}"),
        };
        assert_eq!(serial((1, 1)), 44454.0);
        let moment = serial((1, 2));
        assert!(
            (moment - (44441.0 + (17.0 * 60.0 + 42.0) / 1440.0)).abs() < 1e-6,
            "{moment}"
        );
    }
}
