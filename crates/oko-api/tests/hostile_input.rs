//! What a hostile or careless client sends, against the server as it ships: every
//! answer a clear 4xx, the server still serving afterwards, on both databases.

mod support;

use oko_io::workbook::minimal_workbook;
use reqwest::{Method, StatusCode};
use serde_json::json;
use support::{Backend, PASSWORD, TestApp, assert_problem, spawn_app};

on_both_databases!(
    nul_characters_are_refused_at_the_door,
    pages_past_any_list_are_refused,
    a_login_longer_than_any_real_one_never_reaches_the_throttle_or_the_log,
    crafted_workbooks_are_refused_naming_the_cell,
    a_picture_sent_as_a_spreadsheet_is_told_what_it_is,
);

async fn still_serves(app: &TestApp) {
    assert_eq!(app.login("admin", PASSWORD).await.0, StatusCode::OK);
}

async fn nul_characters_are_refused_at_the_door(backend: Backend) {
    let app = spawn_app(backend).await;
    // PostgreSQL refuses NUL in text: it once answered 500 at the login itself.
    let login = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"login": "adm\u{0}in", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(login, StatusCode::BAD_REQUEST, "malformed_body").await;
    assert!(
        problem["detail"].as_str().unwrap().contains("NUL"),
        "{problem}"
    );
    let admin = app.token("admin").await;
    for path in [
        "/api/orgs?search=%00",
        "/api/orgs/sch240001%00/passport",
        "/api/audit?login=a%00b",
    ] {
        let response = app
            .client
            .get(app.url(path))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    }
    let (status, problem) = app
        .call(
            Method::POST,
            "/api/sections",
            &admin,
            Some(json!({"title": "ВПР\u{0}"})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    // A backslash before «u0000» is text, not a NUL: the login is simply wrong.
    let (status, _) = app.login("admin\\u0000", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    still_serves(&app).await;
}

async fn pages_past_any_list_are_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    for list in ["/api/orgs", "/api/audit", "/api/publications"] {
        for page in ["18446744073709551615", "1000001"] {
            let (status, problem) = app.get(&format!("{list}?page={page}"), &admin).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{list}: {problem}");
            assert_eq!(problem["code"], "invalid_parameter");
            assert_eq!(problem["errors"][0]["field"], "page", "{problem}");
        }
        let (status, page) = app.get(&format!("{list}?page=1000000"), &admin).await;
        assert_eq!(status, StatusCode::OK, "the last page allowed: {page}");
    }
    still_serves(&app).await;
}

async fn a_login_longer_than_any_real_one_never_reaches_the_throttle_or_the_log(backend: Backend) {
    let app = spawn_app(backend).await;
    let long = "sch".repeat(30);
    for _ in 0..5 {
        let (status, problem) = app.login(&long, "whatever").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["field"], "login");
        assert_eq!(problem["errors"][0]["code"], "too_long");
    }
    let (status, problem) = app.login("admin", &"p".repeat(10_000)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "password");
    let admin = app.token("admin").await;
    let (status, events) = app.get("/api/audit?per_page=200", &admin).await;
    assert_eq!(status, StatusCode::OK, "{events}");
    assert!(
        !events.to_string().contains(&long),
        "the refused login is not in the log: {events}"
    );
}

async fn crafted_workbooks_are_refused_naming_the_cell(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let header = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Логин</t></is></c></row>"#;
    // 1.5 KB that once made the reader allocate 97 GB and abort the process.
    for far in ["ZZZZZZZ2", "XFE2", "A1048577"] {
        let bytes = minimal_workbook(
            "Лист1",
            "A1:ZZZZZZZ1048577",
            &format!(r#"{header}<row r="2"><c r="{far}"><v>1</v></c></row>"#),
        );
        for endpoint in ["/api/admin/organisations/import", "/api/forms/import"] {
            let (status, problem) = app.post_file(&admin, endpoint, &bytes).await;
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{endpoint} {far}: {problem}"
            );
            assert!(
                problem["detail"].as_str().unwrap().contains("«Лист1»"),
                "{endpoint} {far}: names the sheet: {problem}"
            );
        }
    }
    let titles: String = [
        "Логин",
        "Полное наименование",
        "Краткое наименование",
        "Номер муниципалитета",
    ]
    .iter()
    .zip(["A1", "B1", "C1", "D1"])
    .map(|(title, at)| format!(r#"<c r="{at}" t="inlineStr"><is><t>{title}</t></is></c>"#))
    .collect();
    let bytes = minimal_workbook(
        "Лист1",
        "A1",
        &format!(r#"<row r="1">{titles}</row><row r="2"><c r="Z2"><v>1</v></c></row>"#),
    );
    let (status, problem) = app
        .post_file(&admin, "/api/admin/organisations/import", &bytes)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("ячейка Z2: значение правее таблицы формы"),
        "{problem}"
    );
    still_serves(&app).await;
}

async fn a_picture_sent_as_a_spreadsheet_is_told_what_it_is(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    for endpoint in ["/api/admin/organisations/import", "/api/forms/import"] {
        let (status, problem) = app.post_file(&admin, endpoint, png).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(problem["errors"][0]["code"], "not_a_workbook", "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("изображение"),
            "{endpoint}: {problem}"
        );
    }
}
