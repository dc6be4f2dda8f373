//! The `oko` command for operators: accounts created and changed from the shell, with
//! passwords read from standard input, take effect for the running server.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use crate::support::{Backend, PASSWORD, TestApp, spawn_app};
use reqwest::StatusCode;

on_both_databases!(
    user_create_and_set_password_work_for_the_server,
    bad_cli_input_is_refused_with_a_reason,
);

/// Runs `oko <args>` against the test server's database, `stdin` as standard input.
fn oko(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oko"))
        .args(args)
        .env("OKO_DATABASE_URL", &app.database_url)
        .env("OKO_DATA_DIR", std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start oko");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().expect("oko finishes")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn user_create_and_set_password_work_for_the_server(backend: Backend) {
    let app = spawn_app(backend).await;
    let args = [
        "user",
        "create",
        "--login",
        "mun24901",
        "--role",
        "municipal_coordinator",
        "--region",
        "24",
        "--municipality",
        "1",
    ];
    let created = oko(&app, &args, "Первый-пароль-1\n");
    assert!(created.status.success(), "{}", stderr(&created));
    let (status, tokens) = app.login("mun24901", "Первый-пароль-1").await;
    assert_eq!(status, StatusCode::OK);
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let (_, me) = app.get("/api/me", &access).await;
    assert_eq!(me["role"], "municipal_coordinator");
    assert_eq!(me["region"]["code"], "24");
    let (status, made) = app
        .call(
            reqwest::Method::POST,
            "/api/me/tokens",
            &access,
            Some(serde_json::json!({"name": "Выгрузка", "expires_in_days": 30})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let api_token = made["token"].as_str().unwrap().to_owned();

    let changed = oko(
        &app,
        &["user", "set-password", "mun24901"],
        "Второй-пароль-2\n",
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert_eq!(
        app.login("mun24901", "Первый-пароль-1").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("mun24901", "Второй-пароль-2").await.0,
        StatusCode::OK
    );
    // The session opened with the old password ended with the change.
    let refresh = app
        .client
        .post(app.url("/api/auth/refresh"))
        .json(&serde_json::json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get("/api/me", &api_token).await.0,
        StatusCode::UNAUTHORIZED,
        "a reset from the console revokes the API tokens too"
    );
    crate::support::after_the_cache_poll().await;
    assert_eq!(
        app.get("/api/me", &access).await.0,
        StatusCode::UNAUTHORIZED,
        "and the old access token"
    );
    let admin = app.token("admin").await;
    let (_, events) = app
        .get("/api/audit?action=password_reset&login=mun24901", &admin)
        .await;
    assert_eq!(events["total"], 1, "{events}");
    assert_eq!(events["items"][0]["actor"], "oko user set-password");

    let blocked = oko(&app, &["user", "block", "sch240001"], "");
    assert!(blocked.status.success(), "{}", stderr(&blocked));
    assert_eq!(
        app.login("sch240001", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        oko(&app, &["user", "unblock", "sch240001"], "")
            .status
            .success()
    );
    assert_eq!(app.login("sch240001", PASSWORD).await.0, StatusCode::OK);
}

async fn bad_cli_input_is_refused_with_a_reason(backend: Backend) {
    let app = spawn_app(backend).await;
    let taken = oko(
        &app,
        &["user", "create", "--login", "admin", "--role", "operator"],
        "достаточно-длинный\n",
    );
    assert!(!taken.status.success());
    assert!(
        stderr(&taken).contains("логин admin уже занят"),
        "{}",
        stderr(&taken)
    );

    let short = oko(&app, &["user", "set-password", "admin"], "123\n");
    assert!(!short.status.success());
    assert!(
        stderr(&short).contains("пароль короче 8 символов"),
        "{}",
        stderr(&short)
    );
    assert_eq!(
        app.login("admin", PASSWORD).await.0,
        StatusCode::OK,
        "the old password still works"
    );

    let nowhere = oko(
        &app,
        &[
            "user",
            "create",
            "--login",
            "spo_coord_99",
            "--role",
            "region_coordinator",
            "--region",
            "99",
        ],
        "достаточно-длинный\n",
    );
    assert!(!nowhere.status.success());
    assert!(
        stderr(&nowhere).contains("не найдены"),
        "{}",
        stderr(&nowhere)
    );

    let unknown = oko(
        &app,
        &["user", "set-password", "nobody"],
        "достаточно-длинный\n",
    );
    assert!(
        stderr(&unknown).contains("нет пользователя nobody"),
        "{}",
        stderr(&unknown)
    );

    let bad_config = Command::new(env!("CARGO_BIN_EXE_oko"))
        .arg("migrate")
        .env("OKO_LISTEN", "eighty")
        .output()
        .unwrap();
    assert!(!bad_config.status.success());
    assert!(
        stderr(&bad_config).contains("OKO_LISTEN"),
        "{}",
        stderr(&bad_config)
    );
}
