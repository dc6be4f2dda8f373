//! «Общие списки» through the API (issue #26): the operator names a list once
//! and the list columns of any form take it; a changed list reaches the
//! forms' next versions while the stored ones keep their values.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Backend, TestApp, spawn_app};

/// A one-sheet form whose list column names the shared list «subjects».
fn form_naming_subjects(title: &str) -> Value {
    json!({"title": title, "sheets": [{"key": "works", "title": "РАБОТЫ", "columns": [
        {"key": "subject", "title": "Предмет", "type": "list", "list": "subjects", "required": true}
    ]}]})
}

async fn put_list(app: &TestApp, token: &str, values: Value) -> (StatusCode, Value) {
    app.put("/api/lists/subjects", token, json!({ "values": values }))
        .await
}

/// `POST /api/forms` of [`form_naming_subjects`] as `token`.
async fn save_form(app: &TestApp, token: &str, title: &str) -> (StatusCode, Value) {
    let definition = Some(form_naming_subjects(title));
    app.call(Method::POST, "/api/forms", token, definition)
        .await
}

fn subject_values(version: &Value) -> Value {
    version["definition"]["sheets"][0]["columns"][0]["values"].clone()
}

pub(super) async fn a_list_named_once_serves_every_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;

    // A form naming a list nobody defined is refused at the column.
    let (status, refused) = save_form(&app, &admin, "ВПР").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "sheets[0].columns[0].list");

    let (status, saved) = put_list(&app, &admin, json!(["Математика", " История "])).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["values"], json!(["Математика", "История"]), "trimmed");
    let (status, page) = app.get("/api/lists", &admin).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"][0]["name"], "subjects");

    // Two forms take it.
    let (status, first) = save_form(&app, &admin, "ВПР").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(subject_values(&first), json!(["Математика", "История"]));
    let (status, second) = save_form(&app, &admin, "НИКО").await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(
        second["definition"]["lists"]["subjects"],
        json!(["Математика", "История"])
    );

    // A changed list reaches the next version; the stored one keeps its values.
    let (status, _) = put_list(&app, &admin, json!(["Математика", "История", "Физика"])).await;
    assert_eq!(status, StatusCode::OK);
    let form_id = first["form_id"].as_str().unwrap();
    let (status, next) = app
        .post(
            &format!("/api/forms/{form_id}/versions"),
            &admin,
            first["definition"].clone(),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{next}");
    assert_eq!(
        subject_values(&next),
        json!(["Математика", "История", "Физика"]),
        "the shared list wins over the form's old copy"
    );
    let (status, stored) = app.get(&format!("/api/forms/{form_id}"), &admin).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["version"], 2);

    // Bad values are refused where they are; only the operator keeps lists.
    let (status, refused) = put_list(&app, &admin, json!(["Физика", "физика"])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "values");
    let school = app.token("sch240001").await;
    let (status, _) = put_list(&app, &school, json!(["Физика"])).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get("/api/lists", &school).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Deleted, it is gone; the forms keep what they took.
    let (status, _) = app.delete("/api/lists/subjects", &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, missing) = app.delete("/api/lists/subjects", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{missing}");
    let (status, kept) = app.get(&format!("/api/forms/{form_id}"), &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        subject_values(&kept),
        json!(["Математика", "История", "Физика"])
    );
}
