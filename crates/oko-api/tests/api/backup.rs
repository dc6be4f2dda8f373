//! `oko backup` of a server under load and `oko restore` into an empty database:
//! every save acknowledged before the backup began is in the restored country,
//! and so is every stored file; a database with data is never restored over.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use crate::support::{
    Backend, TestApp,
    arrange::{open_college_collection, storage},
    postgres_admin_url, serve_process_on, spawn_app,
};
use reqwest::StatusCode;
use serde_json::json;

on_both_databases!(a_backup_under_load_restores_every_acknowledged_save);

const SCHOOLS: [&str; 3] = ["sch240001", "sch240002", "sch240003"];

/// Saves one school's draft again and again until `stop`; each acknowledged
/// version with the moment it was acknowledged.
async fn keep_saving(
    app: Arc<TestApp>,
    token: String,
    id: String,
    stop: Arc<AtomicBool>,
) -> Vec<(i64, Instant)> {
    let mut acknowledged = Vec::new();
    let mut version = 0;
    while !stop.load(Ordering::Relaxed) {
        let (status, saved) = app
            .save(
                &token,
                &id,
                version,
                &format!("b-{version}"),
                vec![
                    json!({"op": "set", "sheet": "specialties", "row": 1, "column": "students",
                     "value": (version + 1).to_string()}),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        version = saved["version"].as_i64().unwrap();
        acknowledged.push((version, Instant::now()));
    }
    acknowledged
}

/// `oko <args>` on `database_url` and `data_dir`: its status and output.
fn oko(args: &[&str], database_url: &str, data_dir: &std::path::Path) -> (bool, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_oko"))
        .args(args)
        .env("OKO_DATABASE_URL", database_url)
        .env("OKO_DATA_DIR", data_dir)
        .output()
        .expect("oko runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

async fn a_backup_under_load_restores_every_acknowledged_save(backend: Backend) {
    let app = Arc::new(spawn_app(backend).await);
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let files = storage(&app, &admin, "2021-08-30T17:41:00Z").await;
    let plan = b"%PDF-1.4 plan-grafik".to_vec();
    let (status, file) = app
        .post_file(
            &admin,
            &format!("/api/storages/{files}/files?name=plan.pdf&kind=common"),
            &plan,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{file}");

    let stop = Arc::new(AtomicBool::new(false));
    let mut savers = Vec::new();
    for school in SCHOOLS {
        let token = app.token(school).await;
        savers.push(tokio::spawn(keep_saving(
            app.clone(),
            token,
            id.clone(),
            stop.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let backup_dir = tempdir();
    let copy = backup_dir.join("oko.backup");
    let copy_text = copy.to_str().unwrap().to_owned();
    let began = Instant::now();
    let (database_url, data_dir) = (app.database_url.clone(), app.data_dir().to_owned());
    let (done, said) =
        tokio::task::spawn_blocking(move || oko(&["backup", &copy_text], &database_url, &data_dir))
            .await
            .unwrap();
    assert!(done, "{said}");
    assert!(said.contains("Файлы хранилища: 1"), "{said}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let mut promised = Vec::new();
    for saver in savers {
        let acknowledged = saver.await.unwrap();
        assert!(
            acknowledged.iter().any(|(_, at)| *at > began),
            "saves went on during the backup"
        );
        promised.push(
            acknowledged
                .iter()
                .filter(|(_, at)| *at < began)
                .map(|(version, _)| *version)
                .max()
                .expect("saves before the backup"),
        );
    }

    let restored_dir = tempdir();
    let restored_url = match backend {
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            restored_dir.join("oko.db").display()
        ),
        Backend::Postgres => format!(
            "{}/oko_t_{}",
            postgres_admin_url(),
            uuid::Uuid::new_v4().simple()
        ),
    };
    let (done, said) = oko(
        &["restore", copy.to_str().unwrap()],
        &restored_url,
        &restored_dir,
    );
    assert!(done, "{said}");
    let (done, said) = oko(
        &["restore", copy.to_str().unwrap()],
        &restored_url,
        &restored_dir,
    );
    assert!(!done && said.contains("не пуста"), "{said}");

    let server = serve_process_on(
        &restored_url,
        &restored_dir,
        &[],
        std::process::Stdio::null(),
    )
    .await;
    for (school, version) in SCHOOLS.iter().zip(promised) {
        let token = server.app.token(school).await;
        let (status, draft) = server
            .app
            .get(&format!("/api/collections/{id}/draft"), &token)
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            draft["version"].as_i64().unwrap() >= version,
            "{school}: saved version {version} acknowledged before the backup, restored {}",
            draft["version"]
        );
    }
    let admin = server.app.token("admin").await;
    let stored = server
        .app
        .client
        .get(server.app.url(&format!(
            "/api/files/{}/content",
            file["id"].as_str().unwrap()
        )))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status(), StatusCode::OK);
    assert_eq!(stored.bytes().await.unwrap().as_ref(), plan.as_slice());
    drop(server);
    let _ = std::fs::remove_dir_all(&backup_dir);
    let _ = std::fs::remove_dir_all(&restored_dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("oko-backup-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
