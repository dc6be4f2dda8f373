//! Reading an uploaded `.xlsx` safely. A workbook is a zip, so before calamine sees
//! it the archive is checked: the entry count, the declared sizes and their ratio to
//! the compressed ones, and the real inflated size against the declared one (read
//! into nowhere, a bounded buffer at a time), so a zip bomb costs neither memory nor
//! more than a bounded amount of time. Formula cells are read as their cached
//! values; nothing is evaluated.

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, SheetVisible, Xlsx};
use chrono::NaiveDate;

use crate::form_import::{RawCell, RawSheet, RowSource, excel_serial_date, text_cell};

/// What a workbook may unpack to.
#[derive(Clone, Copy, Debug)]
pub struct WorkbookLimits {
    /// Most files inside the archive.
    pub max_entries: usize,
    /// Most bytes all of them inflate to.
    pub max_unpacked: u64,
    /// Largest inflated ÷ compressed size of one entry bigger than 1 MiB.
    pub max_ratio: u64,
}

impl Default for WorkbookLimits {
    fn default() -> Self {
        WorkbookLimits {
            max_entries: 2_000,
            max_unpacked: 512 << 20,
            max_ratio: 200,
        }
    }
}

/// Why an upload is not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// Stable code: `not_a_workbook` or `workbook_too_large`.
    pub code: &'static str,
    /// Russian explanation.
    pub message: String,
}

fn not_a_workbook(detail: &str) -> Refusal {
    Refusal {
        code: "not_a_workbook",
        message: format!("Файл не является книгой Excel (.xlsx): {detail}"),
    }
}

fn too_large(detail: String) -> Refusal {
    Refusal {
        code: "workbook_too_large",
        message: format!("Книга распаковывается в слишком большой объем: {detail}"),
    }
}

/// Checks the archive before anything parses it.
pub fn check_archive(bytes: &[u8], limits: WorkbookLimits) -> Result<(), Refusal> {
    if !bytes.starts_with(b"PK\x03\x04") {
        let hint = if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            "это старый формат .xls, сохраните файл как .xlsx".to_owned()
        } else if let Some(what) = crate::sniff::not_a_spreadsheet(bytes) {
            format!("это {what}; ожидается файл .xlsx")
        } else {
            "ожидается файл .xlsx".to_owned()
        };
        return Err(not_a_workbook(&hint));
    }
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_a_workbook("архив поврежден"))?;
    if archive.len() > limits.max_entries {
        return Err(too_large(format!("{} файлов в архиве", archive.len())));
    }
    if archive.index_for_name("xl/workbook.xml").is_none() {
        let hint = if archive.index_for_name("content.xml").is_some() {
            "это документ OpenDocument (.ods); сохраните его как книгу Excel (.xlsx)"
        } else {
            "в архиве нет книги (xl/workbook.xml)"
        };
        return Err(not_a_workbook(hint));
    }
    let mut declared_total = 0u64;
    for index in 0..archive.len() {
        let entry = archive
            .by_index_raw(index)
            .map_err(|_| not_a_workbook("архив поврежден"))?;
        let (declared, compressed) = (entry.size(), entry.compressed_size().max(1));
        declared_total = declared_total.saturating_add(declared);
        if declared > (1 << 20) && declared / compressed > limits.max_ratio {
            return Err(too_large(format!(
                "«{}» сжат в {} раз",
                entry.name(),
                declared / compressed
            )));
        }
    }
    if declared_total > limits.max_unpacked {
        return Err(too_large(format!("{} МиБ", declared_total >> 20)));
    }
    // The declared sizes may lie: inflate each entry up to one byte past its size.
    let mut sink = vec![0u8; 64 * 1024];
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|_| not_a_workbook("архив поврежден"))?;
        let declared = entry.size();
        let mut limited = (&mut entry).take(declared + 1);
        let mut real = 0u64;
        loop {
            let n = limited
                .read(&mut sink)
                .map_err(|_| not_a_workbook("архив поврежден"))?;
            if n == 0 {
                break;
            }
            real += n as u64;
        }
        if real > declared {
            return Err(too_large("размеры файлов в архиве указаны неверно".into()));
        }
    }
    Ok(())
}

/// A checked workbook, read one worksheet at a time.
pub struct Workbook<'a> {
    xlsx: Xlsx<Cursor<&'a [u8]>>,
    /// The visible worksheets' names, in order.
    names: Vec<String>,
}

/// Checks the archive and opens the workbook in it.
pub fn open_xlsx(bytes: &[u8], limits: WorkbookLimits) -> Result<Workbook<'_>, Refusal> {
    check_archive(bytes, limits)?;
    let xlsx: Xlsx<_> = guarded("", || Xlsx::new(Cursor::new(bytes)))?
        .map_err(|e| not_a_workbook(&format!("не удалось прочитать книгу ({e})")))?;
    let names = xlsx
        .sheets_metadata()
        .iter()
        .filter(|s| s.visible == SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect();
    Ok(Workbook { xlsx, names })
}

impl RowSource for Workbook<'_> {
    fn sheet_names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// Streams the worksheet cell by cell (calamine's own `worksheet_range` would
    /// first build a dense copy of the whole sheet); a row is handed on as soon as
    /// the next one starts, so only one row of the file is held at a time. No
    /// allocation is sized by a cell reference: a cell past Excel's limits, or so
    /// far from the sheet's other cells that its row would cost more than the
    /// sheet's content ([`SpreadBudget`]), refuses the file naming the cell.
    fn each_row(
        &mut self,
        index: usize,
        each: &mut dyn FnMut(usize, Vec<RawCell>),
    ) -> Result<(), Refusal> {
        let name = &self.names[index];
        let unreadable = |e: calamine::XlsxError| {
            not_a_workbook(&format!("не удалось прочитать лист «{name}» ({e})"))
        };
        let xlsx = &mut self.xlsx;
        let mut cells = guarded(name, || xlsx.worksheet_cells_reader(name))?.map_err(unreadable)?;
        let mut budget = SpreadBudget::default();
        let mut current: Option<(usize, Vec<RawCell>)> = None;
        // Rows of a sheet are mostly as wide as the one before: sized once.
        let mut width = 0;
        while let Some(cell) = guarded(name, || cells.next_cell())?.map_err(unreadable)? {
            let raw = raw_cell(cell.get_value());
            if raw == RawCell::Empty {
                continue;
            }
            let (row, col) = cell.get_position();
            let (row, col) = (row as usize, col as usize);
            budget.place(name, row, col)?;
            if current.as_ref().is_some_and(|(at, _)| *at != row)
                && let Some((at, done)) = current.take()
            {
                width = done.len();
                each(at, done);
            }
            let (_, cells) = current.get_or_insert_with(|| (row, Vec::with_capacity(width)));
            if cells.len() <= col {
                cells.resize(col + 1, RawCell::Empty);
            }
            cells[col] = raw;
        }
        if let Some((at, done)) = current {
            each(at, done);
        }
        Ok(())
    }
}

/// Excel's last row and column (1,048,576 rows, 16,384 columns): no program
/// people fill templates with writes a cell past them.
pub const MAX_ROWS: usize = 1_048_576;
/// See [`MAX_ROWS`].
pub const MAX_COLUMNS: usize = 16_384;

/// Slots of dense rows a sheet may take beyond [`SPREAD`] per real cell: 128 KiB,
/// enough for any description or small form whatever its layout, while a lone
/// cell at `XFD1` (16,384 slots) is refused before its row is built.
const FREE_SLOTS: usize = 4_096;
/// Dense slots per real cell allowed past [`FREE_SLOTS`]: a 30-column form filled
/// in its first and last columns only uses 15.
const SPREAD: usize = 16;

/// What a sheet's rows cost when held dense: each row as wide as its last cell,
/// each skipped row one slot. Kept within a multiple of the real cells, so a file
/// whose few cells sit at `XFD1048576` costs no more than its content.
#[derive(Default)]
pub(crate) struct SpreadBudget {
    cells: usize,
    slots: usize,
    row: Option<usize>,
    width: usize,
}

impl SpreadBudget {
    pub(crate) fn place(&mut self, sheet: &str, row: usize, col: usize) -> Result<(), Refusal> {
        if row >= MAX_ROWS || col >= MAX_COLUMNS {
            return Err(out_of_bounds(
                sheet,
                row,
                col,
                "за пределами листа Excel (1 048 576 строк, 16 384 столбца)",
            ));
        }
        if self.row != Some(row) {
            let gap = self.row.map_or(row, |last| row.saturating_sub(last));
            self.slots = self.slots.saturating_add(gap);
            self.row = Some(row);
            self.width = 0;
        }
        self.cells += 1;
        if col + 1 > self.width {
            self.slots += col + 1 - self.width;
            self.width = col + 1;
        }
        if self.slots > FREE_SLOTS + SPREAD * self.cells {
            return Err(out_of_bounds(
                sheet,
                row,
                col,
                "слишком далеко от остальных данных листа; удалите лишние ячейки",
            ));
        }
        Ok(())
    }
}

fn out_of_bounds(sheet: &str, row: usize, col: usize, why: &str) -> Refusal {
    Refusal {
        code: "cell_out_of_bounds",
        message: format!("Лист «{sheet}», ячейка {}: {why}", cell_reference(row, col)),
    }
}

/// `A1`-style name of a 0-based cell.
pub fn cell_reference(row: usize, col: usize) -> String {
    format!("{}{}", crate::form_template::column_letters(col), row + 1)
}

/// Runs a piece of calamine's parsing, turning a panic on a malformed file (its
/// cell-reference arithmetic overflows on `ZZZZZZZ1` where overflow checks are
/// on) into a refusal of the file rather than a failed request.
fn guarded<T>(sheet: &str, read: impl FnOnce() -> T) -> Result<T, Refusal> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|_| {
        not_a_workbook(&format!(
            "лист «{sheet}» поврежден (неверные ссылки на ячейки)"
        ))
    })
}

/// The visible worksheets of a checked workbook, whole (descriptions: small files
/// read by position).
pub fn read_xlsx(bytes: &[u8], limits: WorkbookLimits) -> Result<Vec<RawSheet>, Refusal> {
    let mut workbook = open_xlsx(bytes, limits)?;
    let mut sheets = Vec::with_capacity(workbook.names.len());
    for (index, name) in workbook.sheet_names().into_iter().enumerate() {
        let mut rows: Vec<Vec<RawCell>> = Vec::new();
        workbook.each_row(index, &mut |at, cells| {
            if rows.len() <= at {
                rows.resize_with(at + 1, Vec::new);
            }
            rows[at] = cells;
        })?;
        sheets.push(RawSheet { name, rows });
    }
    Ok(sheets)
}

/// The smallest `.xlsx` Excel opens: one worksheet named `name` whose
/// `<dimension>` and `<sheetData>` are written as given, unchecked. The hostile
/// workbooks of the readers' tests and of the API's are made with it.
pub fn minimal_workbook(name: &str, dimension: &str, sheet_data: &str) -> Vec<u8> {
    let entries: [(&str, String); 5] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
            ),
        ),
    ];
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (entry, text) in entries {
        writer
            .start_file(entry, options)
            .expect("writing to memory cannot fail");
        writer
            .write_all(text.as_bytes())
            .expect("writing to memory cannot fail");
    }
    writer
        .finish()
        .expect("writing to memory cannot fail")
        .into_inner()
}

fn raw_cell(data: &DataRef) -> RawCell {
    match data {
        DataRef::Empty => RawCell::Empty,
        DataRef::Int(n) => RawCell::Number(*n as f64),
        DataRef::Float(n) => RawCell::Number(*n),
        DataRef::Bool(b) => RawCell::Bool(*b),
        DataRef::String(s) => text_cell(s),
        DataRef::SharedString(s) => text_cell(s),
        DataRef::DateTime(at) => excel_serial_date(at.as_f64())
            .map_or_else(|| RawCell::Number(at.as_f64()), RawCell::Date),
        DataRef::DateTimeIso(text) => text
            .get(..10)
            .and_then(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
            .map_or_else(|| RawCell::Text(text.into()), RawCell::Date),
        DataRef::DurationIso(text) => RawCell::Text(text.into()),
        DataRef::Error(e) => RawCell::Text(smol_str::format_smolstr!("#{e:?}")),
    }
}
