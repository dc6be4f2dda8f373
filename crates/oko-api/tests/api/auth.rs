//! Login, refresh, logout and `/api/me`, as a client sees them.

use crate::support::{Backend, PASSWORD, TestApp, assert_problem, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    each_role_logs_in_and_me_describes_the_user,
    every_login_failure_answers_the_same_401,
    logins_are_case_sensitive,
    refresh_rotates_the_token_and_the_old_one_dies,
    the_cookie_carries_the_session_and_logout_ends_it,
    a_blocked_user_can_neither_log_in_nor_refresh,
    me_needs_a_valid_access_token,
);

async fn each_role_logs_in_and_me_describes_the_user(backend: Backend) {
    let app = spawn_app(backend).await;
    for (login, role, region) in [
        ("admin", "operator", Value::Null),
        ("spo_coord_24", "region_coordinator", json!("24")),
        ("sch240001", "organisation", json!("24")),
    ] {
        let (status, body) = app.login(login, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["expires_in"], 900);
        let (status, me) = app
            .get("/api/me", body["access_token"].as_str().unwrap())
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["login"], login);
        assert_eq!(me["role"], role);
        assert_eq!(me["region"]["code"], region, "{me}");
    }
}

async fn every_login_failure_answers_the_same_401(backend: Backend) {
    let app = spawn_app(backend).await;
    oko_db::users::set_blocked(&app.db, &console(), "sch240002", true)
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for (login, password) in [
        ("sch240001", "wrong-password"),
        ("sch249999", PASSWORD),
        ("sch240002", PASSWORD),
    ] {
        let response = app
            .client
            .post(app.url("/api/auth/login"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .unwrap();
        let mut body =
            assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert_eq!(body["detail"], "Неверный логин или пароль");
        // Each answer names its own request; nothing else may tell them apart.
        body.as_object_mut().unwrap().remove("request_id");
        bodies.push(body);
    }
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "answers differ: {bodies:?}"
    );
}

async fn logins_are_case_sensitive(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        app.login("SCH240001", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("Admin", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.login("sch240001", PASSWORD).await.0, StatusCode::OK);
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

async fn refresh_rotates_the_token_and_the_old_one_dies(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, first) = app.login("spo_coord_24", PASSWORD).await;
    let first_refresh = first["refresh_token"].as_str().unwrap();

    let response = refresh(&app, first_refresh).await;
    assert_eq!(response.status(), StatusCode::OK);
    let second: Value = response.json().await.unwrap();
    let second_refresh = second["refresh_token"].as_str().unwrap();
    assert_ne!(second_refresh, first_refresh);
    let (status, me) = app
        .get("/api/me", second["access_token"].as_str().unwrap())
        .await;
    assert_eq!(
        (status, me["login"].clone()),
        (StatusCode::OK, json!("spo_coord_24"))
    );

    assert_problem(
        refresh(&app, first_refresh).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        refresh(&app, "made-up-token").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(refresh(&app, second_refresh).await.status(), StatusCode::OK);
}

async fn the_cookie_carries_the_session_and_logout_ends_it(backend: Backend) {
    let app = spawn_app(backend).await;
    // A browser-like client: keeps the HttpOnly refresh cookie, sends no token itself.
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = browser
        .post(app.url("/api/auth/login"))
        .json(&json!({"login": "sch240001", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = login
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("oko_refresh="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/api/auth")
    );

    let reload = browser
        .post(app.url("/api/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(reload.status(), StatusCode::OK);
    let tokens: Value = reload.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/me", access).await.1["login"], "sch240001");

    let logout = browser
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    // The revoked token fails even when presented directly.
    let revoked = refresh(&app, tokens["refresh_token"].as_str().unwrap()).await;
    assert_problem(revoked, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let after = browser
        .post(app.url("/api/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

async fn a_blocked_user_can_neither_log_in_nor_refresh(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, tokens) = app.login("sch240001", PASSWORD).await;
    oko_db::users::set_blocked(&app.db, &console(), "sch240001", true)
        .await
        .unwrap();
    assert_eq!(
        app.login("sch240001", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    let response = refresh(&app, tokens["refresh_token"].as_str().unwrap()).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    // Even the still-unexpired access token stops working at once.
    assert_eq!(
        app.get("/api/me", tokens["access_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    oko_db::users::set_blocked(&app.db, &console(), "sch240001", false)
        .await
        .unwrap();
    assert_eq!(app.login("sch240001", PASSWORD).await.0, StatusCode::OK);

    // A user the server already knows (cached) is dropped within the cache's poll.
    let (_, other) = app.login("sch240002", PASSWORD).await;
    let access = other["access_token"].as_str().unwrap();
    assert_eq!(app.get("/api/me", access).await.0, StatusCode::OK);
    oko_db::users::set_blocked(&app.db, &console(), "sch240002", true)
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(
        crate::support::AUTH_CACHE_SECONDS * 1000 + 300,
    ))
    .await;
    assert_eq!(app.get("/api/me", access).await.0, StatusCode::UNAUTHORIZED);
}

async fn me_needs_a_valid_access_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let none = app.client.get(app.url("/api/me")).send().await.unwrap();
    assert_problem(none, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let forged = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.x")
        .send()
        .await
        .unwrap();
    assert_problem(forged, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

/// A user cache of no server: the console's, or another instance's.
fn console() -> oko_db::known_users::UserCache {
    oko_db::known_users::UserCache::off()
}
