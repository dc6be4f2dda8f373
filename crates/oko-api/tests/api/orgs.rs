//! `GET /api/orgs`: scope, paging and search.

use std::collections::BTreeSet;

use crate::support::{Backend, TestApp, assert_problem, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

on_both_databases!(
    a_region_coordinator_sees_only_its_region,
    municipal_coordinators_and_organisations_see_their_own_part,
    pages_cover_everything_once_with_a_total,
    search_matches_login_or_russian_name_in_any_case,
    bad_paging_parameters_are_explained,
);

/// Every organisation the token may see, page by page.
async fn all_orgs(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut items = Vec::new();
    for page in 1.. {
        let (status, body) = app
            .get(&format!("/api/orgs?per_page=20&page={page}{query}"), token)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let batch = body["items"].as_array().unwrap().clone();
        if batch.is_empty() {
            assert_eq!(body["total"].as_u64().unwrap() as usize, items.len());
            break;
        }
        items.extend(batch);
    }
    items
}

fn logins(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|o| o["login"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_region_coordinator_sees_only_its_region(backend: Backend) {
    let app = spawn_app(backend).await;
    let everything = all_orgs(&app, &app.token("admin").await, "").await;
    let in_24 = everything
        .iter()
        .filter(|o| o["region"]["code"] == "24")
        .count();
    assert!(everything.iter().any(|o| o["region"]["code"] == "77"));

    let token = app.token("spo_coord_24").await;
    let visible = all_orgs(&app, &token, "").await;
    assert_eq!(visible.len(), in_24);
    assert!(visible.iter().all(|o| o["region"]["code"] == "24"));
    // Not even a search for them finds organisations of Moscow.
    assert!(all_orgs(&app, &token, "&search=sch77").await.is_empty());
    assert!(all_orgs(&app, &token, "&search=Москва").await.is_empty());
}

async fn municipal_coordinators_and_organisations_see_their_own_part(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, me) = app.get("/api/me", &app.token("mun24001").await).await;
    let municipality = me["municipality"]["id"].clone();
    let visible = all_orgs(&app, &app.token("mun24001").await, "").await;
    assert!(!visible.is_empty());
    assert!(
        visible
            .iter()
            .all(|o| o["municipality"]["id"] == municipality)
    );

    let own = all_orgs(&app, &app.token("sch240001").await, "").await;
    assert_eq!(logins(&own), BTreeSet::from(["sch240001".to_owned()]));
}

async fn pages_cover_everything_once_with_a_total(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token("admin").await;
    let everything = all_orgs(&app, &token, "").await;
    assert_eq!(
        logins(&everything).len(),
        everything.len(),
        "no organisation twice"
    );
    let (_, page2) = app.get("/api/orgs?page=2&per_page=10", &token).await;
    assert_eq!(page2["page"], 2);
    assert_eq!(page2["per_page"], 10);
    assert_eq!(page2["total"].as_u64().unwrap() as usize, everything.len());
    let page2_logins: Vec<&str> = page2["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["login"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = everything[10..20]
        .iter()
        .map(|o| o["login"].as_str().unwrap())
        .collect();
    assert_eq!(page2_logins, expected, "ordered by login");
}

async fn search_matches_login_or_russian_name_in_any_case(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token("admin").await;
    let gymnasiums = all_orgs(&app, &token, "&search=ГИМНАЗИЯ").await;
    assert!(!gymnasiums.is_empty());
    assert!(gymnasiums.iter().all(|o| {
        o["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("гимназия")
    }));
    assert_eq!(
        logins(&all_orgs(&app, &token, "&search=гимназия").await),
        logins(&gymnasiums)
    );
    let by_login = all_orgs(&app, &token, "&search=sch24000").await;
    assert!(
        !by_login.is_empty()
            && by_login
                .iter()
                .all(|o| o["login"].as_str().unwrap().starts_with("sch24000"))
    );
    // LIKE wildcards are plain characters in a search.
    assert!(all_orgs(&app, &token, "&search=%25").await.is_empty());
}

async fn bad_paging_parameters_are_explained(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.token("admin").await;
    for (query, field) in [
        ("per_page=0", "per_page"),
        ("per_page=201", "per_page"),
        ("page=0", "page"),
    ] {
        let response = app
            .client
            .get(app.url(&format!("/api/orgs?{query}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, StatusCode::BAD_REQUEST, "invalid_parameter").await;
        assert_eq!(body["errors"][0]["field"], field);
    }
    let response = app
        .client
        .get(app.url("/api/orgs?page=abc"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_parameter").await;
    let response = app.client.get(app.url("/api/orgs")).send().await.unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
