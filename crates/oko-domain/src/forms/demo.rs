//! The two demo forms of docs/forms.md: the ВПР СПО schedule (seed 001, Рис. 14–17)
//! and the college specialties form (seed 002, Рис. 25).

use super::{
    Change, ColumnDef, ColumnType, CompareOp, FormData, FormDefinition, FormRule, Row, Rule,
    SheetColumn, SheetDef,
};

const SUBJECTS: [&str; 8] = [
    "Русский язык",
    "Математика",
    "История",
    "Обществознание",
    "Физика",
    "Химия",
    "Биология",
    "Иностранный язык",
];

fn column(key: &str, title: &str, kind: ColumnType) -> ColumnDef {
    ColumnDef::new(key, title, kind)
}

fn required(mut c: ColumnDef) -> ColumnDef {
    c.required = true;
    c
}

fn between(mut c: ColumnDef, min: f64, max: f64) -> ColumnDef {
    c.min = Some(min);
    c.max = Some(max);
    c.hint = super::validate::number_range_ru(&c);
    c
}

fn list(key: &str, title: &str, values: &[&str]) -> ColumnDef {
    let mut c = column(key, title, ColumnType::List);
    c.values = values.iter().map(|v| (*v).to_owned()).collect();
    c
}

fn autumn_2021(mut c: ColumnDef) -> ColumnDef {
    c.date_from = chrono::NaiveDate::from_ymd_opt(2021, 9, 13);
    c.date_to = chrono::NaiveDate::from_ymd_opt(2021, 10, 16);
    c.hint = "Дата проведения с 13.09.2021 по 16.10.2021".into();
    c
}

/// The schedule columns: a date, rooms and participants per group of students.
fn schedule_columns(subject: ColumnDef) -> Vec<ColumnDef> {
    let mut columns = vec![subject];
    for (suffix, group) in [("1", "1й курс"), ("2", "\"Завершившие\"")] {
        columns.push(autumn_2021(column(
            &format!("date{suffix}"),
            &format!("Дата {group}"),
            ColumnType::Date,
        )));
        columns.push(between(
            column(
                &format!("rooms{suffix}"),
                &format!("Количество аудиторий {group}"),
                ColumnType::Integer,
            ),
            1.0,
            100.0,
        ));
        columns.push(required(between(
            column(
                &format!("participants{suffix}"),
                &format!("Количество участников {group}"),
                ColumnType::Integer,
            ),
            0.0,
            5000.0,
        )));
    }
    columns
}

/// A date needs its rooms; at most five days per subject.
fn schedule_rules() -> Vec<Rule> {
    vec![
        Rule::MaxRowsPerValue {
            column: "subject".into(),
            max: 5,
            message: Some("Количество дней по одному предмету не должны превышать пяти".into()),
        },
        Rule::RequiredIf {
            column: "date1".into(),
            equals: None,
            then: vec!["rooms1".into()],
        },
    ]
}

const SCHEDULE_HINT: &str = "Количество дней по одному предмету не должны превышать пяти по каждой категории участников. Если ОО не участвует в данных предметах, выберите соответствующее значение.";

/// Key of the schedule's fixed-row sheet.
pub fn schedule_fixed_sheet_key() -> &'static str {
    "meta"
}

/// «Сбор расписания проведения ВПР СПО 2021»: two free-row sheets (a row per
/// exam day) and a fixed-row sheet (a row per metasubject work).
pub fn schedule() -> FormDefinition {
    let subject = required(list("subject", "Предмет", &SUBJECTS));
    let free_sheet = |key: &str, title: &str| SheetDef {
        totals: Vec::new(),
        shown_if: None,
        key: key.into(),
        title: title.into(),
        hint: SCHEDULE_HINT.into(),
        columns: schedule_columns(subject.clone()),
        fixed_rows: Vec::new(),
        max_rows: Some(200),
        rules: schedule_rules(),
    };
    let meta_rows = ["Читательская грамотность", "Цифровая грамотность"]
        .into_iter()
        .map(|work| Row::from([("subject".to_owned(), work.to_owned())]))
        .collect();
    let mut meta_subject = column("subject", "Работа", ColumnType::Text);
    meta_subject.required = true;
    FormDefinition {
        lists: Default::default(),
        rules: Vec::new(),
        title: "Сбор расписания проведения ВПР СПО 2021".into(),
        sheets: vec![
            free_sheet("paper", "РАБОТЫ НА БЛАНКЕ"),
            SheetDef {
                totals: Vec::new(),
                shown_if: None,
                key: schedule_fixed_sheet_key().into(),
                title: "МЕТАПРЕДМЕТ НА КОМПЬЮТЕРЕ".into(),
                hint: "Одна строка на каждую метапредметную работу; оставьте дату пустой, если ОО не участвует.".into(),
                columns: schedule_columns(meta_subject),
                fixed_rows: meta_rows,
                max_rows: None,
                rules: vec![Rule::RequiredIf {
                    column: "date1".into(),
                    equals: None,
                    then: vec!["rooms1".into()],
                }],
            },
            free_sheet("computer", "РАБОТЫ НА КОМПЬЮТЕРЕ"),
        ],
    }
}

/// The college form of seed 002 Рис. 25: a row per specialty, numbers that must
/// add up, and a yes/no that makes another column required.
pub fn college() -> FormDefinition {
    let subjects: Vec<&str> = std::iter::once("—").chain(SUBJECTS).collect();
    let mut code = required(column(
        "code",
        "1. Код и название профессии/специальности",
        ColumnType::Text,
    ));
    code.pattern = Some("##.##.## *".into());
    code.hint =
        "Код и название через пробел, например «38.02.01 Экономика и бухгалтерский учет»".into();
    let count = |key: &str, title: &str| {
        required(between(
            column(key, title, ColumnType::Integer),
            0.0,
            10_000.0,
        ))
    };
    let mut course = required(between(
        column(
            "course",
            "3. Курс, на котором выполняется обучение",
            ColumnType::Integer,
        ),
        1.0,
        6.0,
    ));
    course.hint = "Число должно быть между 1 и 6".into();
    FormDefinition {
        lists: Default::default(),
        rules: Vec::new(),
        title: "Сведения о профессиях и специальностях".into(),
        sheets: vec![SheetDef {
            totals: Vec::new(),
            shown_if: None,
            key: "specialties".into(),
            title: "СПЕЦИАЛЬНОСТИ".into(),
            hint: "Одна строка на каждую пару «специальность — курс». Сумма столбцов 3.2 и 3.3 не больше 3.1.".into(),
            columns: vec![
                code,
                required(list("subject_a", "2.1. Профильный предмет (ЭП АЭС)", &subjects)),
                required(list("subject_b", "2.2. Профильный предмет (автоматизация)", &subjects)),
                course,
                count("students", "3.1. Количество обучающихся в 2022/2023 учебном году"),
                count("after_9", "3.2. на базе основного общего образования"),
                count("after_11", "3.3. на базе среднего общего образования"),
                count("digital", "4. Количество цифровых единиц в год поступления"),
                between(column("units", "5. Количество единиц в год поступления", ColumnType::Integer), 0.0, 10_000.0),
                required(column("admitted", "6. Наличие поступления на 1 курс в год поступления", ColumnType::YesNo)),
            ],
            fixed_rows: Vec::new(),
            max_rows: None,
            rules: vec![
                Rule::Unique {
                    columns: vec!["code".into(), "course".into()],
                },
                Rule::Compare {
                    left: vec!["after_9".into(), "after_11".into()],
                    op: CompareOp::Le,
                    right: vec!["students".into()],
                    message: None,
                },
                Rule::RequiredIf {
                    column: "admitted".into(),
                    equals: Some("Да".into()),
                    then: vec!["units".into()],
                },
            ],
        }],
    }
}

/// The college form allowing `rows` rows.
pub fn college_for(rows: u32) -> FormDefinition {
    let mut form = college();
    form.sheets[0].max_rows = Some(rows.max(1));
    form
}

/// [`college_for`] with `rows` valid rows filled in: what the validation benchmarks
/// measure, natively and in the browser.
pub fn college_filled(rows: u32) -> (FormDefinition, FormData) {
    let form = college_for(rows);
    let mut changes = Vec::with_capacity(rows as usize * 9);
    for row in 1..=rows {
        let cells = [
            (
                "code",
                format!("{:02}.02.{:02} Специальность {row}", row / 100, row % 100),
            ),
            ("subject_a", "Математика".into()),
            ("subject_b", "—".into()),
            ("course", (1 + row % 4).to_string()),
            ("students", "34".into()),
            ("after_9", "30".into()),
            ("after_11", "4".into()),
            ("digital", "35".into()),
            ("admitted", "Нет".into()),
        ];
        changes.extend(cells.into_iter().map(|(column, value)| Change::Set {
            sheet: "specialties".into(),
            row,
            column: column.into(),
            value,
        }));
    }
    let mut data = FormData::blank(&form);
    data.apply(&form, &changes)
        .expect("the generated changes fit the form");
    (form, data)
}

/// «Сведения об ОО для проведения ВПР», the classes sheet: the form language's
/// calculated columns, decimals and units (docs/forms.md, «Вычисляемые столбцы»).
/// Participants per subject are typed; their sum and the share of the class
/// are computed.
pub fn vpr_classes() -> FormDefinition {
    let count =
        |key: &str, title: &str| between(column(key, title, ColumnType::Integer), 0.0, 40.0);
    let calculated = |mut c: ColumnDef, formula: &str| {
        c.formula = Some(formula.to_owned());
        c
    };
    let mut share = calculated(
        column("share", "Доля участников", ColumnType::Decimal),
        "ЕСЛИ(students > 0; participants / students * 100; 0)",
    );
    share.decimals = Some(1);
    share.unit = Some("%".into());
    let mut area = column("area", "Площадь кабинета", ColumnType::Decimal);
    area.decimals = Some(1);
    area.unit = Some("м²".into());
    FormDefinition {
        lists: Default::default(),
        rules: Vec::new(),
        title: "Сведения об ОО для проведения ВПР".into(),
        sheets: vec![SheetDef {
            totals: Vec::new(),
            shown_if: None,
            key: "classes".into(),
            title: "КЛАССЫ".into(),
            hint: "По строке на класс; итог и доля считаются сами.".into(),
            columns: vec![
                required(column("class", "Класс", ColumnType::Text)),
                required(usual(count("students", "Обучающихся"))),
                count("russian", "Участников по русскому языку"),
                count("mathematics", "Участников по математике"),
                calculated(
                    column("participants", "Участников всего", ColumnType::Integer),
                    "СУММ(russian; mathematics)",
                ),
                share,
                area,
            ],
            fixed_rows: Vec::new(),
            max_rows: Some(200),
            rules: vec![Rule::Unique {
                columns: vec!["class".into()],
            }],
        }],
    }
}

/// A class of usual size: 5 to 35 pupils, within half of last year's and
/// twice the municipality's median; anything else asks for an explanation.
fn usual(mut column: ColumnDef) -> ColumnDef {
    column.soft = Some(super::SoftCheck {
        usual_min: Some(5.0),
        usual_max: Some(35.0),
        from_last_time: Some(50.0),
        from_median: Some(100.0),
    });
    column
}

/// The whole «Сведения об ОО для проведения ВПР»: the classes of
/// [`vpr_classes`] and the rooms they write in, each room's class one of the
/// classes (a look-up between sheets), and seats enough for every participant
/// (the sheets' totals compared).
pub fn vpr_info() -> FormDefinition {
    let mut form = vpr_classes();
    let mut seats = between(column("seats", "Мест", ColumnType::Integer), 1.0, 60.0);
    seats.required = true;
    form.sheets.push(SheetDef {
        totals: Vec::new(),
        shown_if: None,
        key: "rooms".into(),
        title: "АУДИТОРИИ".into(),
        hint: "По строке на аудиторию и класс, который в ней пишет.".into(),
        columns: vec![
            required(column("room", "Аудитория", ColumnType::Text)),
            required(column("class", "Класс", ColumnType::Text)),
            seats,
        ],
        fixed_rows: Vec::new(),
        max_rows: None,
        rules: Vec::new(),
    });
    let at = |sheet: &str, column: &str| SheetColumn {
        sheet: sheet.into(),
        column: column.into(),
    };
    form.rules = vec![
        FormRule::ExistsIn {
            value: at("rooms", "class"),
            among: at("classes", "class"),
            message: None,
        },
        FormRule::Totals {
            left: at("rooms", "seats"),
            op: CompareOp::Ge,
            right: at("classes", "participants"),
            message: None,
        },
    ];
    form
}

/// What [`vpr_info_filled`]'s school is compared with: its own data last
/// time and three neighbours with the same (every value usual).
pub fn vpr_info_references(form: &FormDefinition, data: &FormData) -> Vec<super::Reference> {
    let neighbours = [data.clone(), data.clone(), data.clone()];
    let mut references = super::soft::last_time_references(form, data);
    references.extend(super::soft::median_references(form, &neighbours));
    references
}

/// [`vpr_info`] filled with `rows` classes and a room for each, valid.
pub fn vpr_info_filled(rows: u32) -> (FormDefinition, FormData) {
    let mut form = vpr_info();
    for sheet in &mut form.sheets {
        sheet.max_rows = Some(rows.max(1));
    }
    let mut data = FormData::blank(&form);
    let mut changes = Vec::new();
    for row in 1..=rows {
        let class = format!("{}-{}", 5 + row % 7, row);
        let set =
            |sheet: &str, column: &str, value: String| Change::set(sheet, row, column, &value);
        changes.extend([
            set("classes", "class", class.clone()),
            set("classes", "students", (20 + row % 10).to_string()),
            set("classes", "russian", (10 + row % 7).to_string()),
            set("classes", "mathematics", (5 + row % 5).to_string()),
            set("classes", "area", format!("{},5", 40 + row % 20)),
            set("rooms", "room", format!("Каб. {row}")),
            set("rooms", "class", class),
            set("rooms", "seats", "30".to_owned()),
        ]);
    }
    data.apply(&form, &changes)
        .expect("the generated rows fit the form");
    (form, data)
}
