//! Rules across the cells of a sheet, as data: a typed enum of the four kinds the
//! seeds need, each checked over the sheet's already-read values.

use std::collections::{HashMap, hash_map::Entry};

use serde::{Deserialize, Serialize};

use super::{CellCode, CellError, SheetDef, errors::SAME_VALUE_IN_ROW, value::Value};

/// A sheet rule. Empty cells never break a comparison or a uniqueness rule (the
/// `required` flag is what demands a value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// No two rows hold the same values in `columns`.
    Unique { columns: Vec<String> },
    /// In every row, the sum of `left` compared with the sum of `right` holds, e.g.
    /// participants ≤ students. Numeric columns only.
    Compare {
        left: Vec<String>,
        op: CompareOp,
        right: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// A value of `column` appears in at most `max` rows («Количество дней по
    /// одному предмету не должны превышать пяти»).
    MaxRowsPerValue {
        column: String,
        max: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// When `column` holds `equals` (or, without `equals`, anything), every column
    /// of `then` must be filled.
    RequiredIf {
        column: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        equals: Option<String>,
        then: Vec<String>,
    },
}

impl Rule {
    /// Every column the rule reads.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Rule::Unique { columns } => columns.iter().map(String::as_str).collect(),
            Rule::Compare { left, right, .. } => {
                left.iter().chain(right).map(String::as_str).collect()
            }
            Rule::MaxRowsPerValue { column, .. } => vec![column],
            Rule::RequiredIf { column, then, .. } => std::iter::once(column)
                .chain(then)
                .map(String::as_str)
                .collect(),
        }
    }
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl CompareOp {
    pub(crate) fn holds(self, left: f64, right: f64) -> bool {
        const EPSILON: f64 = 1e-9;
        match self {
            CompareOp::Lt => left < right - EPSILON,
            CompareOp::Le => left <= right + EPSILON,
            CompareOp::Eq => (left - right).abs() <= EPSILON,
            CompareOp::Ne => (left - right).abs() > EPSILON,
            CompareOp::Ge => left >= right - EPSILON,
            CompareOp::Gt => left > right + EPSILON,
        }
    }

    fn phrase_ru(self) -> &'static str {
        match self {
            CompareOp::Lt => "меньше",
            CompareOp::Le => "не больше",
            CompareOp::Eq => "равно",
            CompareOp::Ne => "не равно",
            CompareOp::Ge => "не меньше",
            CompareOp::Gt => "больше",
        }
    }
}

/// A row's texts in some columns, hashed and compared where they are.
struct ValuesOf<'a> {
    texts: &'a super::Row,
    keys: &'a [String],
}

impl ValuesOf<'_> {
    fn values(&self) -> impl Iterator<Item = &str> {
        self.keys
            .iter()
            .map(|key| self.texts.get(key).unwrap_or_default())
    }
}

impl std::hash::Hash for ValuesOf<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.values().for_each(|value| value.hash(state));
    }
}

impl PartialEq for ValuesOf<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.values().eq(other.values())
    }
}

impl Eq for ValuesOf<'_> {}

/// A sheet's values once read: `cells[row][column position]`, `None` for an empty
/// or unreadable cell (the latter already reported).
pub struct ReadSheet<'a> {
    pub sheet: &'a SheetDef,
    pub cells: &'a [&'a [Option<Value>]],
    /// The cells' canonical texts, for messages and for rule values.
    pub texts: &'a [super::Row],
}

impl ReadSheet<'_> {
    fn position(&self, key: &str) -> usize {
        self.sheet
            .columns
            .iter()
            .position(|c| c.key == key)
            .expect("rules refer to existing columns (check_definition)")
    }

    fn text(&self, row: usize, key: &str) -> Option<&str> {
        self.texts[row].get(key)
    }

    fn titles(&self, keys: &[String]) -> String {
        keys.iter()
            .map(|k| format!("«{}»", title(self, k)))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    fn positions(&self, keys: &[String]) -> Vec<usize> {
        keys.iter().map(|k| self.position(k)).collect()
    }

    /// The sum of the columns at `positions` in `row`, or `None` when any is empty.
    fn sum(&self, row: usize, positions: &[usize]) -> Option<f64> {
        positions
            .iter()
            .map(|p| self.cells[row][*p].as_ref()?.as_number())
            .sum()
    }
}

/// Checks `rule` over the sheet, adding what breaks it to `errors`.
pub fn check(rule: &Rule, read: &ReadSheet, errors: &mut Vec<CellError>) {
    let sheet = &read.sheet.key;
    let rows = read.cells.len();
    match rule {
        Rule::Unique { columns } => {
            let positions = read.positions(columns);
            // Sized once and keyed by the row itself: a key built per row (a vector
            // of its texts) and the table's growth were most of a 5,000-row check.
            let mut first_seen: HashMap<ValuesOf, usize> = HashMap::with_capacity(rows);
            for row in 0..rows {
                if positions.iter().any(|p| read.cells[row][*p].is_none()) {
                    continue;
                }
                let key = ValuesOf {
                    texts: &read.texts[row],
                    keys: columns,
                };
                match first_seen.entry(key) {
                    Entry::Occupied(first) => errors.push(CellError::at(
                        sheet,
                        row,
                        &columns[0],
                        CellCode::Duplicate,
                        format!(
                            "{} повторяется: {SAME_VALUE_IN_ROW}{}",
                            read.titles(columns),
                            first.get() + 1
                        ),
                    )),
                    Entry::Vacant(place) => {
                        place.insert(row);
                    }
                }
            }
        }
        Rule::Compare {
            left,
            op,
            right,
            message,
        } => {
            let (left_at, right_at) = (read.positions(left), read.positions(right));
            for row in 0..rows {
                let (Some(l), Some(r)) = (read.sum(row, &left_at), read.sum(row, &right_at)) else {
                    continue;
                };
                if !op.holds(l, r) {
                    errors.push(CellError::at(
                        sheet,
                        row,
                        &left[0],
                        CellCode::ComparisonFailed,
                        message.clone().unwrap_or_else(|| {
                            format!(
                                "{} должно быть {} {}",
                                read.titles(left),
                                op.phrase_ru(),
                                read.titles(right)
                            )
                        }),
                    ));
                }
            }
        }
        Rule::MaxRowsPerValue {
            column,
            max,
            message,
        } => {
            let position = read.position(column);
            let mut seen: HashMap<&str, u32> = HashMap::with_capacity(rows);
            for row in 0..rows {
                if read.cells[row][position].is_none() {
                    continue;
                }
                let value = read.text(row, column).unwrap_or_default();
                let count = seen.entry(value).or_default();
                *count += 1;
                if *count > *max {
                    let default = format!("«{value}» встречается больше {max} раз");
                    let message = message
                        .as_ref()
                        .map_or(default, |m| format!("{m} («{value}»)"));
                    errors.push(CellError::at(
                        sheet,
                        row,
                        column,
                        CellCode::TooManyRowsWithValue,
                        message,
                    ));
                }
            }
        }
        Rule::RequiredIf {
            column,
            equals,
            then,
        } => {
            let position = read.position(column);
            // Read once: the value that triggers the rule and the message's reason.
            let wanted = equals
                .as_ref()
                .map(|w| super::value::parse(&read.sheet.columns[position], w).ok());
            let condition = match equals {
                Some(w) => format!("в столбце «{}» указано «{w}»", title(read, column)),
                None => format!("заполнен столбец «{}»", title(read, column)),
            };
            for row in 0..rows {
                let Some(value) = &read.cells[row][position] else {
                    continue;
                };
                if wanted.as_ref().is_some_and(|w| w.as_ref() != Some(value)) {
                    continue;
                }
                for key in then {
                    if read.text(row, key).is_none() {
                        errors.push(CellError::at(
                            sheet,
                            row,
                            key,
                            CellCode::RequiredIf,
                            format!("Заполните ячейку: {condition}"),
                        ));
                    }
                }
            }
        }
    }
}

fn title<'a>(read: &'a ReadSheet, key: &'a str) -> &'a str {
    read.sheet.column(key).map_or(key, |c| &c.title)
}
