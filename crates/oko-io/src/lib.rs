//! File formats with no HTTP in them: CSV writing and reading, the «Скачать всё.zip»
//! layout, content sniffing of uploads, the XLSX download report, and forms'
//! Excel templates and their uploads (checked against zip bombs).

pub mod analytics_report;
pub mod cp1251;
pub mod csv;
pub mod csv_read;
pub mod download_report;
pub mod export;
pub mod form_description;
pub mod form_import;
pub mod form_template;
pub mod marked_workbook;
mod row_pipe;
pub mod sniff;
pub mod work_description;
pub mod workbook;
pub mod zip;
