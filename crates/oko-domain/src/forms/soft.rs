//! Soft checks (DHIS2's min–max and outlier idea, with a required comment
//! instead of a silent pass): a number far from what is usual — outside its
//! column's usual range, far from the organisation's own value last time, or
//! from its municipality's median — does not block a save, but the
//! submission waits until the value is explained (`explanation_required`).
//!
//! An explanation is kept in its row beside the cell, under
//! `<column>:explanation`, so it moves with the row when rows are inserted or
//! deleted and is saved, merged and submitted like any cell.

use serde::{Deserialize, Serialize};

use super::{CellCode, CellError, ColumnDef, FormData, FormDefinition, Row, SheetDef, value};

/// What counts as usual for a numeric column.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "usual_min": 5, "usual_max": 35, "from_last_time": 50, "from_median": 100
})))]
pub struct SoftCheck {
    /// A smaller value asks for an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usual_min: Option<f64>,
    /// A larger value asks for an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usual_max: Option<f64>,
    /// Percent: a value further than this from the organisation's own value
    /// in its earlier submission of the form asks for an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_last_time: Option<f64>,
    /// Percent: a value further than this from the median of its
    /// municipality's submissions asks for an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_median: Option<f64>,
}

impl SoftCheck {
    /// Whether nothing is checked.
    pub fn is_empty(&self) -> bool {
        *self == SoftCheck::default()
    }
}

/// What follows a column's key in the key of its explanation.
pub const EXPLANATION_SUFFIX: &str = ":explanation";

/// The key a row keeps `column`'s explanation under.
pub fn explanation_key(column: &str) -> String {
    format!("{column}{EXPLANATION_SUFFIX}")
}

/// The header of `column`'s explanations in exports: «Обучающихся: пояснение».
pub fn explanation_title(column: &ColumnDef) -> String {
    format!("{}: пояснение", column.title)
}

/// The column an explanation's key explains, if `key` is one.
pub fn explained_column(key: &str) -> Option<&str> {
    key.strip_suffix(EXPLANATION_SUFFIX)
}

/// Whether `key` is the explanation of a soft-checked column of `sheet`.
pub fn is_explanation(sheet: &SheetDef, key: &str) -> bool {
    explained_column(key)
        .and_then(|column| sheet.column(column))
        .is_some_and(|c| c.soft.is_some())
}

/// The most characters an explanation holds.
pub const MAX_EXPLANATION_CHARS: usize = 1_000;

/// Fewest organisations a median is taken of: the median of one or two
/// schools says nothing about what is usual.
pub const MIN_NEIGHBOURS: usize = 3;

/// What one organisation's values are compared with, worked out by the server
/// (its earlier submission, its municipality's submissions) and sent with its
/// draft, so the editor checks the same as the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "sheet": "classes", "row": 1, "column": "students", "last_time": 24, "median": 25
})))]
pub struct Reference {
    pub sheet: String,
    /// 1-based row; none: every row of the sheet (a free sheet's median).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    pub column: String,
    /// The organisation's own value in its earlier submission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_time: Option<f64>,
    /// The median of the other organisations' submitted values in its
    /// municipality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median: Option<f64>,
}

/// The soft-checked columns of each sheet, with their checks.
fn soft_columns(
    form: &FormDefinition,
) -> impl Iterator<Item = (&SheetDef, &ColumnDef, &SoftCheck)> {
    form.sheets.iter().flat_map(|sheet| {
        sheet
            .columns
            .iter()
            .filter_map(move |c| Some((sheet, c, c.soft.as_ref()?)))
    })
}

/// A reference of `column` of `sheet`.
fn reference(
    sheet: &SheetDef,
    column: &ColumnDef,
    row: Option<u32>,
    (last_time, median): (Option<f64>, Option<f64>),
) -> Reference {
    Reference {
        sheet: sheet.key.clone(),
        row,
        column: column.key.clone(),
        last_time,
        median,
    }
}

/// One organisation's own values last time, from its `earlier` submission of
/// the form: a fixed sheet's rows matched by their presets, a free sheet's
/// first row.
pub fn last_time_references(form: &FormDefinition, earlier: &FormData) -> Vec<Reference> {
    let mut found = Vec::new();
    for (sheet, column, check) in soft_columns(form) {
        if check.from_last_time.is_none() {
            continue;
        }
        let rows = if sheet.is_free() {
            1
        } else {
            sheet.fixed_rows.len()
        };
        for index in 0..rows {
            let text = super::calculate::earlier_value(Some(earlier), sheet, index, &column.key);
            if let Some(last) = number(column, text) {
                found.push(reference(
                    sheet,
                    column,
                    Some(index as u32 + 1),
                    (Some(last), None),
                ));
            }
        }
    }
    found
}

/// The medians of a municipality's latest `submissions` of a collection: per
/// row on a fixed sheet, over every row on a free one; none of fewer than
/// [`MIN_NEIGHBOURS`] organisations.
pub fn median_references(form: &FormDefinition, submissions: &[FormData]) -> Vec<Reference> {
    let mut found = Vec::new();
    for (sheet, column, check) in soft_columns(form) {
        if check.from_median.is_none() {
            continue;
        }
        let numbers = |rows: &[Row]| -> Vec<f64> {
            rows.iter()
                .filter_map(|row| number(column, row.get(&column.key)?))
                .collect()
        };
        if sheet.is_free() {
            let each: Vec<Vec<f64>> = submissions
                .iter()
                .map(|s| numbers(s.rows(&sheet.key)))
                .filter(|values| !values.is_empty())
                .collect();
            if each.len() >= MIN_NEIGHBOURS
                && let Some(median) = median(each.concat())
            {
                found.push(reference(sheet, column, None, (None, Some(median))));
            }
            continue;
        }
        for index in 0..sheet.fixed_rows.len() {
            let values: Vec<f64> = submissions
                .iter()
                .filter_map(|s| s.rows(&sheet.key).get(index))
                .flat_map(|row| numbers(std::slice::from_ref(row)))
                .collect();
            if values.len() >= MIN_NEIGHBOURS
                && let Some(median) = median(values)
            {
                let row = Some(index as u32 + 1);
                found.push(reference(sheet, column, row, (None, Some(median))));
            }
        }
    }
    found
}

/// A stored cell's number, if it holds one.
fn number(column: &ColumnDef, text: &str) -> Option<f64> {
    value::parse(column, text).ok()?.as_number()
}

/// The middle of `values` (the mean of the two middle ones when even).
fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    })
}

/// One column's references, worked out once for all its rows: a keystroke
/// checks a sheet of 5,000 rows again.
struct ColumnReferences {
    /// By 1-based row: last time and the row's median.
    rows: Vec<(u32, Option<f64>, Option<f64>)>,
    /// The median of every row (a free sheet's).
    median: Option<f64>,
}

impl ColumnReferences {
    fn of(references: &[Reference], sheet: &str, column: &str) -> ColumnReferences {
        let mine = references
            .iter()
            .filter(|r| r.sheet == sheet && r.column == column);
        let mut rows: Vec<(u32, Option<f64>, Option<f64>)> = mine
            .clone()
            .filter_map(|r| Some((r.row?, r.last_time, r.median)))
            .collect();
        rows.sort_unstable_by_key(|(row, _, _)| *row);
        let median = mine.filter(|r| r.row.is_none()).find_map(|r| r.median);
        ColumnReferences { rows, median }
    }

    /// The organisation's value last time and the median for 1-based `row`.
    fn of_row(&self, row: u32) -> (Option<f64>, Option<f64>) {
        let own = self
            .rows
            .binary_search_by_key(&row, |(at, _, _)| *at)
            .ok()
            .map(|at| self.rows[at]);
        let last_time = own.and_then(|(_, last, _)| last);
        let median = own.and_then(|(_, _, median)| median).or(self.median);
        (last_time, median)
    }
}

/// Why `n` in a column checked by `check` is unusual, each reason a phrase
/// («вне обычных пределов: от 5 до 35»); empty when it is usual.
pub fn reasons(
    check: &SoftCheck,
    n: f64,
    last_time: Option<f64>,
    median: Option<f64>,
) -> Vec<String> {
    let mut reasons = Vec::new();
    let below = check.usual_min.is_some_and(|min| n < min);
    let above = check.usual_max.is_some_and(|max| n > max);
    if below || above {
        let range = match (check.usual_min, check.usual_max) {
            (Some(min), Some(max)) => {
                format!(
                    "от {} до {}",
                    value::decimal_ru(min),
                    value::decimal_ru(max)
                )
            }
            (Some(min), None) => format!("не меньше {}", value::decimal_ru(min)),
            (None, Some(max)) => format!("не больше {}", value::decimal_ru(max)),
            (None, None) => String::new(),
        };
        reasons.push(format!("обычно {range}"));
    }
    // A percentage of the reference; of 1 when the reference is 0, so that 0
    // last time and 1 now is not «infinitely» far.
    let far = |reference: f64, percent: f64| {
        (n - reference).abs() > percent / 100.0 * reference.abs().max(1.0)
    };
    if let (Some(last), Some(percent)) = (last_time, check.from_last_time)
        && far(last, percent)
    {
        reasons.push(format!(
            "в прошлый раз было {} (разница больше {}%)",
            value::decimal_ru(last),
            value::decimal_ru(percent)
        ));
    }
    if let (Some(median), Some(percent)) = (median, check.from_median)
        && far(median, percent)
    {
        reasons.push(format!(
            "медиана по муниципалитету {} (разница больше {}%)",
            value::decimal_ru(median),
            value::decimal_ru(percent)
        ));
    }
    reasons
}

/// Every unusual value of `data` without an explanation, as an
/// `explanation_required` error on its cell. A cell its condition hides, or
/// on a sheet left out, is not checked.
pub fn unexplained(
    form: &FormDefinition,
    data: &FormData,
    references: &[Reference],
) -> Vec<CellError> {
    let mut errors = Vec::new();
    for sheet in &form.sheets {
        let checked: Vec<(&ColumnDef, &SoftCheck, String, ColumnReferences)> = sheet
            .columns
            .iter()
            .filter_map(|c| {
                let check = c.soft.as_ref()?;
                let refs = ColumnReferences::of(references, &sheet.key, &c.key);
                Some((c, check, explanation_key(&c.key), refs))
            })
            .collect();
        if checked.is_empty() || !form.is_sheet_shown(sheet, data) {
            continue;
        }
        for (index, row) in data.rows(&sheet.key).iter().enumerate() {
            for (column, check, explained, refs) in &checked {
                if row.contains_key(explained) || !column.is_shown(sheet, row) {
                    continue;
                }
                let Some(n) = row.get(&column.key).and_then(|text| number(column, text)) else {
                    continue;
                };
                let (last_time, median) = refs.of_row(index as u32 + 1);
                let reasons = reasons(check, n, last_time, median);
                if !reasons.is_empty() {
                    errors.push(CellError::at(
                        &sheet.key,
                        index,
                        &column.key,
                        CellCode::ExplanationRequired,
                        format!(
                            "Необычное значение: {}. Исправьте его или напишите пояснение",
                            reasons.join("; ")
                        ),
                    ));
                }
            }
        }
    }
    errors
}

/// How many explanations `data` holds (what coordinators filter by).
pub fn explanation_count(form: &FormDefinition, data: &FormData) -> usize {
    form.sheets
        .iter()
        .filter(|s| s.columns.iter().any(|c| c.soft.is_some()))
        .flat_map(|sheet| {
            data.rows(&sheet.key)
                .iter()
                .flat_map(|row| row.into_iter())
                .filter(|(key, _)| is_explanation(sheet, key))
        })
        .count()
}

/// Keeps the explanations `before` held for the cells `data` holds the same
/// value in, row by row: an uploaded file has no explanations, and a school
/// uploading its corrected file should not write them all again.
pub fn keep_explanations(form: &FormDefinition, data: &mut FormData, before: &FormData) {
    for sheet in form.sheets.iter() {
        let Some(rows) = data.sheets.get_mut(&sheet.key) else {
            continue;
        };
        for column in sheet.columns.iter().filter(|c| c.soft.is_some()) {
            let key = explanation_key(&column.key);
            for (row, old) in rows.iter_mut().zip(before.rows(&sheet.key)) {
                if let Some(text) = old.get(&key)
                    && row.get(&column.key) == old.get(&column.key)
                {
                    row.insert(&key, text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{Change, demo, validate};

    fn classes(students: &[&str]) -> FormData {
        let form = demo::vpr_classes();
        let mut data = FormData::blank(&form);
        let changes: Vec<Change> = students
            .iter()
            .enumerate()
            .flat_map(|(at, n)| {
                let row = at as u32 + 1;
                [
                    Change::set("classes", row, "class", &format!("5-{row}")),
                    Change::set("classes", row, "students", n),
                ]
            })
            .collect();
        data.apply(&form, &changes).unwrap();
        data
    }

    fn codes(errors: &[CellError]) -> Vec<(u32, CellCode)> {
        errors.iter().map(|e| (e.row, e.code)).collect()
    }

    #[test]
    fn an_unusual_value_asks_for_an_explanation_until_it_has_one() {
        let form = demo::vpr_classes();
        let mut data = classes(&["24", "3", "36"]);
        let errors = unexplained(&form, &data, &[]);
        assert_eq!(
            codes(&errors),
            [
                (2, CellCode::ExplanationRequired),
                (3, CellCode::ExplanationRequired)
            ]
        );
        assert!(
            errors[0].message.contains("обычно от 5 до 35"),
            "{}",
            errors[0].message
        );
        let key = explanation_key("students");
        data.apply(
            &form,
            &[Change::set("classes", 2, &key, "  Класс для детей с ОВЗ ")],
        )
        .unwrap();
        assert_eq!(
            data.rows("classes")[1][key.as_str()],
            "Класс для детей с ОВЗ"
        );
        assert_eq!(
            codes(&unexplained(&form, &data, &[])),
            [(3, CellCode::ExplanationRequired)]
        );
        assert!(
            validate(&form, &data).is_empty(),
            "an explanation is no unknown column"
        );
        assert_eq!(explanation_count(&form, &data), 1);
    }

    #[test]
    fn only_a_soft_checked_column_takes_an_explanation() {
        let form = demo::vpr_classes();
        let mut data = classes(&["24"]);
        let refused = data
            .apply(
                &form,
                &[Change::set("classes", 1, "class:explanation", "так")],
            )
            .unwrap_err();
        assert_eq!(refused.code, CellCode::Unknown);
        let long = "я".repeat(MAX_EXPLANATION_CHARS + 1);
        let refused = data
            .apply(
                &form,
                &[Change::set("classes", 1, "students:explanation", &long)],
            )
            .unwrap_err();
        assert_eq!(refused.code, CellCode::WrongLength);
    }

    #[test]
    fn an_explanation_moves_with_its_row() {
        let form = demo::vpr_classes();
        let mut data = classes(&["24", "3"]);
        data.apply(
            &form,
            &[
                Change::set("classes", 2, "students:explanation", "малокомплектная"),
                Change::InsertRow {
                    sheet: "classes".into(),
                    row: 1,
                },
            ],
        )
        .unwrap();
        assert_eq!(
            data.rows("classes")[2]["students:explanation"],
            "малокомплектная"
        );
        assert!(unexplained(&form, &data, &[]).is_empty());
    }

    #[test]
    fn last_time_and_the_median_decide_with_their_percentages() {
        let form = demo::vpr_classes();
        let earlier = classes(&["10"]);
        let neighbours = [classes(&["20", "22"]), classes(&["24"]), classes(&["30"])];
        let mut references = last_time_references(&form, &earlier);
        references.extend(median_references(&form, &neighbours));
        let first = references.iter().find(|r| r.row == Some(1)).unwrap();
        assert_eq!(first.last_time, Some(10.0));
        let sheet_wide = references.iter().find(|r| r.row.is_none()).unwrap();
        assert_eq!(
            sheet_wide.median,
            Some(23.0),
            "the middle of 20, 22, 24, 30"
        );
        // 14 is within 50% of last year's 10 and 100% of the median 23.
        assert!(unexplained(&form, &classes(&["14"]), &references).is_empty());
        // 16 is more than half again last year's 10.
        let errors = unexplained(&form, &classes(&["16"]), &references);
        assert!(
            errors[0].message.contains("в прошлый раз было 10"),
            "{}",
            errors[0].message
        );
        // Row 2 has no last year; 34 is within the usual range and the median's 100%.
        assert!(unexplained(&form, &classes(&["14", "34"]), &references).is_empty());
    }

    #[test]
    fn soft_checks_fit_numbers_with_positive_percentages() {
        use crate::forms::check::check_definition;
        let mut form = demo::vpr_classes();
        assert!(check_definition(&form).is_empty());
        let columns = &mut form.sheets[0].columns;
        columns[0].soft = Some(SoftCheck {
            usual_max: Some(1.0),
            ..SoftCheck::default()
        });
        columns[1].soft = Some(SoftCheck {
            from_median: Some(0.0),
            ..SoftCheck::default()
        });
        columns[2].soft = Some(SoftCheck::default());
        let fields = crate::forms::tests::problem_fields(&form);
        assert_eq!(
            fields,
            [
                "sheets[0].columns[0].soft",
                "sheets[0].columns[1].soft.from_median",
                "sheets[0].columns[2].soft",
            ]
        );
    }

    #[test]
    fn a_median_of_too_few_neighbours_is_not_taken() {
        let form = demo::vpr_classes();
        let two = [classes(&["20"]), classes(&["24"])];
        assert!(median_references(&form, &two).is_empty());
        let one_with_many_classes = [classes(&["20", "22", "24", "26"])];
        assert!(
            median_references(&form, &one_with_many_classes).is_empty(),
            "one school's classes are not a municipality"
        );
    }

    #[test]
    fn an_upload_keeps_the_explanations_of_unchanged_values() {
        let form = demo::vpr_classes();
        let mut before = classes(&["3", "36"]);
        before
            .apply(
                &form,
                &[
                    Change::set("classes", 1, "students:explanation", "малокомплектная"),
                    Change::set("classes", 2, "students:explanation", "объединили"),
                ],
            )
            .unwrap();
        let mut uploaded = classes(&["3", "37"]);
        keep_explanations(&form, &mut uploaded, &before);
        assert_eq!(
            uploaded.rows("classes")[0]["students:explanation"],
            "малокомплектная"
        );
        assert!(
            !uploaded.rows("classes")[1].contains_key("students:explanation"),
            "a changed value is explained again"
        );
    }
}
