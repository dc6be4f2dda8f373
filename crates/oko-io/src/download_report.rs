//! «Отчет» of a storage: which organisation has downloaded which file, as XLSX.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One organisation × one file it should download.
pub struct ReportRow<'a> {
    pub login: &'a str,
    pub organisation: &'a str,
    pub file: &'a str,
    /// First download, already in Moscow time («01.09.2021 10:12 (мск)»); `None` is
    /// written as «Не скачивал».
    pub first_download: Option<String>,
}

/// Column titles, as coordinators read them.
const HEADERS: [&str; 4] = ["Логин", "Организация", "Файл", "Первое скачивание"];

/// The workbook's bytes: a title line, the header row (frozen, with filters) and
/// one row per organisation and file.
pub fn download_report<'a>(
    title: &str,
    rows: impl Iterator<Item = ReportRow<'a>>,
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Скачивания")?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    for (col, header) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *header, &bold)?;
    }
    for (col, width) in [14.0, 60.0, 50.0, 24.0].into_iter().enumerate() {
        sheet.set_column_width(col as u16, width)?;
    }
    let mut last = 1;
    for (i, row) in rows.enumerate() {
        let r = i as u32 + 2;
        sheet.write_string(r, 0, row.login)?;
        sheet.write_string(r, 1, row.organisation)?;
        sheet.write_string(r, 2, row.file)?;
        sheet.write_string(r, 3, row.first_download.as_deref().unwrap_or("Не скачивал"))?;
        last = r;
    }
    sheet.set_freeze_panes(2, 0)?;
    sheet.autofilter(1, 0, last, 3)?;
    workbook.save_to_buffer()
}
