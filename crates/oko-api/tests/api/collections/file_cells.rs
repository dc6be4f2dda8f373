//! File cells through the API (issue #26): a school attaches a scan of a
//! signed protocol per row, the cell refers to it, only its own files can be
//! referred to, the template shows the file's name and takes it back, the
//! coordinator downloads it, and the organisation's zip holds its data with
//! every file.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{exported_csv, template_of, upload};
use crate::support::{
    Backend, TestApp, arrange::open_collection_of, spawn_app, unzip_names, unzipped,
};
use oko_domain::forms::demo;

/// A form with a file per room: free rows of a room and its protocol's scan.
fn protocols_form() -> Value {
    json!({"title": "Протоколы ВПР", "sheets": [{"key": "rooms", "title": "Аудитории", "columns": [
        {"key": "room", "title": "Аудитория", "type": "text", "required": true},
        {"key": "scan", "title": "Скан протокола", "type": "file", "required": true}
    ]}]})
}

fn room(row: u32, column: &str, value: &str) -> Value {
    json!({"op": "set", "sheet": "rooms", "row": row, "column": column, "value": value})
}

const SCAN: &[u8] = b"%PDF-1.4\n% a signed protocol\n%%EOF\n";

async fn attach(
    app: &TestApp,
    token: &str,
    id: &str,
    name: &str,
    bytes: &[u8],
) -> (StatusCode, Value) {
    let path = format!(
        "/api/collections/{id}/attachments?name={}",
        urlencoding(name)
    );
    app.post_file(token, &path, bytes).await
}

/// `name` as a query value (the few characters these tests use).
fn urlencoding(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A school's protocols form, open: the app, the collection and the school's token.
async fn protocols_of_a_school(backend: Backend) -> (TestApp, String, String) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let collection_id = open_collection_of(&app, &admin, protocols_form()).await;
    let school = app.token("sch240001").await;
    (app, collection_id, school)
}

/// `count` scans the school (`token`) attached to the collection at `at`, as
/// their cell values; the bytes are not stored (nothing downloads them).
async fn scans_attached(
    app: &TestApp,
    token: &str,
    collection: &str,
    count: usize,
    at: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    use oko_db::form_attachments::{NewAttachment, add};
    let organisation_id = organisation_of(app, token).await;
    let mut values = Vec::new();
    for n in 0..count {
        let new = NewAttachment {
            collection_id: collection.parse().unwrap(),
            organisation_id,
            name: &format!("Скан {n}.pdf"),
            content_type: "application/pdf",
            size: 10,
            crc32: 0,
            store_key: "files/00/none",
            created_by: uuid::Uuid::nil(),
            now: at,
        };
        let row = add(&app.db, new).await.unwrap();
        values.push(format!("{}:{}", row.id, row.name));
    }
    values
}

/// The id of the organisation `token` signs in for.
async fn organisation_of(app: &TestApp, token: &str) -> uuid::Uuid {
    let (_, me) = app.get("/api/me", token).await;
    me["organisation_id"].as_str().unwrap().parse().unwrap()
}

/// How many files the organisation of `token` has attached to the collection.
async fn attached_count(app: &TestApp, token: &str, collection: &str) -> u64 {
    let organisation = organisation_of(app, token).await;
    let (count, _) =
        oko_db::form_attachments::usage(&app.db, collection.parse().unwrap(), organisation)
            .await
            .unwrap();
    count
}

async fn bytes_of(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Vec<u8>) {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

pub(super) async fn a_file_cell_holds_the_schools_own_scan_and_travels_in_its_zip(
    backend: Backend,
) {
    let (app, collection_id, school) = protocols_of_a_school(backend).await;
    let id = collection_id.as_str();

    // Only a scan or a document is taken, and something must be sent.
    let (status, refused) = attach(&app, &school, id, "page.html", b"<html><script>").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "unsupported_type");
    let (status, refused) = attach(&app, &school, id, "empty.pdf", b"").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    // A coordinator fills no form.
    let coordinator = app.token("mun24001").await;
    let (status, refused) = attach(&app, &coordinator, id, "Протокол.pdf", SCAN).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

    let (status, scan) = attach(&app, &school, id, "C:\\Сканы\\Протокол.pdf", SCAN).await;
    assert_eq!(status, StatusCode::CREATED, "{scan}");
    assert_eq!(scan["name"], "Протокол.pdf", "the path is cut off");
    assert_eq!(scan["content_type"], "application/pdf");
    let value = scan["value"].as_str().unwrap().to_owned();
    let (status, saved) = app
        .save(
            &school,
            id,
            0,
            "a",
            vec![
                room(1, "room", "5"),
                room(1, "scan", &value),
                room(2, "room", "6"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let errors: Vec<(u64, &str)> = saved["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(errors, [(2, "required")], "row 2 has no scan yet");

    // Another school's file cannot be referred to: the save is refused at
    // its cell and nothing changes.
    let neighbour = app.token("sch240002").await;
    let (status, theirs) = attach(&app, &neighbour, id, "Чужой.pdf", SCAN).await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    let forged = vec![room(2, "scan", theirs["value"].as_str().unwrap())];
    let (status, refused) = app.save(&school, id, 1, "b", forged).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["errors"][0]["code"], "file_not_attached",
        "{refused}"
    );
    assert_eq!(refused["errors"][0]["row"], 2);
    assert_eq!(refused["errors"][0]["column"], "Скан протокола");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["version"], 1, "{draft}");
    // Nor can one's own file be renamed by hand.
    let file_id = scan["id"].as_str().unwrap();
    let renamed = vec![room(2, "scan", &format!("{file_id}:Другое имя.pdf"))];
    let (status, saved) = app.save(&school, id, 1, "c", renamed).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["data"]["rooms"][1]["scan"], value.as_str(), "{draft}");

    // The school and its coordinator download it; another school does not.
    let path = format!("/api/collections/{id}/attachments/{file_id}");
    let (status, kind, bytes) = bytes_of(&app, &school, &path).await;
    assert_eq!(
        (status, kind.as_str(), bytes.as_slice()),
        (StatusCode::OK, "application/pdf", SCAN)
    );
    let theirs_path = format!("{path}?organisation=sch240001");
    let (status, _, bytes) = bytes_of(&app, &coordinator, &theirs_path).await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, SCAN));
    let (status, _, _) = bytes_of(&app, &neighbour, &path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The template shows the file's name; the school's file, uploaded back,
    // keeps the file (a name typed in by hand attaches nothing).
    let template = template_of(&app, &school, id).await;
    let shown = template_cell(&template, 2, 1);
    assert_eq!(shown, "Протокол.pdf");
    let (status, uploaded) = upload(&app, &school, id, template).await;
    assert_eq!(status, StatusCode::OK, "{uploaded}");
    assert_eq!(
        uploaded["data"]["rooms"][0]["scan"],
        value.as_str(),
        "{uploaded}"
    );
    assert_eq!(uploaded["errors"], json!([]), "{uploaded}");
    let version = uploaded["version"].as_i64().unwrap();
    let typed = vec![room(3, "room", "7"), room(3, "scan", "скан.pdf")];
    let (_, saved) = app.save(&school, id, version, "d", typed).await;
    assert_eq!(saved["errors"][0]["code"], "file_not_attached", "{saved}");
    let (status, refused) = app.submit(&school, id, &saved["version"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    let (_, saved) = app
        .save(
            &school,
            id,
            version + 1,
            "e",
            vec![json!({"op": "delete_row", "sheet": "rooms", "row": 3})],
        )
        .await;
    let (status, receipt) = app.submit(&school, id, &saved["version"]).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");

    // The organisation's zip: its workbook and every file, by row and column.
    let archive = format!("/api/collections/{id}/archive?organisation=sch240001");
    let (status, kind, bytes) = bytes_of(&app, &coordinator, &archive).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "application/zip"));
    let names = unzip_names(&bytes, app.data_dir());
    assert_eq!(
        names,
        [
            "Протоколы ВПР sch240001.xlsx",
            "Файлы/Аудитории/Строка 1, Скан протокола — Протокол.pdf",
            "Файлы/Аудитории/Строка 2, Скан протокола — Протокол.pdf",
        ]
    );
    assert_eq!(unzipped(app.data_dir(), &names[1]), SCAN);
    let workbook = unzipped(app.data_dir(), &names[0]);
    assert_eq!(template_cell(&workbook, 1, 0), "5");
    let (status, _, _) = bytes_of(
        &app,
        &neighbour,
        &format!("/api/collections/{id}/archive?organisation=sch240001"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "a school gets its own zip whatever it names"
    );

    // The data export holds the file's name.
    let text = exported_csv(&app, &coordinator, id).await;
    let line = text.lines().find(|l| l.contains("sch240001")).unwrap();
    assert!(line.ends_with(";5;Протокол.pdf"), "{line}");

    // A form without file cells takes no files.
    let admin = app.token("admin").await;
    let other = open_collection_of(&app, &admin, json!(demo::vpr_classes())).await;
    let (status, refused) = attach(&app, &school, &other, "a.pdf", SCAN).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "no_file_cells");
}

/// The text of the first sheet's cell at (`row`, `col`), 0-based, as calamine
/// reads it.
fn template_cell(bytes: &[u8], row: u32, col: u32) -> String {
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    sheet
        .get_value((row, col))
        .map(ToString::to_string)
        .unwrap_or_default()
}

pub(super) async fn a_school_cannot_fill_the_disk_through_its_file_cells(backend: Backend) {
    let (app, collection_id, school) = protocols_of_a_school(backend).await;
    let id = collection_id.as_str();
    // 499 files attached just before (a replaced file is kept an hour: the
    // cell that refers to a new one may not be saved yet).
    scans_attached(&app, &school, id, 499, chrono::Utc::now()).await;
    let (status, five_hundredth) = attach(&app, &school, id, "Протокол.pdf", SCAN).await;
    assert_eq!(status, StatusCode::CREATED, "{five_hundredth}");
    let (status, refused) = attach(&app, &school, id, "Ещё один.pdf", SCAN).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "too_many_files");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("уже прикреплено 500 файлов"),
        "{refused}"
    );
    // Another school of the same collection is not held back by it.
    let (status, theirs) = attach(
        &app,
        &app.token("sch240002").await,
        id,
        "Протокол.pdf",
        SCAN,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
}

pub(super) async fn replaced_files_make_room_but_every_file_a_cell_refers_to_stays(
    backend: Backend,
) {
    use chrono::{Duration, Utc};

    let (app, collection_id, school) = protocols_of_a_school(backend).await;
    let id = collection_id.as_str();
    // 500 scans made two hours ago: the school scanned its protocols again and
    // again. Its submission holds the first; its draft, the second.
    let two_hours_ago = Utc::now() - Duration::hours(2);
    let scans = scans_attached(&app, &school, id, 500, two_hours_ago).await;
    let filled = |scan: &str| vec![room(1, "room", "101"), room(1, "scan", scan)];
    app.fill_and_submit(&school, id, filled(&scans[0])).await;
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    let (status, saved) = app
        .save(&school, id, &draft["version"], "again", filled(&scans[1]))
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let (status, scan) = attach(&app, &school, id, "Протокол.pdf", SCAN).await;
    assert_eq!(status, StatusCode::CREATED, "room was made: {scan}");
    assert_eq!(
        attached_count(&app, &school, id).await,
        3,
        "the submitted scan, the draft's and the new one"
    );
    // The submitted and the saved scans are still the school's to refer to.
    for (n, kept) in [&scans[0], &scans[1]].into_iter().enumerate() {
        let (_, draft) = app
            .get(&format!("/api/collections/{id}/draft"), &school)
            .await;
        let (status, saved) = app
            .save(
                &school,
                id,
                &draft["version"],
                &format!("kept-{n}"),
                filled(kept),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
    }
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    let (status, refused) = app
        .save(&school, id, &draft["version"], "gone", filled(&scans[2]))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["code"], "file_not_attached");
}
