//! A report of «Аналитика» as a file (XLSX, or CSV / JSON lines): the table as the
//! SPA shows it, numbers as numbers, flags in the last column. Written row by row
//! through [`ExportWriter`], so the biggest «Индивидуальные результаты» of a region
//! takes constant memory when its rows are streamed in.

use std::path::Path;

use oko_domain::{
    analytics::{Report, ReportKind, ReportRow, ReportValue},
    jobs::ExportFormat,
};

use crate::export::{Cell, ExportColumn, ExportError, ExportTable, ExportWriter};

/// Column title of the flags.
const FLAGS: &str = "Признаки необъективности";

/// A report file being written.
pub struct ReportFile {
    writer: ExportWriter,
    label: bool,
}

impl ReportFile {
    /// Starts a file for `report`'s columns (its rows are written with [`Self::rows`]).
    pub fn create(
        report: &Report,
        format: ExportFormat,
        path: &Path,
        temp_dir: &Path,
    ) -> Result<ReportFile, ExportError> {
        let label = label_title(report.kind);
        let mut columns: Vec<ExportColumn> = Vec::new();
        if let Some(title) = label {
            columns.push(ExportColumn::new("label", title));
        }
        columns.extend(
            report
                .columns
                .iter()
                .enumerate()
                .map(|(at, title)| ExportColumn::new(&format!("c{}", at + 1), title)),
        );
        columns.push(ExportColumn::new("flags", FLAGS));
        let table = ExportTable {
            key: report.kind.slug().to_owned(),
            title: report.title.clone(),
            columns,
        };
        Ok(ReportFile {
            writer: ExportWriter::create(format, path, temp_dir, vec![table])?,
            label: label.is_some(),
        })
    }

    /// Writes rows.
    pub fn rows(&mut self, rows: &[ReportRow]) -> Result<(), ExportError> {
        for row in rows {
            let flags = row.flags.join("; ");
            let mut cells = Vec::with_capacity(row.values.len() + 2);
            if self.label {
                cells.push(Cell::Text(&row.label));
            }
            cells.extend(row.values.iter().map(|value| match value {
                None => Cell::Empty,
                Some(ReportValue::Number(n)) => Cell::Number(*n),
                Some(ReportValue::Text(text)) => Cell::Text(text),
            }));
            cells.push(if flags.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(&flags)
            });
            self.writer.row(0, &cells)?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), ExportError> {
        self.writer.finish()
    }
}

/// A whole report at `path`.
pub fn write_report(
    report: &Report,
    format: ExportFormat,
    path: &Path,
    temp_dir: &Path,
) -> Result<(), ExportError> {
    let mut file = ReportFile::create(report, format, path, temp_dir)?;
    file.rows(&report.rows)?;
    file.finish()
}

/// The first column's title; «Индивидуальные результаты» have none (their
/// columns already say organisation and code).
fn label_title(kind: ReportKind) -> Option<&'static str> {
    match kind {
        ReportKind::Individual => None,
        ReportKind::Skills => Some("Проверяемый планируемый результат"),
        ReportKind::Groups => Some("Группа участников"),
        _ => Some("Территория / ОО"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};
    use oko_domain::analytics::{
        StudentResult, demo_work,
        report::{ReportInput, UnitLevel, UnitLine, build},
        stats::UnitStats,
    };

    #[test]
    fn a_report_file_holds_its_header_labels_and_numbers() {
        let work = demo_work("Математика", "5 класс");
        let student = StudentResult {
            code: "1".into(),
            class_name: "5А".into(),
            variant: "1".into(),
            scores: vec![1, 2, 2, 1, 2, 2, 3, 2, 2, 3],
            journal_mark: Some(5),
        };
        let input = ReportInput {
            work: &work,
            chain: vec![UnitLine {
                label: "Российская Федерация".into(),
                level: UnitLevel::Country,
                unit: None,
                stats: UnitStats::of(&work, &[student]),
                municipality: None,
            }],
            children: vec![],
        };
        let report = build(ReportKind::Marks, &input);
        let dir = std::env::temp_dir().join(format!("oko-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("marks.xlsx");
        write_report(&report, ExportFormat::Xlsx, &path, &dir).unwrap();
        let mut book: Xlsx<_> = open_workbook(&path).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(
            range.get((0, 0)),
            Some(&Data::String("Территория / ОО".into()))
        );
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("Российская Федерация".into()))
        );
        assert_eq!(range.get((1, 1)), Some(&Data::Float(1.0)));
        assert_eq!(range.get((1, 5)), Some(&Data::Float(100.0)));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
