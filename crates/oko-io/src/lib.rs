//! File formats with no HTTP in them: CSV writing rules, the «Скачать всё.zip»
//! layout, content sniffing of uploads and the XLSX download report.

pub mod csv;
pub mod download_report;
pub mod sniff;
pub mod zip;
