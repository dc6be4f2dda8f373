//! Exports written row by row to a file, in constant memory whatever the number of
//! organisations: XLSX (one worksheet per table, rust_xlsxwriter's constant-memory
//! worksheets), CSV as Russian Excel opens it (the tables one after another, a
//! «Лист» column telling them apart) or JSON lines for machines. Text that a
//! spreadsheet could take for a formula is neutralised (`oko_domain::jobs::neutralise`).

use std::{
    fs::File,
    io::{self, BufWriter, Write},
    path::Path,
};

use oko_domain::jobs::{ExportFormat, neutralise};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::csv::{BOM, write_record};

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
    },
    Csv(BufWriter<File>),
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
                }
            }
            ExportFormat::Csv => {
                let mut out = BufWriter::new(File::create(path)?);
                out.write_all(BOM)?;
                Target::Csv(out)
            }
            ExportFormat::Jsonl => Target::Jsonl(BufWriter::new(File::create(path)?)),
        };
        let mut writer = ExportWriter { tables, target };
        if let Target::Csv(out) = &mut writer.target {
            // One header per table: CSV has one table after another.
            for table in &writer.tables {
                let mut header = vec!["Лист".to_owned()];
                header.extend(table.columns.iter().map(|c| c.title.clone()));
                write_record(out, &header)?;
            }
        }
        Ok(writer)
    }

    /// Writes one row of table `table`.
    pub fn row(&mut self, table: usize, cells: &[Cell<'_>]) -> Result<(), ExportError> {
        let spec = &self.tables[table];
        match &mut self.target {
            Target::Xlsx {
                workbook,
                next_rows,
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
                            sheet.write_string(row, col, neutralise(text).as_ref())?;
                        }
                        Cell::Number(n) => {
                            sheet.write_number(row, col, *n)?;
                        }
                    }
                }
            }
            Target::Csv(out) => {
                let mut fields = vec![spec.title.clone()];
                fields.extend(cells.iter().map(|cell| match cell {
                    Cell::Empty => String::new(),
                    Cell::Text(text) => neutralise(text).into_owned(),
                    Cell::Number(n) => oko_domain::forms::value::decimal_ru(*n),
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
                        Cell::Number(n) => serde_json::Number::from_f64(*n)
                            .map_or(serde_json::Value::Null, serde_json::Value::Number),
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
            Target::Csv(mut out) | Target::Jsonl(mut out) => out.flush()?,
        }
        Ok(())
    }
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
                columns: vec![ExportColumn::new("login", "Логин")],
            },
        ]
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
        writer.row(1, &[Cell::Text("sch240001")]).unwrap();
        writer
            .row(0, &[Cell::Text("sch240002"), Cell::Empty])
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
        assert_eq!(lines[0], "Лист;Логин;Участников");
        assert_eq!(lines[2], "РАБОТЫ НА БЛАНКЕ;'=cmd();12,5");
        assert_eq!(lines[3], "РАБОТЫ НА КОМПЬЮТЕРЕ;sch240001");
    }

    #[test]
    fn json_lines_carry_keys_and_raw_values() {
        let text = String::from_utf8(write(ExportFormat::Jsonl)).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(
            first,
            serde_json::json!({"table": "paper", "login": "=cmd()", "n": 12.5})
        );
        assert_eq!(text.lines().count(), 3);
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
        assert_eq!(range.get_value((1, 0)).unwrap().to_string(), "'=cmd()");
        assert_eq!(range.get_value((1, 1)).unwrap().get_float(), Some(12.5));
        assert_eq!(range.get_value((2, 0)).unwrap().to_string(), "sch240002");
    }
}
