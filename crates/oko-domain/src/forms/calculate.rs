//! Filling a sheet's calculated cells from its formulas ([`super::formula`]).
//! Every write of a draft goes through here (autosave's changes, an uploaded
//! file), on the server and in the SPA alike, so a calculated cell always holds
//! what its formula gives for the row as it is, whatever a file claimed.

use smol_str::SmolStr;

use super::{
    ColumnDef, ColumnType, FormData, FormDefinition, Prefill, Row, SheetDef,
    formula::{self, Expr},
    value,
};

/// A sheet's derived cells: its formulas, parsed once, in the order they can
/// be computed (a formula reading another calculated column comes after it),
/// and the columns whose hidden cells are cleared.
pub struct Calculation<'a> {
    sheet: &'a SheetDef,
    formulas: Vec<(&'a ColumnDef, Expr)>,
    cleared_when_hidden: Vec<&'a ColumnDef>,
}

impl<'a> Calculation<'a> {
    /// The sheet's formulas (one that does not parse is left out:
    /// `check_definition` refuses such a form before it is saved).
    pub fn of(sheet: &'a SheetDef) -> Calculation<'a> {
        let mut pending: Vec<(&ColumnDef, Expr)> = sheet
            .columns
            .iter()
            .filter_map(|c| Some((c, formula::parse(c.formula.as_deref()?).ok()?)))
            .collect();
        let mut formulas = Vec::with_capacity(pending.len());
        while !pending.is_empty() {
            let ready = pending.iter().position(|(_, expr)| {
                expr.columns()
                    .iter()
                    .all(|key| !pending.iter().any(|(c, _)| c.key == *key))
            });
            // A cycle (refused by check_definition) is computed in column order.
            formulas.push(pending.remove(ready.unwrap_or(0)));
        }
        let cleared_when_hidden = sheet
            .columns
            .iter()
            .filter(|c| c.shown_if.is_some() && !c.keep_hidden)
            .collect();
        Calculation {
            sheet,
            formulas,
            cleared_when_hidden,
        }
    }

    /// Whether the sheet derives anything.
    pub fn is_empty(&self) -> bool {
        self.formulas.is_empty() && self.cleared_when_hidden.is_empty()
    }

    /// Computes the row's calculated cells again and clears its hidden cells
    /// (those not kept). A condition may read a calculated column and a
    /// formula a conditional one: the formulas run again after a clearing.
    pub fn fill(&self, row: &mut Row) {
        self.compute(row);
        let mut cleared = false;
        for column in &self.cleared_when_hidden {
            if row.contains_key(&column.key) && !column.is_shown(self.sheet, row) {
                row.remove(&column.key);
                cleared = true;
            }
        }
        if cleared {
            self.compute(row);
        }
    }

    fn compute(&self, row: &mut Row) {
        for (column, expr) in &self.formulas {
            let result = {
                let read: &Row = row;
                let number = |key: &str| {
                    let def = self.sheet.column(key)?;
                    value::parse(def, read.get(key)?).ok()?.as_number()
                };
                let filled = |key: &str| read.contains_key(key);
                expr.evaluate(&number, &filled)
            };
            match result {
                Some(n) => {
                    row.insert(&column.key, result_text(column, n));
                }
                None => {
                    row.remove(&column.key);
                }
            }
        }
    }
}

/// A computed number as its column holds it: whole in an «целое» column,
/// rounded to the column's decimals in a «число» one.
pub(crate) fn result_text(column: &ColumnDef, n: f64) -> SmolStr {
    match (column.kind, column.decimals) {
        (ColumnType::Integer, _) => value::integer_text(n.round() as i64),
        (_, Some(places)) => {
            let scale = 10f64.powi(i32::from(places));
            value::format_decimal((n * scale).round() / scale).into()
        }
        _ => value::format_decimal(n).into(),
    }
}

/// Where a draft's prefilled values come from: the organisation's passport,
/// roster place and earlier submission, read by the server for one
/// organisation.
pub trait PrefillFacts {
    /// The value of a passport or roster source.
    fn fact(&self, source: Prefill) -> String;
    /// The organisation's latest submission of an earlier collection of the
    /// form, if it has one.
    fn earlier(&self) -> Option<&FormData>;
}

impl FormData {
    /// Fills the prefilled columns from `facts`: the empty cells, and the
    /// locked ones always — or, with `locked_only`, the locked ones alone
    /// (after an upload, whose file may hold anything there).
    pub fn prefill(&mut self, form: &FormDefinition, facts: &impl PrefillFacts, locked_only: bool) {
        for sheet in &form.sheets {
            for column in &sheet.columns {
                let Some(source) = column.prefill else {
                    continue;
                };
                if locked_only && !column.prefill_locked {
                    continue;
                }
                // A passport or roster value is one for every row.
                let fact = match source {
                    Prefill::Earlier(_) => None,
                    source => Some(value::normalize(column, &facts.fact(source))),
                };
                let text_at = |index: usize| match &fact {
                    Some(text) => text.clone(),
                    None => value::normalize(
                        column,
                        earlier_value(facts.earlier(), sheet, index, column.earlier_key()),
                    ),
                };
                let rows = self.sheets.entry(sheet.key.clone()).or_default();
                if rows.is_empty() && sheet.is_free() && !text_at(0).is_empty() {
                    rows.push(Row::new());
                }
                for (index, row) in rows.iter_mut().enumerate() {
                    if !sheet.is_prefilled_row(index) {
                        break;
                    }
                    // What the school typed stays, unless the cell is locked.
                    if !column.prefill_locked && row.contains_key(&column.key) {
                        continue;
                    }
                    let text = text_at(index);
                    if text.is_empty() {
                        row.remove(&column.key);
                    } else {
                        row.insert(&column.key, text.as_str());
                    }
                }
            }
        }
    }

    /// Computes every calculated cell of the form again (an uploaded file's).
    pub fn calculate(&mut self, form: &FormDefinition) {
        for sheet in &form.sheets {
            let calculation = Calculation::of(sheet);
            if calculation.is_empty() {
                continue;
            }
            if let Some(rows) = self.sheets.get_mut(&sheet.key) {
                rows.iter_mut().for_each(|row| calculation.fill(row));
            }
        }
    }

    /// Computes the calculated cells of `rows` (0-based) of `sheet` again.
    pub(crate) fn calculate_rows(&mut self, sheet: &SheetDef, rows: &mut Vec<usize>) {
        let calculation = Calculation::of(sheet);
        if calculation.is_empty() {
            return;
        }
        // A pasted block sets many cells of each row: each row once.
        rows.sort_unstable();
        rows.dedup();
        if let Some(held) = self.sheets.get_mut(&sheet.key) {
            for &index in rows.iter() {
                if let Some(row) = held.get_mut(index) {
                    calculation.fill(row);
                }
            }
        }
    }
}

/// The earlier submission's value of column `from` for row `index` of
/// `sheet`: in the row with the same presets on a fixed sheet (the rows may
/// have moved between versions), in the same row otherwise.
pub(crate) fn earlier_value<'a>(
    earlier: Option<&'a FormData>,
    sheet: &SheetDef,
    index: usize,
    from: &str,
) -> &'a str {
    let Some(earlier) = earlier else {
        return "";
    };
    let rows = earlier.rows(&sheet.key);
    let row = match sheet.fixed_rows.get(index) {
        Some(preset) if !preset.is_empty() => rows.iter().find(|row| {
            preset
                .iter()
                .all(|(key, value)| row.get(key) == Some(value))
        }),
        _ => rows.get(index),
    };
    row.and_then(|row| row.get(from)).unwrap_or_default()
}
