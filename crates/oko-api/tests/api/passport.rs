//! «Паспорт»: the organisation keeps its contacts, the operator the rest,
//! coordinators read their organisations' passports, and every change is kept in
//! the history.

use crate::support::{Backend, spawn_app};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(the_organisation_keeps_its_contacts_and_the_operator_the_rest);

async fn the_organisation_keeps_its_contacts_and_the_operator_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let school = app.token("sch240001").await;
    let path = "/api/orgs/sch240001/passport";

    let (status, passport) = app.get(path, &school).await;
    assert_eq!(status, StatusCode::OK, "{passport}");
    assert_eq!(passport["organisation"]["login"], "sch240001");
    assert_eq!(
        passport["editable"],
        json!(["contact_person", "phone", "email"])
    );

    let (status, changed) = app
        .put(
            path,
            &school,
            json!({"phone": "+7 (391) 200-00-01", "email": "school1@example.ru"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["phone"], "+7 (391) 200-00-01");
    let (status, problem) = app
        .put(path, &school, json!({"address": "ул. Ленина, 1"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        problem["detail"],
        "Поле «Адрес» изменяет федеральный оператор"
    );
    let (status, problem) = app
        .put(path, &school, json!({"email": "school1-at-example.ru"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "email");

    // Coordinators read their organisations' passports and change nothing.
    let municipality = app.token("mun24001").await;
    let (status, seen) = app.get(path, &municipality).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["email"], "school1@example.ru");
    assert_eq!(seen["editable"], json!([]));
    let (status, _) = app
        .put(path, &municipality, json!({"phone": "+7 391 000-00-00"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.get("/api/orgs/sch500001/passport", &municipality).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The operator renames the school: organisation search finds the new name.
    let admin = app.token("admin").await;
    let (status, renamed) = app
        .put(
            path,
            &admin,
            json!({"short_name": "МБОУ Лицей «Эврика»", "head": "Иванова М. П."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["organisation"]["short_name"], "МБОУ Лицей «Эврика»");
    let (_, found) = app
        .get(
            "/api/orgs?search=%D1%8D%D0%B2%D1%80%D0%B8%D0%BA%D0%B0",
            &admin,
        )
        .await;
    assert_eq!(found["total"], 1, "{found}");

    let (status, history) = app.get(&format!("{path}/history"), &municipality).await;
    assert_eq!(status, StatusCode::OK);
    let fields: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields.len(), 4, "{history}");
    assert!(fields[..2].contains(&"short_name") && fields[..2].contains(&"head"));
    let phone = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["field"] == "phone")
        .unwrap();
    assert_eq!(phone["by"], "sch240001");
    assert_eq!(phone["old_value"], "");
    // Saving the same values again leaves no trace.
    app.put(path, &school, json!({"phone": "+7 (391) 200-00-01"}))
        .await;
    let (_, again) = app.get(&format!("{path}/history"), &admin).await;
    assert_eq!(again["items"].as_array().unwrap().len(), 4);
}
