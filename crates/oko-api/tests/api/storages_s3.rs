//! The file store in an S3-compatible bucket (moto's server, started by
//! `cargo xtask test` at `OKO_TEST_S3_ENDPOINT`): uploads land in the bucket and
//! nowhere else, downloads resume by range, the zip and the report read from it,
//! refused uploads and deletions leave nothing there.

use crate::support::{Backend, TestApp, assert_problem, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    files_live_in_the_bucket_and_download_by_range,
    two_instances_on_one_bucket_serve_each_others_files,
);

fn endpoint() -> String {
    std::env::var("OKO_TEST_S3_ENDPOINT").unwrap_or_else(|_| {
        panic!("the S3 tests need an S3-compatible server at OKO_TEST_S3_ENDPOINT: run `cargo xtask test`, which starts one")
    })
}

/// A fresh bucket on the test server.
async fn bucket() -> String {
    let name = format!("oko-t-{}", uuid::Uuid::new_v4().simple());
    let response = reqwest::Client::new()
        .put(format!("{}/{name}", endpoint()))
        .send()
        .await
        .expect("the S3 test server answers");
    assert!(
        response.status().is_success(),
        "create bucket: {}",
        response.status()
    );
    name
}

/// The object keys in the bucket.
async fn keys(bucket: &str) -> Vec<String> {
    let listing = reqwest::get(format!("{}/{bucket}?list-type=2", endpoint()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    listing
        .split("<Key>")
        .skip(1)
        .filter_map(|part| part.split("</Key>").next())
        .map(str::to_owned)
        .collect()
}

async fn upload(
    app: &TestApp,
    admin: &str,
    storage: &str,
    name: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/storages/{storage}/files?name={name}")))
        .bearer_auth(admin)
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// A storage open since 2021 in a publication for everyone; its id.
async fn storage(app: &TestApp, admin: &str) -> String {
    let (_, section) = app
        .post("/api/sections", admin, json!({"title": "S3"}))
        .await;
    let (_, publication) = app
        .post(
            "/api/publications",
            admin,
            json!({"section_id": section["id"], "title": "Файлы",
            "published_on": "2021-08-30T17:41:00Z", "audience": {"everyone": true}}),
        )
        .await;
    let (status, storage) = app
        .post(
            &format!(
                "/api/publications/{}/storages",
                publication["summary"]["id"].as_str().unwrap()
            ),
            admin,
            json!({"title": "Материалы", "available_from": "2021-09-01T06:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{storage}");
    storage["id"].as_str().unwrap().to_owned()
}

/// The bytes of `entry` in the storage's zip as `token` downloads it from `app`.
async fn zipped(app: &TestApp, token: &str, storage: &str, entry: &str) -> Vec<u8> {
    let zip = app
        .client
        .get(app.url(&format!("/api/storages/{storage}/zip")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(zip.status(), StatusCode::OK);
    let saved = app.data_dir().join("all.zip");
    std::fs::write(&saved, zip.bytes().await.unwrap()).unwrap();
    let unpacked = std::process::Command::new("unzip")
        .arg("-p")
        .arg(&saved)
        .arg(entry)
        .output()
        .unwrap();
    unpacked.stdout
}

/// Orders the coordinators' report of `storage` through `app`; the job's id.
async fn order_report(app: &TestApp, coordinator: &str, storage: &str) -> String {
    let (status, job) = app
        .post(
            &format!("/api/storages/{storage}/reports"),
            coordinator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    job["id"].as_str().unwrap().to_owned()
}

/// Asserts the built report `id` downloads through `app` as a workbook.
async fn assert_report_reads(app: &TestApp, coordinator: &str, id: &str) {
    let report = app
        .client
        .get(app.url(&format!("/api/reports/{id}/content")))
        .bearer_auth(coordinator)
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), StatusCode::OK);
    assert!(report.bytes().await.unwrap().starts_with(b"PK"));
}

async fn files_live_in_the_bucket_and_download_by_range(backend: Backend) {
    let bucket = bucket().await;
    let endpoint = endpoint();
    let app = spawn_app_with(
        backend,
        &[
            ("OKO_S3_BUCKET", &bucket),
            ("OKO_S3_ENDPOINT", &endpoint),
            ("OKO_MAX_UPLOAD_MB", "1"),
        ],
    )
    .await;
    let admin = app.token("admin").await;
    let storage = storage(&app, &admin).await;

    let content: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..300_000u32).map(|i| (i % 253) as u8))
        .collect();
    let response = upload(&app, &admin, &storage, "plan.pdf", content.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let file: Value = response.json().await.unwrap();
    assert_eq!(file["content_type"], "application/pdf");
    assert_eq!(keys(&bucket).await.len(), 1, "the bytes are in the bucket");
    assert!(
        !app.data_dir().join("files").exists(),
        "and not on the server's disk"
    );

    let too_big = upload(
        &app,
        &admin,
        &storage,
        "big.bin",
        vec![1u8; 1024 * 1024 + 1],
    )
    .await;
    assert_problem(too_big, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(
        keys(&bucket).await.len(),
        1,
        "a refused upload leaves nothing"
    );

    let school = app.token("sch240001").await;
    let path = format!("/api/files/{}/content", file["id"].as_str().unwrap());
    let full = app
        .client
        .get(app.url(&path))
        .bearer_auth(&school)
        .send()
        .await
        .unwrap();
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(full.headers()["accept-ranges"], "bytes");
    assert!(
        full.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("filename*=UTF-8''plan.pdf")
    );
    let etag = full.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(full.bytes().await.unwrap().to_vec(), content);

    let resumed = app
        .client
        .get(app.url(&path))
        .bearer_auth(&school)
        .header("range", "bytes=100000-")
        .header("if-range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), StatusCode::PARTIAL_CONTENT);
    let size = content.len();
    assert_eq!(
        resumed.headers()["content-range"],
        format!("bytes 100000-{}/{size}", size - 1).as_str()
    );
    assert_eq!(
        resumed.bytes().await.unwrap().to_vec(),
        content[100_000..].to_vec()
    );
    let changed = app
        .client
        .get(app.url(&path))
        .bearer_auth(&school)
        .header("range", "bytes=100000-")
        .header("if-range", "\"another\"")
        .send()
        .await
        .unwrap();
    assert_eq!(
        changed.status(),
        StatusCode::OK,
        "a changed file starts over"
    );
    let beyond = app
        .client
        .get(app.url(&path))
        .bearer_auth(&school)
        .header("range", format!("bytes={size}-"))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    assert_eq!(zipped(&app, &school, &storage, "plan.pdf").await, content);

    let coordinator = app.token("mun24001").await;
    let id = order_report(&app, &coordinator, &storage).await;
    let done = app.wait_for_report(&coordinator, &id).await;
    assert_eq!(
        done["status"], "ready",
        "the report is built into the bucket: {done}"
    );
    assert_report_reads(&app, &coordinator, &id).await;
    assert_eq!(keys(&bucket).await.len(), 2);

    let (status, _) = app
        .delete(
            &format!("/api/files/{}", file["id"].as_str().unwrap()),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(keys(&bucket).await.len(), 1, "only the report is left");
}

/// The recommended layout for several instances: each its own data directory, one
/// bucket, one signing secret. A file uploaded through one downloads (whole, by
/// range and in the zip) through the other, a report ordered from one is built by
/// whichever takes the job and read through the other, and a file deleted through
/// one is gone for both.
async fn two_instances_on_one_bucket_serve_each_others_files(backend: Backend) {
    let bucket = bucket().await;
    let endpoint = endpoint();
    let shared = [
        ("OKO_S3_BUCKET", bucket.as_str()),
        ("OKO_S3_ENDPOINT", endpoint.as_str()),
        (
            "OKO_JWT_SECRET",
            "one secret for every instance, 32+ bytes long",
        ),
    ];
    let first = spawn_app_with(backend, &shared).await;
    let second = first.other_machine(&shared).await;
    assert_ne!(first.data_dir(), second.data_dir());
    let admin = first.token("admin").await;
    let storage = storage(&first, &admin).await;
    let content: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..200_000u32).map(|i| (i % 251) as u8))
        .collect();
    let response = upload(&first, &admin, &storage, "plan.pdf", content.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let file: Value = response.json().await.unwrap();
    let path = format!("/api/files/{}/content", file["id"].as_str().unwrap());

    let school = second.token("sch240001").await;
    let whole = second
        .client
        .get(second.url(&path))
        .bearer_auth(&school)
        .send()
        .await
        .unwrap();
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.bytes().await.unwrap().to_vec(), content);
    let part = second
        .client
        .get(second.url(&path))
        .bearer_auth(&school)
        .header("range", "bytes=150000-")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap().to_vec(), content[150_000..]);
    assert_eq!(
        zipped(&second, &school, &storage, "plan.pdf").await,
        content
    );

    let coordinator = first.token("mun24001").await;
    let id = order_report(&first, &coordinator, &storage).await;
    let done = second.wait_for_report(&coordinator, &id).await;
    assert_eq!(done["status"], "ready", "{done}");
    for instance in [&first, &second] {
        assert_report_reads(instance, &coordinator, &id).await;
    }

    let (status, _) = second
        .delete(
            &format!("/api/files/{}", file["id"].as_str().unwrap()),
            &second.token("admin").await,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let gone = first
        .client
        .get(first.url(&path))
        .bearer_auth(&school)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
    assert_eq!(keys(&bucket).await.len(), 1, "only the report is left");
}
