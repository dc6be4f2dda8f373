//! Rules across sheets, the form's own (`FormDefinition::rules`): a value that
//! must exist on another sheet (a participant's class among the classes), and a
//! sheet's total that must compare with another's («сумма по листу A = значение
//! на листе B»). Checked after every sheet is read, over the values already read.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::{CellCode, CellError, CompareOp, FormDefinition, Row};

/// A column of a sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetColumn {
    pub sheet: String,
    pub column: String,
}

/// A rule across sheets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum FormRule {
    /// Every filled cell of `value` holds a value found in `among` (on its
    /// sheet's rows): «класс участника есть на листе классов».
    ExistsIn {
        value: SheetColumn,
        among: SheetColumn,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// The sum of `left` over its sheet's rows compared with the sum of `right`
    /// over its sheet's: «участников на листе УЧАСТНИКИ столько же, сколько
    /// всего на листе КЛАССЫ».
    Totals {
        left: SheetColumn,
        op: CompareOp,
        right: SheetColumn,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
}

impl FormRule {
    /// Every column the rule reads.
    pub fn columns(&self) -> [&SheetColumn; 2] {
        match self {
            FormRule::ExistsIn { value, among, .. } => [value, among],
            FormRule::Totals { left, right, .. } => [left, right],
        }
    }
}

/// The values a check reads: a sheet's rows' texts, and the sum of a column's
/// numbers (empty and unreadable cells, already reported, add nothing).
pub trait ReadValues {
    fn rows(&self, sheet: &str) -> &[Row];
    fn total(&self, at: &SheetColumn) -> f64;
}

/// Every error of the form's rules across sheets.
pub fn check_all(form: &FormDefinition, read: &impl ReadValues) -> Vec<CellError> {
    let mut errors = Vec::new();
    for rule in &form.rules {
        check(form, rule, read, &mut errors);
    }
    errors
}

fn title_of<'a>(form: &'a FormDefinition, at: &'a SheetColumn) -> (&'a str, &'a str) {
    let sheet = form.sheet(&at.sheet);
    let column = sheet.and_then(|s| s.column(&at.column));
    (
        sheet.map_or(at.sheet.as_str(), |s| s.title.as_str()),
        column.map_or(at.column.as_str(), |c| c.title.as_str()),
    )
}

fn check(
    form: &FormDefinition,
    rule: &FormRule,
    read: &impl ReadValues,
    errors: &mut Vec<CellError>,
) {
    match rule {
        FormRule::ExistsIn {
            value,
            among,
            message,
        } => {
            let known: HashSet<&str> = read
                .rows(&among.sheet)
                .iter()
                .filter_map(|row| row.get(&among.column))
                .collect();
            let (among_sheet, among_column) = title_of(form, among);
            for (index, row) in read.rows(&value.sheet).iter().enumerate() {
                let Some(text) = row.get(&value.column) else {
                    continue;
                };
                if known.contains(text) {
                    continue;
                }
                errors.push(CellError::at(
                    &value.sheet,
                    index,
                    &value.column,
                    CellCode::NotFoundInSheet,
                    message.clone().unwrap_or_else(|| {
                        format!(
                            "Значения «{text}» нет в столбце «{among_column}» на листе «{among_sheet}»"
                        )
                    }),
                ));
            }
        }
        FormRule::Totals {
            left,
            op,
            right,
            message,
        } => {
            let (a, b) = (read.total(left), read.total(right));
            if op.holds(a, b) {
                return;
            }
            let (left_sheet, left_column) = title_of(form, left);
            let (right_sheet, right_column) = title_of(form, right);
            errors.push(CellError {
                sheet: left.sheet.clone(),
                row: 0,
                column: Some(left.column.clone()),
                code: CellCode::TotalsDiffer,
                message: message.clone().unwrap_or_else(|| {
                    format!(
                        "Сумма «{left_column}» на листе «{left_sheet}» ({}) должна быть {} «{right_column}» на листе «{right_sheet}» ({})",
                        super::value::decimal_ru(a),
                        relation_ru(*op),
                        super::value::decimal_ru(b),
                    )
                }),
            });
        }
    }
}

/// How the left total must stand to the right one.
fn relation_ru(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Lt => "меньше суммы",
        CompareOp::Le => "не больше суммы",
        CompareOp::Eq => "равна сумме",
        CompareOp::Ne => "не равна сумме",
        CompareOp::Ge => "не меньше суммы",
        CompareOp::Gt => "больше суммы",
    }
}
