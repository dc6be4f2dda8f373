//! The form language (issue #26) through the API: calculated columns computed
//! by the server on every write (a typed value refused) and by the programs
//! people fill templates with from the template's formulas; drafts prefilled
//! from the passport and from the organisation's earlier submission; lists
//! named once.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{template_of, upload};
use crate::support::{
    Backend,
    arrange::{OPEN_UNTIL, collection, collection_between, form},
    spawn_app,
};
use oko_domain::forms::demo;
use oko_io::{
    form_import::RawCell,
    workbook::{WorkbookLimits, read_xlsx},
};

fn set(row: u32, column: &str, value: &str) -> Value {
    json!({"op": "set", "sheet": "classes", "row": row, "column": column, "value": value})
}

/// What a school types into the ВПР form's template: one class.
fn typed_class() -> Vec<crate::programs::Typed> {
    use crate::programs::{Kind::*, Typed};
    let cell = |cell, value| Typed {
        sheet: "КЛАССЫ",
        cell,
        value,
    };
    vec![
        cell("A2", Text("5А")),
        cell("B2", Number(24.0)),
        cell("C2", Number(20.0)),
        cell("D2", Number(3.0)),
        cell("G2", Number(52.5)),
    ]
}

pub(super) async fn calculated_cells_are_computed_by_the_server_and_by_the_programs(
    backend: Backend,
) {
    use crate::programs::{Program, Programs};

    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let version = form(&app, &admin, json!(demo::vpr_classes())).await;
    let block = collection(&app, &admin, &version["id"], OPEN_UNTIL).await;
    let id = block["id"].as_str().unwrap();
    let school = app.token("sch240001").await;

    // Autosave: the total and the share follow what is typed.
    let typed = vec![
        set(1, "class", "5А"),
        set(1, "students", "24"),
        set(1, "russian", "20"),
        set(1, "mathematics", "3"),
    ];
    let (status, saved) = app.save(&school, id, 0, "c1", typed).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["data"]["classes"][0]["participants"], "23", "{draft}");
    assert_eq!(draft["data"]["classes"][0]["share"], "95.8");
    let version_now = saved["version"].as_i64().unwrap();

    // A calculated cell is not typed into, and nothing of the batch is kept.
    let (status, refused) = app
        .save(
            &school,
            id,
            version_now,
            "c2",
            vec![set(1, "russian", "1"), set(1, "participants", "100")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "locked_cell", "{refused}");
    assert_eq!(
        refused["errors"][0]["message"],
        "Лист «КЛАССЫ», строка 1, столбец «Участников всего»: Эта ячейка вычисляется по формуле и не изменяется"
    );

    // The template filled in each program uploads as the same draft, and the
    // programs that calculate computed the same numbers from our formulas.
    let office = Programs::from_env(app.data_dir());
    let template = template_of(&app, &school, id).await;
    let expected = json!({"classes": [{"class": "5А", "students": "24", "russian": "20",
        "mathematics": "3", "participants": "23", "share": "95.8", "area": "52.5"}]});
    for program in Program::ALL {
        let filled = office.fill(program, &template, &typed_class());
        if !matches!(program, Program::Openpyxl) {
            let sheets = read_xlsx(&filled, WorkbookLimits::default()).unwrap();
            let row = &sheets[0].rows[1];
            assert_eq!(
                (&row[4], &row[5]),
                (&RawCell::Number(23.0), &RawCell::Number(95.8)),
                "{program:?} computes the formulas as the form does"
            );
            // A row nobody filled shows no 0 in its calculated cells.
            assert!(
                sheets[0]
                    .rows
                    .get(2)
                    .is_none_or(|r| r.iter().all(|c| *c == RawCell::Empty)),
                "{program:?}: {:?}",
                sheets[0].rows.get(2)
            );
        }
        let (status, uploaded) = upload(&app, &school, id, filled).await;
        assert_eq!(status, StatusCode::OK, "{program:?}: {uploaded}");
        assert_eq!(uploaded["data"], expected, "{program:?}");
    }
}

/// A sheet of classes with a totals row of every kind.
fn classes_with_totals() -> Value {
    json!({"title": "Классы", "sheets": [{"key": "classes", "title": "КЛАССЫ",
    "totals": [{"column": "class", "of": "count"}, "students",
        {"column": "boys", "of": "max"}, {"column": "girls", "of": "min"},
        {"column": "share", "of": "average"}],
    "columns": [
        {"key": "class", "title": "Класс", "type": "text"},
        {"key": "students", "title": "Обучающихся", "type": "integer"},
        {"key": "boys", "title": "Мальчиков", "type": "integer"},
        {"key": "girls", "title": "Девочек", "type": "integer"},
        {"key": "share", "title": "Доля участников", "type": "decimal", "decimals": 1}
    ]}]})
}

pub(super) async fn the_totals_row_is_computed_alike_by_the_form_and_the_programs(
    backend: Backend,
) {
    use crate::programs::{Kind::*, Program, Programs, Typed};
    use oko_domain::forms::{FormData, FormDefinition};

    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let version = form(&app, &admin, classes_with_totals()).await;
    let block = collection(&app, &admin, &version["id"], OPEN_UNTIL).await;
    let id = block["id"].as_str().unwrap();
    let school = app.token("sch240001").await;
    let template = template_of(&app, &school, id).await;
    // Typed under the header (row 2), under the totals row (row 1).
    let cell = |cell, value| Typed {
        sheet: "КЛАССЫ",
        cell,
        value,
    };
    let typed = [
        cell("A3", Text("5А")),
        cell("B3", Number(24.0)),
        cell("C3", Number(12.0)),
        cell("D3", Number(12.0)),
        cell("E3", Number(95.5)),
        cell("A4", Text("5Б")),
        cell("B4", Number(26.0)),
        cell("C4", Number(11.0)),
        cell("D4", Number(15.0)),
        cell("E4", Number(80.0)),
    ];
    let definition: FormDefinition = serde_json::from_value(version["definition"].clone()).unwrap();
    let sheet = &definition.sheets[0];
    let office = Programs::from_env(app.data_dir());
    for program in [Program::LibreOffice, Program::Gnumeric] {
        let filled = office.fill(program, &template, &typed);
        let (status, uploaded) = upload(&app, &school, id, filled.clone()).await;
        assert_eq!(status, StatusCode::OK, "{program:?}: {uploaded}");
        let data: FormData = serde_json::from_value(uploaded["data"].clone()).unwrap();
        let ours: Vec<String> = sheet
            .columns
            .iter()
            .map(|c| sheet.total_text(c, data.rows("classes")))
            .collect();
        assert_eq!(ours, ["2", "50", "12", "12", "87.8"], "{program:?}");
        let read = read_xlsx(&filled, WorkbookLimits::default()).unwrap();
        let theirs: Vec<String> = read[0].rows[0]
            .iter()
            .zip(&sheet.columns)
            .map(|(cell, column)| match cell {
                // Rounded as the column shows it.
                RawCell::Number(n) => {
                    let places = usize::from(column.decimals.unwrap_or(0));
                    format!("{n:.places$}")
                }
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            theirs, ours,
            "{program:?} computes the totals row as the form does"
        );
    }
}

/// «Сведения об ОО»: the short name locked from the passport, the head
/// prefilled but editable.
fn about_the_school() -> Value {
    json!({
        "title": "Сведения об ОО",
        "sheets": [{"key": "about", "title": "ОБЩИЕ СВЕДЕНИЯ", "columns": [
            {"key": "name", "title": "Наименование", "type": "text", "prefill": "short_name", "prefill_locked": true},
            {"key": "head", "title": "Руководитель", "type": "text", "prefill": "head"},
            {"key": "classes", "title": "Классов", "type": "integer"},
            {"key": "municipality", "title": "Муниципалитет", "type": "text", "prefill": "municipality", "prefill_locked": true}
        ]}]
    })
}

pub(super) async fn a_draft_starts_from_the_passport_and_keeps_its_locked_cells(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let version = form(&app, &admin, about_the_school()).await;
    let block = collection(&app, &admin, &version["id"], OPEN_UNTIL).await;
    let id = block["id"].as_str().unwrap();
    let school = app.token("sch240001").await;
    let (status, passport) = app.get("/api/orgs/sch240001/passport", &school).await;
    assert_eq!(status, StatusCode::OK, "{passport}");
    let short_name = passport["organisation"]["short_name"]
        .as_str()
        .unwrap()
        .to_owned();

    // The blank draft already holds the passport's values, and so does its template.
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["version"], 0);
    assert_eq!(
        draft["data"]["about"][0]["name"],
        short_name.as_str(),
        "{draft}"
    );
    assert_eq!(
        draft["data"]["about"][0]["municipality"], passport["organisation"]["municipality"]["name"],
        "the roster's place too"
    );
    let head = passport["head"].as_str().unwrap_or_default();
    if !head.is_empty() {
        assert_eq!(draft["data"]["about"][0]["head"], head);
    }
    let template = template_of(&app, &school, id).await;
    let sheets = read_xlsx(&template, WorkbookLimits::default()).unwrap();
    assert_eq!(
        sheets[0].rows[1][0],
        RawCell::Text(short_name.as_str().into())
    );

    // The locked name is refused, the head is the school's to correct.
    let about = |column: &str, value: &str| json!({"op": "set", "sheet": "about", "row": 1, "column": column, "value": value});
    let (status, refused) = app
        .save(&school, id, 0, "p1", vec![about("name", "Другая школа")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("заполнена из паспорта"),
        "{refused}"
    );
    let (status, saved) = app
        .save(
            &school,
            id,
            0,
            "p2",
            vec![
                about("head", "Петров Петр Петрович"),
                about("classes", "11"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(
        draft["data"]["about"][0]["name"],
        short_name.as_str(),
        "the first save kept it"
    );
    assert_eq!(draft["data"]["about"][0]["head"], "Петров Петр Петрович");

    // A file with another name uploads with the passport's name back.
    let mut sheets = read_xlsx(
        &template_of(&app, &school, id).await,
        WorkbookLimits::default(),
    )
    .unwrap();
    sheets[0].rows[1][0] = RawCell::Text("Другая школа".into());
    let csv: String = sheets[0]
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    RawCell::Text(t) => t.to_string(),
                    RawCell::Number(n) => n.to_string(),
                    _ => String::new(),
                })
                .collect::<Vec<_>>()
                .join(";")
        })
        .collect::<Vec<_>>()
        .join("\r\n");
    let (status, uploaded) = upload(&app, &school, id, csv.into_bytes()).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    assert_eq!(
        uploaded["data"]["about"][0]["name"],
        short_name.as_str(),
        "{uploaded}"
    );
    assert_eq!(uploaded["data"]["about"][0]["head"], "Петров Петр Петрович");
    assert_eq!(uploaded["data"]["about"][0]["classes"], "11");
}

pub(super) async fn a_list_named_once_gives_its_values_to_its_columns(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let subjects = json!(["Математика", "Русский язык", "Физика"]);
    let definition = json!({
        "title": "Педагоги", "lists": {"subjects": subjects},
        "sheets": [{"key": "teachers", "title": "ПЕДАГОГИ", "columns": [
            {"key": "name", "title": "ФИО", "type": "text"},
            {"key": "main", "title": "Основной предмет", "type": "list", "list": "subjects"},
            {"key": "also", "title": "Ведет также", "type": "list", "list": "subjects", "multiple": true}
        ]}]
    });
    let version = form(&app, &admin, definition.clone()).await;
    let columns = &version["definition"]["sheets"][0]["columns"];
    assert_eq!(columns[1]["values"], subjects, "{version}");
    assert_eq!(columns[2]["values"], subjects);
    // A column naming a list the form does not have is refused where it is.
    // A hostile formula is refused with its place, and the server stays up.
    let mut deep = definition.clone();
    deep["sheets"][0]["columns"][0] = json!({"key": "n", "title": "N", "type": "integer",
        "formula": format!("{}1{}", "(".repeat(200_000), ")".repeat(200_000))});
    let (status, refused) = app
        .call(reqwest::Method::POST, "/api/forms", &admin, Some(deep))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["errors"][0]["field"],
        "sheets[0].columns[0].formula"
    );
    let (status, _) = app.get("/api/forms", &admin).await;
    assert_eq!(status, StatusCode::OK, "still up");
    let mut unknown = definition;
    unknown["sheets"][0]["columns"][1]["list"] = json!("nowhere");
    let (status, refused) = app
        .call(reqwest::Method::POST, "/api/forms", &admin, Some(unknown))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(fields.contains(&"sheets[0].columns[1].list"), "{refused}");
}

/// Participants per subject, the subjects fixed; last time's count beside
/// this time's, locked.
fn participants_per_subject() -> Value {
    json!({
        "title": "Участники ВПР по предметам",
        "sheets": [{"key": "subjects", "title": "ПРЕДМЕТЫ", "columns": [
            {"key": "subject", "title": "Предмет", "type": "text"},
            {"key": "last", "title": "Участников в прошлом году", "type": "integer",
                "prefill": "last_time", "prefill_from": "participants", "prefill_locked": true},
            {"key": "participants", "title": "Участников", "type": "integer"}
        ], "fixed_rows": [{"subject": "Математика"}, {"subject": "Физика"}, {"subject": "Химия"}]}]
    })
}

fn subject(row: u32, column: &str, value: &str) -> Value {
    json!({"op": "set", "sheet": "subjects", "row": row, "column": column, "value": value})
}

pub(super) async fn last_years_submission_prefills_this_years_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let version = form(&app, &admin, participants_per_subject()).await;
    let last_year = collection(&app, &admin, &version["id"], OPEN_UNTIL).await;
    let last_year = last_year["id"].as_str().unwrap();
    let school = app.token("sch240001").await;
    let column = |draft: &Value, key: &str| -> Vec<Value> {
        (0..3)
            .map(|row| draft["data"]["subjects"][row][key].clone())
            .collect()
    };
    let none = [Value::Null, Value::Null, Value::Null];
    let draft_of = async |id: &str, token: &str| {
        let (status, draft) = app
            .get(&format!("/api/collections/{id}/draft"), token)
            .await;
        assert_eq!(status, StatusCode::OK, "{draft}");
        draft
    };
    let draft = draft_of(last_year, &school).await;
    assert_eq!(column(&draft, "subject")[0], "Математика", "{draft}");
    assert_eq!(
        column(&draft, "last"),
        none,
        "nothing earlier: the first year starts empty"
    );
    let (status, saved) = app
        .save(
            &school,
            last_year,
            0,
            "l1",
            vec![
                subject(1, "participants", "25"),
                subject(2, "participants", "12"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, receipt) = app.submit(&school, last_year, &saved["version"]).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");

    // This year's collection of the same form opened later.
    let this_year = collection_between(
        &app,
        &admin,
        &version["id"],
        "2022-08-30T17:41:00Z",
        OPEN_UNTIL,
    )
    .await;
    let this_year = this_year["id"].as_str().unwrap();
    let draft = draft_of(this_year, &school).await;
    assert_eq!(
        column(&draft, "last"),
        [json!("25"), json!("12"), Value::Null],
        "{draft}"
    );
    assert_eq!(column(&draft, "participants"), none);
    let template = template_of(&app, &school, this_year).await;
    let sheets = read_xlsx(&template, WorkbookLimits::default()).unwrap();
    assert_eq!(
        sheets[0].rows[1][1],
        RawCell::Number(25.0),
        "the template has it too"
    );

    // Last year's count is locked; this year's is the school's.
    let (status, refused) = app
        .save(&school, this_year, 0, "t1", vec![subject(1, "last", "30")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "locked_cell", "{refused}");
    assert!(
        refused["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("из прошлой сдачи"),
        "{refused}"
    );
    let (status, saved) = app
        .save(
            &school,
            this_year,
            0,
            "t2",
            vec![subject(1, "participants", "27")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let draft = draft_of(this_year, &school).await;
    assert_eq!(column(&draft, "last")[0], "25", "the first save keeps it");
    assert_eq!(column(&draft, "participants")[0], "27");

    // Another school of the region submitted nothing last year.
    let other = app.token("sch240002").await;
    let draft = draft_of(this_year, &other).await;
    assert_eq!(column(&draft, "last"), none, "{draft}");
}

/// docs/forms.md's form with the whole language saves as it is written.
pub(super) async fn the_documented_form_is_saved_as_it_is(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let written: Value =
        serde_json::from_str(include_str!("../../../../../docs/examples/vpr-info.json")).unwrap();
    let version = form(&app, &admin, written).await;
    let sheets = &version["definition"]["sheets"];
    assert_eq!(
        sheets[1]["columns"][6]["values"],
        json!([
            "Русский язык",
            "Математика",
            "Окружающий мир",
            "История",
            "Биология"
        ]),
        "the named list is in its column"
    );
    assert_eq!(sheets[2]["shown_if"]["sheet"], "about");
    assert_eq!(
        sheets[1]["columns"][1]["soft"]["from_median"],
        json!(100.0),
        "the soft checks are kept"
    );
    assert_eq!(
        sheets[0]["columns"][6]["words"],
        json!(["первая", "вторая", "третья"])
    );
    assert_eq!(sheets[0]["columns"][7]["type"], "file", "a file per form");
    assert_eq!(sheets[2]["columns"][4]["type"], "file", "a file per row");
}
