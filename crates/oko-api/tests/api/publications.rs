//! Sections and publications: the operator publishes, the audience decides who sees
//! what, counters, search, stars, news, sanitised bodies and refused bad input.

use std::collections::BTreeSet;

use crate::support::{Backend, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    the_audience_decides_who_sees_a_publication,
    counters_count_what_is_visible_and_unopened,
    search_stars_and_news_narrow_the_list,
    bodies_are_sanitised_and_the_source_is_the_operators,
    bad_publications_are_refused_whole,
    only_the_operator_publishes,
    a_publication_saved_elsewhere_shows_within_a_quarter_second,
);

async fn section(app: &TestApp, admin: &str, title: &str) -> String {
    let (status, body) = app
        .post("/api/sections", admin, json!({"title": title}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

async fn publish(
    app: &TestApp,
    admin: &str,
    section_id: &str,
    title: &str,
    extra: Value,
) -> String {
    let mut body = json!({
        "section_id": section_id, "title": title, "body_markdown": "Текст",
        "published_on": "2021-08-30T17:41:00Z", "audience": {"everyone": true}
    });
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let (status, saved) = app.post("/api/publications", admin, body).await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    saved["summary"]["id"].as_str().unwrap().to_owned()
}

async fn titles(app: &TestApp, token: &str, query: &str) -> BTreeSet<String> {
    let (status, page) = app
        .get(&format!("/api/publications?per_page=200{query}"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap().to_owned())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

async fn the_audience_decides_who_sees_a_publication(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let vpr = section(&app, &admin, "ВПР СПО").await;
    for (title, audience) in [
        ("Всем", json!({"everyone": true})),
        ("Колледжам", json!({"org_kinds": ["college"]})),
        ("Москве", json!({"region_codes": ["77"]})),
        (
            "Школе 240002",
            json!({"organisation_logins": ["sch240002"]}),
        ),
    ] {
        publish(&app, &admin, &vpr, title, json!({ "audience": audience })).await;
    }
    let future = publish(
        &app,
        &admin,
        &vpr,
        "Завтра",
        json!({"visible_from": "2099-01-01T00:00:00Z"}),
    )
    .await;

    let cases: [(&str, &[&str]); 6] = [
        ("sch240001", &["Всем"]),
        ("spo240007", &["Всем", "Колледжам"]),
        ("sch240002", &["Всем", "Школе 240002"]),
        ("mun24001", &["Всем", "Колледжам", "Школе 240002"]),
        ("spo_coord_24", &["Всем", "Колледжам", "Школе 240002"]),
        ("spo_coord_77", &["Всем", "Колледжам", "Москве"]),
    ];
    for (login, expected) in cases {
        let token = app.token(login).await;
        assert_eq!(titles(&app, &token, "").await, set(expected), "{login}");
        let (status, _) = app
            .get(&format!("/api/publications/{future}"), &token)
            .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{login} must not open a hidden publication"
        );
    }
    assert_eq!(
        titles(&app, &admin, "").await,
        set(&["Всем", "Колледжам", "Москве", "Школе 240002", "Завтра"])
    );
}

async fn counters_count_what_is_visible_and_unopened(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let first = section(&app, &admin, "ВПР СПО").await;
    let second = section(&app, &admin, "Техническая поддержка").await;
    let opened = publish(&app, &admin, &first, "Сбор данных", json!({})).await;
    publish(&app, &admin, &first, "Расписание", json!({})).await;
    publish(
        &app,
        &admin,
        &first,
        "Только Москве",
        json!({"audience": {"region_codes": ["77"]}}),
    )
    .await;
    publish(&app, &admin, &second, "Инструкция", json!({})).await;

    let school = app.token("sch240001").await;
    let counters = |list: Value| -> Vec<(String, u64, u64)> {
        list["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["title"].as_str().unwrap().to_owned(),
                    s["total"].as_u64().unwrap(),
                    s["new"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let (_, before) = app.get("/api/sections", &school).await;
    assert_eq!(
        counters(before),
        [
            ("ВПР СПО".into(), 2, 2),
            ("Техническая поддержка".into(), 1, 1)
        ]
    );
    let (status, opened_body) = app
        .get(&format!("/api/publications/{opened}"), &school)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(opened_body["summary"]["is_new"], false);
    let (_, after) = app.get("/api/sections", &school).await;
    assert_eq!(
        counters(after),
        [
            ("ВПР СПО".into(), 2, 1),
            ("Техническая поддержка".into(), 1, 1)
        ]
    );
    // Reading is per user: the college next door still has it as new.
    let (_, other) = app
        .get("/api/sections", &app.token("spo240007").await)
        .await;
    assert_eq!(counters(other)[0], ("ВПР СПО".into(), 2, 2));
}

async fn search_stars_and_news_narrow_the_list(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let vpr = section(&app, &admin, "ВПР СПО").await;
    let gathering = publish(
        &app,
        &admin,
        &vpr,
        "Сбор данных об участниках ВПР СПО",
        json!({}),
    )
    .await;
    publish(
        &app,
        &admin,
        &vpr,
        "Расписание проведения ВПР СПО",
        json!({"is_news": true}),
    )
    .await;
    publish(
        &app,
        &admin,
        &vpr,
        "Инструкция по работе в Личном кабинете",
        json!({}),
    )
    .await;
    let hidden = publish(
        &app,
        &admin,
        &vpr,
        "Москве",
        json!({"audience": {"region_codes": ["77"]}}),
    )
    .await;
    let school = app.token("sch240001").await;

    assert_eq!(
        titles(&app, &school, "&search=%D1%81%D0%B1%D0%BE%D1%80").await,
        set(&["Сбор данных об участниках ВПР СПО"])
    );
    assert_eq!(
        titles(&app, &school, "&search=%D0%A1%D0%91%D0%9E%D0%A0").await,
        set(&["Сбор данных об участниках ВПР СПО"])
    );
    assert_eq!(
        titles(&app, &school, "&search=%D0%B2%D0%BF%D1%80")
            .await
            .len(),
        2
    );
    assert_eq!(
        titles(&app, &school, "&news=true").await,
        set(&["Расписание проведения ВПР СПО"])
    );

    let star = format!("/api/publications/{gathering}/star");
    for _ in 0..2 {
        assert_eq!(
            app.put(&star, &school, None).await.0,
            StatusCode::NO_CONTENT
        );
    }
    assert_eq!(
        titles(&app, &school, "&starred=true").await,
        set(&["Сбор данных об участниках ВПР СПО"])
    );
    let (_, sections) = app.get("/api/sections", &school).await;
    assert_eq!(sections["starred"], 1);
    let (_, page) = app
        .get(&format!("/api/publications?section_id={vpr}"), &school)
        .await;
    assert_eq!(
        page["items"][0]["title"], "Сбор данных об участниках ВПР СПО",
        "starred first in its section"
    );
    let starred: Vec<bool> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["starred"].as_bool().unwrap())
        .collect();
    assert_eq!(starred.iter().filter(|s| **s).count(), 1);
    assert!(
        titles(&app, &app.token("sch240002").await, "&starred=true")
            .await
            .is_empty(),
        "stars are per user"
    );

    assert_eq!(app.delete(&star, &school).await.0, StatusCode::NO_CONTENT);
    assert!(titles(&app, &school, "&starred=true").await.is_empty());
    let (status, _) = app
        .put(&format!("/api/publications/{hidden}/star"), &school, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bodies_are_sanitised_and_the_source_is_the_operators(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let vpr = section(&app, &admin, "ВПР СПО").await;
    let markdown = "**Важно** <script>alert(1)</script> [почта](mailto:helpfisoko@fioco.ru) [плохо](javascript:alert(1))";
    let id = publish(
        &app,
        &admin,
        &vpr,
        "Тело",
        json!({"body_markdown": markdown}),
    )
    .await;
    let (_, seen) = app
        .get(
            &format!("/api/publications/{id}"),
            &app.token("sch240001").await,
        )
        .await;
    let html = seen["body_html"].as_str().unwrap();
    assert!(
        html.contains("<strong>Важно</strong>") && html.contains("&lt;script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("href=\"mailto:helpfisoko@fioco.ru\"") && !html.contains("javascript:"),
        "{html}"
    );
    assert!(seen.get("body_markdown").is_none() && seen.get("audience").is_none());
    let (_, as_operator) = app.get(&format!("/api/publications/{id}"), &admin).await;
    assert_eq!(as_operator["body_markdown"], markdown);
    assert_eq!(as_operator["audience"]["everyone"], true);
}

async fn bad_publications_are_refused_whole(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let vpr = section(&app, &admin, "ВПР СПО").await;
    let bad = json!({
        "section_id": "00000000-0000-0000-0000-000000000000", "title": " ", "published_on": "2021-08-30T17:41:00Z",
        "audience": {"region_codes": ["24", "99"], "organisation_logins": ["sch999999"]}
    });
    let (status, problem) = app.post("/api/publications", &admin, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["code"], "validation_failed");
    let fields: BTreeSet<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from([
            "title",
            "section_id",
            "audience.region_codes[1]",
            "audience.organisation_logins[0]"
        ])
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("Нет региона с кодом «99»")
    );

    let id = publish(&app, &admin, &vpr, "Правильная", json!({})).await;
    let (status, _) = app
        .put(&format!("/api/publications/{id}"), &admin, json!({"section_id": vpr, "title": "Изменённая", "published_on": "2021-08-30T17:41:00Z", "audience": {}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        titles(&app, &admin, "").await,
        set(&["Правильная"]),
        "nothing half-saved"
    );

    let (status, taken) = app
        .post("/api/sections", &admin, json!({"title": "ВПР СПО"}))
        .await;
    assert_eq!(
        (status, taken["errors"][0]["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("taken"))
    );
    let (status, _) = app.get("/api/publications/not-a-uuid", &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn only_the_operator_publishes(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let vpr = section(&app, &admin, "ВПР СПО").await;
    let id = publish(&app, &admin, &vpr, "Всем", json!({})).await;
    for login in ["spo_coord_24", "mun24001", "sch240001"] {
        let token = app.token(login).await;
        let (status, body) = app
            .post("/api/sections", &token, json!({"title": "Моё"}))
            .await;
        assert_eq!(
            (status, body["code"].clone()),
            (StatusCode::FORBIDDEN, json!("forbidden")),
            "{login}"
        );
        let publication = json!({"section_id": vpr, "title": "Моё", "published_on": "2021-08-30T17:41:00Z", "audience": {"everyone": true}});
        assert_eq!(
            app.post("/api/publications", &token, publication.clone())
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.put(&format!("/api/publications/{id}"), &token, publication)
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.put(
                &format!("/api/sections/{vpr}"),
                &token,
                json!({"title": "x"})
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
    }
    let (status, renamed) = app
        .put(
            &format!("/api/sections/{vpr}"),
            &admin,
            json!({"title": "ВПР", "position": 5}),
        )
        .await;
    assert_eq!(
        (
            status,
            renamed["title"].clone(),
            renamed["position"].clone()
        ),
        (StatusCode::OK, json!("ВПР"), json!(5))
    );
    // A tab at the largest position a client may set: the next one still goes
    // last (the schema attack found a 500 here: the position overflowed).
    let (status, far) = app
        .post(
            "/api/sections",
            &admin,
            json!({"title": "Последний", "position": i32::MAX}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{far}");
    let (status, next) = app
        .post("/api/sections", &admin, json!({"title": "Следующий"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{next}");
    assert_eq!(next["position"], i32::MAX);
}

async fn a_publication_saved_elsewhere_shows_within_a_quarter_second(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let vpr = section(&app, &admin, "ВПР СПО").await;
    let school = app.token("sch240001").await;
    assert!(titles(&app, &school, "").await.is_empty());
    // Another instance writes straight into the shared database.
    let input: oko_domain::publications::PublicationInput = serde_json::from_value(json!({
        "section_id": vpr, "title": "С другого сервера", "published_on": "2021-08-30T17:41:00Z",
        "audience": {"region_codes": ["24"]}
    }))
    .unwrap();
    let targets = oko_db::publications::resolve_audience(&app.db, &input.audience)
        .await
        .unwrap()
        .unwrap();
    // That instance's own board, not this one's.
    let its_board = oko_db::board::BoardCache::default();
    oko_db::publications::create(&app.db, &its_board, &input, &targets)
        .await
        .unwrap();
    // This instance re-reads the publications' version at most every 250 ms.
    tokio::time::sleep(oko_db::board::BOARD_MAX_AGE + std::time::Duration::from_millis(50)).await;
    assert_eq!(titles(&app, &school, "").await, set(&["С другого сервера"]));
    let (_, sections) = app.get("/api/sections", &school).await;
    assert_eq!(sections["sections"][0]["new"], 1);
}
