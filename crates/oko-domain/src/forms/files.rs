//! File cells: a column of type «файл» holds an attachment (a scan of a signed
//! protocol), one per row, or per form on a one-row sheet.
//!
//! The file itself is uploaded on its own (`POST …/attachments`) and kept like
//! a storage file; the cell holds a reference to it, `<id>:<name>`. The name
//! travels with the id so that every place that shows a cell (the editor, the
//! template, the exports) shows the file's name without asking for it; the
//! server checks on every write that the id is one of the organisation's own
//! attachments of the collection and puts the name it stored, so a reference
//! cannot be forged or renamed by hand.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{CellCode, CellError, ColumnType, FormData, FormDefinition};

/// The length of a hyphenated UUID, the reference's first part.
const ID_LEN: usize = 36;

/// A file cell's reference, read from its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileRef<'a> {
    pub id: Uuid,
    pub name: &'a str,
}

impl<'a> FileRef<'a> {
    /// The reference `text` holds: `<id>:<name>` with a non-empty name.
    pub fn parse(text: &'a str) -> Option<FileRef<'a>> {
        let id = text.get(..ID_LEN)?;
        let name = text.get(ID_LEN..)?.strip_prefix(':')?;
        if name.trim().is_empty() {
            return None;
        }
        Some(FileRef {
            id: Uuid::parse_str(id).ok()?,
            name,
        })
    }

    /// The cell text of a stored file.
    pub fn text(id: Uuid, name: &str) -> String {
        format!("{}:{name}", id.hyphenated())
    }
}

/// What a file cell shows people: the file's name (the text itself when it is
/// not a reference, e.g. a name typed into the template).
pub fn shown(text: &str) -> &str {
    FileRef::parse(text).map_or(text, |file| file.name)
}

/// A file attached to an organisation's draft, as the upload answers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "6f1c9a52-3d0e-4c1b-9a57-2f4e8b1d7c30", "name": "Протокол.pdf", "size": 183204,
    "content_type": "application/pdf",
    "value": "6f1c9a52-3d0e-4c1b-9a57-2f4e8b1d7c30:Протокол.pdf"
})))]
pub struct Attachment {
    pub id: Uuid,
    /// The name it was uploaded with (no path).
    pub name: String,
    pub size: u64,
    /// Sniffed from the bytes, never the client's claim.
    pub content_type: String,
    /// What to put in the file cell (`PATCH …/draft`) to attach it.
    pub value: String,
}

/// Where a file cell is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileCell<'a> {
    pub sheet: &'a str,
    /// 1-based data row.
    pub row: u32,
    pub column: &'a str,
    pub file: FileRef<'a>,
}

impl FormDefinition {
    /// Whether any column holds files (most forms do not: nothing is looked for).
    pub fn has_file_columns(&self) -> bool {
        self.sheets
            .iter()
            .any(|s| s.columns.iter().any(|c| c.kind == ColumnType::File))
    }
}

/// Every file `data` refers to, in sheet and row order.
pub fn file_cells<'a>(form: &'a FormDefinition, data: &'a FormData) -> Vec<FileCell<'a>> {
    let mut found = Vec::new();
    for sheet in form.sheets.iter() {
        let columns: Vec<&str> = sheet
            .columns
            .iter()
            .filter(|c| c.kind == ColumnType::File)
            .map(|c| c.key.as_str())
            .collect();
        if columns.is_empty() {
            continue;
        }
        for (at, row) in data.rows(&sheet.key).iter().enumerate() {
            for column in &columns {
                if let Some(file) = row.get(column).and_then(FileRef::parse) {
                    found.push(FileCell {
                        sheet: &sheet.key,
                        row: at as u32 + 1,
                        column,
                        file,
                    });
                }
            }
        }
    }
    found
}

/// Puts back the references of the files `before` held where an uploaded
/// spreadsheet shows only their names: a file cannot travel in a cell, so the
/// template shows the name and the school's file returns it. A name is looked
/// for in the same row first, then anywhere in its column (rows may have been
/// sorted); a name attached nowhere stays as typed, and validation says to
/// attach it.
pub fn restore_references(form: &FormDefinition, data: &mut FormData, before: &FormData) {
    for sheet in form.sheets.iter() {
        let Some(rows) = data.sheets.get_mut(&sheet.key) else {
            continue;
        };
        let old = before.rows(&sheet.key);
        for column in sheet.columns.iter().filter(|c| c.kind == ColumnType::File) {
            let key = column.key.as_str();
            // Each name's first reference in the column, read once (a sorted
            // 5,000-row file would otherwise search the column per row).
            let mut by_name = std::collections::HashMap::new();
            for text in old.iter().filter_map(|r| r.get(key)) {
                if let Some(file) = FileRef::parse(text) {
                    by_name.entry(file.name).or_insert(text);
                }
            }
            let reference_named = |name: &str, at: usize| {
                let same_row = old
                    .get(at)
                    .and_then(|r| r.get(key))
                    .filter(|text| FileRef::parse(text).is_some_and(|f| f.name == name));
                same_row
                    .or_else(|| by_name.get(name).copied())
                    .map(str::to_owned)
            };
            for (at, row) in rows.iter_mut().enumerate() {
                let Some(text) = row.get(key) else { continue };
                if text.is_empty() || FileRef::parse(text).is_some() {
                    continue;
                }
                if let Some(reference) = reference_named(text, at) {
                    row.insert(key, reference);
                }
            }
        }
    }
}

/// Checks every file `data` refers to against `stored` (the organisation's
/// attachments to the collection, by id, with their names) and writes each
/// reference with its stored name: a reference to a file that is not the
/// organisation's own is an error (the save is refused), a name edited by hand
/// is put back.
pub fn settle_references(
    form: &FormDefinition,
    data: &mut FormData,
    stored: &std::collections::HashMap<Uuid, String>,
) -> Vec<CellError> {
    let mut errors = Vec::new();
    for sheet in form.sheets.iter() {
        let Some(rows) = data.sheets.get_mut(&sheet.key) else {
            continue;
        };
        for column in sheet.columns.iter().filter(|c| c.kind == ColumnType::File) {
            for (at, row) in rows.iter_mut().enumerate() {
                let Some(file) = row.get(&column.key).and_then(FileRef::parse) else {
                    continue;
                };
                match stored.get(&file.id) {
                    Some(name) if name == file.name => {}
                    Some(name) => {
                        let text = FileRef::text(file.id, name);
                        row.insert(&column.key, text);
                    }
                    None => errors.push(CellError::at(
                        &sheet.key,
                        at,
                        &column.key,
                        CellCode::FileNotAttached,
                        format!(
                            "Файл «{}» не найден среди прикрепленных к этой форме: прикрепите его заново",
                            file.name
                        ),
                    )),
                }
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{Change, validate};

    fn protocols() -> FormDefinition {
        serde_json::from_value(serde_json::json!({
            "title": "Протоколы",
            "sheets": [{"key": "rooms", "title": "Аудитории", "columns": [
                {"key": "room", "title": "Аудитория", "type": "text"},
                {"key": "scan", "title": "Скан протокола", "type": "file", "required": true}
            ]}]
        }))
        .unwrap()
    }

    const ID: &str = "6f1c9a52-3d0e-4c1b-9a57-2f4e8b1d7c30";

    #[test]
    fn a_reference_is_an_id_and_a_name() {
        let text = format!("{ID}:Протокол: аудитория 5.pdf");
        let file = FileRef::parse(&text).unwrap();
        assert_eq!(file.id.to_string(), ID);
        assert_eq!(file.name, "Протокол: аудитория 5.pdf");
        assert_eq!(FileRef::text(file.id, file.name), text);
        assert_eq!(shown(&text), "Протокол: аудитория 5.pdf");
        for wrong in [
            "Протокол.pdf",
            &format!("{ID}:"),
            &format!("{ID}Протокол"),
            "",
        ] {
            assert_eq!(FileRef::parse(wrong), None, "{wrong}");
        }
        assert_eq!(shown("Протокол.pdf"), "Протокол.pdf");
    }

    #[test]
    fn a_name_without_an_attached_file_is_an_error_that_says_to_attach_it() {
        let form = protocols();
        let mut data = FormData::blank(&form);
        let attached = format!("{ID}:Протокол.pdf");
        data.apply(
            &form,
            &[
                Change::set("rooms", 1, "room", "5"),
                Change::set("rooms", 1, "scan", &attached),
                Change::set("rooms", 2, "room", "6"),
                Change::set("rooms", 2, "scan", "Протокол 6.pdf"),
                Change::set("rooms", 3, "room", "7"),
            ],
        )
        .unwrap();
        let errors = validate(&form, &data);
        let codes: Vec<(u32, &str)> = errors.iter().map(|e| (e.row, e.code.as_str())).collect();
        assert_eq!(
            codes,
            [(2, "file_not_attached"), (3, "required")],
            "{errors:?}"
        );
        assert!(
            errors[0].message.contains("прикрепите его в форме"),
            "{}",
            errors[0].message
        );
        let cells = file_cells(&form, &data);
        assert_eq!(cells.len(), 1);
        assert_eq!((cells[0].row, cells[0].column), (1, "scan"));
    }

    #[test]
    fn an_uploaded_name_gets_its_reference_back_even_in_another_row() {
        let form = protocols();
        let mut before = FormData::blank(&form);
        let (first, second) = (
            format!("{ID}:Протокол 5.pdf"),
            format!("{}:Протокол 6.pdf", uuid::Uuid::nil()),
        );
        before
            .apply(
                &form,
                &[
                    Change::set("rooms", 1, "scan", &first),
                    Change::set("rooms", 2, "scan", &second),
                ],
            )
            .unwrap();
        let mut uploaded = FormData::blank(&form);
        uploaded
            .apply(
                &form,
                &[
                    // Sorted the other way in Excel, and a name typed by hand.
                    Change::set("rooms", 1, "scan", "Протокол 6.pdf"),
                    Change::set("rooms", 2, "scan", "Протокол 5.pdf"),
                    Change::set("rooms", 3, "scan", "Протокол 7.pdf"),
                ],
            )
            .unwrap();
        restore_references(&form, &mut uploaded, &before);
        let cells: Vec<Option<&str>> = uploaded
            .rows("rooms")
            .iter()
            .map(|r| r.get("scan"))
            .collect();
        assert_eq!(
            cells,
            [
                Some(second.as_str()),
                Some(first.as_str()),
                Some("Протокол 7.pdf")
            ]
        );
    }

    #[test]
    fn only_the_organisations_own_files_are_referred_to_under_their_stored_names() {
        let form = protocols();
        let mut data = FormData::blank(&form);
        let other = uuid::Uuid::from_u128(7);
        data.apply(
            &form,
            &[
                Change::set("rooms", 1, "scan", &format!("{ID}:переименован.pdf")),
                Change::set("rooms", 2, "scan", &format!("{other}:чужой.pdf")),
            ],
        )
        .unwrap();
        let stored = [(
            uuid::Uuid::parse_str(ID).unwrap(),
            "Протокол.pdf".to_owned(),
        )]
        .into();
        let errors = settle_references(&form, &mut data, &stored);
        assert_eq!(
            data.rows("rooms")[0].get("scan"),
            Some(format!("{ID}:Протокол.pdf").as_str())
        );
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(
            (errors[0].row, errors[0].code),
            (2, CellCode::FileNotAttached)
        );
        assert!(
            errors[0].message.contains("«чужой.pdf» не найден"),
            "{}",
            errors[0].message
        );
    }
}
