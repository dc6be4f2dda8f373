//! The electronic protocol of a work: a data-collection form (one row per student:
//! code, class, variant, points per task, journal mark) made from the work's
//! definition, so organisations fill it in the editor with the same live checks —
//! points above a task's maximum are the form's own range error — and its
//! submission becomes the organisation's results. The operator's bulk upload is
//! the same form with the organisation's login in front.

use std::collections::HashMap;

use super::{MARKS, StudentResult, WorkDefinition};
use crate::forms::{ColumnDef, ColumnType, FormData, FormDefinition, Row, Rule, SheetDef};

/// The protocol's only sheet.
pub const SHEET: &str = "protocol";
/// Column keys.
pub const LOGIN: &str = "login";
pub const CODE: &str = "code";
pub const CLASS: &str = "class_name";
pub const VARIANT: &str = "variant";
pub const JOURNAL: &str = "journal_mark";
/// Most students in one organisation's protocol.
pub const MAX_STUDENTS: u32 = 2_000;

/// The key of task `index`'s column.
pub fn task_key(index: usize) -> String {
    format!("task_{}", index + 1)
}

/// The protocol an organisation fills.
pub fn protocol_form(work: &WorkDefinition) -> FormDefinition {
    form(work, false)
}

/// The operator's bulk upload: the protocol with «Логин ОО» in front, rows of many
/// organisations.
pub fn bulk_form(work: &WorkDefinition) -> FormDefinition {
    form(work, true)
}

fn form(work: &WorkDefinition, bulk: bool) -> FormDefinition {
    let text = |key: &str, title: &str, max: u32, hint: &str| ColumnDef {
        required: true,
        max_length: Some(max),
        hint: hint.to_owned(),
        ..ColumnDef::new(key, title, ColumnType::Text)
    };
    let mut columns = Vec::new();
    if bulk {
        columns.push(text(
            LOGIN,
            "Логин ОО",
            40,
            "Логин организации, например sch240001",
        ));
    }
    columns.push(text(
        CODE,
        "Код участника",
        20,
        "Код из протокола; имена участников не вводятся",
    ));
    columns.push(text(CLASS, "Класс", 10, "Например, 5А"));
    columns.push(text(VARIANT, "Вариант", 10, ""));
    for (index, task) in work.tasks.iter().enumerate() {
        columns.push(ColumnDef {
            required: true,
            min: Some(0.0),
            max: Some(f64::from(task.max_score)),
            hint: format!("Число от 0 до {}", task.max_score),
            ..ColumnDef::new(
                &task_key(index),
                &format!("Задание {} (макс. {})", task.number, task.max_score),
                ColumnType::Integer,
            )
        });
    }
    columns.push(ColumnDef {
        values: MARKS.iter().map(u8::to_string).collect(),
        hint: "Отметка за последний учебный период".to_owned(),
        ..ColumnDef::new(JOURNAL, "Отметка по журналу", ColumnType::List)
    });
    let unique = if bulk {
        vec![LOGIN.into(), CODE.into()]
    } else {
        vec![CODE.into()]
    };
    FormDefinition {
        lists: Default::default(),
        rules: Vec::new(),
        title: format!("Электронный протокол: {}", work.title()),
        sheets: vec![SheetDef {
            totals: Vec::new(),
            shown_if: None,
            key: SHEET.to_owned(),
            title: "Протокол".to_owned(),
            hint: "Одна строка — один участник. Баллы — целые числа от 0 до максимума задания."
                .to_owned(),
            columns,
            fixed_rows: Vec::new(),
            max_rows: Some(if bulk { 1_000_000 } else { MAX_STUDENTS }),
            rules: vec![Rule::Unique { columns: unique }],
        }],
    }
}

/// The students of validated protocol data (invalid cells read as 0 / none, which
/// validation has already refused).
pub fn students(work: &WorkDefinition, data: &FormData) -> Vec<StudentResult> {
    data.rows(SHEET)
        .iter()
        .map(|row| student(work, row))
        .collect()
}

/// The students of validated bulk data, by organisation login, in file order.
pub fn students_by_login(
    work: &WorkDefinition,
    data: &FormData,
) -> HashMap<String, Vec<StudentResult>> {
    let mut by_login: HashMap<String, Vec<StudentResult>> = HashMap::new();
    for row in data.rows(SHEET) {
        let login = cell(row, LOGIN).trim().to_lowercase();
        by_login.entry(login).or_default().push(student(work, row));
    }
    by_login
}

fn student(work: &WorkDefinition, row: &Row) -> StudentResult {
    StudentResult {
        code: cell(row, CODE).trim().to_owned(),
        class_name: cell(row, CLASS).trim().to_owned(),
        variant: cell(row, VARIANT).trim().to_owned(),
        scores: (0..work.tasks.len())
            .map(|index| cell(row, &task_key(index)).trim().parse().unwrap_or(0))
            .collect(),
        journal_mark: cell(row, JOURNAL).trim().parse().ok(),
    }
}

fn cell<'a>(row: &'a Row, key: &str) -> &'a str {
    row.get(key).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        analytics::demo_work,
        forms::{CellCode, check::check_definition, validate},
    };

    fn row(cells: &[(&str, &str)]) -> Row {
        cells
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn filled(code: &str, first_task: &str) -> Row {
        let mut cells = vec![(CODE, code), (CLASS, "5А"), (VARIANT, "1"), (JOURNAL, "4")];
        let keys: Vec<String> = (0..10).map(task_key).collect();
        for (index, key) in keys.iter().enumerate() {
            cells.push((key, if index == 0 { first_task } else { "1" }));
        }
        row(&cells)
    }

    #[test]
    fn the_protocol_is_a_valid_form_and_its_rows_become_students() {
        let work = demo_work("Математика", "5 класс");
        let form = protocol_form(&work);
        assert!(
            check_definition(&form).is_empty(),
            "{:?}",
            check_definition(&form)
        );
        assert!(check_definition(&bulk_form(&work)).is_empty());
        let mut data = FormData::default();
        data.sheets
            .insert(SHEET.into(), vec![filled("101", "1"), filled("102", "0")]);
        assert!(
            validate(&form, &data).is_empty(),
            "{:?}",
            validate(&form, &data)
        );
        let students = students(&work, &data);
        assert_eq!(students.len(), 2);
        assert_eq!(students[0].primary(), 10);
        assert_eq!(students[1].scores[0], 0);
        assert_eq!(students[1].journal_mark, Some(4));
    }

    #[test]
    fn points_above_a_tasks_maximum_and_a_repeated_code_are_errors_in_their_cells() {
        let work = demo_work("Математика", "5 класс");
        let form = protocol_form(&work);
        let mut data = FormData::default();
        data.sheets
            .insert(SHEET.into(), vec![filled("101", "2"), filled("101", "1")]);
        let errors = validate(&form, &data);
        let above = errors
            .iter()
            .find(|e| e.code == CellCode::OutOfRange)
            .expect("range error");
        assert_eq!((above.row, above.column.as_deref()), (1, Some("task_1")));
        assert!(
            errors
                .iter()
                .any(|e| e.code == CellCode::Duplicate && e.row == 2)
        );
    }
}
