//! Faults of the parts around the server: a database that drops its connections or
//! is locked answers 503 `unavailable` with `Retry-After`, never 500; readiness
//! says what is wrong; a start that cannot work refuses, naming the path.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use crate::support::{Backend, TestApp, spawn_app};
use oko_migrations::{Migrator, MigratorTrait};
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

on_both_databases!(
    a_database_that_goes_away_answers_503_not_500,
    readiness_names_what_is_wrong,
    a_start_that_cannot_work_is_refused_naming_the_path,
    sigterm_gives_the_running_job_back_and_stops,
);

/// Statuses of a round of reads and writes, each checked to be a success or a
/// proper 503.
async fn round(app: &TestApp, token: &str) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for n in 0..20 {
        let response = if n % 2 == 0 {
            app.client
                .get(app.url("/api/orgs?per_page=5"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        } else {
            app.client
                .post(app.url("/api/sections"))
                .bearer_auth(token)
                .json(&json!({"title": format!("Раздел {n} {}", uuid::Uuid::new_v4())}))
                .send()
                .await
                .unwrap()
        };
        let status = response.status();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(response.headers().contains_key("retry-after"));
            let problem = crate::support::assert_problem(response, status, "unavailable").await;
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("Нет связи с базой")
            );
        } else {
            assert!(status.is_success(), "{status}");
        }
        statuses.push(status);
    }
    statuses
}

async fn a_database_that_goes_away_answers_503_not_500(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    assert!(round(&app, &admin).await.iter().all(|s| s.is_success()));
    match backend {
        Backend::Postgres => {
            // A restart, as the server's pools see it: every connection dropped.
            let admin_db = sea_orm::Database::connect(&app.database_url).await.unwrap();
            admin_db
                .execute_unprepared(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )
                .await
                .unwrap();
            let statuses = round(&app, &admin).await;
            assert!(
                statuses.last().is_some_and(StatusCode::is_success),
                "the pools recover by themselves: {statuses:?}"
            );
        }
        Backend::Sqlite => {
            // Another process holds the write lock: a write waits its 5 s and says so.
            let path = app.database_url.trim_start_matches("sqlite://");
            let path = path.split('?').next().unwrap().to_owned();
            let holder = std::thread::spawn(move || {
                Command::new("python3")
                    .args([
                        "-c",
                        &format!(
                            "import sqlite3, time\n\
                             c = sqlite3.connect('{path}', isolation_level=None)\n\
                             c.execute('BEGIN IMMEDIATE')\n\
                             print('locked', flush=True)\n\
                             time.sleep(8)\n\
                             c.execute('ROLLBACK')"
                        ),
                    ])
                    .output()
                    .unwrap()
            });
            tokio::time::sleep(Duration::from_millis(800)).await;
            let started = Instant::now();
            let response = app
                .client
                .post(app.url("/api/sections"))
                .bearer_auth(&admin)
                .json(&json!({"title": "Раздел при занятой базе"}))
                .send()
                .await
                .unwrap();
            let waited = started.elapsed();
            crate::support::assert_problem(
                response,
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
            )
            .await;
            assert!(
                waited < Duration::from_secs(7),
                "said so within 5 s: {waited:?}"
            );
            let held = holder.join().unwrap();
            assert!(String::from_utf8_lossy(&held.stdout).contains("locked"));
            assert!(round(&app, &admin).await.iter().all(|s| s.is_success()));
        }
    }
}

async fn readiness_names_what_is_wrong(backend: Backend) {
    let app = spawn_app(backend).await;
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let (status, ready) = app.get("/api/ready", "").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["status"], "ready");
    // A database behind this build's schema is not ready.
    Migrator::down(&app.db, Some(1)).await.unwrap();
    let response = app.client.get(app.url("/api/ready")).send().await.unwrap();
    let problem =
        crate::support::assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("не применено миграций — 1"),
        "{problem}"
    );
    let health = app.client.get(app.url("/api/health")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK, "alive all the same");
    Migrator::up(&app.db, None).await.unwrap();
}

async fn a_start_that_cannot_work_is_refused_naming_the_path(backend: Backend) {
    let app = spawn_app(backend).await;
    // A data directory that cannot be one (a file stands there; root may write
    // anywhere, so permissions would not do).
    let blocked = app.data_dir().join("not-a-directory");
    std::fs::write(&blocked, b"x").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_oko"))
        .arg("serve")
        .env("OKO_DATABASE_URL", &app.database_url)
        .env("OKO_DATA_DIR", blocked.join("data"))
        .env("OKO_LISTEN", "127.0.0.1:0")
        .output()
        .expect("oko runs");
    assert!(!output.status.success(), "it does not serve");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("OKO_DATA_DIR: в каталог") && said.contains("not-a-directory/data"),
        "names the variable and the path: {said}"
    );
    assert!(said.contains("права на запись"), "and what to do: {said}");
}

async fn sigterm_gives_the_running_job_back_and_stops(backend: Backend) {
    use oko_db::entities::job;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let app = spawn_app(backend).await;
    // A job some instance holds mid-run, leased for ten minutes: given back, it is
    // queued at once, not «формируется» with nobody working.
    let queued = app.order_credentials(&app.token("mun24001").await).await;
    let id: uuid::Uuid = queued["id"].as_str().unwrap().parse().unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let held = job::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut running: job::ActiveModel = held.into();
    running.status = Set("running".to_owned());
    running.lease_owner = Set(Some("oko-stopping".to_owned()));
    running.lease_until = Set(Some(chrono::Utc::now() + chrono::Duration::minutes(10)));
    running.update(&app.db).await.unwrap();
    let released = oko_db::jobs::release(&app.db, "oko-stopping", chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(released, 1);
    let back = job::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        back.lease_owner.as_deref(),
        Some("oko-stopping"),
        "queued again (or already claimed by the running instance)"
    );
    assert!(
        back.status == "queued" || back.lease_owner.is_some(),
        "{back:?}"
    );

    // `oko serve` handles SIGTERM itself (to give its job back first) and still
    // stops cleanly and at once.
    let mut server = app.serve_process(&app.data_dir().join("second")).await;
    let stopped = Instant::now();
    Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped.elapsed() < Duration::from_secs(10),
            "it stops on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(status.success(), "a clean stop: {status:?}");
}
