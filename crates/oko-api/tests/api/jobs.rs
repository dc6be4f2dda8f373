//! Background exports: queued by a coordinator, built by the worker, downloaded as
//! XLSX, CSV or JSON lines with formulas neutralised; a job left running by a dead
//! instance is run again; two `oko` processes on one database never run a job
//! twice; finished files expire. Notifications: a ready report, a return for
//! revision, a collection opening and closing; read marks; the live stream.

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use crate::support::{
    Backend, TestApp,
    arrange::{open_collection_of, set_cell},
    spawn_app, spawn_app_with,
};
use chrono::Utc;
use oko_db::entities::job;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set, Statement};
use serde_json::{Value, json};

on_both_databases!(
    exports_are_built_in_the_background_in_three_formats,
    a_job_left_running_by_a_dead_instance_runs_again,
    two_processes_share_the_queue_and_run_each_job_once,
    finished_files_expire,
    reports_and_returns_are_notified_and_read,
    collections_are_announced_once_when_they_open_and_before_they_close,
    an_open_stream_hears_of_new_notifications,
    a_group_report_has_a_row_per_organisation_and_columns_per_collection,
    a_call_list_names_whom_to_call_per_municipality,
    closing_reminders_come_once_at_each_chosen_hour,
);

/// A one-sheet form with a free text column, attached to a publication for region
/// 24; sch240001 submits a row whose note would be a formula. Returns the
/// collection id.
async fn collection_with_a_submission(app: &TestApp) -> String {
    let admin = app.token("admin").await;
    let form = json!({"title": "Кабинеты", "sheets": [{"key": "rooms", "title": "КАБИНЕТЫ", "columns": [
        {"key": "room", "title": "Кабинет", "type": "text", "required": true},
        {"key": "seats", "title": "Мест", "type": "integer", "required": true, "min": 1, "max": 100},
        {"key": "note", "title": "Примечание", "type": "text"}]}]});
    let collection = open_collection_of(app, &admin, form).await;
    let school = app.token("sch240001").await;
    let set = |row, column, value| set_cell("rooms", row, column, value);
    let row = vec![
        set(1, "room", "101"),
        set(1, "seats", "30"),
        set(1, "note", "=HYPERLINK(\"http://x\")"),
        set(2, "room", "102"),
        set(2, "seats", "25"),
    ];
    app.fill_and_submit(&school, &collection, row).await;
    collection
}

/// An export of `body` queued and waited for; the finished job.
async fn exported(app: &TestApp, token: &str, collection: &str, body: Value) -> Value {
    let job = export(app, token, collection, body).await;
    app.finished_job(token, &job).await
}

/// Queues an export and answers the job.
async fn export(app: &TestApp, token: &str, collection: &str, body: Value) -> Value {
    let (status, job) = app
        .post(
            &format!("/api/collections/{collection}/exports"),
            token,
            body,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    job
}

async fn exports_are_built_in_the_background_in_three_formats(backend: Backend) {
    let app = spawn_app(backend).await;
    let collection = collection_with_a_submission(&app).await;
    let region = app.token("spo_coord_24").await;

    let job = export(&app, &region, &collection, json!({"kind": "results"})).await;
    assert!(job["number"].as_i64().unwrap() >= 1);
    let done = app.finished_job(&region, &job).await;
    assert_eq!(done["status"], "ready", "{done}");
    assert_eq!(
        done["status_line"],
        format!("Отчёт #{} готов к загрузке", job["number"])
    );
    assert!(done["expires_at"].is_string());
    let (status, bytes) = app.job_file(&region, &done).await;
    assert_eq!(status, StatusCode::OK);
    {
        use calamine::{DataType, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = book.worksheet_range("КАБИНЕТЫ").unwrap();
        let header: Vec<String> = (0..9)
            .map(|c| sheet.get_value((0, c)).unwrap().to_string())
            .collect();
        assert_eq!(
            header[..5],
            [
                "Регион",
                "Муниципалитет",
                "Логин",
                "Наименование",
                "Дата подачи (мск)"
            ]
        );
        assert_eq!(header[6..], ["Кабинет", "Мест", "Примечание"]);
        assert_eq!(sheet.get_value((1, 2)).unwrap().to_string(), "sch240001");
        assert_eq!(
            sheet.get_value((1, 7)).unwrap().get_float(),
            Some(30.0),
            "numbers stay numbers"
        );
        // An XLSX string is never run as a formula: it is shown as typed.
        assert_eq!(
            sheet.get_value((1, 8)).unwrap().to_string(),
            "=HYPERLINK(\"http://x\")"
        );
        assert!(
            matches!(sheet.get_value((1, 4)), Some(calamine::Data::DateTime(_))),
            "the moment of submission is a date cell: {:?}",
            sheet.get_value((1, 4))
        );
        assert_eq!(sheet.get_value((2, 6)).unwrap().to_string(), "102");
        assert!(
            sheet.get_value((3, 0)).is_none_or(|c| c.is_empty()),
            "one school, two rows"
        );
    }

    let csv = exported(
        &app,
        &region,
        &collection,
        json!({"kind": "results", "format": "csv"}),
    )
    .await;
    let (_, bytes) = app.job_file(&region, &csv).await;
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(text.contains(";sch240001;"), "{text}");
    assert!(text.contains("'=HYPERLINK"), "{text}");
    // For old systems: the same table in Windows-1251, without the BOM.
    let cp1251 = job_file_encoded(&app, &region, &csv, "cp1251").await;
    assert_eq!(
        cp1251.headers()["content-type"],
        "text/csv; charset=windows-1251"
    );
    let cp1251 = cp1251.bytes().await.unwrap().to_vec();
    assert!(std::str::from_utf8(&cp1251).is_err(), "not UTF-8 any more");
    assert!(!cp1251.starts_with(b"\xEF\xBB\xBF"), "no BOM");
    let (read_utf8, read_cp1251) = (
        oko_io::csv_read::read_csv(&bytes).unwrap(),
        oko_io::csv_read::read_csv(&cp1251).unwrap(),
    );
    assert_eq!(read_cp1251.rows, read_utf8.rows, "the same cells");
    assert!(read_cp1251.rows.len() > 2);

    let lines = exported(
        &app,
        &region,
        &collection,
        json!({"kind": "statuses", "format": "jsonl"}),
    )
    .await;
    let (_, bytes) = app.job_file(&region, &lines).await;
    let refused = job_file_encoded(&app, &region, &lines, "cp1251").await;
    let problem = crate::support::assert_problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "not_csv");
    let rows: Vec<Value> = String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() > 2, "every organisation of the region");
    let first = rows.iter().find(|r| r["login"] == "sch240001").unwrap();
    assert_eq!(first["status"], "Сдано");
    let submitted = first["submitted_at"].as_str().unwrap();
    assert!(
        submitted.len() == 25 && submitted.ends_with("+03:00"),
        "an ISO moment in Moscow time: {submitted}"
    );
    assert!(rows.iter().any(|r| r["status"] == "Не приступил"));

    // The list is the caller's; others do not see the job; schools export nothing.
    let (_, list) = app.get("/api/jobs", &region).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    let other = app.token("spo_coord_50").await;
    let (status, _) = app
        .get(
            &format!("/api/jobs/{}", job["id"].as_str().unwrap()),
            &other,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let school = app.token("sch240001").await;
    let (status, problem) = app
        .post(
            &format!("/api/collections/{collection}/exports"),
            &school,
            json!({"kind": "results"}),
        )
        .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, problem) = app
        .post(
            &format!("/api/collections/{collection}/exports"),
            &region,
            json!({"kind": "everything"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
}

/// A job row as a dead instance left it: running, its lease run out.
async fn abandoned_job(app: &TestApp, collection: &str) -> uuid::Uuid {
    let user = oko_db::users::find_by_login(&app.db, "spo_coord_24")
        .await
        .unwrap()
        .unwrap();
    let id = uuid::Uuid::new_v4();
    job::ActiveModel {
        id: Set(id),
        number: Set(9_000),
        kind: Set("status_export".into()),
        params: Set(json!({"job": "export", "collection_id": collection, "kind": "statuses", "format": "xlsx"}).to_string()),
        user_id: Set(user.id),
        title: Set("Экспорт статусов".into()),
        status: Set("running".into()),
        progress: Set(40),
        lease_owner: Set(Some("a-dead-instance".into())),
        lease_until: Set(Some(Utc::now() - chrono::Duration::seconds(5))),
        attempts: Set(1),
        file_name: Set("Экспорт статусов.xlsx".into()),
        content_type: Set("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into()),
        store_key: Set(None),
        error: Set(None),
        created_at: Set(Utc::now()),
        started_at: Set(Some(Utc::now())),
        finished_at: Set(None),
        expires_at: Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
    id
}

async fn a_job_left_running_by_a_dead_instance_runs_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let collection = collection_with_a_submission(&app).await;
    let id = abandoned_job(&app, &collection).await;
    let region = app.token("spo_coord_24").await;
    let done = app.finished_job(&region, &json!({"id": id})).await;
    assert_eq!(done["status"], "ready", "{done}");
    assert_eq!(done["number"], 9_000);
    let row = job::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.attempts, 2, "claimed once more");
    let (status, bytes) = app.job_file(&region, &done).await;
    assert_eq!((status, &bytes[..2]), (StatusCode::OK, &b"PK"[..]));
}

async fn two_processes_share_the_queue_and_run_each_job_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let collection = collection_with_a_submission(&app).await;
    let spa = app.data_dir().join("spa");
    let mut other = Command::new(env!("CARGO_BIN_EXE_oko"))
        .arg("serve")
        .env("OKO_DATABASE_URL", &app.database_url)
        .env("OKO_DATA_DIR", app.data_dir())
        .env("OKO_SPA_DIR", &spa)
        .env("OKO_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a second oko");
    let region = app.token("spo_coord_24").await;
    let mut queued = Vec::new();
    for n in 0..12 {
        let format = ["xlsx", "csv", "jsonl"][n % 3];
        queued.push(
            export(
                &app,
                &region,
                &collection,
                json!({"kind": "statuses", "format": format}),
            )
            .await,
        );
    }
    for job in &queued {
        assert_eq!(app.finished_job(&region, job).await["status"], "ready");
    }
    let _ = other.kill();
    let _ = other.wait();
    let rows = job::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 12);
    for row in rows {
        assert_eq!(row.attempts, 1, "job #{} ran once", row.number);
        assert!(row.store_key.is_some());
    }
}

async fn finished_files_expire(backend: Backend) {
    let app = spawn_app_with(backend, &[("OKO_REPORT_TTL_SECONDS", "1")]).await;
    let collection = collection_with_a_submission(&app).await;
    let region = app.token("spo_coord_24").await;
    let job = export(&app, &region, &collection, json!({"kind": "statuses"})).await;
    let done = app.finished_job(&region, &job).await;
    assert_eq!(done["status"], "ready");
    let id = job["id"].as_str().unwrap();
    for _ in 0..100 {
        let (status, _) = app.get(&format!("/api/jobs/{id}"), &region).await;
        if status == StatusCode::NOT_FOUND {
            let (status, _) = app.job_file(&region, &done).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the job never expired");
}

async fn notifications_of(app: &TestApp, token: &str) -> Value {
    let (status, list) = app.get("/api/notifications", token).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list
}

async fn reports_and_returns_are_notified_and_read(backend: Backend) {
    let app = spawn_app(backend).await;
    let collection = collection_with_a_submission(&app).await;
    let region = app.token("spo_coord_24").await;
    let job = export(&app, &region, &collection, json!({"kind": "statuses"})).await;
    app.finished_job(&region, &job).await;
    let list = notifications_of(&app, &region).await;
    assert_eq!(list["unread"], 1, "{list}");
    assert_eq!(list["items"][0]["kind"], "report_ready");
    assert_eq!(
        list["items"][0]["title"],
        format!("Отчёт #{} готов к загрузке", job["number"])
    );
    // The notification leads to the file itself («Скачать»).
    let file = list["items"][0]["link"].as_str().unwrap().to_owned();
    assert_eq!(
        file,
        format!("/api/jobs/{}/file", job["id"].as_str().unwrap())
    );
    let (status, _) = app.get(&file, &region).await;
    assert_eq!(status, StatusCode::OK);

    let (status, _) = app
        .post(
            &format!("/api/collections/{collection}/returns"),
            &region,
            json!({"organisation": "sch240001", "comment": "Укажите все кабинеты"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let school = app.token("sch240001").await;
    let list = notifications_of(&app, &school).await;
    assert_eq!(list["unread"], 1, "{list}");
    assert_eq!(list["items"][0]["title"], "Форма возвращена на доработку");
    assert_eq!(list["items"][0]["body"], "Кабинеты: Укажите все кабинеты");
    let id = list["items"][0]["id"].as_str().unwrap();
    let (status, _) = app
        .post(&format!("/api/notifications/{id}/read"), &school, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let list = notifications_of(&app, &school).await;
    assert_eq!(
        (&list["unread"], &list["items"][0]["read"]),
        (&json!(0), &json!(true))
    );
    let (status, _) = app
        .post(&format!("/api/notifications/{id}/read"), &region, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not the coordinator's");
    let (status, _) = app.post("/api/notifications/read-all", &region, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(notifications_of(&app, &region).await["unread"], 0);
}

async fn collections_are_announced_once_when_they_open_and_before_they_close(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let form = json!({"title": "Срочный сбор", "sheets": [{"key": "s", "title": "ЛИСТ", "columns": [
        {"key": "n", "title": "Число", "type": "integer", "required": true}]}]});
    let (_, version) = app.post("/api/forms", &admin, form).await;
    let (_, section) = app
        .post("/api/sections", &admin, json!({"title": "Срочно"}))
        .await;
    let now = Utc::now();
    let (_, publication) = app
        .post(
            "/api/publications",
            &admin,
            json!({"section_id": section["id"], "title": "Срочный сбор",
                "published_on": (now - chrono::Duration::hours(2)).to_rfc3339(),
                "audience": {"region_codes": ["24"]}}),
        )
        .await;
    let id = publication["summary"]["id"].as_str().unwrap();
    let (status, block) = app
        .put(
            &format!("/api/publications/{id}/collection"),
            &admin,
            json!({"form_version_id": version["id"],
                "opens_at": (now - chrono::Duration::hours(1)).to_rfc3339(),
                "closes_at": (now + chrono::Duration::hours(3)).to_rfc3339()}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{block}");
    let school = app.token("sch240001").await;
    let mut kinds = Vec::new();
    for _ in 0..100 {
        let list = notifications_of(&app, &school).await;
        kinds = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["kind"].as_str().unwrap().to_owned())
            .collect();
        if kinds.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    kinds.sort();
    assert_eq!(kinds, ["closing_soon", "collection_opened"]);
    let list = notifications_of(&app, &school).await;
    let opened = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "collection_opened")
        .unwrap();
    assert_eq!(opened["title"], "Открыт сбор данных");
    assert_eq!(opened["link"], format!("/publications/{id}"));
    // Once only, and not to other regions.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        notifications_of(&app, &school).await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let elsewhere = app.token("sch500001").await;
    assert_eq!(notifications_of(&app, &elsewhere).await["unread"], 0);

    // The whole audience was told with one row per announcement, not one per account.
    let rows = |table: &'static str| {
        let db = app.db.clone();
        async move {
            let sql = format!("SELECT count(*) AS n FROM {table}");
            let row = db
                .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    assert_eq!(rows("announcements").await, 2);
    assert_eq!(rows("notifications").await, 0);

    // Reads are each reader's own.
    let neighbour = app.token("sch240003").await;
    let opened_id = opened["id"].as_str().unwrap();
    let read = app
        .post(
            &format!("/api/notifications/{opened_id}/read"),
            &school,
            None,
        )
        .await;
    assert_eq!(read.0, StatusCode::NO_CONTENT, "{}", read.1);
    assert_eq!(notifications_of(&app, &school).await["unread"], 1);
    let again = app
        .post(
            &format!("/api/notifications/{opened_id}/read"),
            &school,
            None,
        )
        .await;
    assert_eq!(again.0, StatusCode::NOT_FOUND, "already read");
    assert_eq!(notifications_of(&app, &neighbour).await["unread"], 2);
    let all = app
        .post("/api/notifications/read-all", &neighbour, None)
        .await;
    assert_eq!(all.0, StatusCode::NO_CONTENT);
    assert_eq!(notifications_of(&app, &neighbour).await["unread"], 0);

    // A school that submits is no longer told the collection is closing.
    let collection = block["id"].as_str().unwrap();
    let (status, saved) = app
        .save(
            &school,
            collection,
            0,
            "a-1",
            vec![set_cell("s", 1, "n", "5")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, receipt) = app.submit(&school, collection, &saved["version"]).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let kinds: Vec<Value> = notifications_of(&app, &school).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("collection_opened")]);
}

async fn an_open_stream_hears_of_new_notifications(backend: Backend) {
    let app = spawn_app(backend).await;
    let collection = collection_with_a_submission(&app).await;
    let school = app.token("sch240001").await;
    let response = app
        .client
        .get(app.url("/api/notifications/stream?ticket=forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let (_, link) = app.post("/api/notifications/link", &school, None).await;
    let mut stream = app
        .client
        .get(app.url(link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let region = app.token("spo_coord_24").await;
    app.post(
        &format!("/api/collections/{collection}/returns"),
        &region,
        json!({"organisation": "sch240001", "comment": "Проверьте"}),
    )
    .await;
    let heard = tokio::time::timeout(Duration::from_secs(10), async {
        let mut text = String::new();
        while let Some(chunk) = stream.chunk().await.unwrap() {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("event: notification") {
                return text;
            }
        }
        text
    })
    .await
    .expect("an event within 10 s");
    assert!(
        heard.contains("event: notification\ndata: {\"latest\":"),
        "{heard}"
    );
}

async fn a_group_report_has_a_row_per_organisation_and_columns_per_collection(backend: Backend) {
    let app = spawn_app(backend).await;
    let first = collection_with_a_submission(&app).await;
    let second = collection_with_a_submission(&app).await;
    let region = app.token("spo_coord_24").await;
    let (status, list) = app.get("/api/collections?state=open", &region).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&first.as_str()) && ids.contains(&second.as_str()),
        "{list}"
    );
    assert_eq!(list["items"][0]["state_title"], "Открыт");

    let (status, problem) = app
        .post("/api/reports/group", &region, json!({"collections": []}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, job) = app
        .post(
            "/api/reports/group",
            &region,
            json!({"collections": [first, second], "format": "csv"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert_eq!(
        job["title"], "Групповой отчет: 2 сбора данных",
        "in Russian plural"
    );
    let done = app.finished_job(&region, &job).await;
    assert_eq!(done["status"], "ready", "{done}");
    let (_, bytes) = app.job_file(&region, &done).await;
    let text = String::from_utf8(bytes).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "Лист;Регион;Муниципалитет;Логин;Наименование;Кабинеты: статус;Кабинеты: дата подачи (мск);Кабинеты: статус;Кабинеты: дата подачи (мск)"
    );
    let school = lines.iter().find(|l| l.contains(";sch240001;")).unwrap();
    assert_eq!(school.matches(";Сдано;").count(), 2, "{school}");
    assert!(lines.iter().any(|l| l.contains(";Не приступил;")));
    let school_token = app.token("sch240001").await;
    let (status, _) = app
        .post(
            "/api/reports/group",
            &school_token,
            json!({"collections": [first]}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// `GET /api/jobs/{id}/file?encoding=…`.
async fn job_file_encoded(
    app: &TestApp,
    token: &str,
    job: &Value,
    encoding: &str,
) -> reqwest::Response {
    let id = job["id"].as_str().unwrap();
    app.client
        .get(app.url(&format!("/api/jobs/{id}/file?encoding={encoding}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// «Список для обзвона»: the schools that have not submitted, a worksheet per
/// municipality, each with its status and whom to call from its passport.
async fn a_call_list_names_whom_to_call_per_municipality(backend: Backend) {
    use calamine::{Reader, Xlsx};

    let app = spawn_app(backend).await;
    let collection = collection_with_a_submission(&app).await;
    let school = app.token("sch240002").await;
    let (status, passport) = app
        .put(
            "/api/orgs/sch240002/passport",
            &school,
            json!({"contact_person": "Петрова Анна Сергеевна", "phone": "+7 391 200-00-02"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{passport}");
    let (status, saved) = app
        .save(
            &school,
            &collection,
            0,
            "b",
            vec![set_cell("rooms", 1, "room", "5")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");

    let region = app.token("spo_coord_24").await;
    let (_, statistics) = app
        .get(
            &format!("/api/collections/{collection}/statistics"),
            &region,
        )
        .await;
    let job = export(&app, &region, &collection, json!({"kind": "call_list"})).await;
    assert_eq!(job["title"], "Список для обзвона: Кабинеты");
    let done = app.finished_job(&region, &job).await;
    assert_eq!(done["status"], "ready", "{done}");
    let (_, bytes) = app.job_file(&region, &done).await;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    let mut rows = Vec::new();
    for name in book.sheet_names() {
        let sheet = book.worksheet_range(&name).unwrap();
        let header: Vec<String> = (0..7)
            .map(|c| {
                sheet
                    .get_value((0, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            header,
            [
                "Логин",
                "Наименование",
                "Статус",
                "Контактное лицо",
                "Телефон",
                "E-mail",
                "Дата начала работы (мск)"
            ],
            "{name}"
        );
        for row in 1..sheet.height() {
            let cell = |c: u32| {
                sheet
                    .get_value((row as u32, c))
                    .map(|v| v.to_string())
                    .unwrap_or_default()
            };
            rows.push((name.clone(), cell(0), cell(2), cell(3), cell(4), cell(6)));
        }
    }
    let total = statistics["total"].as_u64().unwrap() as usize;
    assert_eq!(rows.len(), total - 1, "everyone but the one who submitted");
    assert!(
        rows.iter().all(|r| r.1 != "sch240001"),
        "a submitted school is not called"
    );
    let called = rows
        .iter()
        .find(|r| r.1 == "sch240002")
        .expect("the school at work");
    assert_eq!(
        (called.2.as_str(), called.3.as_str(), called.4.as_str()),
        ("В работе", "Петрова Анна Сергеевна", "+7 391 200-00-02")
    );
    assert!(called.5.ends_with("(мск)"), "when it started: {}", called.5);
    assert!(
        rows.iter()
            .any(|r| r.2 == "Не приступило" && r.5.is_empty())
    );
    // A worksheet per municipality: each school under its own.
    let (_, page) = app
        .get(
            &format!("/api/collections/{collection}/participants?search=sch240002"),
            &region,
        )
        .await;
    assert_eq!(called.0, page["items"][0]["municipality"].as_str().unwrap());
    let municipalities: std::collections::HashSet<&String> = rows.iter().map(|r| &r.0).collect();
    assert!(municipalities.len() > 1, "{municipalities:?}");
}

/// The operator's closing reminders: each of the chosen hours before the
/// deadline is due once, when its moment comes (claimed by one instance); a
/// moved deadline starts them over; hours are checked.
async fn closing_reminders_come_once_at_each_chosen_hour(backend: Backend) {
    use oko_db::notifications::{Announcement, due_announcements};

    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let collection = collection_with_a_submission(&app).await;
    let (_, block) = app
        .get(&format!("/api/collections/{collection}"), &admin)
        .await;
    assert_eq!(
        block["reminder_hours"],
        json!([24]),
        "a day before, as before"
    );
    let publication = block["publication_id"].as_str().unwrap().to_owned();
    let save = |hours: Value, closes: chrono::DateTime<Utc>| {
        let (app, admin, publication, block) = (&app, &admin, &publication, &block);
        async move {
            app.put(
                &format!("/api/publications/{publication}/collection"),
                admin,
                json!({"form_version_id": block["form_version_id"], "opens_at": block["opens_at"],
                    "closes_at": closes.to_rfc3339(), "reminder_hours": hours}),
            )
            .await
        }
    };
    let closes = Utc::now() + chrono::Duration::days(10);
    let (status, problem) = save(json!([24, 0]), closes).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "reminder_hours");
    let (status, saved) = save(json!([2, 72]), closes).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["reminder_hours"], json!([72, 2]));

    let due_at = |before: chrono::Duration| {
        let db = app.db.clone();
        let collection = collection.clone();
        async move {
            due_announcements(&db, closes - before)
                .await
                .unwrap()
                .into_iter()
                .filter(
                    |a| matches!(a, Announcement::ClosingSoon(c) if c.id.to_string() == collection),
                )
                .count()
        }
    };
    let hours = chrono::Duration::hours;
    assert_eq!(due_at(hours(73)).await, 0, "not yet");
    assert_eq!(due_at(hours(71)).await, 1, "three days before");
    assert_eq!(due_at(hours(70)).await, 0, "once");
    assert_eq!(due_at(hours(30)).await, 0, "nothing between");
    assert_eq!(
        due_at(chrono::Duration::minutes(119)).await,
        1,
        "two hours before"
    );
    assert_eq!(due_at(hours(1)).await, 0, "once");

    // A moved deadline starts the reminders over.
    let (status, _) = save(json!([72, 2]), closes + hours(1)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(due_at(hours(70)).await, 1, "the new deadline's three days");
}
