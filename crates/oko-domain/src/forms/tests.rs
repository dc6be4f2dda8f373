//! The validation engine against the demo forms: examples of each error, and
//! property tests (valid generated data never yields an error; one mutated cell
//! yields exactly the expected error; checking only what changed equals checking
//! everything).

use proptest::prelude::*;

use super::{CellCode, CellError, Change, FormData, Row, demo, validate};

fn row(cells: &[(&str, &str)]) -> Row {
    cells
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn college_data(rows: Vec<Row>) -> FormData {
    let mut data = FormData::default();
    data.sheets.insert("specialties".into(), rows);
    data
}

fn valid_college_row(index: usize) -> Row {
    row(&[
        ("code", &format!("38.02.{:02} Экономика", index % 100)),
        ("subject_a", "Математика"),
        ("subject_b", "—"),
        ("course", "1"),
        ("students", "34"),
        ("after_9", "30"),
        ("after_11", "4"),
        ("digital", "35"),
        ("admitted", "Нет"),
    ])
}

/// The fields `check_definition` names for `form`, in its order.
pub(super) fn problem_fields(form: &super::FormDefinition) -> Vec<String> {
    super::check::check_definition(form)
        .into_iter()
        .filter_map(|p| p.field)
        .collect()
}

fn codes(errors: &[CellError]) -> Vec<(u32, Option<&str>, CellCode)> {
    errors
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.code))
        .collect()
}

#[test]
fn each_cell_error_names_its_place_and_code() {
    let form = demo::college();
    let mut bad = valid_college_row(2);
    bad.insert("course", "7");
    bad.insert("code", "Экономика");
    bad.remove("subject_a");
    bad.insert("digital", "много");
    bad.insert("subject_b", "Астрология");
    let errors = validate(&form, &college_data(vec![valid_college_row(1), bad]));
    assert_eq!(
        codes(&errors),
        vec![
            (2, Some("code"), CellCode::PatternMismatch),
            (2, Some("subject_a"), CellCode::Required),
            (2, Some("subject_b"), CellCode::NotInList),
            (2, Some("course"), CellCode::OutOfRange),
            (2, Some("digital"), CellCode::NotInteger),
        ]
    );
    assert_eq!(errors[3].message, "Число должно быть между 1 и 6");
    assert_eq!(
        errors[3].located(&form, 1),
        "Лист «СПЕЦИАЛЬНОСТИ», строка 3, столбец «3. Курс, на котором выполняется обучение»: Число должно быть между 1 и 6"
    );
}

#[test]
fn sheet_rules_unique_compare_and_required_if() {
    let form = demo::college();
    let mut over = valid_college_row(3);
    over.insert("after_11", "5");
    let mut admitted = valid_college_row(4);
    admitted.insert("admitted", "Да");
    let errors = validate(
        &form,
        &college_data(vec![
            valid_college_row(1),
            valid_college_row(1),
            over,
            admitted,
        ]),
    );
    assert_eq!(
        codes(&errors),
        vec![
            (2, Some("code"), CellCode::Duplicate),
            (3, Some("after_9"), CellCode::ComparisonFailed),
            (4, Some("units"), CellCode::RequiredIf),
        ]
    );
    assert!(
        errors[0].message.contains("строке 1"),
        "{}",
        errors[0].message
    );
    assert_eq!(
        errors[1].message,
        "«3.2. на базе основного общего образования» + «3.3. на базе среднего общего образования» должно быть не больше «3.1. Количество обучающихся в 2022/2023 учебном году»"
    );
}

#[test]
fn at_most_five_days_per_subject_and_dates_in_the_window() {
    let form = demo::schedule();
    let mut data = FormData::blank(&form);
    let day = |n: u32| {
        row(&[
            ("subject", "Математика"),
            ("date1", &format!("2021-09-{:02}", 13 + n)),
            ("rooms1", "2"),
            ("participants1", "25"),
            ("participants2", "0"),
        ])
    };
    let mut rows: Vec<Row> = (0..6).map(day).collect();
    rows[1].insert("date1", "2021-12-01");
    data.sheets.insert("paper".into(), rows);
    for meta in data.sheets.get_mut("meta").unwrap() {
        meta.insert("participants1", "0");
        meta.insert("participants2", "0");
    }
    let errors = validate(&form, &data);
    assert_eq!(
        codes(&errors),
        vec![
            (2, Some("date1"), CellCode::DateOutOfRange),
            (6, Some("subject"), CellCode::TooManyRowsWithValue),
        ]
    );
    assert_eq!(
        errors[0].message,
        "Дата должна быть между 13.09.2021 и 16.10.2021"
    );
    assert!(
        errors[1]
            .message
            .starts_with("Количество дней по одному предмету")
    );
}

#[test]
fn fixed_rows_keep_their_presets_and_empty_free_rows_are_gaps() {
    let form = demo::schedule();
    let mut data = FormData::blank(&form);
    data.sheets.insert("paper".into(), vec![Row::new()]);
    let meta = data.sheets.get_mut("meta").unwrap();
    meta[0].insert("subject", "Физика");
    meta.pop();
    let errors = validate(&form, &data);
    let found = codes(&errors);
    assert!(found.contains(&(0, None, CellCode::RowCount)), "{found:?}");
    assert!(
        found.contains(&(1, Some("subject"), CellCode::LockedCell)),
        "{found:?}"
    );
    assert!(
        !errors.iter().any(|e| e.sheet == "paper"),
        "an empty free row asks for nothing: {errors:?}"
    );
}

#[test]
fn unknown_sheets_and_columns_are_reported() {
    let form = demo::college();
    let mut data = college_data(vec![valid_college_row(1)]);
    data.sheets.get_mut("specialties").unwrap()[0].insert("extra", "1");
    data.sheets.insert("other".into(), vec![]);
    let errors = validate(&form, &data);
    assert_eq!(
        codes(&errors),
        vec![
            (0, None, CellCode::Unknown),
            (1, Some("extra"), CellCode::Unknown)
        ]
    );
}

/// A valid college row from generated numbers.
fn generated_row(
    index: usize,
    (students, a, b, course, admitted, units): (u32, u32, u32, u32, bool, Option<u32>),
) -> Row {
    let after_9 = a % (students + 1);
    let after_11 = b % (students - after_9 + 1);
    let mut r = row(&[
        (
            "code",
            &format!("{:02}.02.{:02} Специальность", index / 100, index % 100),
        ),
        ("subject_a", "Физика"),
        ("subject_b", "Химия"),
        ("course", &course.to_string()),
        ("students", &students.to_string()),
        ("after_9", &after_9.to_string()),
        ("after_11", &after_11.to_string()),
        ("digital", "0"),
        ("admitted", if admitted { "Да" } else { "Нет" }),
    ]);
    if admitted || units.is_some() {
        r.insert("units", units.unwrap_or(1).to_string());
    }
    r
}

fn college_rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            0u32..10_000,
            any::<u32>(),
            any::<u32>(),
            1u32..=6,
            any::<bool>(),
            prop::option::of(0u32..10_000),
        ),
        0..40,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| generated_row(i, r))
            .collect()
    })
}

/// A mutation of one cell and the one error it must cause.
#[derive(Clone, Debug)]
enum Mutation {
    CourseOutOfRange,
    BadCode,
    MissingSubject,
    StudentsNotNumber,
    TooManyAfter9,
    AdmittedWithoutUnits,
}

impl Mutation {
    fn apply(&self, row: &mut Row) -> (&'static str, CellCode) {
        let mut set = |k: &str, v: String| row.insert(k, v);
        match self {
            Mutation::CourseOutOfRange => {
                set("course", "7".into());
                ("course", CellCode::OutOfRange)
            }
            Mutation::BadCode => {
                set("code", "без кода".into());
                ("code", CellCode::PatternMismatch)
            }
            Mutation::MissingSubject => {
                row.remove("subject_a");
                ("subject_a", CellCode::Required)
            }
            Mutation::StudentsNotNumber => {
                set("students", "тридцать".into());
                ("students", CellCode::NotInteger)
            }
            Mutation::TooManyAfter9 => {
                let students: u32 = row["students"].parse().unwrap();
                row.insert("after_9", (students + 1).to_string());
                ("after_9", CellCode::ComparisonFailed)
            }
            Mutation::AdmittedWithoutUnits => {
                row.insert("admitted", "Да");
                row.remove("units");
                ("units", CellCode::RequiredIf)
            }
        }
    }
}

proptest! {
    #[test]
    fn generated_valid_data_has_no_errors(rows in college_rows()) {
        let form = demo::college();
        prop_assert_eq!(validate(&form, &college_data(rows)), vec![]);
    }

    #[test]
    fn one_mutated_cell_yields_exactly_its_error(
        mut rows in college_rows().prop_filter("needs a row", |r| !r.is_empty()),
        pick in any::<prop::sample::Index>(),
        mutation in prop_oneof![
            Just(Mutation::CourseOutOfRange),
            Just(Mutation::BadCode),
            Just(Mutation::MissingSubject),
            Just(Mutation::StudentsNotNumber),
            Just(Mutation::TooManyAfter9),
            Just(Mutation::AdmittedWithoutUnits),
        ],
    ) {
        let form = demo::college();
        let index = pick.index(rows.len());
        let (column, code) = mutation.apply(&mut rows[index]);
        let errors = validate(&form, &college_data(rows));
        prop_assert_eq!(codes(&errors), vec![(index as u32 + 1, Some(column), code)]);
    }
}

/// A change people make: a cell typed (valid, invalid or cleared), a row added
/// or deleted; `pick` chooses the row among those there.
fn change_strategy() -> impl Strategy<Value = (u8, prop::sample::Index, &'static str, &'static str)>
{
    (
        0u8..4,
        any::<prop::sample::Index>(),
        prop::sample::select(vec![
            "code", "course", "students", "after_9", "admitted", "units",
        ]),
        prop::sample::select(vec![
            "",
            "3",
            "40",
            "7",
            "Да",
            "тридцать",
            "38.02.01 Экономика",
        ]),
    )
}

proptest! {
    #[test]
    fn checking_only_what_changed_finds_what_checking_everything_finds(
        rows in college_rows(),
        steps in prop::collection::vec(change_strategy(), 1..30),
    ) {
        let form = demo::college();
        let mut data = college_data(rows);
        let mut validation = super::validate::Validation::new(&form, &data);
        for (kind, pick, column, value) in steps {
            let rows = data.rows("specialties").len() as u32;
            let row = pick.index(rows as usize + 1) as u32 + 1;
            let sheet = "specialties".to_owned();
            let change = match kind {
                0 | 1 => Change::Set { sheet, row, column: column.into(), value: value.into() },
                2 => Change::InsertRow { sheet, row },
                _ if rows > 0 => Change::DeleteRow { sheet, row: row.min(rows) },
                _ => continue,
            };
            let changes = [change];
            if data.apply(&form, &changes).is_ok() {
                validation.update(&form, &data, &changes);
            }
            prop_assert_eq!(validation.errors(), validate(&form, &data));
        }
    }
}

/// The checks of `data`'s college sheet, its rows pushed one at a time as an
/// upload's converter pushes them.
fn checked_as_read<'a>(form: &'a super::FormDefinition, data: &FormData) -> super::RowsChecked<'a> {
    let mut checked = super::RowsChecked::of(&form.sheets[0]).expect("a free sheet");
    for row in data.rows("specialties") {
        checked.push(row);
    }
    checked
}

proptest! {
    #[test]
    fn rows_checked_as_they_come_find_what_checking_everything_finds(
        rows in college_rows(),
        steps in prop::collection::vec(change_strategy(), 0..20),
    ) {
        let form = demo::college();
        let mut data = college_data(rows);
        for (_, pick, column, value) in steps {
            let rows = data.rows("specialties").len();
            if rows == 0 {
                break;
            }
            let row = pick.index(rows) as u32 + 1;
            let sheet = "specialties".to_owned();
            let _ = data.apply(&form, &[Change::Set { sheet, row, column: column.into(), value: value.into() }]);
        }
        let checked = checked_as_read(&form, &data);
        prop_assert_eq!(super::validate_checked(&form, &data, vec![checked]), validate(&form, &data));
    }
}

#[test]
fn checks_of_other_rows_are_not_taken_and_derived_sheets_are_not_checked_ahead() {
    let form = demo::college();
    let before = college_data((0..3).map(valid_college_row).collect());
    let mut now = before.clone();
    now.sheets
        .get_mut("specialties")
        .expect("the sheet")
        .push(row(&[("code", "x")]));
    let stale = checked_as_read(&form, &before);
    let errors = super::validate_checked(&form, &now, vec![stale]);
    assert!(!errors.is_empty(), "the fourth row is read, not skipped");
    assert_eq!(errors, validate(&form, &now));
    // Fixed rows are placed by their presets and calculated cells are filled
    // after reading: neither is checked ahead.
    let schedule = demo::schedule();
    let fixed = schedule
        .sheet(demo::schedule_fixed_sheet_key())
        .expect("the fixed sheet");
    assert!(super::RowsChecked::of(fixed).is_none());
    let (vpr, _) = demo::vpr_info_filled(1);
    let classes = vpr
        .sheets
        .iter()
        .find(|s| s.has_formulas())
        .expect("a calculated sheet");
    assert!(super::RowsChecked::of(classes).is_none());
}

#[test]
fn the_benchmarks_filled_college_form_is_valid() {
    let (form, data) = super::demo::college_filled(300);
    assert_eq!(data.rows("specialties").len(), 300);
    assert_eq!(validate(&form, &data), vec![]);
}

mod calculated {
    use super::*;
    use crate::forms::{check::check_definition, demo::vpr_classes};

    fn set(row: u32, column: &str, value: &str) -> Change {
        Change::set("classes", row, column, value)
    }

    #[test]
    fn cells_follow_their_formulas_as_the_row_is_typed() {
        let form = vpr_classes();
        assert_eq!(check_definition(&form), vec![]);
        let mut data = FormData::blank(&form);
        data.apply(&form, &[set(1, "class", "5А"), set(1, "students", "24")])
            .expect("applied");
        let first = |data: &FormData| data.rows("classes")[0].clone();
        assert_eq!(first(&data).get("participants"), None, "nothing to add yet");
        assert_eq!(first(&data).get("share"), Some("0"));
        data.apply(
            &form,
            &[set(1, "russian", "20"), set(1, "mathematics", "3")],
        )
        .expect("applied");
        assert_eq!(first(&data).get("participants"), Some("23"));
        assert_eq!(
            first(&data).get("share"),
            Some("95.8"),
            "rounded to one place"
        );
        data.apply(&form, &[set(1, "mathematics", "")])
            .expect("applied");
        assert_eq!(first(&data).get("participants"), Some("20"));
        assert_eq!(validate(&form, &data), vec![]);
    }

    #[test]
    fn a_calculated_cell_is_not_typed_and_comes_back_with_an_undone_row() {
        let form = vpr_classes();
        let mut data = FormData::blank(&form);
        data.apply(&form, &[set(1, "class", "5А"), set(1, "russian", "7")])
            .expect("applied");
        let refused = data
            .apply(&form, &[set(1, "participants", "100")])
            .expect_err("a calculated cell");
        assert_eq!(refused.code, CellCode::LockedCell);
        assert_eq!(
            refused.message,
            "Эта ячейка вычисляется по формуле и не изменяется"
        );
        let before = data.clone();
        let delete = [Change::DeleteRow {
            sheet: "classes".into(),
            row: 1,
        }];
        let undo = data.apply_undoable(&form, &delete).expect("deleted");
        data.apply(&form, &undo).expect("undone");
        assert_eq!(data, before, "the row is back with its computed total");
    }

    #[test]
    fn decimals_limit_what_is_typed() {
        let form = vpr_classes();
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[
                set(1, "class", "5А"),
                set(1, "students", "20"),
                set(1, "area", "52,25"),
            ],
        )
        .expect("applied");
        let errors = validate(&form, &data);
        assert_eq!(
            codes(&errors),
            vec![(1, Some("area"), CellCode::TooManyDecimals)]
        );
        assert_eq!(errors[0].message, "Не больше 1 знака после запятой");
    }

    #[test]
    fn a_wrong_formula_is_named_where_it_is() {
        let mut form = vpr_classes();
        let columns = &mut form.sheets[0].columns;
        columns[4].formula = Some("СУММ(russian; nobody)".into());
        columns[5].formula = Some("class * 2".into());
        columns[6].formula = Some("area + 1".into());
        columns[1].formula = Some("participants".into());
        columns[2].formula = Some("students".into());
        columns[3].formula = Some("(russian".into());
        let found: Vec<(String, String)> = check_definition(&form)
            .into_iter()
            .map(|p| (p.field.unwrap_or_default(), p.message))
            .collect();
        let about = |field: &str| -> Vec<&str> {
            found
                .iter()
                .filter(|(f, _)| f == field)
                .map(|(_, m)| m.as_str())
                .collect()
        };
        assert_eq!(
            about("sheets[0].columns[4].formula"),
            ["Формула ссылается на неизвестные столбцы: nobody"]
        );
        assert_eq!(
            about("sheets[0].columns[5].formula"),
            [
                "В вычислениях участвуют только числовые столбцы (текстовые можно только считать функцией СЧЁТ): «Класс»"
            ]
        );
        assert_eq!(
            about("sheets[0].columns[6].formula"),
            ["Формулы ссылаются друг на друга по кругу: area → area"]
        );
        assert_eq!(
            about("sheets[0].columns[3].formula"),
            ["Не хватает закрывающей скобки «)»"]
        );
        assert_eq!(
            about("sheets[0].columns[1].required"),
            ["Вычисляемый столбец заполняется сам: он не бывает обязательным"]
        );
        assert!(
            about("sheets[0].columns[2].formula")
                .contains(&"Формулы ссылаются друг на друга по кругу: russian → students → participants → russian"),
            "{found:?}"
        );
    }
}

mod across_sheets {
    use super::*;
    use crate::forms::{
        CompareOp, FormRule, SheetColumn, check::check_definition, demo::vpr_info_filled,
        validate::Validation,
    };

    #[test]
    fn a_looked_up_value_and_the_sheets_totals_are_checked_as_the_data_changes() {
        let (form, mut data) = vpr_info_filled(3);
        assert_eq!(check_definition(&form), vec![]);
        assert_eq!(validate(&form, &data), vec![]);
        let mut checked = Validation::new(&form, &data);
        let changes = [
            Change::set("rooms", 2, "class", "11-Я"),
            Change::set("rooms", 1, "seats", "1"),
            Change::set("rooms", 3, "seats", "1"),
        ];
        data.apply(&form, &changes).expect("applied");
        checked.update(&form, &data, &changes);
        let errors = validate(&form, &data);
        assert_eq!(
            checked.errors(),
            errors,
            "checking what changed equals checking all"
        );
        assert_eq!(
            codes(&errors),
            vec![
                (2, Some("class"), CellCode::NotFoundInSheet),
                (0, Some("seats"), CellCode::TotalsDiffer),
            ]
        );
        assert_eq!(
            errors[0].message,
            "Значения «11-Я» нет в столбце «Класс» на листе «КЛАССЫ»"
        );
        assert_eq!(
            errors[1].message,
            "Сумма «Мест» на листе «АУДИТОРИИ» (32) должна быть не меньше суммы «Участников всего» на листе «КЛАССЫ» (57)"
        );
        // A change on the classes sheet alone re-checks the look-up too.
        let renamed = [Change::set("classes", 2, "class", "11-Я")];
        data.apply(&form, &renamed).expect("applied");
        checked.update(&form, &data, &renamed);
        assert_eq!(checked.errors(), validate(&form, &data));
        assert!(!codes(&checked.errors()).contains(&(2, Some("class"), CellCode::NotFoundInSheet)));
    }

    #[test]
    fn a_rule_between_sheets_reads_existing_number_columns() {
        let (mut form, _) = vpr_info_filled(1);
        form.rules.push(FormRule::Totals {
            left: SheetColumn {
                sheet: "rooms".into(),
                column: "room".into(),
            },
            op: CompareOp::Eq,
            right: SheetColumn {
                sheet: "nowhere".into(),
                column: "x".into(),
            },
            message: None,
        });
        let found: Vec<(Option<String>, String)> = check_definition(&form)
            .into_iter()
            .map(|p| (p.field, p.message))
            .collect();
        assert_eq!(
            found,
            vec![
                (
                    Some("rules[2]".to_owned()),
                    "Складывать можно только числовые столбцы, а «Аудитория» — нет".to_owned()
                ),
                (
                    Some("rules[2]".to_owned()),
                    "Правило ссылается на неизвестный столбец nowhere.x".to_owned()
                ),
            ]
        );
    }
}

mod several_values {
    use super::*;
    use crate::forms::{
        ColumnDef, ColumnType, FormDefinition, SheetDef, check::check_definition, value,
    };

    fn subjects() -> ColumnDef {
        let mut column = ColumnDef::new("subjects", "Предметы", ColumnType::List);
        column.values = ["Математика", "Русский язык", "Физика"]
            .map(String::from)
            .to_vec();
        column.multiple = true;
        column
    }

    fn teachers() -> FormDefinition {
        FormDefinition {
            lists: Default::default(),
            title: "Педагоги".into(),
            sheets: vec![SheetDef {
                totals: Vec::new(),
                shown_if: None,
                key: "teachers".into(),
                title: "ПЕДАГОГИ".into(),
                hint: String::new(),
                columns: vec![ColumnDef::new("name", "ФИО", ColumnType::Text), subjects()],
                fixed_rows: Vec::new(),
                max_rows: None,
                rules: Vec::new(),
            }],
            rules: Vec::new(),
        }
    }

    #[test]
    fn a_cell_holds_several_of_the_lists_values_in_its_order() {
        let column = subjects();
        assert_eq!(
            value::normalize(&column, " физика;математика ; Физика; "),
            "Математика; Физика"
        );
        assert_eq!(value::normalize(&column, "русский язык"), "Русский язык");
        let form = teachers();
        assert_eq!(check_definition(&form), vec![]);
        let mut data = FormData::blank(&form);
        let set = |value: &str| Change::set("teachers", 1, "subjects", value);
        data.apply(&form, &[set("Физика; математика")])
            .expect("applied");
        assert_eq!(
            data.rows("teachers")[0].get("subjects"),
            Some("Математика; Физика")
        );
        assert_eq!(validate(&form, &data), vec![]);
        data.apply(&form, &[set("Физика; Физкультура; Пение")])
            .expect("kept as typed");
        let errors = validate(&form, &data);
        assert_eq!(
            codes(&errors),
            vec![(1, Some("subjects"), CellCode::NotInList)]
        );
        assert_eq!(
            errors[0].message,
            "Нет в списке: «Физкультура», «Пение». Выберите одно или несколько значений через «;»"
        );
    }

    #[test]
    fn only_a_list_takes_several_values_and_none_of_them_holds_a_separator() {
        let mut form = teachers();
        form.sheets[0].columns[0].multiple = true;
        form.sheets[0].columns[1]
            .values
            .push("Труд; технология".into());
        let fields = problem_fields(&form);
        assert_eq!(
            fields,
            [
                "sheets[0].columns[0].multiple",
                "sheets[0].columns[1].values"
            ]
        );
    }
}

mod conditions {
    use super::*;
    use crate::forms::{
        ColumnDef, ColumnType, Condition, FormDefinition, SheetDef, check::check_definition,
    };

    fn admissions() -> FormDefinition {
        let mut units = ColumnDef::new("units", "Единиц", ColumnType::Integer);
        units.required = true;
        units.shown_if = Some(Condition {
            column: "admitted".into(),
            equals: Some("да".into()),
        });
        let mut note = ColumnDef::new("note", "Пояснение", ColumnType::Text);
        note.shown_if = Some(Condition {
            column: "admitted".into(),
            equals: None,
        });
        note.keep_hidden = true;
        FormDefinition {
            lists: Default::default(),
            title: "Поступление".into(),
            sheets: vec![SheetDef {
                totals: Vec::new(),
                shown_if: None,
                key: "admissions".into(),
                title: "ПОСТУПЛЕНИЕ".into(),
                hint: String::new(),
                columns: vec![
                    ColumnDef::new("code", "Код", ColumnType::Text),
                    ColumnDef::new("admitted", "Наличие поступления", ColumnType::YesNo),
                    units,
                    note,
                ],
                fixed_rows: Vec::new(),
                max_rows: None,
                rules: Vec::new(),
            }],
            rules: Vec::new(),
        }
    }

    fn set(column: &str, value: &str) -> Change {
        Change::set("admissions", 1, column, value)
    }

    #[test]
    fn a_column_is_asked_for_only_where_its_condition_holds() {
        let form = admissions();
        assert_eq!(check_definition(&form), vec![]);
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[set("code", "01"), set("units", "5"), set("note", "уточним")],
        )
        .expect("applied");
        let row = |data: &FormData| data.rows("admissions")[0].clone();
        assert_eq!(row(&data).get("units"), None, "hidden, so cleared");
        assert_eq!(row(&data).get("note"), Some("уточним"), "hidden, but kept");
        assert_eq!(
            validate(&form, &data),
            vec![],
            "nothing hidden is asked for"
        );
        data.apply(&form, &[set("admitted", "да")])
            .expect("applied");
        let errors = validate(&form, &data);
        assert_eq!(codes(&errors), vec![(1, Some("units"), CellCode::Required)]);
        data.apply(&form, &[set("units", "7")]).expect("applied");
        assert_eq!(validate(&form, &data), vec![]);
        data.apply(&form, &[set("admitted", "нет")])
            .expect("applied");
        assert_eq!(row(&data).get("units"), None, "hidden again, cleared again");
        assert_eq!(
            form.sheets[0].columns[2]
                .condition_ru(&form.sheets[0])
                .as_deref(),
            Some("Заполняется, только если «Наличие поступления» = «Да»")
        );
    }

    #[test]
    fn a_condition_reads_another_column_with_a_value_it_takes() {
        let mut form = admissions();
        let columns = &mut form.sheets[0].columns;
        columns[2].shown_if = Some(Condition {
            column: "admitted".into(),
            equals: Some("может быть".into()),
        });
        columns[3].shown_if = Some(Condition {
            column: "note".into(),
            equals: None,
        });
        columns[0].keep_hidden = true;
        let fields = problem_fields(&form);
        assert_eq!(
            fields,
            [
                "sheets[0].columns[0].keep_hidden",
                "sheets[0].columns[2].shown_if",
                "sheets[0].columns[3].shown_if"
            ]
        );
    }
}

mod prefilled {
    use super::*;
    use crate::{
        forms::{
            ColumnDef, ColumnType, FormDefinition, Prefill, SheetDef, check::check_definition,
        },
        passport::PassportField,
    };

    fn about() -> FormDefinition {
        let prefilled = |key: &str, title: &str, field: Prefill, locked: bool| {
            let mut column = ColumnDef::new(key, title, ColumnType::Text);
            column.prefill = Some(field);
            column.prefill_locked = locked;
            column
        };
        FormDefinition {
            lists: Default::default(),
            title: "Сведения об ОО".into(),
            sheets: vec![SheetDef {
                totals: Vec::new(),
                shown_if: None,
                key: "about".into(),
                title: "ОБЩИЕ СВЕДЕНИЯ".into(),
                hint: String::new(),
                columns: vec![
                    prefilled(
                        "name",
                        "Наименование",
                        Prefill::Passport(PassportField::ShortName),
                        true,
                    ),
                    prefilled(
                        "head",
                        "Руководитель",
                        Prefill::Passport(PassportField::Head),
                        false,
                    ),
                    ColumnDef::new("classes", "Классов", ColumnType::Integer),
                ],
                fixed_rows: Vec::new(),
                max_rows: None,
                rules: Vec::new(),
            }],
            rules: Vec::new(),
        }
    }

    /// A school's facts: its passport, and `earlier` as its earlier submission.
    struct School {
        earlier: Option<FormData>,
    }

    impl crate::forms::PrefillFacts for School {
        fn fact(&self, field: Prefill) -> String {
            match field {
                Prefill::Passport(PassportField::ShortName) => "МБОУ Гимназия № 1".into(),
                Prefill::Passport(PassportField::Head) => "Иванова Мария Петровна".into(),
                _ => String::new(),
            }
        }

        fn earlier(&self) -> Option<&FormData> {
            self.earlier.as_ref()
        }
    }

    const PASSPORT: School = School { earlier: None };

    #[test]
    fn a_draft_starts_with_the_passports_values_and_keeps_the_locked_ones() {
        let form = about();
        assert_eq!(check_definition(&form), vec![]);
        let mut data = FormData::blank(&form);
        data.prefill(&form, &PASSPORT, false);
        let first = |data: &FormData| data.rows("about")[0].clone();
        assert_eq!(first(&data).get("name"), Some("МБОУ Гимназия № 1"));
        assert_eq!(first(&data).get("head"), Some("Иванова Мария Петровна"));
        let refused = data
            .apply(&form, &[Change::set("about", 1, "name", "Другая школа")])
            .expect_err("locked");
        assert_eq!(refused.code, CellCode::LockedCell);
        assert!(
            refused.message.contains("из паспорта"),
            "{}",
            refused.message
        );
        data.apply(&form, &[Change::set("about", 1, "head", "Петров П. П.")])
            .expect("the head may be corrected");
        // A file brought another name: the locked cell gets the passport's back,
        // the editable one keeps what the file said.
        data.sheets.get_mut("about").unwrap()[0].insert("name", "Другая школа");
        data.prefill(&form, &PASSPORT, true);
        assert_eq!(first(&data).get("name"), Some("МБОУ Гимназия № 1"));
        assert_eq!(first(&data).get("head"), Some("Петров П. П."));
        // Only the first row of a free sheet is prefilled and locked.
        assert!(form.sheets[0].is_locked(0, "name"));
        assert!(!form.sheets[0].is_locked(1, "name"));
    }

    /// Participants per subject (fixed rows), last time's beside this time's.
    fn participants() -> FormDefinition {
        let mut last = ColumnDef::new("last", "Участников в прошлый раз", ColumnType::Integer);
        last.prefill = Some(Prefill::Earlier(crate::forms::Earlier::LastTime));
        last.prefill_from = Some("participants".into());
        last.prefill_locked = true;
        let mut again = ColumnDef::new("participants", "Участников", ColumnType::Integer);
        again.prefill = Some(Prefill::Earlier(crate::forms::Earlier::LastTime));
        FormDefinition {
            lists: Default::default(),
            title: "Участники".into(),
            sheets: vec![SheetDef {
                totals: Vec::new(),
                shown_if: None,
                key: "subjects".into(),
                title: "Предметы".into(),
                hint: String::new(),
                columns: vec![
                    ColumnDef::new("subject", "Предмет", ColumnType::Text),
                    last,
                    again,
                ],
                fixed_rows: ["Математика", "Физика", "Химия"]
                    .map(|s| Row::from([("subject", s)]))
                    .to_vec(),
                max_rows: None,
                rules: Vec::new(),
            }],
            rules: Vec::new(),
        }
    }

    #[test]
    fn last_times_values_fill_the_rows_with_the_same_presets_and_lock_as_told() {
        let form = participants();
        assert_eq!(check_definition(&form), vec![]);
        // Last time the rows were in another order, and chemistry was not there.
        let earlier = FormData {
            sheets: [(
                "subjects".to_owned(),
                vec![
                    Row::from([("subject", "Физика"), ("participants", "12")]),
                    Row::from([("subject", "Математика"), ("participants", "25")]),
                ],
            )]
            .into(),
        };
        let school = School {
            earlier: Some(earlier),
        };
        let mut data = FormData::blank(&form);
        data.prefill(&form, &school, false);
        let cells = |data: &FormData, key: &str| -> Vec<Option<String>> {
            data.rows("subjects")
                .iter()
                .map(|row| row.get(key).map(str::to_owned))
                .collect()
        };
        let numbers = |values: [Option<&str>; 3]| values.map(|v| v.map(str::to_owned)).to_vec();
        assert_eq!(
            cells(&data, "last"),
            numbers([Some("25"), Some("12"), None])
        );
        // «Как в прошлом году»: this time's column starts as last time's, editable.
        assert_eq!(
            cells(&data, "participants"),
            numbers([Some("25"), Some("12"), None])
        );
        data.apply(&form, &[Change::set("subjects", 1, "participants", "27")])
            .expect("this time's value may change");
        let refused = data
            .apply(&form, &[Change::set("subjects", 1, "last", "30")])
            .expect_err("last time's is locked");
        assert_eq!(refused.code, CellCode::LockedCell);
        assert!(
            refused.message.contains("прошлой сдачи"),
            "{}",
            refused.message
        );
        // The editor says where each prefilled cell came from.
        let note = |at: usize| form.sheets[0].columns[at].prefill_note();
        assert_eq!(note(0), None);
        assert_eq!(
            note(1).as_deref(),
            Some("Заполнено из прошлой сдачи формы; не изменяется")
        );
        assert_eq!(
            note(2).as_deref(),
            Some("Заполнено из прошлой сдачи формы; можно исправить")
        );
        // An organisation without an earlier submission starts empty.
        let mut first_time = FormData::blank(&form);
        first_time.prefill(&form, &PASSPORT, false);
        assert_eq!(cells(&first_time, "last"), numbers([None, None, None]));
        // Only «last_time» names a column of last time; a formula is never prefilled.
        let mut wrong = participants();
        wrong.sheets[0].columns[0].prefill_from = Some("participants".into());
        wrong.sheets[0].columns[2].formula = Some("last".into());
        assert_eq!(
            problem_fields(&wrong),
            [
                "sheets[0].columns[0].prefill_from",
                "sheets[0].columns[2].prefill"
            ]
        );
    }

    #[test]
    fn a_source_is_written_as_its_name() {
        let read = |name: &str| serde_json::from_value::<Prefill>(serde_json::json!(name)).ok();
        assert_eq!(read("head"), Some(Prefill::Passport(PassportField::Head)));
        assert_eq!(
            read("municipality"),
            Some(Prefill::Roster(crate::forms::RosterFact::Municipality))
        );
        assert_eq!(
            read("last_time"),
            Some(Prefill::Earlier(crate::forms::Earlier::LastTime))
        );
        assert_eq!(read("favourite_colour"), None);
        assert_eq!(
            serde_json::to_value(Prefill::Roster(crate::forms::RosterFact::Region)).unwrap(),
            "region"
        );
    }

    #[test]
    fn only_text_columns_are_prefilled() {
        let mut form = about();
        form.sheets[0].columns[2].prefill = Some(Prefill::Passport(PassportField::Phone));
        form.sheets[0].columns[1].prefill_locked = true;
        form.sheets[0].columns[1].prefill = None;
        assert_eq!(
            problem_fields(&form),
            [
                "sheets[0].columns[1].prefill_locked",
                "sheets[0].columns[2].prefill"
            ]
        );
    }
}

mod named_lists {
    use super::*;
    use crate::forms::demo;

    #[test]
    fn a_list_is_defined_once_and_named_by_its_columns() {
        let mut form = demo::vpr_info();
        let subjects: Vec<String> = ["Математика", "Русский язык"].map(String::from).to_vec();
        form.lists.insert("subjects".into(), subjects.clone());
        let mut column =
            crate::forms::ColumnDef::new("subjects", "Предметы", crate::forms::ColumnType::List);
        column.list = Some("subjects".into());
        form.sheets[1].columns.push(column.clone());
        column.key = "more".into();
        column.list = Some("nowhere".into());
        form.sheets[0].columns.push(column);
        form.resolve_lists(&Default::default());
        assert_eq!(form.sheets[1].columns[3].values, subjects);
        assert_eq!(
            problem_fields(&form),
            ["sheets[0].columns[7].list"],
            "an unknown list is named once, at the name, not again at the values it left empty"
        );
        form.lists.insert("empty".into(), Vec::new());
        assert!(problem_fields(&form).contains(&"lists.empty".to_owned()));
    }
}

mod conditional_sheets {
    use super::*;
    use crate::forms::{
        ColumnDef, ColumnType, FormDefinition, SheetCondition, SheetDef, validate::Validation,
    };

    fn with_branches() -> FormDefinition {
        let sheet = |key: &str, title: &str, columns: Vec<ColumnDef>| SheetDef {
            totals: Vec::new(),
            shown_if: None,
            key: key.into(),
            title: title.into(),
            hint: String::new(),
            columns,
            fixed_rows: Vec::new(),
            max_rows: None,
            rules: Vec::new(),
        };
        let mut address = ColumnDef::new("address", "Адрес филиала", ColumnType::Text);
        address.required = true;
        let phone = ColumnDef::new("phone", "Телефон филиала", ColumnType::Text);
        let mut branches = sheet("branches", "ФИЛИАЛЫ", vec![address, phone]);
        branches.shown_if = Some(SheetCondition {
            sheet: "about".into(),
            column: "has_branches".into(),
            equals: Some("да".into()),
        });
        FormDefinition {
            lists: Default::default(),
            rules: Vec::new(),
            title: "Сведения об ОО".into(),
            sheets: vec![
                sheet(
                    "about",
                    "ОБЩИЕ СВЕДЕНИЯ",
                    vec![ColumnDef::new(
                        "has_branches",
                        "Есть филиалы",
                        ColumnType::YesNo,
                    )],
                ),
                branches,
            ],
        }
    }

    #[test]
    fn a_sheet_is_asked_for_only_when_another_says_so() {
        let form = with_branches();
        assert_eq!(problem_fields(&form), Vec::<String>::new());
        let mut data = FormData::blank(&form);
        let mut checked = Validation::new(&form, &data);
        let changes = [
            Change::set("about", 1, "has_branches", "Нет"),
            Change::InsertRow {
                sheet: "branches".into(),
                row: 1,
            },
            Change::set("branches", 1, "phone", "+7 391 200-00-00"),
        ];
        data.apply(&form, &changes).expect("applied");
        checked.update(&form, &data, &changes);
        assert_eq!(checked.errors(), vec![], "the branches are not asked for");
        assert_eq!(validate(&form, &data), vec![]);
        let yes = [Change::set("about", 1, "has_branches", "да")];
        data.apply(&form, &yes).expect("applied");
        checked.update(&form, &data, &yes);
        let errors = validate(&form, &data);
        assert_eq!(
            checked.errors(),
            errors,
            "a change on the deciding sheet re-checks it"
        );
        assert_eq!(
            codes(&errors),
            vec![(1, Some("address"), CellCode::Required)]
        );
        assert_eq!(
            form.sheet_condition_ru(&form.sheets[1]).as_deref(),
            Some(
                "Лист заполняется, только если на листе «ОБЩИЕ СВЕДЕНИЯ» в столбце «Есть филиалы» указано «Да»"
            )
        );
    }

    #[test]
    fn a_sheets_condition_reads_another_sheets_column() {
        let mut form = with_branches();
        form.sheets[1].shown_if.as_mut().unwrap().column = "nothing".into();
        assert_eq!(problem_fields(&form), ["sheets[1].shown_if"]);
        form.sheets[1].shown_if.as_mut().unwrap().sheet = "branches".into();
        assert_eq!(problem_fields(&form), ["sheets[1].shown_if"]);
    }
}

mod a_condition_on_a_calculated_column {
    use super::*;
    use crate::forms::{ColumnDef, ColumnType, Condition, FormDefinition, SheetDef};

    #[test]
    fn is_decided_by_the_value_this_write_computes() {
        let mut total = ColumnDef::new("total", "Участников", ColumnType::Integer);
        total.formula = Some("a + b".into());
        let mut reason = ColumnDef::new("reason", "Почему никто", ColumnType::Text);
        reason.shown_if = Some(Condition {
            column: "total".into(),
            equals: Some("0".into()),
        });
        let form = FormDefinition {
            lists: Default::default(),
            rules: Vec::new(),
            title: "Участие".into(),
            sheets: vec![SheetDef {
                totals: Vec::new(),
                shown_if: None,
                key: "s".into(),
                title: "УЧАСТИЕ".into(),
                hint: String::new(),
                columns: vec![
                    ColumnDef::new("a", "А", ColumnType::Integer),
                    ColumnDef::new("b", "Б", ColumnType::Integer),
                    total,
                    reason,
                ],
                fixed_rows: Vec::new(),
                max_rows: None,
                rules: Vec::new(),
            }],
        };
        assert_eq!(problem_fields(&form), Vec::<String>::new());
        let mut data = FormData::blank(&form);
        data.apply(
            &form,
            &[
                Change::set("s", 1, "a", "0"),
                Change::set("s", 1, "reason", "каникулы"),
            ],
        )
        .expect("applied");
        assert_eq!(data.rows("s")[0].get("reason"), Some("каникулы"));
        data.apply(&form, &[Change::set("s", 1, "b", "5")])
            .expect("applied");
        assert_eq!(data.rows("s")[0].get("total"), Some("5"));
        assert_eq!(
            data.rows("s")[0].get("reason"),
            None,
            "hidden by the new total at once"
        );
    }
}

mod allowed_words {
    use super::*;
    use crate::forms::{check::check_definition, demo, validate};

    #[test]
    fn a_text_of_allowed_words_names_the_others() {
        let mut form = demo::vpr_classes();
        form.sheets[0].columns[0].words =
            ["очная", "заочная", "вечерняя"].map(String::from).to_vec();
        assert!(check_definition(&form).is_empty());
        let mut data = FormData::blank(&form);
        let set = |row, value: &str| Change::set("classes", row, "class", value);
        data.apply(
            &form,
            &[
                set(1, "Очная, заочная"),
                set(2, "очно-заочная"),
                set(3, "ВЕЧЕРНЯЯ;  очная"),
            ],
        )
        .unwrap();
        let wrong: Vec<(u32, String)> = validate(&form, &data)
            .into_iter()
            .filter(|e| e.code == CellCode::WordNotAllowed)
            .map(|e| (e.row, e.message))
            .collect();
        assert_eq!(
            wrong,
            [(
                2,
                "Недопустимые слова: «очно-заочная». Можно: очная, заочная, вечерняя".to_owned()
            )]
        );
    }

    #[test]
    fn allowed_words_are_single_distinct_words_of_a_text_column() {
        let mut form = demo::vpr_classes();
        form.sheets[0].columns[0].words = vec!["очная".into(), "очно заочная".into()];
        form.sheets[0].columns[1].words = vec!["очная".into()];
        let fields = problem_fields(&form);
        assert_eq!(
            fields,
            ["sheets[0].columns[0].words", "sheets[0].columns[1].words"]
        );
    }
}
