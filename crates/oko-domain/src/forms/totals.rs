//! A sheet's totals row («Итого»): per chosen column its sum — or its
//! average, smallest, largest value or the count of filled cells — over every
//! row (`"totals": ["students", {"column": "share", "of": "average"}]`).
//! Never stored: worked out from the rows wherever it is shown — the editor's
//! footer, and the template's row above the header as real Excel formulas (an
//! upload finds the header by its titles, so it never reads that row as data).

use serde::{Deserialize, Serialize};

use super::{ColumnDef, Row, SheetDef, calculate, value};

/// What the totals row is called.
pub const TOTALS_LABEL: &str = "Итого";

/// What the totals row shows of a column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    #[default]
    Sum,
    Average,
    Min,
    Max,
    /// How many rows have the cell filled (any column type).
    Count,
}

impl Aggregate {
    pub const ALL: [Aggregate; 5] = [
        Aggregate::Sum,
        Aggregate::Average,
        Aggregate::Min,
        Aggregate::Max,
        Aggregate::Count,
    ];

    /// Its name in a description spreadsheet.
    pub fn title_ru(self) -> &'static str {
        match self {
            Aggregate::Sum => "сумма",
            Aggregate::Average => "среднее",
            Aggregate::Min => "минимум",
            Aggregate::Max => "максимум",
            Aggregate::Count => "количество",
        }
    }

    /// How the totals row marks a value that is not a sum («ср. 23,5»).
    pub fn mark_ru(self) -> Option<&'static str> {
        match self {
            Aggregate::Sum => None,
            Aggregate::Average => Some("ср."),
            Aggregate::Min => Some("мин."),
            Aggregate::Max => Some("макс."),
            Aggregate::Count => Some("кол."),
        }
    }

    /// Whether it takes only numeric columns.
    pub fn needs_numbers(self) -> bool {
        self != Aggregate::Count
    }
}

/// One column of the totals row: its key (summed), or the key and what is
/// shown of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum TotalDef {
    /// `"students"`: the column's sum.
    Sum(String),
    /// `{"column": "share", "of": "average"}`.
    Of { column: String, of: Aggregate },
}

impl TotalDef {
    /// A column with what is shown of it (a plain key for a sum, so forms
    /// written before aggregates read and write as they were).
    pub fn new(column: &str, of: Aggregate) -> TotalDef {
        match of {
            Aggregate::Sum => TotalDef::Sum(column.to_owned()),
            of => TotalDef::Of {
                column: column.to_owned(),
                of,
            },
        }
    }

    pub fn column(&self) -> &str {
        match self {
            TotalDef::Sum(column) | TotalDef::Of { column, .. } => column,
        }
    }

    pub fn aggregate(&self) -> Aggregate {
        match self {
            TotalDef::Sum(_) => Aggregate::Sum,
            TotalDef::Of { of, .. } => *of,
        }
    }
}

impl TotalDef {
    /// As a description spreadsheet writes it: `students` (a sum) or
    /// `share: среднее`.
    pub fn text_ru(&self) -> String {
        match self.aggregate() {
            Aggregate::Sum => self.column().to_owned(),
            of => format!("{}: {}", self.column(), of.title_ru()),
        }
    }

    /// Reads [`TotalDef::text_ru`]; the Russian reason when what follows the
    /// «:» is not one of the aggregates.
    pub fn parse_ru(text: &str) -> Result<TotalDef, String> {
        let Some((column, of)) = text.split_once(':') else {
            return Ok(TotalDef::from(text.trim()));
        };
        let of = of.trim().to_lowercase();
        match Aggregate::ALL.into_iter().find(|a| a.title_ru() == of) {
            Some(aggregate) => Ok(TotalDef::new(column.trim(), aggregate)),
            None => Err(format!(
                "Неизвестный итог «{of}»: ожидается {}",
                Aggregate::ALL
                    .map(|a| format!("«{}»", a.title_ru()))
                    .join(", ")
            )),
        }
    }
}

impl From<&str> for TotalDef {
    fn from(column: &str) -> TotalDef {
        TotalDef::Sum(column.to_owned())
    }
}

impl SheetDef {
    /// Whether the sheet has a totals row.
    pub fn has_totals(&self) -> bool {
        !self.totals.is_empty()
    }

    /// What the totals row shows of column `key`, if anything.
    pub fn total_of(&self, key: &str) -> Option<Aggregate> {
        self.totals
            .iter()
            .find(|t| t.column() == key)
            .map(TotalDef::aggregate)
    }

    /// Whether column `key` has a value in the totals row.
    pub fn is_totalled(&self, key: &str) -> bool {
        self.total_of(key).is_some()
    }

    /// The totals row's value of `column` over `rows` (a cell without a
    /// number counts as nothing) in the column's canonical text (`1234.5`,
    /// rounded to its decimals; an average of whole numbers to two places),
    /// as a calculated cell holds it; empty for an average, minimum or maximum
    /// of no numbers.
    pub fn total_text(&self, column: &ColumnDef, rows: &[Row]) -> String {
        let numbers = || {
            rows.iter()
                .filter_map(|row| value::parse_decimal(row.get(&column.key)?))
        };
        let aggregate = self.total_of(&column.key).unwrap_or_default();
        let result = match aggregate {
            Aggregate::Sum => numbers().sum(),
            Aggregate::Count => {
                let filled = rows
                    .iter()
                    .filter(|row| row.get(&column.key).is_some_and(|t| !t.trim().is_empty()));
                return value::integer_text(filled.count() as i64).into();
            }
            Aggregate::Average => {
                let (sum, count) = numbers().fold((0.0, 0u32), |(s, n), x| (s + x, n + 1));
                if count == 0 {
                    return String::new();
                }
                let mean = sum / f64::from(count);
                if column.decimals.is_none() {
                    return value::format_decimal((mean * 100.0).round() / 100.0);
                }
                mean
            }
            Aggregate::Min => match numbers().reduce(f64::min) {
                Some(n) => n,
                None => return String::new(),
            },
            Aggregate::Max => match numbers().reduce(f64::max) {
                Some(n) => n,
                None => return String::new(),
            },
        };
        calculate::result_text(column, result).into()
    }

    /// [`SheetDef::total_text`] as the column shows numbers: «1234,5», and
    /// marked when it is not a sum: «ср. 23,5».
    pub fn total_shown(&self, column: &ColumnDef, rows: &[Row]) -> String {
        let text = self.total_text(column, rows);
        // Shown as a number even in a whole-number column (an average).
        let shown = value::parse_decimal(&text).map_or(text, value::decimal_ru);
        match self.total_of(&column.key).and_then(Aggregate::mark_ru) {
            Some(mark) if !shown.is_empty() => format!("{mark} {shown}"),
            _ => shown,
        }
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

    #[test]
    fn the_totals_row_averages_counts_and_finds_the_extremes() {
        use super::{Aggregate, TotalDef};
        let mut form = demo::vpr_classes();
        form.sheets[0].totals = vec![
            TotalDef::new("class", Aggregate::Count),
            TotalDef::new("students", Aggregate::Average),
            TotalDef::new("russian", Aggregate::Min),
            TotalDef::new("mathematics", Aggregate::Max),
        ];
        let sheet = &form.sheets[0];
        let column = |key| sheet.column(key).unwrap();
        let blank = FormData::blank(&form);
        assert_eq!(
            sheet.total_shown(column("students"), blank.rows("classes")),
            "",
            "no numbers, no average"
        );
        assert_eq!(
            sheet.total_shown(column("class"), blank.rows("classes")),
            "кол. 0"
        );
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[
                Change::set("classes", 1, "class", "5А"),
                Change::set("classes", 1, "students", "24"),
                Change::set("classes", 1, "russian", "20"),
                Change::set("classes", 2, "class", "5Б"),
                Change::set("classes", 2, "students", "25"),
                Change::set("classes", 2, "russian", "12"),
                Change::set("classes", 2, "mathematics", "7"),
                Change::set("classes", 3, "students", "27"),
            ],
        )
        .unwrap();
        let rows = data.rows("classes");
        let shown = |key| sheet.total_shown(column(key), rows);
        assert_eq!(shown("class"), "кол. 2");
        assert_eq!(shown("students"), "ср. 25,33", "76 / 3, to two places");
        assert_eq!(sheet.total_text(column("students"), rows), "25.33");
        assert_eq!(shown("russian"), "мин. 12");
        assert_eq!(shown("mathematics"), "макс. 7");
        // A sum is written as a plain key, as forms before aggregates were.
        assert_eq!(
            serde_json::to_value(&sheet.totals).unwrap(),
            serde_json::json!([
                {"column": "class", "of": "count"},
                {"column": "students", "of": "average"},
                {"column": "russian", "of": "min"},
                {"column": "mathematics", "of": "max"}
            ])
        );
        let read: Vec<TotalDef> = serde_json::from_value(
            serde_json::json!(["students", {"column": "class", "of": "count"}]),
        )
        .unwrap();
        assert_eq!(
            read,
            [
                TotalDef::from("students"),
                TotalDef::new("class", Aggregate::Count)
            ]
        );
    }
}
