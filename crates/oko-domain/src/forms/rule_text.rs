//! Sheet rules as operators write them in a description spreadsheet, one line each:
//!
//! - `уникально: code, course`
//! - `after_9 + after_11 <= students` (also `<`, `=`, `<>`, `>=`, `>`, `≤`, `≥`, `≠`)
//! - `не более 5 строк на значение: subject`
//! - `если admitted = Да, то обязательно: units` / `если date1 заполнено, то обязательно: rooms1`
//!
//! Column keys, not titles: keys are short and do not change when a title is
//! reworded. [`render`] writes what [`parse`] reads, so a definition survives a
//! round trip through the spreadsheet.

use super::{CompareOp, Condition, FormRule, Rule, SheetColumn, SheetCondition};

const UNIQUE: &str = "уникально:";
const AT_MOST: &str = "не более ";
const PER_VALUE: &str = " строк на значение:";
const IF: &str = "если ";
const THEN: &str = ", то обязательно:";
const FILLED: &str = " заполнено";

/// What a rule line may look like, for error messages.
pub const FORMS_RU: &str = "«уникально: a, b», «a + b <= c», «не более 5 строк на значение: a», \
     «если a = Да, то обязательно: b, c» или «если a заполнено, то обязательно: b»";

/// Operators in the order they are searched for (two-character ones first).
const OPERATORS: [(&str, CompareOp); 9] = [
    ("<=", CompareOp::Le),
    (">=", CompareOp::Ge),
    ("<>", CompareOp::Ne),
    ("!=", CompareOp::Ne),
    ("≤", CompareOp::Le),
    ("≥", CompareOp::Ge),
    ("≠", CompareOp::Ne),
    ("<", CompareOp::Lt),
    (">", CompareOp::Gt),
];

fn symbol(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Eq => "=",
        CompareOp::Ne => "<>",
        CompareOp::Ge => ">=",
        CompareOp::Gt => ">",
    }
}

/// The line of `rule` and its own message, if it carries one.
pub fn render(rule: &Rule) -> (String, Option<String>) {
    match rule {
        Rule::Unique { columns } => (format!("{UNIQUE} {}", columns.join(", ")), None),
        Rule::Compare {
            left,
            op,
            right,
            message,
        } => (
            format!("{} {} {}", left.join(" + "), symbol(*op), right.join(" + ")),
            message.clone(),
        ),
        Rule::MaxRowsPerValue {
            column,
            max,
            message,
        } => (
            format!("{AT_MOST}{max}{PER_VALUE} {column}"),
            message.clone(),
        ),
        Rule::RequiredIf {
            column,
            equals,
            then,
        } => {
            let condition = match equals {
                Some(value) => format!("{column} = {value}"),
                None => format!("{column}{FILLED}"),
            };
            (format!("{IF}{condition}{THEN} {}", then.join(", ")), None)
        }
    }
}

/// The rule a line describes, with `message` for the kinds that carry one.
pub fn parse(line: &str, message: Option<String>) -> Result<Rule, String> {
    let line = line.trim();
    let lower = line.to_lowercase();
    let cannot = || format!("Не удалось разобрать правило «{line}»: ожидается {FORMS_RU}");
    if let Some(rest) = strip_prefix(line, &lower, UNIQUE) {
        return Ok(Rule::Unique {
            columns: keys(rest).ok_or_else(cannot)?,
        });
    }
    if let Some(rest) = strip_prefix(line, &lower, AT_MOST) {
        let (count, column) = rest.split_once(PER_VALUE).ok_or_else(cannot)?;
        let max = count.trim().parse().map_err(|_| cannot())?;
        let [column] = keys(column)
            .ok_or_else(cannot)?
            .try_into()
            .map_err(|_| cannot())?;
        return Ok(Rule::MaxRowsPerValue {
            column,
            max,
            message,
        });
    }
    if let Some(rest) = strip_prefix(line, &lower, IF) {
        let (condition, then) = rest.split_once(THEN).ok_or_else(cannot)?;
        let then = keys(then).ok_or_else(cannot)?;
        let (column, equals) = match condition.split_once('=') {
            Some((column, value)) => (column, Some(value.trim().to_owned())),
            None => (
                condition
                    .trim()
                    .strip_suffix(FILLED.trim())
                    .ok_or_else(cannot)?,
                None,
            ),
        };
        let [column] = keys(column)
            .ok_or_else(cannot)?
            .try_into()
            .map_err(|_| cannot())?;
        return Ok(Rule::RequiredIf {
            column,
            equals: equals.filter(|v| !v.is_empty()),
            then,
        });
    }
    let (left, op, right) = split_comparison(line).ok_or_else(cannot)?;
    Ok(Rule::Compare {
        left: sum_terms(left).ok_or_else(cannot)?,
        op,
        right: sum_terms(right).ok_or_else(cannot)?,
        message,
    })
}

/// `line` after `prefix`, compared without regard to case.
fn strip_prefix<'a>(line: &'a str, lower: &str, prefix: &str) -> Option<&'a str> {
    // Lowercasing Cyrillic keeps byte lengths, so the offset applies to `line`.
    lower
        .starts_with(prefix)
        .then(|| line.get(prefix.len()..))
        .flatten()
}

fn split_comparison(line: &str) -> Option<(&str, CompareOp, &str)> {
    for (text, op) in OPERATORS {
        if let Some((left, right)) = line.split_once(text) {
            return Some((left, op, right));
        }
    }
    let (left, right) = line.split_once('=')?;
    Some((left, CompareOp::Eq, right))
}

/// Comma-separated column keys, at least one, each well-formed.
fn keys(text: &str) -> Option<Vec<String>> {
    split_keys(text, ',')
}

fn sum_terms(text: &str) -> Option<Vec<String>> {
    split_keys(text, '+')
}

fn split_keys(text: &str, separator: char) -> Option<Vec<String>> {
    let keys: Vec<String> = text.split(separator).map(|k| k.trim().to_owned()).collect();
    keys.iter()
        .all(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .then_some(keys)
}

/// A column's condition as the description writes it: `admitted = Да`, or
/// `date1 заполнено`.
pub fn render_condition(condition: &Condition) -> String {
    match &condition.equals {
        Some(value) => format!("{} = {value}", condition.column),
        None => format!("{}{FILLED}", condition.column),
    }
}

/// The condition a description cell states.
pub fn parse_condition(text: &str) -> Result<Condition, String> {
    let cannot = || {
        format!(
            "Не удалось разобрать условие «{}»: ожидается «a = Да» или «a заполнено»",
            text.trim()
        )
    };
    let (column, equals) = split_condition(text).ok_or_else(cannot)?;
    let [column] = keys(column)
        .ok_or_else(cannot)?
        .try_into()
        .map_err(|_| cannot())?;
    Ok(Condition { column, equals })
}

/// `place = value` or `place заполнено`: the place and the value, if any.
fn split_condition(text: &str) -> Option<(&str, Option<String>)> {
    match text.split_once('=') {
        Some((place, value)) => Some((
            place,
            Some(value.trim().to_owned()).filter(|v| !v.is_empty()),
        )),
        None => Some((text.trim().strip_suffix(FILLED.trim())?, None)),
    }
}

/// A sheet's condition as the description writes it: `about.branches = Да`.
pub fn render_sheet_condition(condition: &SheetCondition) -> String {
    render_condition(&Condition {
        column: format!("{}.{}", condition.sheet, condition.column),
        equals: condition.equals.clone(),
    })
}

/// The sheet condition a description line states.
pub fn parse_sheet_condition(text: &str) -> Result<SheetCondition, String> {
    let cannot = || {
        format!(
            "Не удалось разобрать условие «{}»: ожидается «лист.столбец = Да» или «лист.столбец заполнено»",
            text.trim()
        )
    };
    let (place, equals) = split_condition(text).ok_or_else(cannot)?;
    let at = sheet_column(place).ok_or_else(cannot)?;
    Ok(SheetCondition {
        sheet: at.sheet,
        column: at.column,
        equals,
    })
}

/// What a rule line between sheets may look like, for error messages.
pub const FORM_RULES_RU: &str = "«participants.class есть в classes.class» или «сумма participants.count = сумма classes.participants»";
const EXISTS_IN: &str = " есть в ";
const TOTAL: &str = "сумма ";

/// The line of a rule between sheets and its own message.
pub fn render_form_rule(rule: &FormRule) -> (String, Option<String>) {
    let at = |c: &SheetColumn| format!("{}.{}", c.sheet, c.column);
    match rule {
        FormRule::ExistsIn {
            value,
            among,
            message,
        } => (
            format!("{}{EXISTS_IN}{}", at(value), at(among)),
            message.clone(),
        ),
        FormRule::Totals {
            left,
            op,
            right,
            message,
        } => (
            format!("{TOTAL}{} {} {TOTAL}{}", at(left), symbol(*op), at(right)),
            message.clone(),
        ),
    }
}

/// The rule between sheets a line describes.
pub fn parse_form_rule(line: &str, message: Option<String>) -> Result<FormRule, String> {
    let line = line.trim();
    let cannot = || format!("Не удалось разобрать правило «{line}»: ожидается {FORM_RULES_RU}");
    if let Some((value, among)) = line.split_once(EXISTS_IN) {
        return Ok(FormRule::ExistsIn {
            value: sheet_column(value).ok_or_else(cannot)?,
            among: sheet_column(among).ok_or_else(cannot)?,
            message,
        });
    }
    let (left, op, right) = split_comparison(line).ok_or_else(cannot)?;
    let total = |side: &str| {
        let lower = side.trim().to_lowercase();
        let rest = strip_prefix(side.trim(), &lower, TOTAL)?;
        sheet_column(rest)
    };
    Ok(FormRule::Totals {
        left: total(left).ok_or_else(cannot)?,
        op,
        right: total(right).ok_or_else(cannot)?,
        message,
    })
}

/// `sheet.column`, both keys.
fn sheet_column(text: &str) -> Option<SheetColumn> {
    let (sheet, column) = text.trim().split_once('.')?;
    let [sheet, column]: [String; 2] =
        [keys(sheet)?, keys(column)?].map(|mut k| k.pop().unwrap_or_default());
    (!sheet.is_empty() && !column.is_empty()).then_some(SheetColumn { sheet, column })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::demo;

    #[test]
    fn every_demo_rule_survives_a_round_trip() {
        let rules = demo::schedule()
            .sheets
            .into_iter()
            .chain(demo::college().sheets)
            .flat_map(|s| s.rules);
        for rule in rules {
            let (line, message) = render(&rule);
            assert_eq!(parse(&line, message), Ok(rule), "{line}");
        }
    }

    #[test]
    fn operators_write_rules_their_way() {
        assert_eq!(
            parse("Уникально: code,course", None),
            Ok(Rule::Unique {
                columns: vec!["code".into(), "course".into()]
            })
        );
        assert_eq!(
            parse("a+b ≤ c", None),
            Ok(Rule::Compare {
                left: vec!["a".into(), "b".into()],
                op: CompareOp::Le,
                right: vec!["c".into()],
                message: None
            })
        );
        assert_eq!(
            parse("если flag = Да, то обязательно: x, y", None),
            Ok(Rule::RequiredIf {
                column: "flag".into(),
                equals: Some("Да".into()),
                then: vec!["x".into(), "y".into()]
            })
        );
        assert_eq!(
            parse(
                "не более 3 строк на значение: s",
                Some("Не больше трёх".into())
            ),
            Ok(Rule::MaxRowsPerValue {
                column: "s".into(),
                max: 3,
                message: Some("Не больше трёх".into())
            })
        );
    }

    #[test]
    fn a_line_that_does_not_read_says_what_is_expected() {
        for line in [
            "сумма a и b",
            "уникально:",
            "не более пяти строк на значение: a",
            "если a, то b",
            "a + <= b",
            "Предмет <= b",
        ] {
            let problem = parse(line, None).unwrap_err();
            assert!(
                problem.contains(line) && problem.contains("уникально: a, b"),
                "{problem}"
            );
        }
    }
    #[test]
    fn rules_between_sheets_are_written_and_read() {
        let exists = FormRule::ExistsIn {
            value: SheetColumn {
                sheet: "participants".into(),
                column: "class".into(),
            },
            among: SheetColumn {
                sheet: "classes".into(),
                column: "class".into(),
            },
            message: None,
        };
        let totals = FormRule::Totals {
            left: SheetColumn {
                sheet: "participants".into(),
                column: "count".into(),
            },
            op: CompareOp::Eq,
            right: SheetColumn {
                sheet: "classes".into(),
                column: "participants".into(),
            },
            message: Some("Участники не сходятся".into()),
        };
        for rule in [exists, totals] {
            let (line, message) = render_form_rule(&rule);
            assert_eq!(parse_form_rule(&line, message), Ok(rule));
        }
        assert_eq!(
            parse_form_rule("Сумма a.b <= сумма c.d", None).map(|r| r.columns()[1].column.clone()),
            Ok("d".to_owned())
        );
        assert!(parse_form_rule("a есть в b", None).is_err());
    }
}
