//! Accounts and their protection: login back-off (never a lock-out), one's own
//! password change under the policy, coordinators issuing passwords to and blocking
//! their subordinate accounts, and the audit log of all of it by territory.

use std::time::Duration;

use crate::support::{Backend, PASSWORD, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    failed_logins_back_off_while_other_accounts_log_in,
    the_back_off_is_one_limit_across_instances,
    a_sprayed_address_still_lets_a_known_browser_in,
    a_user_changes_their_password_under_the_policy,
    coordinators_issue_passwords_and_block_only_their_subordinates,
    a_municipality_gets_a_workbook_of_new_passwords_for_all_its_organisations,
);

async fn refresh(app: &TestApp, token: &str) -> StatusCode {
    app.client
        .post(app.url("/api/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
        .status()
}

async fn audit(app: &TestApp, token: &str, query: &str) -> Value {
    let (status, page) = app.get(&format!("/api/audit?{query}"), token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

async fn failed_logins_back_off_while_other_accounts_log_in(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..3 {
        let (status, _) = app.login("sch240001", "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // The fourth try comes too soon: refused without checking, even the right password.
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .json(&json!({"login": "sch240001", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "too_many_attempts");
    // Other accounts are not slowed.
    let (status, _) = app.login("sch240002", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    // After the pause the right password works, and clears the count.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _) = app.login("sch240001", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.login("sch240001", "wrong-password").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "one new failure is free again"
    );

    let admin = app.token("admin").await;
    let failed = audit(&app, &admin, "action=login_failed&login=sch240001").await;
    assert_eq!(failed["total"], 4, "{failed}");
    assert_eq!(failed["items"][0]["detail"], "Неверный пароль");
    assert!(failed["items"][0]["address"].as_str().is_some());
    let throttled = audit(&app, &admin, "action=login_throttled").await;
    assert_eq!(throttled["total"], 1);
    let region = app.token("spo_coord_24").await;
    assert_eq!(
        audit(&app, &region, "action=login_failed").await["total"],
        4
    );
    let other = app.token("spo_coord_50").await;
    assert_eq!(audit(&app, &other, "action=login_failed").await["total"], 0);
    let school = app.token("sch240002").await;
    let (status, _) = app.get("/api/audit", &school).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn the_back_off_is_one_limit_across_instances(backend: Backend) {
    let app = spawn_app(backend).await;
    let second = app.other_instance().await;
    for instance in [&app, &second, &app] {
        let (status, _) = instance.login("sch240001", "wrong-password").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Three failures spread over two instances count as three.
    for instance in [&second, &app] {
        let (status, problem) = instance.login("sch240001", PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
    }
}

async fn a_sprayed_address_still_lets_a_known_browser_in(backend: Backend) {
    use oko_db::entities::login_failure;
    use sea_orm::{ActiveModelTrait, Set};
    let app = spawn_app(backend).await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = |client: &reqwest::Client, login: &str| {
        client
            .post(app.url("/api/auth/login"))
            .json(&json!({"login": login, "password": PASSWORD}))
            .send()
    };
    assert_eq!(
        login(&browser, "sch240001").await.unwrap().status(),
        StatusCode::OK
    );
    // Someone behind the same NAT sprayed 150 wrong passwords a moment ago.
    login_failure::ActiveModel {
        counter_key: Set("address:127.0.0.1".to_owned()),
        failures: Set(150),
        last_ms: Set(chrono::Utc::now().timestamp_millis()),
    }
    .insert(&app.db)
    .await
    .unwrap();
    let stranger = login(&app.client, "sch240002").await.unwrap();
    assert_eq!(stranger.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = stranger.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry <= 60, "the address waits a minute at most: {retry}");
    assert_eq!(
        login(&browser, "sch240001").await.unwrap().status(),
        StatusCode::OK,
        "the browser that logged in to its account before is let in"
    );
    assert_eq!(
        login(&browser, "sch240002").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS,
        "for that account only"
    );
}

async fn a_user_changes_their_password_under_the_policy(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, session) = app.login("sch240001", PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    let old_refresh = session["refresh_token"].as_str().unwrap();
    let change = |old: &str, new: &str| json!({"old_password": old, "new_password": new});

    let (status, problem) = app
        .post("/api/me/password", token, change("nope", "Kedr-Lipa-42"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "old_password");
    for (weak, code) in [
        ("short1", "too_short"),
        ("Password123", "too_common"),
        ("sch240001-x", "contains_login"),
    ] {
        let (status, problem) = app
            .post("/api/me/password", token, change(PASSWORD, weak))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    let (status, renewed) = app
        .post("/api/me/password", token, change(PASSWORD, "Kedr-Lipa-42"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the caller's new session: {renewed}"
    );
    assert!(renewed["access_token"].as_str().is_some());
    assert_eq!(
        refresh(&app, old_refresh).await,
        StatusCode::UNAUTHORIZED,
        "old sessions end"
    );
    let (status, _) = app.login("sch240001", "Kedr-Lipa-42").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.login("sch240001", PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn coordinators_issue_passwords_and_block_only_their_subordinates(backend: Backend) {
    let app = spawn_app(backend).await;
    let municipality = app.token("mun24001").await;
    let (_, school_session) = app.login("sch240001", PASSWORD).await;
    let school_refresh = school_session["refresh_token"].as_str().unwrap().to_owned();

    let (status, issued) = app
        .post("/api/users/sch240001/password", &municipality, None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let password = issued["password"].as_str().unwrap();
    assert_eq!(password.len(), 12);
    assert_eq!(
        refresh(&app, &school_refresh).await,
        StatusCode::UNAUTHORIZED,
        "old refresh tokens die at once"
    );
    let (status, _) = app.login("sch240001", password).await;
    assert_eq!(status, StatusCode::OK);

    // Not a subordinate: another municipality's school, a peer, anyone for a school.
    for (token, login) in [
        (&municipality, "sch500001"),
        (&municipality, "mun24001"),
        (&app.token("sch240002").await, "sch240001"),
        (&app.token("spo_coord_50").await, "sch240001"),
    ] {
        let (status, _) = app
            .post(&format!("/api/users/{login}/password"), token, None)
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{login}");
    }
    let region = app.token("spo_coord_24").await;
    let (status, issued) = app
        .post("/api/users/mun24001/password", &region, None)
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a region issues to its municipalities"
    );
    // The reset ended the municipality's session: it logs in with the new password.
    let (status, _) = app.get("/api/me", &municipality).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old session ended");
    let (_, session) = app
        .login("mun24001", issued["password"].as_str().unwrap())
        .await;
    let municipality = session["access_token"].as_str().unwrap().to_owned();

    // The school at work with its new password, known to this instance.
    let (_, session) = app.login("sch240001", password).await;
    let school_token = session["access_token"].as_str().unwrap().to_owned();
    assert_eq!(app.get("/api/me", &school_token).await.0, StatusCode::OK);
    let (status, access) = app
        .post("/api/users/sch240001/block", &municipality, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(access["blocked"], true);
    let (status, _) = app.login("sch240001", password).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // At once on the instance that blocked (the others: at their next poll).
    let (status, _) = app.get("/api/me", &school_token).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a blocked user is logged out everywhere"
    );
    let (status, _) = app
        .post("/api/users/sch240001/unblock", &municipality, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app.login("sch240001", password).await;
    assert_eq!(status, StatusCode::OK);

    // The region reads all of it in its log; the CSV export has the same events.
    let resets = audit(&app, &region, "action=password_reset").await;
    assert_eq!(resets["total"], 2, "{resets}");
    let blocked = audit(&app, &region, "login=sch240001&action=user_blocked").await;
    assert_eq!(blocked["items"][0]["actor"], "mun24001");
    let response = app
        .client
        .get(app.url("/api/audit/export?action=password_reset"))
        .bearer_auth(&region)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let csv = response.text().await.unwrap();
    assert!(csv.starts_with("\u{feff}Время (мск);Кто;Действие"), "{csv}");
    assert_eq!(csv.matches("Выдан новый пароль").count(), 2);
}

async fn a_municipality_gets_a_workbook_of_new_passwords_for_all_its_organisations(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let municipality = app.token("mun24001").await;
    let job = app.order_credentials(&municipality).await;
    let done = app.finished_job(&municipality, &job).await;
    assert_eq!(done["status"], "ready", "{done}");
    let (_, bytes) = app.job_file(&municipality, &done).await;
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<(String, String)> = sheet
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[2].to_string()))
        .collect();
    assert_eq!(
        rows.len(),
        8,
        "the municipality's eight organisations: {rows:?}"
    );
    assert!(rows.iter().all(|(login, _)| login.ends_with(|c: char| c.is_ascii_digit()) && login.contains("24")));
    let (login, password) = &rows[0];
    let (status, _) = app.login(login, password).await;
    assert_eq!(status, StatusCode::OK, "the new password works");
    let (status, _) = app.login(login, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old one does not");
    // Another territory, or the whole country, is refused.
    let (status, _) = app
        .post("/api/credentials", &app.token("sch500001").await, json!({}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post("/api/credentials", &app.token("admin").await, json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
