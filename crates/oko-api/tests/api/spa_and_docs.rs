//! Everything that is not `/api` is the SPA: its files, and `index.html` for its own
//! routes so a reload on `/passport` works. The API documents itself at `/api/docs`.

use crate::support::{Backend, TEST_SPA_INDEX, assert_problem, spawn_app};
use reqwest::StatusCode;

on_both_databases!(spa_routes_assets_and_api_docs_are_served);

async fn spa_routes_assets_and_api_docs_are_served(backend: Backend) {
    let app = spawn_app(backend).await;
    for path in ["/", "/passport", "/exchange/some/deep/link"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), TEST_SPA_INDEX, "{path}");
    }
    let asset = app
        .client
        .get(app.url("/app-1a2b.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(asset.status(), StatusCode::OK);
    assert!(
        asset.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(asset.text().await.unwrap(), "console.log('oko');");
    // An encoded `..` does not reach outside the SPA directory.
    let escape = app
        .client
        .get(app.url("/%2e%2e/%2e%2e/Cargo.toml"))
        .send()
        .await
        .unwrap();
    assert_eq!(escape.text().await.unwrap(), TEST_SPA_INDEX);

    let docs = app.client.get(app.url("/api/docs")).send().await.unwrap();
    assert_eq!(docs.status(), StatusCode::OK);
    assert!(
        docs.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(docs.text().await.unwrap().contains("/api/openapi.json"));
    let spec: serde_json::Value = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(spec["info"]["title"], "Oko API");
    // Served as committed: no example carries the id of the request that built it.
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../api-spec/openapi.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert!(
        spec == committed,
        "the served document differs from api-spec/openapi.json"
    );

    let unknown = app
        .client
        .get(app.url("/api/passport"))
        .send()
        .await
        .unwrap();
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    let wrong_method = app.client.delete(app.url("/api/me")).send().await.unwrap();
    assert!(
        wrong_method.status().is_client_error(),
        "{}",
        wrong_method.status()
    );
}
