//! «Аналитика»: the operator defines a work (JSON and spreadsheet), results arrive
//! through the electronic protocol's submission and the operator's bulk upload (all
//! or nothing), marks come from the scale, and every level sees its own units
//! beside the levels above — never another unit's details.

use crate::support::{Backend, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_submitted_protocol_becomes_the_schools_results_in_its_reports,
    a_bulk_upload_is_all_or_nothing_and_feeds_every_level,
    a_work_round_trips_through_its_description_spreadsheet,
    reports_are_ordered_as_files_in_the_background,
);

/// Tasks of 1, 2 and 2 points; 0–1 → «2», 2 → «3», 3–4 → «4», 5 → «5».
fn small_work() -> Value {
    json!({"subject": "Математика", "grade": "5 класс",
        "tasks": [
            {"number": "1", "max_score": 1, "skill": "Числа"},
            {"number": "2", "max_score": 2, "skill": "Задачи"},
            {"number": "3", "max_score": 2, "skill": "Задачи"}],
        "scale": [
            {"from": 0, "to": 1, "mark": 2}, {"from": 2, "to": 2, "mark": 3},
            {"from": 3, "to": 4, "mark": 4}, {"from": 5, "to": 5, "mark": 5}]})
}

/// An assessment with the small work; returns the work's id.
async fn work(app: &TestApp, admin: &str) -> String {
    let (status, assessment) = app
        .post(
            "/api/assessments",
            admin,
            json!({"title": "ВПР 2026", "project": "ВПР"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{assessment}");
    let id = assessment["id"].as_str().unwrap();
    let (status, work) = app
        .post(&format!("/api/assessments/{id}/works"), admin, small_work())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{work}");
    work["id"].as_str().unwrap().to_owned()
}

async fn report(
    app: &TestApp,
    token: &str,
    work: &str,
    kind: &str,
    unit: &str,
) -> (StatusCode, Value) {
    let query = if unit.is_empty() {
        String::new()
    } else {
        format!("?unit={unit}")
    };
    app.get(
        &format!("/api/assessment-works/{work}/reports/{kind}{query}"),
        token,
    )
    .await
}

/// The row of `label` (its start) in a report.
fn row<'a>(report: &'a Value, label: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"].as_str().unwrap().starts_with(label))
        .unwrap_or_else(|| panic!("no row {label} in {report}"))
}

async fn a_submitted_protocol_becomes_the_schools_results_in_its_reports(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let work = work(&app, &admin).await;

    // A scale with a gap is refused with its place.
    let mut bad = small_work();
    bad["scale"][1]["from"] = json!(3);
    let (_, list) = app.get("/api/assessments", &admin).await;
    let assessment = list["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, problem) = app
        .post(&format!("/api/assessments/{assessment}/works"), &admin, bad)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "scale[1]", "{problem}");

    let (_, section) = app
        .post("/api/sections", &admin, json!({"title": "ВПР"}))
        .await;
    let (_, publication) = app
        .post(
            "/api/publications",
            &admin,
            json!({"section_id": section["id"], "title": "Электронный протокол",
                "published_on": "2026-01-01T00:00:00Z", "audience": {"region_codes": ["24"]}}),
        )
        .await;
    let publication = publication["summary"]["id"].as_str().unwrap();
    let (status, protocol) = app
        .post(
            &format!("/api/assessment-works/{work}/protocol"),
            &admin,
            json!({"publication_id": publication, "opens_at": "2026-01-01T00:00:00Z",
                "closes_at": "2099-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{protocol}");
    let collection = protocol["collection_id"].as_str().unwrap();

    let school = app.token("sch240001").await;
    let set = |row: u32, column: &str, value: &str| json!({"op": "set", "sheet": "protocol", "row": row, "column": column, "value": value});
    let student = |row: u32, code: &str, scores: [&str; 3], journal: &str| {
        vec![
            set(row, "code", code),
            set(row, "class_name", "5А"),
            set(row, "variant", "1"),
            set(row, "task_1", scores[0]),
            set(row, "task_2", scores[1]),
            set(row, "task_3", scores[2]),
            set(row, "journal_mark", journal),
        ]
    };
    let mut changes = student(1, "101", ["1", "2", "2"], "4");
    changes.extend(student(2, "102", ["0", "3", "0"], "3"));
    let (status, draft) = app.save(&school, collection, 0, "a", changes).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    // 3 points for a 2-point task: the submission is refused at that cell.
    let (status, problem) = app.submit(&school, collection, &draft["version"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["row"], 2);
    assert_eq!(problem["errors"][0]["column"], "Задание 2 (макс. 2)");
    let (_, nothing) = report(&app, &school, &work, "marks", "").await;
    assert_eq!(row(&nothing, "МБОУ")["values"][0], 0.0, "{nothing}");

    let (_, draft) = app
        .save(
            &school,
            collection,
            &draft["version"],
            "b",
            vec![set(2, "task_2", "1")],
        )
        .await;
    let (status, receipt) = app.submit(&school, collection, &draft["version"]).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");

    // The school beside its municipality, region and the country: student 101 has
    // 5 points («5», journal «4»: higher), 102 has 1 point («2», journal «3»: lower).
    let (status, marks) = report(&app, &school, &work, "marks", "").await;
    assert_eq!(status, StatusCode::OK, "{marks}");
    let labels: Vec<&str> = marks["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels.len(), 4, "{labels:?}");
    assert_eq!(labels[0], "Российская Федерация");
    assert!(labels[3].ends_with("(sch240001)"));
    assert_eq!(
        marks["rows"][3]["values"],
        json!([2.0, 50.0, 0.0, 0.0, 50.0])
    );
    assert_eq!(marks["rows"][0]["values"][0], 2.0);
    assert!(
        marks["rows"][0]["unit"].is_null(),
        "a school may not open the country's report"
    );
    let (_, journal) = report(&app, &school, &work, "journal", "").await;
    assert_eq!(journal["rows"][3]["values"], json!([2.0, 50.0, 0.0, 50.0]));
    let (_, tasks) = report(&app, &school, &work, "tasks", "").await;
    assert_eq!(tasks["rows"][3]["values"], json!([2.0, 50.0, 75.0, 50.0]));
    let (_, individual) = report(&app, &school, &work, "individual", "").await;
    assert_eq!(
        individual["rows"][0]["values"][7], 5.0,
        "primary score of 101"
    );
    assert_eq!(individual["rows"][0]["values"][8], 5.0, "mark of 101");

    // Scope: the region sees the school; another region and the school itself
    // may not look sideways or up.
    let region = app.token("spo_coord_24").await;
    let (status, seen) = report(&app, &region, &work, "marks", "organisation:sch240001").await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let (_, own) = report(&app, &region, &work, "marks", "").await;
    assert!(row(&own, "МБОУ Гимназия № 1").get("unit").is_some());
    for (token, unit) in [
        (&region, "country"),
        (&app.token("spo_coord_50").await, "organisation:sch240001"),
        (&school, "organisation:sch240002"),
    ] {
        let (status, problem) = report(&app, token, &work, "marks", unit).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{unit}: {problem}");
    }
    let (status, problem) = report(&app, &region, &work, "ranking", "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");

    // A resubmission replaces the results.
    let (_, draft) = app
        .get(&format!("/api/collections/{collection}/draft"), &school)
        .await;
    let (_, draft) = app
        .save(
            &school,
            collection,
            &draft["version"],
            "c",
            vec![json!({"op": "delete_row", "sheet": "protocol", "row": 2})],
        )
        .await;
    let (status, _) = app.submit(&school, collection, &draft["version"]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, marks) = report(&app, &school, &work, "marks", "").await;
    assert_eq!(
        marks["rows"][3]["values"],
        json!([1.0, 0.0, 0.0, 0.0, 100.0])
    );
}

/// A bulk file: «Логин ОО», code, class, variant, three tasks, journal mark.
fn bulk_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = "Логин ОО;Код участника;Класс;Вариант;Задание 1 (макс. 1);Задание 2 (макс. 2);Задание 3 (макс. 2);Отметка по журналу\r\n".to_owned();
    for row in rows {
        text.push_str(row);
        text.push_str("\r\n");
    }
    text.into_bytes()
}

async fn a_bulk_upload_is_all_or_nothing_and_feeds_every_level(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let work = work(&app, &admin).await;
    let path = format!("/api/assessment-works/{work}/results/import");

    let bad = bulk_csv(&[
        "sch240001;1;5А;1;1;2;2;5",
        "sch240001;2;5А;1;1;9;0;4",
        "nobody;3;5Б;2;0;0;0;",
    ]);
    let (status, problem) = app.post_file(&admin, &path, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let error = &problem["errors"][0];
    assert_eq!(error["code"], "out_of_range", "{problem}");
    assert_eq!(error["row"], 3);
    assert_eq!(error["column"], "Задание 2 (макс. 2)");
    let (status, problem) = app
        .post_file(
            &admin,
            &path,
            bulk_csv(&["sch240001;1;5А;1;1;2;2;5", "nobody;3;5Б;2;0;0;0;"]),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "unknown_login", "{problem}");
    assert_eq!(problem["errors"][0]["row"], 3);
    let (_, country) = report(&app, &admin, &work, "marks", "").await;
    assert_eq!(
        country["rows"][0]["values"][0], 0.0,
        "nothing stored: {country}"
    );

    let good = bulk_csv(&[
        "sch240001;1;5А;1;1;2;2;5",
        "sch240001;2;5А;1;0;1;0;3",
        "sch240002;1;5Б;2;1;1;1;4",
        "sch500001;1;5А;1;0;0;0;2",
    ]);
    let (status, imported) = app.post_file(&admin, &path, good).await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(imported, json!({"organisations": 3, "students": 4}));

    // The operator's country lists regions; the region lists its municipalities
    // and schools; the municipality its schools.
    let (_, country) = report(&app, &admin, &work, "marks", "").await;
    assert_eq!(
        country["rows"][0]["values"],
        json!([4.0, 50.0, 0.0, 25.0, 25.0])
    );
    assert_eq!(
        country["rows"].as_array().unwrap().len(),
        3,
        "country + 2 regions: {country}"
    );
    let region = app.token("spo_coord_24").await;
    let (_, own) = report(&app, &region, &work, "marks", "").await;
    assert_eq!(row(&own, "Красноярский")["values"][0], 3.0);
    assert!(
        own["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| !r["label"].as_str().unwrap().contains("sch500001"))
    );
    let municipality = app.token("mun24001").await;
    let (status, mine) = report(&app, &municipality, &work, "marks", "").await;
    assert_eq!(status, StatusCode::OK, "{mine}");
    assert_eq!(row(&mine, "МБОУ Гимназия № 1")["values"][0], 2.0);
    let (status, _) = report(
        &app,
        &municipality,
        &work,
        "marks",
        "organisation:sch500001",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Individual results of a region: every student of its schools.
    let (_, individual) = report(&app, &region, &work, "individual", "").await;
    assert_eq!(
        individual["rows"].as_array().unwrap().len(),
        3,
        "{individual}"
    );
    let (_, scores) = report(&app, &region, &work, "scores", "").await;
    assert_eq!(
        scores["chart"]["series"].as_array().unwrap().len(),
        2,
        "region vs country"
    );
    let (_, skills) = report(&app, &region, &work, "skills", "").await;
    assert_eq!(
        skills["rows"].as_array().unwrap().len(),
        2,
        "«Числа» and «Задачи»"
    );

    // A second upload of one school replaces only that school.
    let (status, _) = app
        .post_file(&admin, &path, bulk_csv(&["sch240001;7;5А;1;1;2;2;5"]))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, country) = report(&app, &admin, &work, "marks", "").await;
    assert_eq!(country["rows"][0]["values"][0], 3.0, "{country}");

    // The same table as XLSX.
    let response = app
        .client
        .get(app.url(&format!(
            "/api/assessment-works/{work}/reports/marks?format=xlsx"
        )))
        .bearer_auth(&region)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
}

async fn a_work_round_trips_through_its_description_spreadsheet(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let work = work(&app, &admin).await;
    let response = app
        .client
        .get(app.url(&format!("/api/assessment-works/{work}/description")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    let (_, list) = app.get("/api/assessments", &admin).await;
    let assessment = list["items"][0]["id"].as_str().unwrap();
    let (status, copy) = app
        .post_file(
            &admin,
            &format!("/api/assessments/{assessment}/works/import"),
            bytes,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{copy}");
    assert_eq!(copy["definition"], small_work());
    let (status, problem) = app
        .post_file(
            &admin,
            &format!("/api/assessments/{assessment}/works/import"),
            b"PK nonsense".to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let school = app.token("sch240001").await;
    let (status, _) = app
        .post(
            &format!("/api/assessments/{assessment}/works"),
            &school,
            small_work(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn reports_are_ordered_as_files_in_the_background(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let work = work(&app, &admin).await;
    let (status, _) = app
        .post_file(
            &admin,
            &format!("/api/assessment-works/{work}/results/import"),
            bulk_csv(&["sch240001;1;5А;1;1;2;2;5", "sch240002;1;5Б;2;1;1;1;4"]),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let region = app.token("spo_coord_24").await;
    let (status, job) = app
        .post(
            &format!("/api/assessment-works/{work}/reports/individual/jobs"),
            &region,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = app.finished_job(&region, &job).await;
    assert_eq!(done["status"], "ready", "{done}");
    let (_, bytes) = app.job_file(&region, &done).await;
    let mut book: calamine::Xlsx<_> = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    assert_eq!(sheet.height(), 3, "header + two students");
    assert_eq!(
        sheet.get((0, 1)),
        Some(&calamine::Data::String("Код".into()))
    );
    let (status, _) = app
        .post(
            &format!("/api/assessment-works/{work}/reports/marks/jobs?unit=country"),
            &region,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a region may not order the country's details"
    );
}
