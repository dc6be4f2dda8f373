//! The sheet «Ошибки»: how many problems, then each with a link to its cell.
//! Written as XML of its own (inline strings, internal links), so the file's
//! shared strings and other parts stay as they were.

use oko_domain::text::count_ru;

use super::{Marked, styles::ListStyles, xml::escaped};
use crate::workbook::cell_reference;

/// The list's worksheet part: `names` are the file's visible sheets.
pub(super) fn error_list(names: &[String], marks: &[Marked], styles: &ListStyles) -> String {
    let mut rows = String::new();
    let mut links = String::new();
    let summary = format!(
        "В файле {}: ячейки с ошибками залиты красным, у каждой — примечание с объяснением",
        count_ru(marks.len() as u64, ["ошибка", "ошибки", "ошибок"])
    );
    rows.push_str(&row(1, &[(&summary, styles.bold)]));
    rows.push_str(&row(3, &[("Ячейка", styles.bold), ("Ошибка", styles.bold)]));
    for (at, mark) in marks.iter().enumerate() {
        let number = at + 4;
        let place = match (mark.place.sheet, mark.place.row) {
            (Some(sheet), Some(row)) => {
                let cell = cell_reference(row, mark.place.column.unwrap_or(0));
                let name = &names[sheet];
                links.push_str(&format!(
                    r#"<hyperlink ref="A{number}" location="{}" display="{}"/>"#,
                    escaped(&format!("'{}'!{cell}", name.replace('\'', "''"))),
                    escaped(&format!("{name}!{cell}")),
                ));
                (format!("{name}!{cell}"), styles.link)
            }
            (Some(sheet), None) => (names[sheet].clone(), 0),
            _ => (String::new(), 0),
        };
        rows.push_str(&row(
            number,
            &[(&place.0, place.1), (mark.message, styles.wrapped)],
        ));
    }
    let links = if links.is_empty() {
        links
    } else {
        format!("<hyperlinks>{links}</hyperlinks>")
    };
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            r#"<cols><col min="1" max="1" width="24" customWidth="1"/><col min="2" max="2" width="120" customWidth="1"/></cols>"#,
            r#"<sheetData>{rows}</sheetData>{links}</worksheet>"#
        ),
        rows = rows,
        links = links,
    )
}

/// A row of text cells from column A on (an empty text leaves its cell out).
fn row(number: usize, cells: &[(&str, usize)]) -> String {
    let mut xml = format!(r#"<row r="{number}">"#);
    for (column, (text, style)) in cells.iter().enumerate() {
        if text.is_empty() {
            continue;
        }
        xml.push_str(&format!(
            r#"<c r="{}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
            cell_reference(number - 1, column),
            escaped(text)
        ));
    }
    xml.push_str("</row>");
    xml
}
