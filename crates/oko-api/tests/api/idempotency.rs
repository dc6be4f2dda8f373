//! `Idempotency-Key`: a creating request repeated with its key makes one thing
//! and gets the first answer again, on any instance; keys are per user.

use crate::support::{Backend, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(a_repeated_request_makes_one_thing_and_gets_the_first_answer);

async fn create_section(app: &TestApp, token: &str, key: &str, title: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/sections"))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({ "title": title }))
        .send()
        .await
        .unwrap()
}

async fn sections_titled(app: &TestApp, token: &str, title: &str) -> usize {
    let (_, list) = app.get("/api/sections", token).await;
    list["sections"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["title"] == title)
        .count()
}

async fn a_repeated_request_makes_one_thing_and_gets_the_first_answer(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let title = "Раздел, созданный двойным щелчком";

    let first = create_section(&app, &admin, "click-1", title).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let created: Value = first.json().await.unwrap();

    // The same key again, here and on a second instance: the first answer, nothing new.
    let other_instance = app.other_instance().await;
    for server in [&app, &other_instance] {
        let again = create_section(server, &admin, "click-1", title).await;
        assert_eq!(again.status(), StatusCode::CREATED);
        assert_eq!(again.headers()["idempotent-replayed"], "true");
        assert_eq!(again.json::<Value>().await.unwrap(), created);
    }
    assert_eq!(sections_titled(&app, &admin, title).await, 1, "one section");

    // Another key is another request; a refusal is kept and replayed as well.
    let refused = create_section(&app, &admin, "click-2", "").await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let replayed = create_section(&app, &admin, "click-2", "").await;
    assert_eq!(replayed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(replayed.headers()["idempotent-replayed"], "true");

    // A key that is no key (too long) is ignored: the request is served as usual.
    let long = "x".repeat(201);
    let plain = create_section(&app, &admin, &long, "Ещё один раздел").await;
    assert_eq!(plain.status(), StatusCode::CREATED);
    assert!(plain.headers().get("idempotent-replayed").is_none());
}
