//! Bad requests get a problem+json that says what is wrong, never a 500.

use crate::support::{Backend, assert_problem, spawn_app};
use reqwest::StatusCode;

on_both_databases!(
    bad_bodies_and_paths_get_clear_problems,
    a_crashed_page_reports_without_a_session,
);

async fn bad_bodies_and_paths_get_clear_problems(backend: Backend) {
    let app = spawn_app(backend).await;
    let post = |body: String, content_type: &'static str| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let malformed = assert_problem(
        post("{\"login\": ".into(), "application/json")
            .await
            .unwrap(),
        StatusCode::BAD_REQUEST,
        "malformed_body",
    )
    .await;
    assert!(
        malformed["detail"]
            .as_str()
            .unwrap()
            .contains("Некорректный JSON"),
        "{malformed}"
    );

    let wrong_type = post(r#"{"login": 5, "password": []}"#.into(), "application/json")
        .await
        .unwrap();
    let wrong_type = assert_problem(wrong_type, StatusCode::BAD_REQUEST, "malformed_body").await;
    assert!(
        wrong_type["detail"]
            .as_str()
            .unwrap()
            .contains("неверного типа"),
        "{wrong_type}"
    );

    let missing = post(r#"{"login": "admin"}"#.into(), "application/json")
        .await
        .unwrap();
    let missing = assert_problem(missing, StatusCode::BAD_REQUEST, "malformed_body").await;
    assert_eq!(missing["errors"][0]["field"], "password");

    let huge = format!(
        r#"{{"login": "admin", "password": "{}"}}"#,
        "x".repeat(5_000_000)
    );
    assert_problem(
        post(huge, "application/json").await.unwrap(),
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;

    assert_problem(
        post("login=admin".into(), "text/plain").await.unwrap(),
        StatusCode::BAD_REQUEST,
        "malformed_body",
    )
    .await;

    let unknown = app
        .client
        .get(app.url("/api/no-such-thing"))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    // The server is still fine after all of that.
    assert_eq!(
        app.login("admin", crate::support::PASSWORD).await.0,
        StatusCode::OK
    );
}

/// The SPA's crash report is taken without a session (the page that crashed may
/// have lost it) and answers nothing more; a report without its message is told.
async fn a_crashed_page_reports_without_a_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let report = |body: &'static str| {
        app.client
            .post(app.url("/api/client-errors"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let taken = report(r#"{"message": "panicked at state.rs:1:1: boom", "page": "/"}"#)
        .await
        .unwrap();
    assert_eq!(taken.status(), StatusCode::NO_CONTENT);
    let refused = assert_problem(
        report(r#"{"page": "/"}"#).await.unwrap(),
        StatusCode::BAD_REQUEST,
        "malformed_body",
    )
    .await;
    assert_eq!(
        refused["detail"],
        "Не заполнено обязательное поле «message»"
    );
}
