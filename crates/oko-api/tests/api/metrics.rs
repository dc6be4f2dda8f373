//! `GET /metrics` in Prometheus's text format, as an operations team scrapes it:
//! behind `OKO_METRICS_TOKEN` on the main listener, or without a token on a
//! listener of its own (`OKO_METRICS_LISTEN`); off (404) unless asked for.

use crate::support::{
    Backend, TestApp, arrange::open_college_collection, spawn_app, spawn_app_with,
};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(
    metrics_count_requests_saves_pools_and_jobs_behind_their_token,
    metrics_are_off_unless_asked_for,
);

const TOKEN: &str = "scraper-secret-0123456789";

/// The value of the sample `name{labels}` (labels as Prometheus prints them).
fn sample(page: &str, series: &str) -> Option<f64> {
    page.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut request = app.client.get(app.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn metrics_count_requests_saves_pools_and_jobs_behind_their_token(backend: Backend) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let alone = format!("127.0.0.1:{port}");
    let app = spawn_app_with(
        backend,
        &[("OKO_METRICS_TOKEN", TOKEN), ("OKO_METRICS_LISTEN", &alone)],
    )
    .await;
    assert_eq!(scrape(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&app, Some("scraper-secret-0123456780")).await.0,
        StatusCode::UNAUTHORIZED
    );

    let admin = app.token("admin").await;
    let school = app.token("sch240001").await;
    let id = open_college_collection(&app, &admin).await;
    let before = scrape(&app, Some(TOKEN)).await.1;
    let saves_before = sample(&before, "oko_draft_saves_total").unwrap_or(0.0);
    let (status, _) = app
        .save(
            &school,
            &id,
            0,
            "m-1",
            vec![json!({"op": "set", "sheet": "specialties", "row": 1, "column": "course", "value": "1"})],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.get("/api/me", &school).await;
    assert_eq!(status, StatusCode::OK);

    let (status, page) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        sample(&page, "oko_draft_saves_total").unwrap() >= saves_before + 1.0,
        "{page}"
    );
    assert!(
        sample(
            &page,
            r#"oko_http_requests_total{method="GET",route="/api/me",status="200"}"#
        )
        .unwrap()
            >= 1.0,
        "{page}"
    );
    assert!(page.contains(
        r#"oko_http_request_duration_seconds_bucket{method="PATCH",route="/api/collections/{id}/draft",le="0.1"}"#
    ));
    assert_eq!(
        sample(&page, r#"oko_db_pool_connections_max{pool="drafts"}"#),
        Some(16.0)
    );
    assert!(sample(&page, r#"oko_db_pool_connections_max{pool="main"}"#).unwrap() >= 8.0);
    assert!(sample(&page, r#"oko_jobs{status="queued"}"#).is_some());

    // The example dashboard draws only what the server says.
    let dashboard = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/grafana-dashboard.json"
    ))
    .unwrap();
    for name in metric_names(&dashboard) {
        assert!(
            page.contains(&format!("\n{name}")) || page.contains(&format!("# TYPE {name} ")),
            "docs/grafana-dashboard.json draws {name}, which /metrics does not have"
        );
    }

    // The listener of its own needs no token and says the same.
    let own = app
        .client
        .get(format!("http://{alone}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), StatusCode::OK);
    assert!(own.text().await.unwrap().contains("oko_draft_saves_total"));
}

/// Every `oko_…` name in `text`, a histogram's `_bucket` as the histogram.
fn metric_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut names = std::collections::BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("oko_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        rest = &rest[at + name.len()..];
        if name.len() > "oko_".len() {
            names.insert(name.trim_end_matches("_bucket").to_owned());
        }
    }
    names
}

async fn metrics_are_off_unless_asked_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    let problem =
        crate::support::assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("OKO_METRICS_TOKEN")
    );
}
