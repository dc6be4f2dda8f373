//! What a hostile or careless client sends, against the server as it ships: every
//! answer a clear 4xx, the server still serving afterwards, on both databases.

use crate::support::{Backend, PASSWORD, TestApp, assert_problem, spawn_app};
use oko_io::workbook::minimal_workbook;
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_databases!(
    nul_characters_are_refused_at_the_door,
    pages_past_any_list_are_refused,
    a_login_longer_than_any_real_one_never_reaches_the_throttle_or_the_log,
    crafted_workbooks_are_refused_naming_the_cell,
    a_picture_sent_as_a_spreadsheet_is_told_what_it_is,
    the_notification_stream_ticket_is_short_and_refuses_a_blocked_user,
    pages_run_only_their_own_scripts,
    a_cookie_over_https_is_secure,
    behind_a_trusted_proxy_each_client_has_its_own_back_off,
    a_forum_attachment_is_named_like_a_stored_file,
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
        .post("/api/sections", &admin, json!({"title": "ВПР\u{0}"}))
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
    for path in [
        format!("/api/orgs/{long}/passport"),
        format!("/api/users/{long}/block"),
    ] {
        let method = if path.ends_with("block") {
            Method::POST
        } else {
            Method::GET
        };
        let (status, problem) = app.call(method, &path, &admin, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "login", "{problem}");
    }
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

async fn the_notification_stream_ticket_is_short_and_refuses_a_blocked_user(backend: Backend) {
    let app = spawn_app(backend).await;
    let school = app.token("sch240001").await;
    let (status, link) = app.post("/api/notifications/link", &school, None).await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let expires: chrono::DateTime<chrono::Utc> =
        link["expires_at"].as_str().unwrap().parse().unwrap();
    let lives = expires - chrono::Utc::now();
    assert!(
        lives <= chrono::Duration::seconds(60) && lives > chrono::Duration::seconds(50),
        "a minute: {lives}"
    );
    let municipality = app.token("mun24001").await;
    let (status, _) = app
        .post("/api/users/sch240001/block", &municipality, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    crate::support::after_the_cache_poll().await;
    let stream = app
        .client
        .get(app.url(link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_problem(stream, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

async fn pages_run_only_their_own_scripts(backend: Backend) {
    use base64::Engine;
    use sha2::Digest;
    let app = spawn_app(backend).await;
    let docs = app.client.get(app.url("/api/docs")).send().await.unwrap();
    let policy = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let page = docs.text().await.unwrap();
    let script = page
        .split("<script>")
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the docs page has its inline script");
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script));
    assert!(
        policy.contains(&format!("script-src 'sha256-{hash}'")),
        "only that script runs: {policy}"
    );
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let spa = app.client.get(app.url("/monitoring")).send().await.unwrap();
    let policy = spa.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval'")
            && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    let api = app
        .client
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        api.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

async fn a_cookie_over_https_is_secure(backend: Backend) {
    let app = spawn_app(backend).await;
    let login = |proto: Option<&'static str>| {
        let mut request = app
            .client
            .post(app.url("/api/auth/login"))
            .json(&json!({"login": "sch240001", "password": PASSWORD}));
        if let Some(proto) = proto {
            request = request.header("X-Forwarded-Proto", proto);
        }
        request.send()
    };
    let cookies = |response: &reqwest::Response| -> Vec<String> {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    };
    let plain = login(None).await.unwrap();
    assert!(
        cookies(&plain).iter().all(|c| !c.contains("Secure")),
        "{:?}",
        cookies(&plain)
    );
    let https = login(Some("https")).await.unwrap();
    let set = cookies(&https);
    assert_eq!(set.len(), 2, "the refresh and the device cookie: {set:?}");
    assert!(
        set.iter()
            .all(|c| c.contains("Secure") && c.contains("HttpOnly")),
        "{set:?}"
    );
}

async fn behind_a_trusted_proxy_each_client_has_its_own_back_off(backend: Backend) {
    let app =
        crate::support::spawn_app_with(backend, &[("OKO_TRUSTED_PROXIES", "127.0.0.1")]).await;
    let login = |client_address: &'static str, password: &'static str| {
        app.client
            .post(app.url("/api/auth/login"))
            .header("X-Forwarded-For", client_address)
            .json(&json!({"login": "sch240001", "password": password}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(
            login("203.0.113.7", "wrong").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        login("203.0.113.7", PASSWORD).await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the attacking client waits"
    );
    assert_eq!(
        login("198.51.100.2", PASSWORD).await.unwrap().status(),
        StatusCode::OK,
        "another school behind the same proxy does not"
    );
}

async fn a_forum_attachment_is_named_like_a_stored_file(backend: Backend) {
    let app = spawn_app(backend).await;
    let region = app.token("spo_coord_24").await;
    let (status, question) = app
        .post(
            "/api/forums/vpr-spo/questions",
            &region,
            json!({"title": "Не загружается файл", "body": "Снимок экрана ниже"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{question}");
    let id = question["summary"]["id"].as_str().unwrap();
    let attach = |name: &str| {
        app.client
            .post(app.url(&format!(
                "/api/forum/questions/{id}/attachments?name={name}"
            )))
            .bearer_auth(&region)
            .body(b"\x89PNG\r\n\x1a\nscreen".to_vec())
            .send()
    };
    let response = attach("C%3A%5CUsers%5Cschool%5C%09screen.png")
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let attached: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        attached["name"], "screen.png",
        "no path, no control characters"
    );
    let response = attach("%2F%2F").await.unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_parameter").await;
}
