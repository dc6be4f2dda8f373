//! Forms described in Excel the way operators write them, and back.

use oko_domain::forms::totals::{Aggregate, TotalDef};
use oko_domain::forms::{FormDefinition, demo};
use oko_io::{
    form_description::{describe, read_description},
    form_import::{RawCell, RawSheet},
    workbook::{WorkbookLimits, read_xlsx},
};

fn through_excel(form: &FormDefinition) -> Vec<RawSheet> {
    let bytes = describe(form).expect("describable");
    read_xlsx(&bytes, WorkbookLimits::default()).expect("a workbook")
}

#[test]
fn the_demo_forms_survive_a_round_trip_through_excel() {
    for form in [
        demo::schedule(),
        demo::college(),
        demo::vpr_classes(),
        demo::vpr_info(),
    ] {
        let sheets = through_excel(&form);
        assert_eq!(sheets[0].name, "Форма");
        assert_eq!(read_description(&sheets), Ok(form));
    }
    // A list of several values, too.
    let mut form = demo::vpr_info();
    form.sheets[1].columns[2].kind = oko_domain::forms::ColumnType::List;
    form.sheets[1].columns[2].min = None;
    form.sheets[1].columns[2].max = None;
    form.sheets[1].columns[2].hint = String::new();
    form.sheets[1].columns[2].values = vec!["Математика".into(), "Физика".into()];
    form.sheets[1].columns[2].multiple = true;
    // its values from a list named once on «Форма»,
    form.lists
        .insert("subjects".into(), form.sheets[1].columns[2].values.clone());
    form.sheets[1].columns[2].list = Some("subjects".into());
    // and a column asked for only when another is filled, its hidden value kept.
    form.sheets[1].columns[1].shown_if = Some(oko_domain::forms::Condition {
        column: "room".into(),
        equals: None,
    });
    form.sheets[1].columns[1].keep_hidden = true;
    // and a column filled from the passport, locked.
    form.sheets[1].columns[0].prefill = Some(oko_domain::forms::Prefill::Roster(
        oko_domain::forms::RosterFact::Municipality,
    ));
    form.sheets[1].columns[0].prefill_locked = true;
    // and a column filled from last time's «seats» («как в прошлом году»).
    let seats = form.sheets[1].columns.len() - 1;
    form.sheets[1].columns[seats].prefill = Some(oko_domain::forms::Prefill::Earlier(
        oko_domain::forms::Earlier::LastTime,
    ));
    form.sheets[1].columns[seats].prefill_from = Some("seats".into());
    // and a sheet asked for only when another says so.
    form.sheets[1].shown_if = Some(oko_domain::forms::SheetCondition {
        sheet: "classes".into(),
        column: "students".into(),
        equals: Some("25".into()),
    });
    form.sheets[0].columns[6].shown_if = Some(oko_domain::forms::Condition {
        column: "students".into(),
        equals: Some("0".into()),
    });
    // and a text of allowed words, and a totals row.
    form.sheets[0].columns[0].words = vec!["очная".into(), "заочная".into()];
    form.sheets[0].totals = vec![
        "students".into(),
        "participants".into(),
        TotalDef::new("share", Aggregate::Average),
        TotalDef::new("class", Aggregate::Count),
    ];
    form.rules.pop();
    assert_eq!(read_description(&through_excel(&form)), Ok(form));
}

fn text(t: &str) -> RawCell {
    RawCell::Text(t.into())
}

/// A description as an operator types it: numbers as text, Russian type names,
/// values separated by `;`, a date typed as text.
fn typed_by_hand() -> Vec<RawSheet> {
    let header = [
        "Столбец",
        "Ключ",
        "Тип",
        "Обязательный",
        "Минимум",
        "Максимум",
        "Значения",
        "Дата с",
    ];
    vec![
        RawSheet {
            name: "Форма".into(),
            rows: vec![vec![text("Название формы"), text("Кадры")]],
        },
        RawSheet {
            name: "Педагоги".into(),
            rows: vec![
                vec![text("Ключ листа"), text("staff")],
                vec![text("Правило"), text("уникально: name")],
                vec![
                    text("Правило"),
                    text("young <= total"),
                    text("Молодых не больше, чем всех"),
                ],
                vec![],
                header.iter().map(|h| text(h)).collect(),
                vec![text("ФИО"), text("name"), text("текст"), text("да")],
                vec![
                    text("Всего"),
                    text("total"),
                    text("целое"),
                    text("Да"),
                    text("0"),
                    RawCell::Number(500.0),
                ],
                vec![
                    text("Молодые"),
                    text("young"),
                    text("целое"),
                    RawCell::Empty,
                    text("0"),
                ],
                vec![
                    text("Предмет"),
                    text("subject"),
                    text("Список"),
                    RawCell::Empty,
                    RawCell::Empty,
                    RawCell::Empty,
                    text("Математика; Физика"),
                ],
                vec![
                    text("С"),
                    text("since"),
                    text("дата"),
                    RawCell::Empty,
                    RawCell::Empty,
                    RawCell::Empty,
                    RawCell::Empty,
                    text("01.09.2026"),
                ],
            ],
        },
    ]
}

#[test]
fn a_description_typed_by_hand_reads() {
    let form = read_description(&typed_by_hand()).expect("valid");
    assert_eq!(form.title, "Кадры");
    let sheet = &form.sheets[0];
    assert_eq!(
        (sheet.key.as_str(), sheet.title.as_str()),
        ("staff", "Педагоги")
    );
    assert_eq!(sheet.columns.len(), 5);
    assert_eq!(sheet.columns[1].max, Some(500.0));
    assert!(sheet.columns[1].required && !sheet.columns[2].required);
    assert_eq!(sheet.columns[3].values, ["Математика", "Физика"]);
    assert_eq!(
        sheet.columns[4].date_from.map(|d| d.to_string()).as_deref(),
        Some("2026-09-01")
    );
    assert_eq!(sheet.rules.len(), 2);
}

fn messages(sheets: &[RawSheet]) -> Vec<String> {
    read_description(sheets)
        .unwrap_err()
        .into_iter()
        .map(|e| e.message)
        .collect()
}

#[test]
fn every_mistake_names_its_sheet_row_and_column() {
    let mut sheets = typed_by_hand();
    sheets[1].rows[5][2] = text("число с запятой");
    sheets[1].rows[6][4] = text("ноль");
    sheets[1].rows[2][1] = text("молодые не больше всех");
    assert_eq!(
        messages(&sheets),
        [
            "Лист «Педагоги», строка 3: Не удалось разобрать правило «молодые не больше всех»: ожидается «уникально: a, b», «a + b <= c», «не более 5 строк на значение: a», «если a = Да, то обязательно: b, c» или «если a заполнено, то обязательно: b»",
            "Лист «Педагоги», строка 6, столбец «Тип»: Неизвестный тип «число с запятой»: ожидается один из «текст», «целое», «число», «дата», «список», «да/нет», «файл»",
            "Лист «Педагоги», строка 7, столбец «Минимум»: Укажите число",
        ]
    );
}

#[test]
fn an_incoherent_definition_is_placed_in_the_description() {
    let mut sheets = typed_by_hand();
    sheets[1].rows[7][1] = text("total"); // the key of row 7 again, in row 8
    sheets[1].rows[9][4] = text("5"); // a minimum on a date column
    sheets[1].rows[1][1] = text("уникально: nobody");
    let found = read_description(&sheets).unwrap_err();
    let places: Vec<(Option<u32>, Option<&str>)> =
        found.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert!(places.contains(&(Some(8), Some("Ключ"))), "{found:?}");
    assert!(places.contains(&(Some(10), Some("Минимум"))), "{found:?}");
    assert!(places.contains(&(Some(2), None)), "{found:?}");
    assert!(found.iter().all(
        |e| e.code == "invalid_definition" && e.message.starts_with("Лист «Педагоги», строка ")
    ));
}

#[test]
fn a_workbook_without_the_form_sheet_or_the_column_table_says_so() {
    let mut sheets = typed_by_hand();
    sheets.remove(0);
    sheets[0].rows.truncate(3);
    assert_eq!(
        messages(&sheets),
        [
            "Лист «Форма»: В книге нет листа «Форма» с названием формы",
            "Лист «Педагоги»: Не найдена строка заголовков таблицы столбцов: в столбце A должно быть «Столбец»",
        ]
    );
}

#[test]
fn reading_and_definition_problems_come_back_in_one_answer() {
    let mut sheets = typed_by_hand();
    sheets[1].rows[6][4] = text("ноль"); // a reading problem in row 7
    sheets[1].rows[7][1] = text("total"); // a repeated key in row 8
    let found = read_description(&sheets).unwrap_err();
    let places: Vec<(Option<u32>, &str)> = found.iter().map(|e| (e.row, e.code.as_str())).collect();
    assert!(
        places.contains(&(Some(7), "invalid_description")),
        "{found:?}"
    );
    assert!(
        places.contains(&(Some(8), "invalid_definition")),
        "{found:?}"
    );
}

#[test]
fn an_empty_extra_sheet_is_ignored() {
    let mut sheets = typed_by_hand();
    sheets.push(RawSheet {
        name: "Лист2".into(),
        rows: vec![vec![RawCell::Empty, RawCell::Empty]],
    });
    let form = read_description(&sheets).expect("the empty sheet is no form sheet");
    assert_eq!(form.sheets.len(), 1);
}

#[test]
fn rules_between_sheets_and_formulas_are_placed_in_the_description() {
    let mut sheets = through_excel(&demo::vpr_info());
    // «Форма»: line 5 is the first rule between sheets, line 6 the second.
    assert_eq!(sheets[0].rows[4][0], text("Правило между листами"));
    sheets[0].rows[4][1] = text("rooms.class есть в classes.nobody");
    sheets[0].rows[5][1] = text("итого rooms.seats");
    // «КЛАССЫ»: a formula typed with «=», which Excel kept as its error.
    let header = sheets[1]
        .rows
        .iter()
        .position(|r| r.first() == Some(&text("Столбец")))
        .unwrap();
    let formula_at = sheets[1].rows[header]
        .iter()
        .position(|c| *c == text("Формула"))
        .unwrap();
    sheets[1].rows[header + 5][formula_at] = text("#NAME?");
    assert_eq!(
        messages(&sheets),
        [
            "Лист «Форма», строка 6: Не удалось разобрать правило «итого rooms.seats»: ожидается «participants.class есть в classes.class» или «сумма participants.count = сумма classes.participants»",
            "Лист «КЛАССЫ», строка 12, столбец «Формула»: Excel принял формулу за свою и не смог ее вычислить: запишите ее без «=» в начале",
            "Лист «Форма», строка 5: Правило ссылается на неизвестный столбец classes.nobody",
        ]
    );
}
