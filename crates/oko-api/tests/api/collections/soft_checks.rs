//! Soft checks through the API (issue #26): an unusual value — outside the
//! usual range, far from the school's own last year or from its
//! municipality's median — is saved but submitted only with an explanation;
//! an upload keeps the explanation of a value it does not change; the
//! coordinators find the submissions «есть пояснения» and export the
//! explanations beside the values.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{exported_csv, template_of, upload};
use crate::support::{
    Backend, TestApp,
    arrange::{OPEN_UNTIL, collection, collection_between, form, open_collection_of},
    spawn_app,
};
use oko_domain::forms::demo;

fn class(row: u32, column: &str, value: &str) -> Value {
    json!({"op": "set", "sheet": "classes", "row": row, "column": column, "value": value})
}

/// `login` saves one class of `students` in collection `id` and submits it.
async fn submits_one_class(app: &TestApp, id: &str, login: &str, students: &str) {
    let token = app.token(login).await;
    let changes = vec![class(1, "class", "5А"), class(1, "students", students)];
    let (status, saved) = app.save(&token, id, 0, "c1", changes).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, receipt) = app.submit(&token, id, &saved["version"]).await;
    assert_eq!(status, StatusCode::OK, "{login}: {receipt}");
}

fn codes(errors: &Value) -> Vec<(String, String)> {
    errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let column = e["column"].as_str().unwrap_or_default().to_owned();
            (column, e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

pub(super) async fn an_unusual_value_is_submitted_with_its_explanation(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let version = form(&app, &admin, json!(demo::vpr_classes())).await;
    // Last year the school had a class of 10.
    let last_year = collection(&app, &admin, &version["id"], OPEN_UNTIL).await;
    let last_year = last_year["id"].as_str().unwrap();
    submits_one_class(&app, last_year, "sch240001", "10").await;
    // This year three schools of its municipality submitted 20, 22 and 24.
    let this_year = collection_between(
        &app,
        &admin,
        &version["id"],
        "2022-08-30T17:41:00Z",
        OPEN_UNTIL,
    )
    .await;
    let id = this_year["id"].as_str().unwrap();
    for (login, students) in [
        ("sch240002", "20"),
        ("sch240003", "22"),
        ("sch240004", "24"),
    ] {
        submits_one_class(&app, id, login, students).await;
    }

    let school = app.token("sch240001").await;
    let (status, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    let references = draft["references"].as_array().unwrap();
    assert!(
        references.contains(
            &json!({"sheet": "classes", "row": 1, "column": "students", "last_time": 10.0})
        ),
        "{draft}"
    );
    assert!(
        references.contains(&json!({"sheet": "classes", "column": "students", "median": 22.0})),
        "{draft}"
    );

    // 16 is more than half again last year's 10: saved, with the question.
    let typed = vec![class(1, "class", "5А"), class(1, "students", "16")];
    let (status, saved) = app.save(&school, id, 0, "s1", typed).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        codes(&saved["errors"]),
        [("students".to_owned(), "explanation_required".to_owned())]
    );
    let message = saved["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("в прошлый раз было 10"), "{message}");
    let (status, refused) = app.submit(&school, id, &saved["version"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "explanation_required");
    assert_eq!(refused["errors"][0]["column"], "Обучающихся", "{refused}");

    // The explanation answers it.
    let explained = vec![class(1, "students:explanation", "Объединили два класса")];
    let (status, saved) = app.save(&school, id, 1, "s2", explained).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["errors"], json!([]));

    // The school's own file, uploaded again, keeps the explanation of the
    // value it does not change.
    let template = template_of(&app, &school, id).await;
    let (status, uploaded) = upload(&app, &school, id, template).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    assert_eq!(
        uploaded["data"]["classes"][0]["students:explanation"],
        "Объединили два класса"
    );
    assert_eq!(uploaded["errors"], json!([]));
    let (status, receipt) = app.submit(&school, id, &uploaded["version"]).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");

    // The municipality's coordinator finds it among those with explanations,
    // and reads it.
    let coordinator = app.token("mun24001").await;
    let logins = async |filter: &str| -> Vec<String> {
        let path = format!("/api/collections/{id}/participants?status=submitted&{filter}");
        let (status, page) = app.get(&path, &coordinator).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["login"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(logins("explained=true").await, ["sch240001"]);
    assert_eq!(
        logins("explained=false").await,
        ["sch240002", "sch240003", "sch240004"]
    );
    let (status, seen) = app
        .get(
            &format!("/api/collections/{id}/draft?organisation=sch240001"),
            &coordinator,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert_eq!(
        seen["data"]["classes"][0]["students:explanation"],
        "Объединили два класса"
    );

    // The data export has the explanation beside the value it explains.
    let text = exported_csv(&app, &coordinator, id).await;
    assert!(text.contains("Обучающихся: пояснение"), "{text}");
    let line = text.lines().find(|l| l.contains("sch240001")).unwrap();
    assert!(line.contains(";16;Объединили два класса"), "{line}");
}

pub(super) async fn an_explanation_only_explains_a_soft_checked_column(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let collection_id = open_collection_of(&app, &admin, json!(demo::vpr_classes())).await;
    let id = collection_id.as_str();
    let school = app.token("sch240001").await;
    let (status, refused) = app
        .save(
            &school,
            id,
            0,
            "x1",
            vec![class(1, "class:explanation", "так")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "unknown", "{refused}");

    // A soft check on a text column is refused where it is.
    let mut definition = json!(demo::vpr_classes());
    definition["sheets"][0]["columns"][0]["soft"] = json!({"usual_max": 3});
    let (status, problem) = app
        .call(
            reqwest::Method::POST,
            "/api/forms",
            &admin,
            Some(definition),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        problem["errors"][0]["field"], "sheets[0].columns[0].soft",
        "{problem}"
    );
}
