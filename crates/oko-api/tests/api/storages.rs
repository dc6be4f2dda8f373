//! File storages: who sees and downloads which file when, download marks, resumable
//! downloads, «Скачать всё.zip», tickets, uploads that are refused whole, and the
//! coordinators' report.

use std::collections::BTreeSet;

use crate::support::{
    Backend, TestApp, arrange::storage, assert_problem, spawn_app, spawn_app_with, unzip_names,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    files_reach_whom_they_are_for,
    downloads_are_marked_named_and_resumable,
    the_zip_holds_what_the_user_may_download,
    tickets_open_one_thing_only,
    uploads_are_checked_and_leave_nothing_behind,
    the_report_lists_every_organisation_and_file,
    the_operator_manages_storages,
    big_storages_page_and_search,
    a_file_another_instance_cannot_see_is_named_as_such,
    files_leave_the_room_kept_for_the_database,
    a_streamed_upload_stops_when_the_room_runs_out,
    a_zip_with_a_file_this_instance_cannot_see_sends_no_header,
);

const PAST: &str = "2021-09-01T06:00:00Z";
const FUTURE: &str = "2099-01-01T00:00:00Z";

async fn upload_raw(
    app: &TestApp,
    token: &str,
    storage: &str,
    query: &str,
    bytes: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/storages/{storage}/files?{query}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap()
}

/// Uploads and returns the file's id.
async fn upload(app: &TestApp, admin: &str, storage: &str, query: &str, bytes: &[u8]) -> String {
    let response = upload_raw(app, admin, storage, query, bytes.to_vec()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

fn q(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

async fn names(app: &TestApp, token: &str, storage: &str, query: &str) -> BTreeSet<String> {
    let (status, page) = app
        .get(
            &format!("/api/storages/{storage}/files?per_page=200{query}"),
            token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn fetch(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    app.client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

struct Files {
    common: String,
    orgs_only: String,
    personal_240001: String,
    personal_770001: String,
}

async fn four_files(app: &TestApp, admin: &str, storage: &str) -> Files {
    Files {
        common: upload(
            app,
            admin,
            storage,
            &format!("name={}", q("План-график.pdf")),
            b"%PDF-1.4 plan",
        )
        .await,
        orgs_only: upload(
            app,
            admin,
            storage,
            &format!("name={}&kind=organisations", q("Инструкция для ОО.txt")),
            "только для организаций".as_bytes(),
        )
        .await,
        personal_240001: upload(
            app,
            admin,
            storage,
            &format!(
                "name={}&kind=personal&organisation=sch240001",
                q("Логин и пароль.txt")
            ),
            "sch240001: пароль".as_bytes(),
        )
        .await,
        personal_770001: upload(
            app,
            admin,
            storage,
            &format!(
                "name={}&kind=personal&organisation=sch770001",
                q("Логин и пароль.txt")
            ),
            "sch770001: пароль".as_bytes(),
        )
        .await,
    }
}

async fn files_reach_whom_they_are_for(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let files = four_files(&app, &admin, &open).await;
    let later = storage(&app, &admin, FUTURE).await;
    let later_file = upload(&app, &admin, &later, "name=later.pdf", b"%PDF-1.4 later").await;

    let all = [
        "План-график.pdf",
        "Инструкция для ОО.txt",
        "Логин и пароль.txt",
    ];
    // (login, files listed, status of: common, orgs-only, personal 240001, personal 770001)
    let cases: [(&str, usize, [u16; 4]); 6] = [
        ("admin", 4, [200, 200, 200, 200]),
        ("sch240001", 3, [200, 200, 200, 404]),
        ("sch240002", 2, [200, 200, 404, 404]),
        ("mun24001", 3, [200, 403, 200, 404]),
        ("spo_coord_24", 3, [200, 403, 200, 404]),
        ("spo_coord_77", 3, [200, 403, 404, 200]),
    ];
    for (login, listed, statuses) in cases {
        let token = app.token(login).await;
        let (_, page) = app
            .get(&format!("/api/storages/{open}/files?per_page=200"), &token)
            .await;
        assert_eq!(page["total"], listed, "{login}: {page}");
        let seen = names(&app, &token, &open, "").await;
        assert!(seen.iter().all(|n| all.contains(&n.as_str())), "{login}");
        let ids = [
            &files.common,
            &files.orgs_only,
            &files.personal_240001,
            &files.personal_770001,
        ];
        for (id, expected) in ids.iter().zip(statuses) {
            let response = fetch(&app, &token, &format!("/api/files/{id}/content")).await;
            assert_eq!(response.status().as_u16(), expected, "{login} file {id}");
            if expected == 403 {
                assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
            }
        }
        // What the list promises matches what the download answers.
        for file in page["items"].as_array().unwrap() {
            let right = file["download"].as_str().unwrap();
            let coordinator_and_orgs_only = login.contains("coord") || login.starts_with("mun");
            let expected = if file["kind"] == "organisations" && coordinator_and_orgs_only {
                "organisations_only"
            } else {
                "allowed"
            };
            assert_eq!(right, expected, "{login}: {file}");
        }
        // Before its time the storage is listed but nothing downloads, but for the operator.
        let (_, later_page) = app
            .get(&format!("/api/storages/{later}/files"), &token)
            .await;
        assert_eq!(later_page["total"], 1, "{login}");
        let response = fetch(&app, &token, &format!("/api/files/{later_file}/content")).await;
        if login == "admin" {
            assert_eq!(response.status(), StatusCode::OK);
        } else {
            assert_eq!(later_page["items"][0]["download"], "not_yet_available");
            let problem =
                assert_problem(response, StatusCode::FORBIDDEN, "not_yet_available").await;
            assert!(
                problem["detail"]
                    .as_str()
                    .unwrap()
                    .contains("01.01.2099 03:00 (мск)"),
                "{problem}"
            );
        }
    }
    // Someone outside the publication's audience does not learn the storage exists.
    let (status, _) = app
        .put(
            &format!("/api/storages/{open}"),
            &app.token("sch240001").await,
            json!({"title": "x", "available_from": PAST}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn downloads_are_marked_named_and_resumable(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let content: Vec<u8> = b"%PDF-1.4\n"
        .iter()
        .copied()
        .chain((0..100_000u32).map(|i| (i % 251) as u8))
        .collect();
    let id = upload(
        &app,
        &admin,
        &open,
        &format!("name={}", q("План-график ВПР СПО.pdf")),
        &content,
    )
    .await;
    upload(&app, &admin, &open, "name=other.txt", b"other").await;
    let school = app.token("sch240001").await;

    let plan = listed(&app, &school, &open, &id).await;
    assert_eq!(
        plan["first_downloaded_at"],
        Value::Null,
        "«Еще не скачивался»"
    );
    assert_eq!(plan["content_type"], "application/pdf");
    assert_eq!(plan["size"], content.len());

    let response = fetch(&app, &school, &format!("/api/files/{id}/content")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''%D0%9F%D0%BB%D0%B0%D0%BD"),
        "{disposition}"
    );
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(response.bytes().await.unwrap().to_vec(), content);

    let marked = listed(&app, &school, &open, &id).await;
    let first = marked["first_downloaded_at"].as_str().unwrap().to_owned();
    assert_eq!(marked["last_downloaded_at"], first.as_str());
    let (_, page) = app
        .get(&format!("/api/storages/{open}/files"), &school)
        .await;
    let other = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] != id.as_str())
        .unwrap()
        .clone();
    assert_eq!(other["first_downloaded_at"], Value::Null);

    // A broken download resumes from where it stopped, if the file is unchanged.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let resumed = app
        .client
        .get(app.url(&format!("/api/files/{id}/content")))
        .bearer_auth(&school)
        .header("range", "bytes=50000-")
        .header("if-range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resumed.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        resumed.bytes().await.unwrap().to_vec(),
        content[50_000..].to_vec()
    );

    let again = listed(&app, &school, &open, &id).await;
    assert_eq!(
        again["first_downloaded_at"],
        first.as_str(),
        "the first download stays"
    );
    assert_ne!(
        again["last_downloaded_at"],
        first.as_str(),
        "the last one moves"
    );

    let publication = storage_publication(&app, &admin, &open).await;
    let (_, storages) = app
        .get(
            &format!("/api/publications/{publication}/storages"),
            &school,
        )
        .await;
    assert_eq!(storages[0]["file_count"], 2);
    assert_eq!(storages[0]["downloaded_count"], 1);
    assert_eq!(storages[0]["available"], true);
    // Marks are each user's own.
    let (_, theirs) = app
        .get(
            &format!("/api/storages/{open}/files"),
            &app.token("sch240002").await,
        )
        .await;
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["first_downloaded_at"].is_null())
    );
}

/// The publication a storage belongs to (found through the operator's list).
async fn storage_publication(app: &TestApp, admin: &str, storage: &str) -> String {
    let (_, page) = app.get("/api/publications?per_page=200", admin).await;
    for publication in page["items"].as_array().unwrap() {
        let id = publication["id"].as_str().unwrap();
        let (_, storages) = app
            .get(&format!("/api/publications/{id}/storages"), admin)
            .await;
        if storages
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == storage)
        {
            return id.to_owned();
        }
    }
    panic!("storage {storage} belongs to no publication");
}

async fn the_zip_holds_what_the_user_may_download(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    four_files(&app, &admin, &open).await;
    let coordinator = app.token("mun24001").await;

    let response = fetch(&app, &coordinator, &format!("/api/storages/{open}/zip")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let length: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len(), length);
    let listed = unzip_names(&bytes, app.data_dir());
    assert_eq!(listed, ["sch240001/Логин и пароль.txt", "План-график.pdf"]);

    let (_, page) = app
        .get(&format!("/api/storages/{open}/files"), &coordinator)
        .await;
    for file in page["items"].as_array().unwrap() {
        let downloaded = !file["first_downloaded_at"].is_null();
        assert_eq!(downloaded, file["kind"] != "organisations", "{file}");
    }

    let school = app.token("sch240001").await;
    let bytes = fetch(&app, &school, &format!("/api/storages/{open}/zip"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        unzip_names(&bytes, app.data_dir()),
        [
            "Инструкция для ОО.txt",
            "sch240001/Логин и пароль.txt",
            "План-график.pdf"
        ],
        "by file name, personal files in their organisation's folder"
    );

    let later = storage(&app, &admin, FUTURE).await;
    upload(&app, &admin, &later, "name=later.pdf", b"%PDF later").await;
    let response = fetch(&app, &school, &format!("/api/storages/{later}/zip")).await;
    assert_problem(response, StatusCode::FORBIDDEN, "not_yet_available").await;
    // Its link is refused as a file's is, not handed out to fail at the download.
    let (status, problem) = app
        .post(&format!("/api/storages/{later}/zip/link"), &school, None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "not_yet_available");
    let (status, _) = app
        .post(&format!("/api/storages/{later}/zip/link"), &admin, None)
        .await;
    assert_eq!(status, StatusCode::OK, "the operator may download any time");
}

async fn tickets_open_one_thing_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let files = four_files(&app, &admin, &open).await;
    let school = app.token("sch240001").await;

    let (status, link) = app
        .post(&format!("/api/files/{}/link", files.common), &school, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let url = link["url"].as_str().unwrap();
    let plain = reqwest::Client::new();
    let response = plain.get(app.url(url)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"%PDF-1.4 plan");

    let ticket = url.split("ticket=").nth(1).unwrap();
    let elsewhere = format!("/api/files/{}/content?ticket={ticket}", files.orgs_only);
    let response = plain.get(app.url(&elsewhere)).send().await.unwrap();
    assert_problem(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let as_bearer = app
        .client
        .get(app.url("/api/me"))
        .bearer_auth(ticket)
        .send()
        .await
        .unwrap();
    assert_problem(as_bearer, StatusCode::UNAUTHORIZED, "unauthenticated").await;

    // No link to what the user may not download, nor to another school's file.
    let coordinator = app.token("mun24001").await;
    let (status, _) = app
        .post(
            &format!("/api/files/{}/link", files.orgs_only),
            &coordinator,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .post(
            &format!("/api/files/{}/link", files.personal_770001),
            &school,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, link) = app
        .post(&format!("/api/storages/{open}/zip/link"), &school, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let response = plain
        .get(app.url(link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        unzip_names(&response.bytes().await.unwrap(), app.data_dir()).len(),
        3
    );
}

fn stored_files(app: &TestApp) -> usize {
    fn count(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| {
                        if e.path().is_dir() {
                            count(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum()
            })
            .unwrap_or(0)
    }
    count(&app.data_dir().join("files"))
}

async fn uploads_are_checked_and_leave_nothing_behind(backend: Backend) {
    let app = spawn_app_with(backend, &[("OKO_MAX_UPLOAD_MB", "1")]).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    assert_eq!(stored_files(&app), 0);

    let big = vec![7u8; 1024 * 1024 + 1];
    let response = upload_raw(&app, &admin, &open, "name=big.bin", big).await;
    let problem =
        assert_problem(response, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    assert_eq!(problem["detail"], "Файл больше 1 МиБ");

    for (query, field, code) in [
        ("kind=common", "name", "required"),
        ("name=a.txt&kind=secret", "kind", "invalid_value"),
        ("name=a.txt&kind=personal", "organisation", "required"),
        (
            "name=a.txt&kind=personal&organisation=sch999999",
            "organisation",
            "unknown_organisation",
        ),
        (
            "name=a.txt&organisation=sch240001",
            "organisation",
            "not_allowed",
        ),
    ] {
        let response = upload_raw(&app, &admin, &open, query, b"x".to_vec()).await;
        let problem = assert_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{query}: {problem}");
    }
    assert_eq!(stored_files(&app), 0, "refused uploads leave no bytes");
    let (_, page) = app
        .get(&format!("/api/storages/{open}/files"), &admin)
        .await;
    assert_eq!(page["total"], 0, "and no rows");

    let school = app.token("sch240001").await;
    let response = upload_raw(&app, &school, &open, "name=a.txt", b"x".to_vec()).await;
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;

    // The client's path is cut to the name; HTML is kept as inert text.
    let response = upload_raw(
        &app,
        &admin,
        &open,
        &format!("name={}", q("../../etc/План.pdf")),
        b"<html><script>alert(1)</script></html>".to_vec(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let saved: Value = response.json().await.unwrap();
    assert_eq!(saved["name"], "План.pdf");
    assert_eq!(saved["content_type"], "text/plain; charset=utf-8");
    assert_eq!(stored_files(&app), 1);
    let response = fetch(
        &app,
        &school,
        &format!("/api/files/{}/content", saved["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");

    let (status, _) = app
        .delete(
            &format!("/api/files/{}", saved["id"].as_str().unwrap()),
            &admin,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(stored_files(&app), 0, "deleting a file removes its bytes");
}

async fn the_report_lists_every_organisation_and_file(backend: Backend) {
    use calamine::{Data, Reader, Xlsx};
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let files = four_files(&app, &admin, &open).await;
    let school = app.token("sch240001").await;
    fetch(
        &app,
        &school,
        &format!("/api/files/{}/content", files.common),
    )
    .await
    .bytes()
    .await
    .unwrap();

    let coordinator = app.token("mun24001").await;
    let response = app
        .client
        .post(app.url(&format!("/api/storages/{open}/reports")))
        .bearer_auth(&coordinator)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let job: Value = response.json().await.unwrap();
    let id = job["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/reports/{id}"));
    let done = app.wait_for_report(&coordinator, id).await;
    assert_eq!(done["status"], "ready", "{done}");

    // Nobody else sees the job.
    let (status, _) = app.get(&format!("/api/reports/{id}"), &admin).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let response = fetch(&app, &coordinator, &format!("/api/reports/{id}/content")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let sheet = workbook.worksheet_range("Скачивания").unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let (_, orgs) = app.get("/api/orgs?per_page=200", &coordinator).await;
    let organisations = orgs["total"].as_u64().unwrap() as usize;
    // Title, header, then two shared files per organisation and sch240001's own.
    assert_eq!(
        rows[1],
        ["Логин", "Организация", "Файл", "Первое скачивание"]
    );
    assert_eq!(rows.len() - 2, organisations * 2 + 1);
    let own: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "sch240001").collect();
    assert_eq!(own.len(), 3);
    let plan = own.iter().find(|r| r[2] == "План-график.pdf").unwrap();
    assert!(plan[3].ends_with("(мск)"), "{plan:?}");
    assert!(
        own.iter()
            .filter(|r| r[2] != "План-график.pdf")
            .all(|r| r[3] == "Не скачивал")
    );
    assert!(
        rows.iter().all(|r| r[0] != "sch770001"),
        "only the coordinator's own organisations"
    );

    let response = app
        .client
        .post(app.url(&format!("/api/storages/{open}/reports")))
        .bearer_auth(&school)
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::FORBIDDEN, "forbidden").await;
}

async fn the_operator_manages_storages(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, FUTURE).await;
    let (status, problem) = app
        .put(
            &format!("/api/storages/{open}"),
            &admin,
            json!({"title": " ", "available_from": PAST}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "title");
    let (status, saved) = app
        .put(
            &format!("/api/storages/{open}"),
            &admin,
            json!({"title": "Материалы для проведения", "available_from": PAST}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["available"], true);
    let id = upload(&app, &admin, &open, "name=a.pdf", b"%PDF a").await;
    let school = app.token("sch240001").await;
    assert_eq!(
        fetch(&app, &school, &format!("/api/files/{id}/content"))
            .await
            .status(),
        StatusCode::OK
    );

    let (status, _) = app.delete(&format!("/api/storages/{open}"), &school).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.delete(&format!("/api/storages/{open}"), &admin).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(stored_files(&app), 0);
    let (status, _) = app
        .get(&format!("/api/storages/{open}/files"), &school)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let response = fetch(&app, &school, &format!("/api/files/{id}/content")).await;
    assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
}

async fn big_storages_page_and_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    for n in 1..=8 {
        let login = format!("sch24{n:04}");
        let query = format!(
            "name={}&kind=personal&organisation={login}",
            q("Пароли.txt")
        );
        let response = upload_raw(&app, &admin, &open, &query, login.clone().into_bytes()).await;
        // Not every code is a school; those are refused as unknown logins.
        assert!(matches!(response.status().as_u16(), 201 | 422));
    }
    upload(
        &app,
        &admin,
        &open,
        &format!("name={}", q("Сводная ВЕДОМОСТЬ.xlsx")),
        b"PK\x03\x04",
    )
    .await;
    let coordinator = app.token("spo_coord_24").await;
    let (_, first) = app
        .get(
            &format!("/api/storages/{open}/files?per_page=2"),
            &coordinator,
        )
        .await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 3, "{first}");
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let (_, last) = app
        .get(
            &format!(
                "/api/storages/{open}/files?per_page=2&page={}",
                total.div_ceil(2)
            ),
            &coordinator,
        )
        .await;
    assert_eq!(
        last["items"].as_array().unwrap().len(),
        (total as usize - 1) % 2 + 1
    );
    assert_eq!(
        names(
            &app,
            &coordinator,
            &open,
            &format!("&search={}", q("ведомость"))
        )
        .await,
        set(&["Сводная ВЕДОМОСТЬ.xlsx"])
    );
    let (_, by_login) = app
        .get(
            &format!("/api/storages/{open}/files?search=SCH240001"),
            &coordinator,
        )
        .await;
    assert_eq!(by_login["total"], 1, "{by_login}");
    assert_eq!(by_login["items"][0]["owner"]["login"], "sch240001");
    let (status, _) = app
        .get(&format!("/api/storages/{open}/files?page=0"), &coordinator)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

/// Two instances with data directories of their own: what one stored, the other
/// does not have. It says so with 503, never 500.
async fn a_file_another_instance_cannot_see_is_named_as_such(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let file = upload(&app, &admin, &open, "name=plan.pdf", b"%PDF plan").await;
    // As the second instance sees it: its own, empty, files directory.
    std::fs::remove_dir_all(app.data_dir().join("files")).unwrap();
    std::fs::create_dir_all(app.data_dir().join("files")).unwrap();
    let school = app.token("sch240001").await;
    let response = fetch(&app, &school, &format!("/api/files/{file}/content")).await;
    assert_stores_not_shared(response).await;
}

/// Asserts the 503 of a file this instance's store does not have, naming the cause.
async fn assert_stores_not_shared(response: reqwest::Response) {
    assert!(response.headers().contains_key("retry-after"));
    let problem = assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "unavailable").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("один каталог файлов"),
        "{problem}"
    );
}

/// With less free room than `OKO_MIN_FREE_MB` keeps (here: more than any disk
/// has), uploads and exports refuse with 507 and keep nothing; autosave, which
/// needs that room, still works.
async fn files_leave_the_room_kept_for_the_database(backend: Backend) {
    let app = spawn_app_with(backend, &[("OKO_MIN_FREE_MB", "1073741824")]).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let response = upload_raw(&app, &admin, &open, "name=plan.pdf", b"%PDF plan".to_vec()).await;
    let problem = assert_problem(
        response,
        StatusCode::INSUFFICIENT_STORAGE,
        "insufficient_storage",
    )
    .await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("оставлены базе данных"),
        "{problem}"
    );
    let (_, files) = app
        .get(&format!("/api/storages/{open}/files"), &admin)
        .await;
    assert_eq!(files["total"], 0, "nothing kept: {files}");
    let municipality = app.token("mun24001").await;
    let job = app.order_credentials(&municipality).await;
    let finished = app.finished_job(&municipality, &job).await;
    assert_eq!(finished["status"], "failed", "{finished}");
    assert!(
        finished["error"]
            .as_str()
            .unwrap_or_default()
            .contains("мало места"),
        "{finished}"
    );
}

/// An upload without `Content-Length` (a chunked body, as scripts send) is asked
/// for room while it arrives, not only before its first byte: with the kept room
/// set just below what the disk has now, a body several times that gap is refused
/// with 507 part way and leaves neither a file nor a row.
async fn a_streamed_upload_stops_when_the_room_runs_out(backend: Backend) {
    const MIB: u64 = 1024 * 1024;
    let probe = spawn_app(backend).await;
    let free = oko_api::disk::available_bytes(probe.data_dir()).expect("statvfs");
    let gap = 96 * MIB;
    let kept = ((free - gap) / MIB).to_string();
    let app = spawn_app_with(backend, &[("OKO_MIN_FREE_MB", &kept)]).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    let chunk = actix_web::web::Bytes::from(vec![b'x'; MIB as usize]);
    let chunks = futures_util::stream::iter(
        (0..4 * gap / MIB).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    );
    let response = app
        .client
        .post(app.url(&format!("/api/storages/{open}/files?name=big.bin")))
        .bearer_auth(&admin)
        .header("content-type", "application/octet-stream")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_problem(
        response,
        StatusCode::INSUFFICIENT_STORAGE,
        "insufficient_storage",
    )
    .await;
    let (_, files) = app
        .get(&format!("/api/storages/{open}/files"), &admin)
        .await;
    assert_eq!(files["total"], 0, "nothing kept: {files}");
    assert_eq!(stored_files(&app), 0, "no partial bytes left");
}

/// «Скачать всё.zip» from an instance that does not have one of the files answers
/// 503 naming the cause before any byte of the zip: once a 200 and its length are
/// sent, a missing file could only cut the download short.
async fn a_zip_with_a_file_this_instance_cannot_see_sends_no_header(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let open = storage(&app, &admin, PAST).await;
    upload(&app, &admin, &open, "name=plan.pdf", b"%PDF plan").await;
    upload(&app, &admin, &open, "name=order.pdf", b"%PDF order").await;
    let school = app.token("sch240001").await;
    std::fs::remove_dir_all(app.data_dir().join("files")).unwrap();
    std::fs::create_dir_all(app.data_dir().join("files")).unwrap();
    let response = fetch(&app, &school, &format!("/api/storages/{open}/zip")).await;
    assert_stores_not_shared(response).await;
    let (_, page) = app
        .get(&format!("/api/storages/{open}/files"), &school)
        .await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{page}");
    assert!(
        items.iter().all(|f| f["first_downloaded_at"].is_null()),
        "a zip that was not sent marks nothing downloaded: {page}"
    );
}

/// File `id` as the storage's list shows it to `token`.
async fn listed(app: &TestApp, token: &str, storage: &str, id: &str) -> Value {
    let (_, page) = app
        .get(&format!("/api/storages/{storage}/files"), token)
        .await;
    let items = page["items"].as_array().unwrap();
    items.iter().find(|f| f["id"] == id).unwrap().clone()
}
