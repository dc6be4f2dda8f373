//! A form's data (sheet key → rows → column key → canonical text) and the
//! cell-level changes autosave sends.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use smol_str::SmolStr;

use super::{CellCode, CellError, FormDefinition, MAX_CELL_CHARS, Row, soft, value::normalize};

/// Every sheet's rows, in order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
/// In the OpenAPI document it is an object (see [`Draft`](crate::collections::Draft)).
#[serde(transparent)]
pub struct FormData {
    pub sheets: BTreeMap<String, Vec<Row>>,
}

/// One change to a draft, as autosave batches them. Rows are 1-based.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Change {
    /// Sets a cell (an empty `value` clears it). Setting a cell below the last row
    /// of a free-row sheet adds the rows up to it.
    Set {
        sheet: String,
        row: u32,
        column: String,
        value: String,
    },
    /// Inserts an empty row before `row` (`row` = rows + 1 appends).
    InsertRow { sheet: String, row: u32 },
    /// Deletes `row`.
    DeleteRow { sheet: String, row: u32 },
}

impl Change {
    /// Sets cell (`row`, 1-based; `column`) of `sheet` to `value`.
    pub fn set(sheet: &str, row: u32, column: &str, value: &str) -> Change {
        Change::Set {
            sheet: sheet.to_owned(),
            row,
            column: column.to_owned(),
            value: value.to_owned(),
        }
    }

    /// The sheet the change is on.
    pub fn sheet(&self) -> &str {
        match self {
            Change::Set { sheet, .. }
            | Change::InsertRow { sheet, .. }
            | Change::DeleteRow { sheet, .. } => sheet,
        }
    }
}

impl FormData {
    /// A form with nothing typed yet: fixed-row sheets hold their preset cells.
    pub fn blank(form: &FormDefinition) -> FormData {
        let mut data = FormData::default();
        for sheet in &form.sheets {
            data.sheets
                .insert(sheet.key.clone(), sheet.fixed_rows.clone());
        }
        data
    }

    /// The rows of `sheet` (none if absent).
    pub fn rows(&self, sheet: &str) -> &[Row] {
        self.sheets.get(sheet).map_or(&[], Vec::as_slice)
    }

    /// Whether no cell besides the definition's presets holds a value.
    pub fn is_blank(&self, form: &FormDefinition) -> bool {
        *self == FormData::blank(form)
    }

    /// Applies `changes` in order, normalising each value for its column. Refuses
    /// the whole batch (and changes nothing) at the first change the form does not
    /// allow: an unknown sheet or column, a locked cell, a row out of bounds.
    ///
    /// Works in place and takes back what a refused batch had done already: a
    /// draft of 100,000 cells is not copied for every keystroke.
    pub fn apply(&mut self, form: &FormDefinition, changes: &[Change]) -> Result<(), CellError> {
        let mut done = Vec::new();
        for change in changes {
            match self.apply_one(form, change) {
                Ok(undo) => done.push(undo),
                Err(error) => {
                    for undo in done.into_iter().rev() {
                        self.revert(undo);
                    }
                    return Err(error);
                }
            }
        }
        self.calculate_changed(form, changes);
        Ok(())
    }

    /// Computes again the calculated cells of every row a batch set a cell in.
    fn calculate_changed(&mut self, form: &FormDefinition, changes: &[Change]) {
        for sheet in form.sheets.iter().filter(|s| s.derives_cells()) {
            let mut rows: Vec<usize> = changes
                .iter()
                .filter_map(|change| match change {
                    Change::Set {
                        sheet: key, row, ..
                    } if *key == sheet.key => Some(*row as usize - 1),
                    _ => None,
                })
                .collect();
            self.calculate_rows(sheet, &mut rows);
        }
    }

    /// Takes one applied change back exactly.
    fn revert(&mut self, undo: Revert) {
        match undo {
            Revert::Set {
                sheet,
                index,
                column,
                old,
                rows_before,
            } => {
                let rows = self.sheets.entry(sheet).or_default();
                if let Some(row) = rows.get_mut(index) {
                    match old {
                        Some(text) => row.insert(&column, text),
                        None => row.remove(&column),
                    };
                }
                rows.truncate(rows_before);
            }
            Revert::Insert { sheet, index } => {
                self.sheets.entry(sheet).or_default().remove(index);
            }
            Revert::Delete { sheet, index, row } => {
                self.sheets.entry(sheet).or_default().insert(index, row);
            }
        }
    }

    fn apply_one(&mut self, form: &FormDefinition, change: &Change) -> Result<Revert, CellError> {
        let sheet_key = change.sheet();
        let sheet = form.sheet(sheet_key).ok_or_else(|| CellError {
            sheet: sheet_key.to_owned(),
            row: 0,
            column: None,
            code: CellCode::Unknown,
            message: format!("В форме нет листа «{sheet_key}»"),
        })?;
        let rows = self.sheets.entry(sheet.key.clone()).or_default();
        let limit = sheet.row_limit() as usize;
        let row_error = |row: u32, message: String| CellError {
            sheet: sheet.key.clone(),
            row,
            column: None,
            code: CellCode::RowCount,
            message,
        };
        let fixed = || row_error(0, "На этом листе нельзя добавлять и удалять строки".into());
        match change {
            Change::Set {
                row, column, value, ..
            } => {
                let index = (*row as usize)
                    .checked_sub(1)
                    .ok_or_else(|| row_error(0, "Номер строки начинается с 1".into()))?;
                // An unusual value's explanation is any text, even beside a
                // locked cell (`soft`).
                let explanation = soft::is_explanation(sheet, column);
                let def = sheet.column(column).filter(|_| !explanation);
                if def.is_none() && !explanation {
                    return Err(CellError {
                        sheet: sheet.key.clone(),
                        row: *row,
                        column: Some(column.clone()),
                        code: CellCode::Unknown,
                        message: format!("На листе «{}» нет столбца «{column}»", sheet.title),
                    });
                }
                if index >= limit {
                    return Err(row_error(
                        *row,
                        format!("На листе «{}» не более {limit} строк", sheet.title),
                    ));
                }
                if let Some(reason) = sheet.lock_reason(index, column) {
                    return Err(CellError::at(
                        &sheet.key,
                        index,
                        column,
                        CellCode::LockedCell,
                        reason.into(),
                    ));
                }
                let most = if explanation {
                    soft::MAX_EXPLANATION_CHARS
                } else {
                    MAX_CELL_CHARS
                };
                if value.chars().count() > most {
                    let what = if explanation {
                        "В пояснении"
                    } else {
                        "В ячейке"
                    };
                    return Err(CellError::at(
                        &sheet.key,
                        index,
                        column,
                        CellCode::WrongLength,
                        format!("{what} не более {most} символов"),
                    ));
                }
                let rows_before = rows.len();
                if rows.len() <= index {
                    rows.resize(index + 1, Row::new());
                }
                let text = match def {
                    Some(def) => normalize(def, value),
                    None => value.trim().to_owned(),
                };
                let old = if text.is_empty() {
                    rows[index].remove(column)
                } else {
                    rows[index].insert(column.clone(), text)
                };
                Ok(Revert::Set {
                    sheet: sheet.key.clone(),
                    index,
                    column: column.clone(),
                    old,
                    rows_before,
                })
            }
            Change::InsertRow { row, .. } => {
                if !sheet.is_free() {
                    return Err(fixed());
                }
                let index = (*row as usize).saturating_sub(1);
                if index > rows.len() {
                    return Err(row_error(*row, format!("На листе {} строк", rows.len())));
                }
                if rows.len() >= limit {
                    return Err(row_error(
                        *row,
                        format!("На листе «{}» не более {limit} строк", sheet.title),
                    ));
                }
                rows.insert(index, Row::new());
                Ok(Revert::Insert {
                    sheet: sheet.key.clone(),
                    index,
                })
            }
            Change::DeleteRow { row, .. } => {
                if !sheet.is_free() {
                    return Err(fixed());
                }
                let index = (*row as usize).wrapping_sub(1);
                if index >= rows.len() {
                    return Err(row_error(*row, format!("На листе нет строки {row}")));
                }
                let row = rows.remove(index);
                Ok(Revert::Delete {
                    sheet: sheet.key.clone(),
                    index,
                    row,
                })
            }
        }
    }
}

/// What takes one applied change back, for a batch refused halfway.
enum Revert {
    Set {
        sheet: String,
        index: usize,
        column: String,
        old: Option<SmolStr>,
        rows_before: usize,
    },
    Insert {
        sheet: String,
        index: usize,
    },
    Delete {
        sheet: String,
        index: usize,
        row: Row,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::demo;

    #[test]
    fn set_normalises_extends_and_clears() {
        let form = demo::schedule();
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[
                Change::set("paper", 3, "date1", "15.09.2021"),
                Change::set("paper", 3, "participants1", "1 234"),
            ],
        )
        .unwrap();
        let rows = data.rows("paper");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[2]["date1"], "2021-09-15");
        assert_eq!(rows[2]["participants1"], "1234");
        data.apply(&form, &[Change::set("paper", 3, "date1", " ")])
            .unwrap();
        assert!(!data.rows("paper")[2].contains_key("date1"));
    }

    #[test]
    fn a_refused_change_leaves_the_whole_batch_out() {
        let form = demo::schedule();
        let mut data = FormData::blank(&form);
        let before = data.clone();
        let err = data
            .apply(
                &form,
                &[
                    Change::set("paper", 1, "date1", "15.09.2021"),
                    Change::set("paper", 1, "nope", "1"),
                ],
            )
            .unwrap_err();
        assert_eq!(err.code, CellCode::Unknown);
        assert_eq!(data, before);
    }

    #[test]
    fn rows_insert_and_delete_on_free_sheets_only() {
        let form = demo::college();
        let mut data = FormData::blank(&form);
        let free = &form.sheets[0].key;
        data.apply(
            &form,
            &[
                Change::set(free, 1, "code", "38.02.01"),
                Change::InsertRow {
                    sheet: free.clone(),
                    row: 1,
                },
            ],
        )
        .unwrap();
        assert_eq!(data.rows(free).len(), 2);
        assert!(data.rows(free)[0].is_empty());
        data.apply(
            &form,
            &[Change::DeleteRow {
                sheet: free.clone(),
                row: 1,
            }],
        )
        .unwrap();
        assert_eq!(data.rows(free)[0]["code"], "38.02.01");
        let fixed = demo::schedule_fixed_sheet_key();
        let err = data
            .apply(
                &form,
                &[Change::InsertRow {
                    sheet: fixed.into(),
                    row: 1,
                }],
            )
            .unwrap_err();
        assert_eq!(
            err.code,
            CellCode::Unknown,
            "the college form has no such sheet"
        );
        let schedule = demo::schedule();
        let mut data = FormData::blank(&schedule);
        let err = data
            .apply(
                &schedule,
                &[Change::InsertRow {
                    sheet: fixed.into(),
                    row: 1,
                }],
            )
            .unwrap_err();
        assert_eq!(err.code, CellCode::RowCount);
        let err = data
            .apply(&schedule, &[Change::set(fixed, 1, "subject", "Физика")])
            .unwrap_err();
        assert_eq!(err.code, CellCode::LockedCell);
    }
}
