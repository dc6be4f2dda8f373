//! A sheet's totals row («Итого»): the sums of some of its numeric columns
//! (`"totals": ["students", "russian"]`) over every row. Never stored: worked
//! out from the rows wherever it is shown — the editor's footer, and the
//! template's row above the header as real `СУММ` formulas (an upload finds
//! the header by its titles, so it never reads that row as data).

use super::{ColumnDef, Row, SheetDef, calculate, value};

/// What the totals row is called.
pub const TOTALS_LABEL: &str = "Итого";

impl SheetDef {
    /// Whether the sheet has a totals row.
    pub fn has_totals(&self) -> bool {
        !self.totals.is_empty()
    }

    /// Whether column `key` is summed in the totals row.
    pub fn is_totalled(&self, key: &str) -> bool {
        self.totals.iter().any(|k| k == key)
    }

    /// The sum of `column` over `rows` (a cell without a number counts as
    /// nothing), in the column's canonical text (`1234.5`, rounded to its
    /// decimals), as a calculated cell holds it.
    pub fn total_text(&self, column: &ColumnDef, rows: &[Row]) -> String {
        let sum: f64 = rows
            .iter()
            .filter_map(|row| value::parse_decimal(row.get(&column.key)?))
            .sum();
        calculate::result_text(column, sum).into()
    }

    /// [`SheetDef::total_text`] as the column shows numbers: «1234,5».
    pub fn total_shown(&self, column: &ColumnDef, rows: &[Row]) -> String {
        value::display(column, &self.total_text(column, rows))
    }
}

#[cfg(test)]
mod tests {
    use crate::forms::{Change, FormData, demo};

    #[test]
    fn the_totals_row_sums_its_columns_as_they_show_numbers() {
        let mut form = demo::vpr_classes();
        form.sheets[0].totals = vec!["students".into(), "area".into()];
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[
                Change::set("classes", 1, "students", "1 200"),
                Change::set("classes", 2, "students", "34"),
                Change::set("classes", 2, "area", "40,5"),
                Change::set("classes", 3, "area", "12,24"),
            ],
        )
        .unwrap();
        let sheet = &form.sheets[0];
        let rows = data.rows("classes");
        assert_eq!(
            sheet.total_shown(sheet.column("students").unwrap(), rows),
            "1234"
        );
        assert_eq!(
            sheet.total_shown(sheet.column("area").unwrap(), rows),
            "52,7",
            "52.74 rounded to the column's one decimal"
        );
        assert_eq!(
            sheet.total_text(sheet.column("area").unwrap(), rows),
            "52.7"
        );
        assert!(sheet.is_totalled("area") && !sheet.is_totalled("class"));
    }

    #[test]
    fn only_numeric_columns_of_the_sheet_are_totalled() {
        let mut form = demo::vpr_classes();
        form.sheets[0].totals = vec!["students".into(), "class".into(), "nowhere".into()];
        let fields = crate::forms::tests::problem_fields(&form);
        assert_eq!(fields, ["sheets[0].totals[1]", "sheets[0].totals[2]"]);
    }
}
