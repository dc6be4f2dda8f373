//! Whether a form definition is coherent before it is saved: keys unique and
//! well-formed, each constraint on a column of a type it applies to, rules over
//! existing columns. Every problem names its place (`sheets[0].columns[2].min`).

use std::collections::HashSet;

use super::{
    ColumnDef, ColumnType, FormDefinition, FormRule, Prefill, Rule, SheetCondition, SheetDef,
    formula, value,
};
use crate::api::FieldError;

/// Longest key of a sheet or column.
const MAX_KEY_CHARS: usize = 64;

/// Every problem of `form`; empty when it may be saved.
pub fn check_definition(form: &FormDefinition) -> Vec<FieldError> {
    let mut problems = Problems(Vec::new());
    if form.title.trim().is_empty() {
        problems.add("title", "Укажите название формы");
    }
    if form.sheets.is_empty() {
        problems.add("sheets", "В форме должен быть хотя бы один лист");
    }
    let mut keys = HashSet::new();
    for (index, sheet) in form.sheets.iter().enumerate() {
        let at = format!("sheets[{index}]");
        check_key(&mut problems, &format!("{at}.key"), &sheet.key);
        if !keys.insert(sheet.key.as_str()) {
            problems.add(&format!("{at}.key"), "Ключ листа повторяется");
        }
        check_sheet(&mut problems, &at, form, sheet);
    }
    for (index, rule) in form.rules.iter().enumerate() {
        check_form_rule(&mut problems, &format!("rules[{index}]"), form, rule);
    }
    check_named_lists(&mut problems, form);
    problems.0
}

/// The named lists: each with values, none repeated; each column that names
/// one names a list the form has, and holds exactly its values.
fn check_named_lists(problems: &mut Problems, form: &FormDefinition) {
    for (name, values) in &form.lists {
        if let Some(problem) = list_values_problem(values) {
            problems.add(&format!("lists.{name}"), problem);
        }
    }
    for (at, sheet) in form.sheets.iter().enumerate() {
        for (index, column) in sheet.columns.iter().enumerate() {
            let Some(name) = &column.list else {
                continue;
            };
            let field = format!("sheets[{at}].columns[{index}].list");
            match form.lists.get(name) {
                None => problems.add(&field, &format!("В форме нет списка «{name}»")),
                Some(values) if *values != column.values => problems.add(
                    &field,
                    &format!("Значения столбца берутся из списка «{name}»: не указывайте другие"),
                ),
                Some(_) => {}
            }
        }
    }
}

/// What is wrong with a list's values, if anything: none, an empty one, or
/// one repeated (in any case).
pub fn list_values_problem(values: &[String]) -> Option<&'static str> {
    let distinct: HashSet<String> = values.iter().map(|v| crate::text::search_key(v)).collect();
    if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
        Some("Укажите значения списка (непустые)")
    } else if distinct.len() != values.len() {
        Some("Значения списка повторяются")
    } else {
        None
    }
}

/// A rule across sheets reads existing columns; totals add numbers only.
fn check_form_rule(problems: &mut Problems, at: &str, form: &FormDefinition, rule: &FormRule) {
    for place in rule.columns() {
        match form
            .sheet(&place.sheet)
            .and_then(|s| s.column(&place.column))
        {
            None => problems.add(
                at,
                &format!(
                    "Правило ссылается на неизвестный столбец {}.{}",
                    place.sheet, place.column
                ),
            ),
            Some(column)
                if matches!(rule, FormRule::Totals { .. }) && !column.kind.is_numeric() =>
            {
                problems.add(
                    at,
                    &format!(
                        "Складывать можно только числовые столбцы, а «{}» — нет",
                        column.title
                    ),
                )
            }
            Some(_) => {}
        }
    }
}

struct Problems(Vec<FieldError>);

impl Problems {
    fn add(&mut self, field: &str, message: &str) {
        self.0.push(FieldError::about_field(
            field,
            "invalid_definition",
            message,
        ));
    }
}

fn check_key(problems: &mut Problems, field: &str, key: &str) {
    let well_formed = !key.is_empty()
        && key.len() <= MAX_KEY_CHARS
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed {
        problems.add(
            field,
            "Ключ: от 1 до 64 латинских букв, цифр или знаков «_», например date_1",
        );
    }
}

/// A sheet's condition reads a column of another sheet, with a value it takes.
fn check_sheet_condition(
    problems: &mut Problems,
    at: &str,
    form: &FormDefinition,
    sheet: &SheetDef,
    condition: &SheetCondition,
) {
    if condition.sheet == sheet.key {
        return problems.add(at, "Условие листа не может зависеть от него самого");
    }
    let Some(decides) = form
        .sheet(&condition.sheet)
        .and_then(|s| s.column(&condition.column))
    else {
        return problems.add(
            at,
            &format!(
                "Условие ссылается на неизвестный столбец {}.{}",
                condition.sheet, condition.column
            ),
        );
    };
    if let Some(wanted) = &condition.equals
        && value::parse(decides, wanted.trim()).is_err()
    {
        problems.add(
            at,
            "Значение условия не подходит столбцу, от которого оно зависит",
        );
    }
}

fn check_sheet(problems: &mut Problems, at: &str, form: &FormDefinition, sheet: &SheetDef) {
    if sheet.title.trim().is_empty() {
        problems.add(&format!("{at}.title"), "Укажите название листа");
    }
    if sheet.columns.is_empty() {
        problems.add(
            &format!("{at}.columns"),
            "На листе должен быть хотя бы один столбец",
        );
    }
    let mut keys = HashSet::new();
    for (index, column) in sheet.columns.iter().enumerate() {
        let at = format!("{at}.columns[{index}]");
        check_key(problems, &format!("{at}.key"), &column.key);
        if !keys.insert(column.key.as_str()) {
            problems.add(&format!("{at}.key"), "Ключ столбца повторяется на листе");
        }
        check_column(problems, &at, column);
    }
    if sheet.max_rows == Some(0) || (sheet.max_rows.is_some() && !sheet.is_free()) {
        problems.add(
            &format!("{at}.max_rows"),
            "Число строк ограничивается только на листах со свободными строками, и не меньше 1",
        );
    }
    for (index, preset) in sheet.fixed_rows.iter().enumerate() {
        for (key, text) in preset {
            let field = format!("{at}.fixed_rows[{index}].{key}");
            match sheet.column(key) {
                None => problems.add(&field, "На листе нет такого столбца"),
                Some(column) if value::normalize(column, text) != *text || text.is_empty() => {
                    problems.add(
                        &field,
                        "Значение не подходит столбцу (или записано не в каноническом виде)",
                    )
                }
                Some(_) => {}
            }
        }
    }
    for (index, rule) in sheet.rules.iter().enumerate() {
        check_rule(problems, &format!("{at}.rules[{index}]"), sheet, rule);
    }
    for (index, total) in sheet.totals.iter().enumerate() {
        let key = total.column();
        let counted = !total.aggregate().needs_numbers();
        match sheet.column(key) {
            Some(c) if counted || c.kind.is_numeric() => {}
            Some(_) => problems.add(
                &format!("{at}.totals[{index}]"),
                &format!(
                    "Сумма, среднее, минимум и максимум — только у числовых столбцов: «{key}»"
                ),
            ),
            None => problems.add(
                &format!("{at}.totals[{index}]"),
                &format!("На листе нет столбца «{key}»"),
            ),
        }
    }
    if let Some(condition) = &sheet.shown_if {
        check_sheet_condition(problems, &format!("{at}.shown_if"), form, sheet, condition);
    }
    for (index, column) in sheet.columns.iter().enumerate() {
        check_condition(problems, &format!("{at}.columns[{index}]"), sheet, column);
        if let Some(text) = &column.formula {
            check_formula(
                problems,
                &format!("{at}.columns[{index}]"),
                sheet,
                column,
                text,
            );
        }
    }
}

/// A condition reads another existing column, with a value that column takes.
fn check_condition(problems: &mut Problems, at: &str, sheet: &SheetDef, column: &ColumnDef) {
    let Some(condition) = &column.shown_if else {
        if column.keep_hidden {
            problems.add(
                &format!("{at}.keep_hidden"),
                "Сохранять скрытые значения можно только у столбца с условием показа",
            );
        }
        return;
    };
    let field = format!("{at}.shown_if");
    match sheet.column(&condition.column) {
        None => problems.add(
            &field,
            "Условие ссылается на столбец, которого нет на листе",
        ),
        Some(decides) if decides.key == column.key => {
            problems.add(&field, "Условие столбца не может зависеть от него самого")
        }
        Some(decides) => {
            if let Some(wanted) = &condition.equals
                && value::parse(decides, wanted.trim()).is_err()
            {
                problems.add(
                    &field,
                    "Значение условия не подходит столбцу, от которого оно зависит",
                );
            }
        }
    }
}

/// A calculated column: a number column whose formula reads existing columns
/// (numbers, or anything for СЧЁТ), without reading itself through others.
fn check_formula(
    problems: &mut Problems,
    at: &str,
    sheet: &SheetDef,
    column: &ColumnDef,
    text: &str,
) {
    let field = format!("{at}.formula");
    if !column.kind.is_numeric() {
        problems.add(
            &field,
            "Вычисляемым может быть только столбец типа «целое» или «число»",
        );
    }
    if column.required {
        problems.add(
            &format!("{at}.required"),
            "Вычисляемый столбец заполняется сам: он не бывает обязательным",
        );
    }
    if sheet
        .fixed_rows
        .iter()
        .any(|preset| preset.contains_key(&column.key))
    {
        problems.add(&field, "Вычисляемый столбец не может быть заполнен заранее");
    }
    let expr = match formula::parse(text) {
        Ok(expr) => expr,
        Err(why) => return problems.add(&field, &why.0),
    };
    let counted = expr.counted_columns();
    let mut unknown = Vec::new();
    let mut not_numbers = Vec::new();
    for key in expr.columns() {
        match sheet.column(key) {
            None => unknown.push(key),
            Some(read) if !read.kind.is_numeric() && !counted.contains(&key) => {
                not_numbers.push(format!("«{}»", read.title));
            }
            Some(_) => {}
        }
    }
    if !unknown.is_empty() {
        unknown.dedup();
        return problems.add(
            &field,
            &format!(
                "Формула ссылается на неизвестные столбцы: {}",
                unknown.join(", ")
            ),
        );
    }
    if !not_numbers.is_empty() {
        not_numbers.dedup();
        problems.add(
            &field,
            &format!(
                "В вычислениях участвуют только числовые столбцы (текстовые можно только считать функцией СЧЁТ): {}",
                not_numbers.join(", ")
            ),
        );
    }
    if let Some(path) = cycle_from(sheet, &column.key) {
        problems.add(
            &field,
            &format!(
                "Формулы ссылаются друг на друга по кругу: {}",
                path.join(" → ")
            ),
        );
    }
}

/// The keys of a chain of formulas leading from `start` back to it, if any.
fn cycle_from<'a>(sheet: &'a SheetDef, start: &'a str) -> Option<Vec<&'a str>> {
    let reads = |key: &str| -> Vec<&'a str> {
        sheet
            .column(key)
            .and_then(|c| c.formula.as_deref())
            .and_then(|text| formula::parse(text).ok())
            .map(|expr| {
                expr.columns()
                    .into_iter()
                    .filter_map(|k| sheet.column(k).map(|c| c.key.as_str()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut path = vec![start];
    let mut seen = HashSet::new();
    fn walk<'a>(
        reads: &impl Fn(&str) -> Vec<&'a str>,
        path: &mut Vec<&'a str>,
        seen: &mut HashSet<&'a str>,
        start: &str,
    ) -> bool {
        let last = *path.last().expect("the path starts with its column");
        for next in reads(last) {
            if next == start {
                path.push(next);
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if walk(reads, path, seen, start) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(&reads, &mut path, &mut seen, start).then_some(path)
}

fn check_column(problems: &mut Problems, at: &str, column: &ColumnDef) {
    let kind = column.kind;
    let (numbers, text, dates, lists) = (
        ("«целое» и «число»", kind.is_numeric()),
        ("«текст»", kind == ColumnType::Text),
        ("«дата»", kind == ColumnType::Date),
        ("«список»", kind == ColumnType::List),
    );
    // Each constraint: its field, whether it is set, the types it fits.
    let constraints = [
        ("min", column.min.is_some(), numbers),
        ("max", column.max.is_some(), numbers),
        ("min_length", column.min_length.is_some(), text),
        ("max_length", column.max_length.is_some(), text),
        ("pattern", column.pattern.is_some(), text),
        ("words", !column.words.is_empty(), text),
        ("date_from", column.date_from.is_some(), dates),
        ("date_to", column.date_to.is_some(), dates),
        ("values", !column.values.is_empty(), lists),
        ("multiple", column.multiple, lists),
        ("list", column.list.is_some(), lists),
        (
            "decimals",
            column.decimals.is_some(),
            ("«число»", kind == ColumnType::Decimal),
        ),
        ("soft", column.soft.is_some(), numbers),
    ];
    for (name, set, (kinds, allowed)) in constraints {
        if set && !allowed {
            problems.add(
                &format!("{at}.{name}"),
                &format!("Это ограничение только для столбцов типа {kinds}"),
            );
        }
    }
    let from_earlier = matches!(column.prefill, Some(Prefill::Earlier(_)));
    if column.prefill.is_some() && !from_earlier && kind != ColumnType::Text {
        problems.add(
            &format!("{at}.prefill"),
            "Из паспорта заполняются только текстовые столбцы",
        );
    }
    if kind == ColumnType::File && (from_earlier || column.is_calculated()) {
        // A file is the organisation's own upload to this collection: nothing
        // else can put one in the cell.
        problems.add(at, "Столбец типа «файл» не вычисляется и не заполняется заранее: файл прикрепляет организация");
    }
    if from_earlier && column.is_calculated() {
        problems.add(
            &format!("{at}.prefill"),
            "Вычисляемый столбец не заполняется из прошлой сдачи",
        );
    }
    if column.prefill_locked && column.prefill.is_none() {
        problems.add(
            &format!("{at}.prefill_locked"),
            "Запретить изменение можно только у столбца, заполняемого из паспорта или прошлой сдачи",
        );
    }
    if column.prefill_from.is_some() && !from_earlier {
        problems.add(
            &format!("{at}.prefill_from"),
            "Столбец прошлой сдачи указывается только у столбца, заполняемого из прошлой сдачи",
        );
    }
    if column
        .prefill_from
        .as_ref()
        .is_some_and(|from| from.trim().is_empty())
    {
        problems.add(
            &format!("{at}.prefill_from"),
            "Укажите ключ столбца прошлой сдачи",
        );
    }
    if column.decimals.is_some_and(|places| places > 9) {
        problems.add(
            &format!("{at}.decimals"),
            "Знаков после запятой — от 0 до 9",
        );
    }
    if column
        .unit
        .as_deref()
        .is_some_and(|unit| unit.trim().is_empty())
    {
        problems.add(
            &format!("{at}.unit"),
            "Единица измерения не может быть пустой",
        );
    }
    if !column.words.is_empty() {
        let spaced = column
            .words
            .iter()
            .any(|w| w.contains(super::validate::is_word_separator));
        if let Some(problem) = list_values_problem(&column.words) {
            problems.add(&format!("{at}.words"), problem);
        } else if spaced {
            problems.add(
                &format!("{at}.words"),
                "Допустимые слова — по одному слову, без пробелов, запятых и «;»",
            );
        }
    }
    if let Some(soft) = &column.soft {
        check_soft(problems, &format!("{at}.soft"), soft);
    }
    if column.title.trim().is_empty() {
        problems.add(&format!("{at}.title"), "Укажите заголовок столбца");
    }
    let inverted = matches!((column.min, column.max), (Some(a), Some(b)) if a > b)
        || matches!((column.min_length, column.max_length), (Some(a), Some(b)) if a > b)
        || matches!((column.date_from, column.date_to), (Some(a), Some(b)) if a > b);
    if inverted {
        problems.add(at, "Нижняя граница больше верхней");
    }
    // A column naming an unknown list has no values: the name is the problem.
    let unresolved = column.list.is_some() && column.values.is_empty();
    if kind == ColumnType::List && !unresolved {
        if let Some(problem) = list_values_problem(&column.values) {
            problems.add(&format!("{at}.values"), problem);
        } else if column.multiple && column.values.iter().any(|v| v.contains(';')) {
            problems.add(
                &format!("{at}.values"),
                "В списке нескольких значений «;» разделяет значения: уберите его из значений",
            );
        }
    }
}

fn check_soft(problems: &mut Problems, at: &str, soft: &super::SoftCheck) {
    if soft.is_empty() {
        problems.add(
            at,
            "Укажите обычные пределы или допустимое отличие от прошлой сдачи или медианы",
        );
    }
    for (name, percent) in [
        ("from_last_time", soft.from_last_time),
        ("from_median", soft.from_median),
    ] {
        if percent.is_some_and(|p| !(p > 0.0 && p.is_finite())) {
            problems.add(
                &format!("{at}.{name}"),
                "Допустимое отличие — положительное число процентов",
            );
        }
    }
    if matches!((soft.usual_min, soft.usual_max), (Some(a), Some(b)) if a > b) {
        problems.add(at, "Нижняя граница больше верхней");
    }
}

fn check_rule(problems: &mut Problems, at: &str, sheet: &SheetDef, rule: &Rule) {
    let columns = rule.columns();
    let unknown: Vec<&str> = columns
        .iter()
        .copied()
        .filter(|k| sheet.column(k).is_none())
        .collect();
    if !unknown.is_empty() {
        problems.add(
            at,
            &format!(
                "Правило ссылается на неизвестные столбцы: {}",
                unknown.join(", ")
            ),
        );
        return;
    }
    match rule {
        Rule::Unique { columns } if columns.is_empty() => {
            problems.add(
                at,
                "Укажите столбцы, значения которых не должны повторяться",
            );
        }
        Rule::Compare { left, right, .. } => {
            if left.is_empty() || right.is_empty() {
                problems.add(at, "Укажите столбцы слева и справа от сравнения");
            }
            if columns
                .iter()
                .any(|k| sheet.column(k).is_some_and(|c| !c.kind.is_numeric()))
            {
                problems.add(at, "Сравнивать можно только числовые столбцы");
            }
        }
        Rule::MaxRowsPerValue { max: 0, .. } => {
            problems.add(at, "Допустимое число строк — не меньше 1")
        }
        Rule::RequiredIf {
            column,
            equals,
            then,
        } => {
            if then.is_empty() {
                problems.add(at, "Укажите столбцы, которые становятся обязательными");
            }
            let def = sheet.column(column).expect("checked above");
            if let Some(wanted) = equals
                && value::parse(def, wanted.trim()).is_err()
            {
                problems.add(at, "Значение условия не подходит столбцу");
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::demo;

    #[test]
    fn demo_forms_are_coherent() {
        assert_eq!(check_definition(&demo::schedule()), vec![]);
        assert_eq!(check_definition(&demo::college()), vec![]);
    }

    #[test]
    fn names_each_problem_by_its_place() {
        let mut form = demo::schedule();
        form.sheets[0].columns[1].min = Some(1.0);
        form.sheets[0].columns[2].key = "bad key".into();
        form.sheets[1].key = form.sheets[0].key.clone();
        form.sheets[0].rules.push(Rule::Unique {
            columns: vec!["nope".into()],
        });
        let fields = crate::forms::tests::problem_fields(&form);
        assert_eq!(
            fields,
            vec![
                "sheets[0].columns[1].min",
                "sheets[0].columns[2].key",
                "sheets[0].rules[1]", // it needs rooms1, the renamed column
                "sheets[0].rules[2]",
                "sheets[1].key",
            ]
        );
    }
}
