//! Calculated columns (issue #26): the server computes them on every write, a
//! typed value is refused, and the template's Excel formulas compute the same
//! numbers in the programs people fill templates with.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{patch, template_of, upload};
use crate::support::{
    Backend,
    arrange::{OPEN_UNTIL, collection, form},
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
    let (status, saved) = patch(&app, &school, id, 0, "c1", typed).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["data"]["classes"][0]["participants"], "23", "{draft}");
    assert_eq!(draft["data"]["classes"][0]["share"], "95.8");
    let version_now = saved["version"].as_i64().unwrap();

    // A calculated cell is not typed into, and nothing of the batch is kept.
    let (status, refused) = patch(
        &app,
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
