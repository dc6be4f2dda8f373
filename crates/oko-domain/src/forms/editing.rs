//! What the editor does to a sheet as a spreadsheet, as pure functions the SPA
//! calls and the tests check natively: blocks of cells copied out and pasted in as
//! Excel's and LibreOffice's clipboard text (tab-separated), clearing a range,
//! undo and redo, and the cells two writers both changed (a 409 overlap).

use std::collections::{BTreeSet, VecDeque};

use super::{CellError, Change, FormData, FormDefinition, SheetDef, value};

/// How many steps undo remembers (the issue asks for at least 100).
pub const UNDO_STEPS: usize = 200;

/// A rectangle of cells: 1-based rows and 0-based column positions, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CellRange {
    pub top: u32,
    pub bottom: u32,
    pub left: usize,
    pub right: usize,
}

impl CellRange {
    /// The rectangle spanned by two corners, in any order.
    pub fn spanning(a: (u32, usize), b: (u32, usize)) -> CellRange {
        CellRange {
            top: a.0.min(b.0),
            bottom: a.0.max(b.0),
            left: a.1.min(b.1),
            right: a.1.max(b.1),
        }
    }

    /// Where a paste into the range starts.
    pub fn top_left(&self) -> (u32, usize) {
        (self.top, self.left)
    }

    pub fn contains(&self, row: u32, column: usize) -> bool {
        (self.top..=self.bottom).contains(&row) && (self.left..=self.right).contains(&column)
    }
}

/// Where the keyboard is: the active cell and the other corner of the selected
/// range (the same cell when one cell is selected). Rows 1-based, columns 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Selection {
    pub active: (u32, usize),
    pub anchor: (u32, usize),
}

/// A move of the active cell, as the keys of a spreadsheet ask for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    Left,
    Right,
    /// Tab: right, then the first cell of the next row.
    Next,
    /// Shift+Tab: left, then the last cell of the row above.
    Previous,
    RowStart,
    RowEnd,
    /// Ctrl+Home.
    First,
    /// Ctrl+End.
    Last,
    /// PageUp / PageDown by this many rows.
    PageUp(u32),
    PageDown(u32),
}

impl Selection {
    /// One cell.
    pub fn at(row: u32, column: usize) -> Selection {
        Selection {
            active: (row, column),
            anchor: (row, column),
        }
    }

    /// The selected rectangle.
    pub fn range(&self) -> CellRange {
        CellRange::spanning(self.active, self.anchor)
    }

    /// After `step` on a sheet of `rows` × `columns`; `extend` (Shift) keeps the
    /// anchor so the range grows, otherwise one cell is selected.
    pub fn moved(self, step: Move, extend: bool, rows: u32, columns: usize) -> Selection {
        let (last_row, last_column) = (rows.max(1), columns.max(1) - 1);
        let (row, column) = self.active;
        let active = match step {
            Move::Up => (row.saturating_sub(1).max(1), column),
            Move::Down => ((row + 1).min(last_row), column),
            Move::Left => (row, column.saturating_sub(1)),
            Move::Right => (row, (column + 1).min(last_column)),
            Move::Next if column < last_column => (row, column + 1),
            Move::Next if row < last_row => (row + 1, 0),
            Move::Next => (row, column),
            Move::Previous if column > 0 => (row, column - 1),
            Move::Previous if row > 1 => (row - 1, last_column),
            Move::Previous => (row, column),
            Move::RowStart => (row, 0),
            Move::RowEnd => (row, last_column),
            Move::First => (1, 0),
            Move::Last => (last_row, last_column),
            Move::PageUp(n) => (row.saturating_sub(n).max(1), column),
            Move::PageDown(n) => ((row + n).min(last_row), column),
        };
        Selection {
            active,
            anchor: if extend { self.anchor } else { active },
        }
    }
}

/// Clipboard text as rows of cells. Spreadsheets quote a cell holding a tab, a
/// line break or a quote (`"a""b"`), end lines with `\r\n` or `\n`, and end the
/// block with one line break that is not a row.
pub fn parse_tsv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut at_cell_start = true;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if at_cell_start => {
                quoted = true;
                at_cell_start = false;
                continue;
            }
            '\t' => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => continue,
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            _ => {
                cell.push(c);
                at_cell_start = false;
                continue;
            }
        }
        at_cell_start = true;
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// Rows of cells as clipboard text spreadsheets read back.
pub fn to_tsv(rows: &[Vec<String>]) -> String {
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.contains(['\t', '\n', '\r', '"']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.clone()
                }
            })
            .collect();
        text.push_str(&cells.join("\t"));
        text.push_str("\r\n");
    }
    text
}

/// The cells of `range` as people see them (`1 234,5`, `15.09.2021`).
pub fn copy_block(sheet: &SheetDef, data: &FormData, range: CellRange) -> Vec<Vec<String>> {
    let rows = data.rows(&sheet.key);
    (range.top..=range.bottom)
        .map(|row| {
            let cells = rows.get(row as usize - 1);
            sheet.columns[range.left..=range.right.min(sheet.columns.len() - 1)]
                .iter()
                .map(|column| {
                    cells
                        .and_then(|r| r.get(&column.key))
                        .map(|text| value::display(column, text))
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

/// The changes that paste `block` with its top-left corner at (`row`, `column`).
/// Cells past the last column are dropped, as are rows past the end of a
/// fixed-row sheet or past a free sheet's row limit; locked cells keep their
/// preset. Values are read as typed (`1 234,5`, `15.09.2021`) when applied.
pub fn paste(
    sheet: &SheetDef,
    data: &FormData,
    row: u32,
    column: usize,
    block: &[Vec<String>],
) -> Vec<Change> {
    let last_row = if sheet.is_free() {
        sheet.row_limit()
    } else {
        data.rows(&sheet.key).len() as u32
    };
    let mut changes = Vec::new();
    for (r, cells) in block.iter().enumerate() {
        let target_row = row + r as u32;
        if target_row > last_row {
            break;
        }
        for (c, text) in cells.iter().enumerate() {
            let Some(def) = sheet.columns.get(column + c) else {
                break;
            };
            if sheet.is_locked(target_row as usize - 1, &def.key) {
                continue;
            }
            changes.push(Change::Set {
                sheet: sheet.key.clone(),
                row: target_row,
                column: def.key.clone(),
                value: text.clone(),
            });
        }
    }
    changes
}

/// The changes that empty every filled, unlocked cell of `range` («Delete»).
pub fn clear(sheet: &SheetDef, data: &FormData, range: CellRange) -> Vec<Change> {
    let rows = data.rows(&sheet.key);
    let mut changes = Vec::new();
    for row in range.top..=range.bottom.min(rows.len() as u32) {
        let cells = &rows[row as usize - 1];
        for def in sheet.columns.iter().take(range.right + 1).skip(range.left) {
            if cells.contains_key(&def.key) && !sheet.is_locked(row as usize - 1, &def.key) {
                changes.push(Change::Set {
                    sheet: sheet.key.clone(),
                    row,
                    column: def.key.clone(),
                    value: String::new(),
                });
            }
        }
    }
    changes
}

/// One undoable step: what it did and what takes it back.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub forward: Vec<Change>,
    pub backward: Vec<Change>,
}

/// Undo and redo (Ctrl+Z, Ctrl+Y): the last [`UNDO_STEPS`] steps.
#[derive(Clone, Debug, Default)]
pub struct UndoHistory {
    done: VecDeque<Step>,
    undone: Vec<Step>,
}

impl UndoHistory {
    /// A new step; whatever was undone can no longer be redone.
    pub fn record(&mut self, step: Step) {
        if step.forward.is_empty() {
            return;
        }
        self.undone.clear();
        self.done.push_back(step);
        if self.done.len() > UNDO_STEPS {
            self.done.pop_front();
        }
    }

    /// The changes that take the last step back.
    pub fn undo(&mut self) -> Option<Vec<Change>> {
        let step = self.done.pop_back()?;
        let changes = step.backward.clone();
        self.undone.push(step);
        Some(changes)
    }

    /// The changes that do the last undone step again.
    pub fn redo(&mut self) -> Option<Vec<Change>> {
        let step = self.undone.pop()?;
        let changes = step.forward.clone();
        self.done.push_back(step);
        Some(changes)
    }
}

impl FormData {
    /// Applies `changes` like [`FormData::apply`] and answers the changes that take
    /// them back, in the order to apply them.
    pub fn apply_undoable(
        &mut self,
        form: &FormDefinition,
        changes: &[Change],
    ) -> Result<Vec<Change>, CellError> {
        let mut groups = Vec::with_capacity(changes.len());
        for change in changes {
            let inverse = self.inverse_of(form, change);
            if let Err(error) = self.apply(form, std::slice::from_ref(change)) {
                // Exact inverses of what applied: they apply.
                let back: Vec<Change> = groups.into_iter().rev().flatten().collect();
                let _ = self.apply(form, &back);
                return Err(error);
            }
            groups.push(inverse);
        }
        Ok(groups.into_iter().rev().flatten().collect())
    }

    /// The changes that undo `change` applied to the data as it is now.
    fn inverse_of(&self, form: &FormDefinition, change: &Change) -> Vec<Change> {
        let key = change.sheet().to_owned();
        let rows = self.rows(&key);
        match change {
            Change::Set { row, column, .. } => {
                let index = *row as usize - 1;
                let grows = form.sheet(&key).is_some_and(SheetDef::is_free) && index >= rows.len();
                if grows {
                    // The set added rows up to it: take them away again.
                    let first_new = rows.len() as u32 + 1;
                    return (first_new..=*row)
                        .map(|_| Change::DeleteRow {
                            sheet: key.clone(),
                            row: first_new,
                        })
                        .collect();
                }
                let old = rows
                    .get(index)
                    .and_then(|r| r.get(column))
                    .unwrap_or_default()
                    .to_owned();
                vec![Change::Set {
                    sheet: key,
                    row: *row,
                    column: column.clone(),
                    value: old,
                }]
            }
            Change::InsertRow { row, .. } => vec![Change::DeleteRow {
                sheet: key,
                row: *row,
            }],
            Change::DeleteRow { row, .. } => {
                let mut back = vec![Change::InsertRow {
                    sheet: key.clone(),
                    row: *row,
                }];
                let sheet = form.sheet(&key);
                if let Some(cells) = rows.get(*row as usize - 1) {
                    // Calculated cells come back by themselves with the row's others.
                    let typed = |column: &str| {
                        sheet.is_none_or(|s| !s.is_locked(*row as usize - 1, column))
                    };
                    back.extend(
                        cells
                            .iter()
                            .filter(|(c, _)| typed(c))
                            .map(|(column, value)| Change::Set {
                                sheet: key.clone(),
                                row: *row,
                                column: column.to_owned(),
                                value: value.to_owned(),
                            }),
                    );
                }
                back
            }
        }
    }
}

/// A cell both this tab and someone else changed to different values.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlap {
    pub sheet: String,
    pub row: u32,
    pub column: String,
    /// What the other writer saved.
    pub theirs: String,
    /// What this tab typed (and shows now).
    pub mine: String,
}

impl Overlap {
    /// Where the cell is, as people read it.
    pub fn place(&self, form: &FormDefinition) -> String {
        CellError {
            sheet: self.sheet.clone(),
            row: self.row,
            column: Some(self.column.clone()),
            code: super::CellCode::Unknown,
            message: String::new(),
        }
        .place(form, 0)
    }
}

/// The cells `pending` sets that the other writer changed too, to another value:
/// `base` is the draft both started from, `theirs` what the server holds now and
/// `mine` the rebased data this tab shows. Cells only one side touched merge
/// without asking.
pub fn overlaps<'a>(
    base: &FormData,
    theirs: &FormData,
    mine: &FormData,
    pending: impl IntoIterator<Item = &'a Change>,
) -> Vec<Overlap> {
    let cell = |data: &FormData, sheet: &str, row: u32, column: &str| {
        data.rows(sheet)
            .get(row as usize - 1)
            .and_then(|r| r.get(column))
            .unwrap_or_default()
            .to_owned()
    };
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for change in pending {
        let Change::Set {
            sheet, row, column, ..
        } = change
        else {
            continue;
        };
        if !seen.insert((sheet, *row, column)) {
            continue;
        }
        let (was, their, my) = (
            cell(base, sheet, *row, column),
            cell(theirs, sheet, *row, column),
            cell(mine, sheet, *row, column),
        );
        if their != was && their != my {
            found.push(Overlap {
                sheet: sheet.clone(),
                row: *row,
                column: column.clone(),
                theirs: their,
                mine: my,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::demo;

    #[test]
    fn the_active_cell_moves_like_a_spreadsheets_and_shift_grows_the_range() {
        let start = Selection::at(2, 1);
        assert_eq!(start.moved(Move::Up, false, 10, 4).active, (1, 1));
        assert_eq!(
            Selection::at(1, 0).moved(Move::Up, false, 10, 4).active,
            (1, 0)
        );
        assert_eq!(
            start.moved(Move::Right, false, 10, 2).active,
            (2, 1),
            "stops at the last column"
        );
        assert_eq!(
            Selection::at(2, 3).moved(Move::Next, false, 10, 4).active,
            (3, 0)
        );
        assert_eq!(
            Selection::at(3, 0)
                .moved(Move::Previous, false, 10, 4)
                .active,
            (2, 3)
        );
        assert_eq!(
            start.moved(Move::PageDown(20), false, 10, 4).active,
            (10, 1)
        );
        assert_eq!(start.moved(Move::Last, false, 10, 4).active, (10, 3));
        assert_eq!(start.moved(Move::RowStart, false, 10, 4).active, (2, 0));
        let grown = start
            .moved(Move::Down, true, 10, 4)
            .moved(Move::Right, true, 10, 4);
        assert_eq!(
            grown.range(),
            CellRange {
                top: 2,
                bottom: 3,
                left: 1,
                right: 2
            }
        );
        assert!(grown.range().contains(3, 1));
        assert_eq!(
            grown.moved(Move::Left, false, 10, 4).range(),
            CellRange::spanning((3, 1), (3, 1))
        );
    }

    #[test]
    fn clipboard_text_from_excel_reads_as_rows_and_back() {
        let text = "1\t2,5\r\n\"a\tb\"\t\"say \"\"hi\"\"\"\r\n\t15.09.2021\r\n";
        let rows = parse_tsv(text);
        assert_eq!(
            rows,
            vec![
                vec!["1".to_owned(), "2,5".into()],
                vec!["a\tb".into(), "say \"hi\"".into()],
                vec!["".into(), "15.09.2021".into()],
            ]
        );
        assert_eq!(to_tsv(&rows), text);
        assert_eq!(parse_tsv("one"), vec![vec!["one".to_owned()]]);
        assert_eq!(
            parse_tsv("\"two\nlines\"\n"),
            vec![vec!["two\nlines".to_owned()]]
        );
        assert!(parse_tsv("").is_empty());
    }

    #[test]
    fn a_pasted_block_reads_russian_numbers_and_dates_and_grows_a_free_sheet() {
        let form = demo::schedule();
        let sheet = &form.sheets[0];
        let mut data = FormData::blank(&form);
        let at = sheet.columns.iter().position(|c| c.key == "date1").unwrap();
        let block = parse_tsv("15.09.2021\t1 234\n16.09.2021\t12\n");
        let changes = paste(sheet, &data, 2, at, &block);
        data.apply(&form, &changes).unwrap();
        let rows = data.rows(&sheet.key);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1]["date1"], "2021-09-15");
        assert_eq!(rows[1][&sheet.columns[at + 1].key], "1234");
        assert_eq!(rows[2]["date1"], "2021-09-16");
        // Copying gives back what people see.
        let range = CellRange::spanning((3, at + 1), (2, at));
        assert_eq!(
            to_tsv(&copy_block(sheet, &data, range)),
            "15.09.2021\t1234\r\n16.09.2021\t12\r\n"
        );
    }

    #[test]
    fn paste_stops_at_the_last_column_and_keeps_a_fixed_sheets_presets() {
        let form = demo::schedule();
        let fixed = form.sheet(demo::schedule_fixed_sheet_key()).unwrap();
        let data = FormData::blank(&form);
        let rows = data.rows(&fixed.key).len() as u32;
        let block = vec![vec!["x".to_owned(); fixed.columns.len() + 3]; rows as usize + 5];
        let changes = paste(fixed, &data, 1, 0, &block);
        assert!(!changes.is_empty());
        for change in &changes {
            let Change::Set { row, column, .. } = change else {
                panic!("only sets")
            };
            assert!(*row <= rows, "no row past the fixed ones");
            assert!(!fixed.is_locked(*row as usize - 1, column), "presets stay");
        }
        let mut filled = data.clone();
        filled.apply(&form, &changes).unwrap();
    }

    #[test]
    fn clearing_a_range_empties_filled_cells_only() {
        let form = demo::schedule();
        let sheet = &form.sheets[0];
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[
                Change::set(&sheet.key, 1, &sheet.columns[0].key, "Математика"),
                Change::set(&sheet.key, 2, &sheet.columns[1].key, "15.09.2021"),
            ],
        )
        .unwrap();
        let changes = clear(sheet, &data, CellRange::spanning((1, 0), (9, 5)));
        assert_eq!(changes.len(), 2);
        data.apply(&form, &changes).unwrap();
        assert!(data.rows(&sheet.key).iter().all(|r| r.is_empty()));
    }

    #[test]
    fn every_step_undoes_and_redoes_back_to_the_same_data() {
        let form = demo::college();
        let free = form.sheets.iter().find(|s| s.is_free()).unwrap();
        let (key, code, name) = (&free.key, &free.columns[0].key, &free.columns[1].key);
        let mut data = FormData::blank(&form);
        let mut history = UndoHistory::default();
        let mut states = vec![data.clone()];
        let steps = [
            vec![Change::set(key, 3, code, "38.02.01")],
            vec![
                Change::set(key, 1, name, "Экономика"),
                Change::set(key, 3, code, "38.02.02"),
            ],
            vec![Change::InsertRow {
                sheet: key.clone(),
                row: 1,
            }],
            vec![Change::DeleteRow {
                sheet: key.clone(),
                row: 4,
            }],
        ];
        for forward in steps {
            let backward = data.apply_undoable(&form, &forward).unwrap();
            history.record(Step { forward, backward });
            states.push(data.clone());
        }
        for expected in states.iter().rev().skip(1) {
            let back = history.undo().unwrap();
            data.apply(&form, &back).unwrap();
            assert_eq!(&data, expected);
        }
        assert!(history.undo().is_none());
        for expected in states.iter().skip(1) {
            let again = history.redo().unwrap();
            data.apply(&form, &again).unwrap();
            assert_eq!(&data, expected);
        }
    }

    #[test]
    fn a_refused_undoable_batch_changes_nothing() {
        let form = demo::schedule();
        let key = form.sheets[0].key.clone();
        let mut data = FormData::blank(&form);
        data.apply(&form, &[Change::set(&key, 1, "participants1", "5")])
            .unwrap();
        let before = data.clone();
        let refused = data.apply_undoable(
            &form,
            &[
                Change::set(&key, 1, "participants1", "6"),
                Change::set(&key, 4, "rooms1", "2"),
                Change::set(&key, 1, "nope", "1"),
            ],
        );
        assert!(refused.is_err());
        assert_eq!(data, before);
    }

    #[test]
    fn undo_keeps_the_last_steps_only_and_a_new_step_ends_redo() {
        let form = demo::schedule();
        let sheet = &form.sheets[0];
        let mut data = FormData::blank(&form);
        let mut history = UndoHistory::default();
        for n in 0..UNDO_STEPS + 20 {
            let forward = vec![Change::set(&sheet.key, 1, "participants1", &n.to_string())];
            let backward = data.apply_undoable(&form, &forward).unwrap();
            history.record(Step { forward, backward });
        }
        let mut undone = 0;
        while let Some(back) = history.undo() {
            data.apply(&form, &back).unwrap();
            undone += 1;
        }
        assert_eq!(undone, UNDO_STEPS);
        assert_eq!(data.rows(&sheet.key)[0]["participants1"], "19");
        history.redo().unwrap();
        history.record(Step {
            forward: vec![Change::set(&sheet.key, 1, "participants1", "1")],
            backward: vec![],
        });
        assert!(history.redo().is_none());
    }

    #[test]
    fn only_cells_both_sides_changed_differently_overlap() {
        let form = demo::schedule();
        let key = form.sheets[0].key.clone();
        let mut base = FormData::blank(&form);
        base.apply(&form, &[Change::set(&key, 1, "participants1", "5")])
            .unwrap();
        let mut theirs = base.clone();
        theirs
            .apply(
                &form,
                &[
                    Change::set(&key, 1, "participants1", "7"),
                    Change::set(&key, 2, "participants1", "8"),
                    Change::set(&key, 3, "participants1", "9"),
                ],
            )
            .unwrap();
        let pending = vec![
            Change::set(&key, 1, "participants1", "6"),
            Change::set(&key, 3, "participants1", "9"),
            Change::set(&key, 4, "participants1", "1"),
        ];
        let mut mine = theirs.clone();
        mine.apply(&form, &pending).unwrap();
        let found = overlaps(&base, &theirs, &mine, &pending);
        assert_eq!(
            found,
            vec![Overlap {
                sheet: key,
                row: 1,
                column: "participants1".into(),
                theirs: "7".into(),
                mine: "6".into(),
            }]
        );
    }
}
