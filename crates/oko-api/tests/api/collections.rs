//! Data collection through the API: form versions, a publication's collection,
//! autosave with versions and retries, submission with the same validation as the
//! editor, history, and the clock (closed collections change nothing).

mod acceptance;
mod file_cells;
mod form_language;
mod shared_lists;
mod soft_checks;

use crate::support::{
    Backend, TestApp,
    arrange::{
        OPEN_FROM, OPEN_UNTIL, collection, form, open_collection_of, open_college_collection,
        set_cell,
    },
    spawn_app,
};
use acceptance::*;
use file_cells::*;
use form_language::*;
use oko_domain::forms::demo;
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use shared_lists::*;
use soft_checks::*;

on_both_databases!(
    forms_are_checked_versioned_and_pinned,
    autosave_applies_each_batch_once_and_refuses_stale_versions,
    two_instances_on_one_database_lose_no_save,
    two_server_processes_on_one_database_lose_no_save,
    saves_reuse_one_connection_and_outlive_its_loss,
    drafts_are_scoped_to_their_organisation,
    submit_validates_snapshots_and_keeps_history,
    a_closed_collection_changes_nothing,
    templates_download_and_uploads_replace_the_draft_as_they_came,
    a_sorted_fixed_sheet_keeps_each_value_under_its_preset,
    templates_and_exports_survive_the_programs_people_use,
    forms_are_described_in_excel_and_back,
    monitoring_counts_and_lists_the_callers_scope,
    a_returned_submission_is_returned_until_submitted_again,
    reminders_reach_the_chosen_statuses_until_they_submit,
    the_forecast_puts_the_laggard_municipalities_first,
    counts_stay_whole_while_a_surge_saves_and_submits,
    acceptance_climbs_the_levels_and_locks_the_form,
    a_municipality_is_accepted_at_once_without_the_erroneous,
    comments_on_cells_are_answered_and_closed_by_acceptance,
    calculated_cells_are_computed_by_the_server_and_by_the_programs,
    a_draft_starts_from_the_passport_and_keeps_its_locked_cells,
    a_list_named_once_gives_its_values_to_its_columns,
    the_documented_form_is_saved_as_it_is,
    last_years_submission_prefills_this_years_draft,
    an_unusual_value_is_submitted_with_its_explanation,
    an_explanation_only_explains_a_soft_checked_column,
    a_list_named_once_serves_every_form,
    a_file_cell_holds_the_schools_own_scan_and_travels_in_its_zip,
    the_totals_row_is_computed_alike_by_the_form_and_the_programs,
    a_school_cannot_fill_the_disk_through_its_file_cells,
    replaced_files_make_room_but_every_file_a_cell_refers_to_stays,
);

fn set(row: u32, column: &str, value: &str) -> Value {
    set_cell("specialties", row, column, value)
}

/// A complete, valid row 1 of the college form.
fn valid_row() -> Vec<Value> {
    [
        ("code", "38.02.01 Экономика и бухгалтерский учет"),
        ("subject_a", "математика"),
        ("subject_b", "—"),
        ("course", "1"),
        ("students", "34"),
        ("after_9", "30"),
        ("after_11", "4"),
        ("digital", "35"),
        ("admitted", "нет"),
    ]
    .into_iter()
    .map(|(column, value)| set(1, column, value))
    .collect()
}

fn error_codes(errors: &Value) -> Vec<(i64, String, String)> {
    errors
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap_or(0),
                e["column"].as_str().unwrap_or("").to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn forms_are_checked_versioned_and_pinned(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let mut bad = demo::college();
    bad.sheets[0].columns[0].min = Some(1.0);
    let (status, problem) = app.post("/api/forms", &admin, json!(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "sheets[0].columns[0].min");

    let school = app.token("sch240001").await;
    let (status, _) = app
        .post("/api/forms", &school, json!(demo::college()))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let first = form(&app, &admin, json!(demo::college())).await;
    assert_eq!(first["version"], 1);
    let block = collection(&app, &admin, &first["id"], OPEN_UNTIL).await;
    assert_eq!(block["state"], "open");
    assert_eq!(block["state_title"], "Открыт");
    assert_eq!(
        block["window"],
        "30 августа 2021, 20:41 - 7 сентября 2099, 18:00"
    );

    let mut renamed = demo::college();
    renamed.title = "Сведения о специальностях, версия 2".into();
    let form_id = first["form_id"].as_str().unwrap();
    let (status, second) = app
        .post(
            &format!("/api/forms/{form_id}/versions"),
            &admin,
            json!(renamed),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    assert_eq!(second["version"], 2);
    let (_, list) = app.get("/api/forms", &admin).await;
    let listed = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == form_id)
        .unwrap();
    assert_eq!(listed["latest_version"], 2);
    assert_eq!(listed["title"], "Сведения о специальностях, версия 2");

    // The collection keeps the version it pinned.
    let id = block["id"].as_str().unwrap();
    let (status, pinned) = app
        .get(&format!("/api/collections/{id}/form"), &school)
        .await;
    assert_eq!(status, StatusCode::OK, "{pinned}");
    assert_eq!(pinned["title"], "Сведения о профессиях и специальностях");

    // Someone outside the audience does not see the block.
    let moscow = app.token("sch770001").await;
    let (status, _) = app.get(&format!("/api/collections/{id}"), &moscow).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Once a draft exists the pinned version cannot be swapped.
    app.save(&school, id, 0, "c1", vec![set(1, "course", "2")])
        .await;
    let publication = block["publication_id"].as_str().unwrap();
    let (status, problem) = app
        .put(&format!("/api/publications/{publication}/collection"), &admin, json!({"form_version_id": second["id"], "opens_at": OPEN_FROM, "closes_at": OPEN_UNTIL}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
}

async fn autosave_applies_each_batch_once_and_refuses_stale_versions(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;

    let (status, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["version"], 0);
    assert_eq!(draft["progress"]["status_title"], "Не приступил");

    let (status, saved) = app.save(&school, &id, 0, "tab1-1", valid_row()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["errors"], json!([]));

    // A row inserted and a cell left invalid: saved, with the errors of the whole draft.
    let batch = vec![
        json!({"op": "insert_row", "sheet": "specialties", "row": 1}),
        set(1, "course", "семь"),
    ];
    let (status, saved) = app.save(&school, &id, 1, "tab1-2", batch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 2);
    let codes = error_codes(&saved["errors"]);
    assert!(
        codes.contains(&(1, "course".into(), "not_integer".into())),
        "{codes:?}"
    );
    assert!(
        codes.contains(&(1, "code".into(), "required".into())),
        "{codes:?}"
    );

    // The same batch retried (its answer was lost) is not applied twice.
    let (status, again) = app.save(&school, &id, 1, "tab1-2", batch).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["version"], 2);
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["data"]["specialties"].as_array().unwrap().len(), 2);
    assert_eq!(
        draft["data"]["specialties"][1]["subject_a"], "Математика",
        "normalised"
    );
    assert_eq!(
        draft["data"]["specialties"][0]["course"], "семь",
        "kept as typed"
    );
    assert_eq!(draft["progress"]["status_title"], "В работе");

    // Another tab still on version 1: 409 with the current draft, nothing applied.
    let (status, conflict) = app
        .save(&school, &id, 1, "tab2-1", vec![set(2, "students", "40")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");
    assert_eq!(conflict["code"], "conflict");
    assert_eq!(conflict["current"]["version"], 2);
    assert_eq!(
        conflict["current"]["data"]["specialties"][1]["students"],
        "34"
    );

    // A change the form does not allow refuses the whole batch.
    let (status, problem) = app
        .save(
            &school,
            &id,
            2,
            "tab1-3",
            vec![set(2, "students", "40"), set(2, "nope", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["code"], "unknown");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["version"], 2);
    assert_eq!(draft["data"]["specialties"][1]["students"], "34");

    let (status, problem) = app
        .patch(
            &format!("/api/collections/{id}/draft"),
            &school,
            json!({"version": 2, "changes": []}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "change_id");
}

/// Two servers behind one balancer: a save on a version the other one has moved
/// past is refused, never applied over the other's work.
async fn two_instances_on_one_database_lose_no_save(backend: Backend) {
    let first = spawn_app(backend).await;
    let second = first.other_instance().await;
    let admin = first.token("admin").await;
    let id = open_college_collection(&first, &admin).await;
    let school = first.token("sch240001").await;

    saves_as(first.save(&school, &id, 0, "a-1", valid_row()).await, 1);
    saves_as(
        first
            .save(&school, &id, 1, "a-2", vec![set(1, "students", "40")])
            .await,
        2,
    );
    // The other instance saves on version 2.
    saves_as(
        second
            .save(&school, &id, 2, "b-1", vec![set(1, "after_9", "36")])
            .await,
        3,
    );

    // A tab that missed it saves on version 2 through the first instance: refused,
    // with the other instance's work in the answer.
    let (status, conflict) = first
        .save(&school, &id, 2, "a-3", vec![set(1, "students", "41")])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");
    assert_eq!(conflict["current"]["version"], 3);
    assert_eq!(
        conflict["current"]["data"]["specialties"][0]["after_9"],
        "36"
    );

    // On version 3 the first instance saves over both.
    saves_as(
        first
            .save(&school, &id, 3, "a-4", vec![set(1, "students", "41")])
            .await,
        4,
    );
    let (_, draft) = second
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    let row = &draft["data"]["specialties"][0];
    assert_eq!(
        (
            draft["version"].clone(),
            row["students"].clone(),
            row["after_9"].clone()
        ),
        (json!(4), json!("41"), json!("36"))
    );
}

/// Two `oko serve` processes on one database and data directory (on SQLite: one
/// file two processes write, as on a small server run twice): six schools save
/// at once, each alternating between the processes, and every save is answered
/// 200 and present when read back through the other process.
async fn two_server_processes_on_one_database_lose_no_save(backend: Backend) {
    const SAVES: i64 = 12;
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let first = app.serve_process(app.data_dir()).await;
    let second = app.serve_process(app.data_dir()).await;
    let processes = [&first.app, &second.app];
    let schools: Vec<String> = (1..=6).map(|n| format!("sch24000{n}")).collect();
    let mut tokens = Vec::new();
    for school in &schools {
        tokens.push(app.token(school).await);
    }
    let saving = tokens.iter().map(|token| {
        let id = id.clone();
        async move {
            for n in 1..=SAVES {
                let through = processes[n as usize % 2];
                let value = n.to_string();
                let answer = through
                    .save(
                        token,
                        &id,
                        n - 1,
                        &format!("p-{n}"),
                        vec![set(1, "students", &value)],
                    )
                    .await;
                saves_as(answer, n);
            }
        }
    });
    futures_util::future::join_all(saving).await;
    for token in &tokens {
        for through in processes {
            let (status, draft) = through
                .get(&format!("/api/collections/{id}/draft"), token)
                .await;
            assert_eq!(status, StatusCode::OK, "{draft}");
            assert_eq!(draft["version"], SAVES, "{draft}");
            assert_eq!(
                draft["data"]["specialties"][0]["students"],
                SAVES.to_string(),
                "{draft}"
            );
        }
    }
}

/// Asserts a save was accepted as `version`.
fn saves_as((status, saved): (StatusCode, Value), version: i64) {
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], version, "{saved}");
}

/// Saves one after another share one connection of the drafts' pool (the
/// database's connection count does not grow with them), and when the database
/// drops it (a restart, an administrator) the next save still succeeds.
async fn saves_reuse_one_connection_and_outlive_its_loss(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;
    saves_as(app.save(&school, &id, 0, "c-0", valid_row()).await, 1);
    for version in 1..6 {
        let students = (30 + version).to_string();
        let change = vec![set(1, "students", &students)];
        let change_id = format!("c-{version}");
        saves_as(
            app.save(&school, &id, version, &change_id, change).await,
            version + 1,
        );
    }
    if let Backend::Postgres = backend {
        assert_eq!(
            drafts_connections(&app).await,
            1,
            "one connection for six saves"
        );
        app.db
            .execute_unprepared(&drafts_backends("pg_terminate_backend(pid)"))
            .await
            .expect("terminate the drafts' connections");
    }
    // (A SQLite file has no server to drop connections: there the save just goes on.)
    saves_as(
        app.save(&school, &id, 6, "c-6", vec![set(1, "students", "40")])
            .await,
        7,
    );
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["data"]["specialties"][0]["students"], "40");
}

/// `SELECT <what>` over the PostgreSQL backends of the drafts' pool on the test's
/// database.
fn drafts_backends(what: &str) -> String {
    format!(
        "SELECT {what} FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = '{}'",
        oko_db::held::APPLICATION_NAME
    )
}

/// Open PostgreSQL connections of the drafts' pool to the test's database.
async fn drafts_connections(app: &TestApp) -> i64 {
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            drafts_backends("count(*) AS n"),
        ))
        .await
        .expect("count connections")
        .expect("a row");
    row.try_get("", "n").expect("a count")
}

async fn drafts_are_scoped_to_their_organisation(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;
    let (status, _) = app.save(&school, &id, 0, "a", valid_row()).await;
    assert_eq!(status, StatusCode::OK);

    // A neighbour sees only their own (blank) draft, whatever they ask for.
    let neighbour = app.token("sch240002").await;
    let (status, draft) = app
        .get(
            &format!("/api/collections/{id}/draft?organisation=sch240001"),
            &neighbour,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(draft["version"], 0);
    assert_eq!(draft["data"]["specialties"], json!([]));

    // The region's coordinators read it; they do not write.
    for coordinator in ["spo_coord_24", "mun24001"] {
        let token = app.token(coordinator).await;
        let (status, draft) = app
            .get(
                &format!("/api/collections/{id}/draft?organisation=sch240001"),
                &token,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{coordinator}: {draft}");
        assert_eq!(draft["version"], 1, "{coordinator}");
        let (status, problem) = app
            .save(&token, &id, 1, "c", vec![set(1, "course", "2")])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    }
    // Another region's coordinator does not even see the collection.
    let moscow = app.token("spo_coord_77").await;
    let (status, _) = app
        .get(
            &format!("/api/collections/{id}/draft?organisation=sch240001"),
            &moscow,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, problem) = app
        .get(&format!("/api/collections/{id}/draft"), &admin)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    let (status, _) = app
        .get(
            &format!("/api/collections/{id}/draft?organisation=sch770001"),
            &admin,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "outside the publication's audience"
    );
}

async fn submit_validates_snapshots_and_keeps_history(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;
    let submit = |version: i64| app.submit(&school, &id, version);
    let (status, problem) = submit(0).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing saved yet: {problem}"
    );

    let mut changes = valid_row();
    changes.push(set(1, "after_11", "5"));
    app.save(&school, &id, 0, "a", changes).await;
    let (status, problem) = submit(1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["code"], "comparison_failed");
    assert_eq!(problem["errors"][0]["sheet"], "СПЕЦИАЛЬНОСТИ");
    assert_eq!(problem["errors"][0]["row"], 1);
    assert_eq!(
        problem["errors"][0]["column"],
        "3.2. на базе основного общего образования"
    );
    let (_, history) = app
        .get(&format!("/api/collections/{id}/submissions"), &school)
        .await;
    assert_eq!(
        history["items"],
        json!([]),
        "a refused submit stores nothing"
    );

    app.save(&school, &id, 1, "b", vec![set(1, "after_11", "4")])
        .await;
    let (status, receipt) = submit(2).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert!(
        receipt["message"]
            .as_str()
            .unwrap()
            .starts_with("Вы заполнили форму "),
        "{receipt}"
    );
    assert!(receipt["message"].as_str().unwrap().ends_with("(мск)"));
    let (_, block) = app.get(&format!("/api/collections/{id}"), &school).await;
    assert_eq!(block["progress"]["status_title"], "Сдано");
    assert_eq!(block["progress"]["last_action"], receipt["message"]);

    // Editing after a submission keeps «Сдано»; submitting again replaces what counts.
    app.save(&school, &id, 2, "c", vec![set(1, "students", "40")])
        .await;
    let (status, stale) = submit(2).await;
    assert_eq!(status, StatusCode::CONFLICT, "{stale}");
    let (status, second) = submit(3).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    let coordinator = app.token("spo_coord_24").await;
    let (_, history) = app
        .get(
            &format!("/api/collections/{id}/submissions?organisation=sch240001"),
            &coordinator,
        )
        .await;
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["draft_version"], 3, "newest first");
    assert_eq!(items[0]["submitted_by"], "sch240001");
    assert_eq!(items[1]["draft_version"], 2);
    // Each submission is in the log, written in its own transaction; the refused
    // one (stale version) is not.
    let (status, log) = app
        .get("/api/audit?action=submitted&login=sch240001", &coordinator)
        .await;
    assert_eq!(status, StatusCode::OK, "{log}");
    let details: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        ["Версия черновика 3", "Версия черновика 2"],
        "{log}"
    );
}

async fn a_closed_collection_changes_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;
    app.save(&school, &id, 0, "a", valid_row()).await;

    let (status, block) = app
        .put(
            &format!("/api/collections/{id}/state"),
            &admin,
            json!({"state": "closed"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{block}");
    assert_eq!(block["state_title"], "Закрыт");
    let (status, problem) = app
        .save(&school, &id, 1, "b", vec![set(1, "students", "40")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert_eq!(problem["code"], "collection_closed");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("Сбор данных закрыт")
    );
    let (status, problem) = app.submit(&school, &id, 1).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (_, block) = app.get(&format!("/api/collections/{id}"), &school).await;
    assert_eq!(block["progress"]["status_title"], "Не сдано");
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["version"], 1);
    assert_eq!(draft["data"]["specialties"][0]["students"], "34");

    // Reopened by the operator: saves work again.
    app.put(
        &format!("/api/collections/{id}/state"),
        &admin,
        json!({"state": "open"}),
    )
    .await;
    let (status, _) = app
        .save(&school, &id, 1, "b", vec![set(1, "students", "40")])
        .await;
    assert_eq!(status, StatusCode::OK);

    // A window that has passed is closed by the clock alone.
    let version = form(&app, &admin, json!(demo::college())).await;
    let past = collection(&app, &admin, &version["id"], "2021-09-07T15:00:00Z").await;
    assert_eq!(past["state"], "closed");
    let past_id = past["id"].as_str().unwrap();
    let (status, _) = app.save(&school, past_id, 0, "x", valid_row()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, draft) = app
        .get(&format!("/api/collections/{past_id}/draft"), &school)
        .await;
    assert_eq!(draft["progress"]["status_title"], "Не приступил");
}

/// The collection's template as `token`'s organisation downloads it.
async fn template_of(app: &TestApp, token: &str, id: &str) -> Vec<u8> {
    app.client
        .get(app.url(&format!("/api/collections/{id}/template")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
}

/// The collection's data export as CSV text, ordered and fetched as `token`.
async fn exported_csv(app: &TestApp, token: &str, id: &str) -> String {
    let (status, job) = app
        .post(
            &format!("/api/collections/{id}/exports"),
            token,
            json!({"kind": "results", "format": "csv"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let done = app.finished_job(token, &job).await;
    assert_eq!(done["status"], "ready", "{done}");
    let (status, bytes) = app.job_file(token, &done).await;
    assert_eq!(status, StatusCode::OK);
    String::from_utf8_lossy(&bytes).into_owned()
}

async fn upload(app: &TestApp, token: &str, id: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    app.post_file(token, &format!("/api/collections/{id}/upload"), bytes)
        .await
}

async fn templates_download_and_uploads_replace_the_draft_as_they_came(backend: Backend) {
    use calamine::{Data, Reader};
    use oko_domain::forms::{Change, FormData};

    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;
    app.save(&school, &id, 0, "a", valid_row()).await;

    let response = app
        .client
        .get(app.url(&format!("/api/collections/{id}/template")))
        .bearer_auth(&school)
        .send()
        .await
        .unwrap();
    let mut workbook = workbook_named(response, "sch240001.xlsx").await;
    assert_eq!(workbook.sheet_names(), ["СПЕЦИАЛЬНОСТИ"]);
    let range = workbook.worksheet_range("СПЕЦИАЛЬНОСТИ").unwrap();
    assert_eq!(
        range.get((0, 0)),
        Some(&Data::String(
            "1. Код и название профессии/специальности*".into()
        ))
    );
    assert_eq!(
        range.get((1, 4)),
        Some(&Data::Float(34.0)),
        "the draft's number, as a number"
    );

    // A file with an error: every error with its place, nothing changes.
    let form = demo::college();
    let mut data = FormData::blank(&form);
    let row = |row: u32, column: &str, value: &str| Change::Set {
        sheet: "specialties".into(),
        row,
        column: column.into(),
        value: value.into(),
    };
    let mut changes: Vec<Change> = valid_row()
        .iter()
        .map(|c| {
            row(
                1,
                c["column"].as_str().unwrap(),
                c["value"].as_str().unwrap(),
            )
        })
        .collect();
    changes.extend(valid_row().iter().map(|c| {
        row(
            2,
            c["column"].as_str().unwrap(),
            c["value"].as_str().unwrap(),
        )
    }));
    changes.push(row(2, "code", "38.02.02 Страховое дело"));
    changes.push(row(2, "course", "второй"));
    data.apply(&form, &changes).unwrap();
    // A word in a number cell: the file cannot be the draft; every error with its
    // place (the file's row), nothing changes.
    let bad = oko_io::form_template::template(&form, &data).unwrap();
    let (status, problem) = upload(&app, &school, &id, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["row"], 3);
    assert_eq!(
        problem["errors"][0]["message"],
        "Лист «СПЕЦИАЛЬНОСТИ», строка 3, столбец «3. Курс, на котором выполняется обучение»: Введите целое число, например 25 (в редакторе — строка 2)",
        "the file's row, and the editor's where they differ"
    );
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(draft["version"], 1, "nothing changed");
    the_refused_file_comes_back_marked(&app, &school, &id, &data).await;

    // A half-filled file (a course out of range, a required subject left empty)
    // replaces the draft as it is and lists its errors, as autosave would.
    data.apply(&form, &[row(2, "course", "9"), row(2, "subject_a", "")])
        .unwrap();
    let half = oko_io::form_template::template(&form, &data).unwrap();
    let (status, draft) = upload(&app, &school, &id, half).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["version"], 2);
    assert_eq!(draft["data"]["specialties"][1]["course"], "9");
    let mut codes: Vec<(u64, String, String)> = draft["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            (2, "course".into(), "out_of_range".into()),
            (2, "subject_a".into(), "required".into())
        ]
    );

    // The corrected file replaces the draft; it does not submit.
    data.apply(
        &form,
        &[row(2, "course", "2"), row(2, "subject_a", "Физика")],
    )
    .unwrap();
    let good = oko_io::form_template::template(&form, &data).unwrap();
    let (status, draft) = upload(&app, &school, &id, good).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(draft["version"], 3);
    assert_eq!(draft["errors"], json!([]));
    assert_eq!(draft["data"]["specialties"].as_array().unwrap().len(), 2);
    assert_eq!(draft["progress"]["status_title"], "В работе");

    // A CSV from Excel on a Russian Windows: Windows-1251, semicolons, quotes.
    let header: Vec<String> = form.sheets[0].columns.iter().map(|c| c.header()).collect();
    let csv = format!(
        "{}\r\n\"38.02.01 Экономика; бухучет\";Физика;—;1;20;10;10;0;;Нет\r\n",
        header.join(";")
    );
    let cp1251 = windows_1251(&csv);
    let (status, draft) = upload(&app, &school, &id, cp1251).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(
        draft["data"]["specialties"][0]["code"],
        "38.02.01 Экономика; бухучет"
    );
    assert_eq!(draft["data"]["specialties"][0]["subject_a"], "Физика");

    let (status, problem) = upload(&app, &school, &id, b"\xD0\xCF\x11\xE0 old xls".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "not_a_workbook");
    let coordinator = app.token("spo_coord_24").await;
    let (status, _) = upload(&app, &coordinator, &id, b"x".to_vec()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// `POST …/upload/marked` of `file`: the file with its errors marked.
async fn mark(app: &TestApp, token: &str, id: &str, file: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/collections/{id}/upload/marked")))
        .bearer_auth(token)
        .body(file)
        .send()
        .await
        .unwrap()
}

/// A workbook answered as a download whose name holds `name`.
async fn workbook_named(
    response: reqwest::Response,
    name: &str,
) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains(name), "{disposition}");
    let bytes = response.bytes().await.unwrap().to_vec();
    <calamine::Xlsx<_> as calamine::Reader<_>>::new(std::io::Cursor::new(bytes)).unwrap()
}

/// «Скачать файл с отметками ошибок» for the refused file of `data`: the file's
/// own values back, its wrong cell named on a last sheet «Ошибки» with its
/// message, nothing changed.
async fn the_refused_file_comes_back_marked(
    app: &TestApp,
    school: &str,
    id: &str,
    data: &oko_domain::forms::FormData,
) {
    use calamine::{Data, Reader};

    let form = demo::college();
    let bad = oko_io::form_template::template(&form, data).unwrap();
    let mut marked = workbook_named(mark(app, school, id, bad).await, ".xlsx").await;
    assert_eq!(marked.sheet_names(), ["СПЕЦИАЛЬНОСТИ", "Ошибки"]);
    let list = marked.worksheet_range("Ошибки").unwrap();
    assert_eq!(
        list.get((0, 0)),
        Some(&Data::String(
            "В файле 1 ошибка: ячейки с ошибками залиты красным, у каждой — примечание с объяснением".into()
        ))
    );
    assert_eq!(
        list.get((3, 0)),
        Some(&Data::String("СПЕЦИАЛЬНОСТИ!D3".into()))
    );
    let Some(Data::String(message)) = list.get((3, 1)) else {
        panic!("no message beside the cell: {list:?}");
    };
    assert!(message.contains("Введите целое число"), "{message}");
    let sheet = marked.worksheet_range("СПЕЦИАЛЬНОСТИ").unwrap();
    assert_eq!(
        sheet.get((2, 3)),
        Some(&Data::String("второй".into())),
        "the file's own value"
    );
    assert_eq!(
        sheet.get((1, 4)),
        Some(&Data::Float(34.0)),
        "numbers stay numbers"
    );
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), school)
        .await;
    assert_eq!(draft["version"], 1, "marking changes nothing");

    // Not a spreadsheet: nothing to mark, said as the upload says it.
    let response = mark(app, school, id, b"%PDF-1.7 a scan".to_vec()).await;
    let problem = crate::support::assert_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(problem["errors"][0]["code"], "not_a_workbook");
}

async fn a_sorted_fixed_sheet_keeps_each_value_under_its_preset(backend: Backend) {
    use oko_domain::forms::{FormData, Row};

    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let form = demo::schedule();
    let collection_id = open_collection_of(&app, &admin, json!(form)).await;
    let id = collection_id.as_str();
    let school = app.token("sch240001").await;

    // The school typed 10 participants for the digital work and sorted the
    // fixed sheet Z→A before uploading: the digital work now comes first.
    let row = |subject: &str, participants: &str| {
        Row::from([
            ("subject".to_owned(), subject.to_owned()),
            ("participants1".to_owned(), participants.to_owned()),
        ])
    };
    let mut data = FormData::blank(&form);
    data.sheets.insert(
        "meta".into(),
        vec![
            row("Цифровая грамотность", "10"),
            row("Читательская грамотность", ""),
        ],
    );
    let sorted = oko_io::form_template::template(&form, &data).unwrap();
    let (status, draft) = upload(&app, &school, id, sorted).await;
    assert_eq!(status, StatusCode::OK, "{draft}");
    assert_eq!(
        draft["data"]["meta"][0]["subject"],
        "Читательская грамотность"
    );
    assert_eq!(draft["data"]["meta"][0].get("participants1"), None);
    assert_eq!(draft["data"]["meta"][1]["subject"], "Цифровая грамотность");
    assert_eq!(draft["data"]["meta"][1]["participants1"], "10");

    // A preset edited in the file is refused, naming the sheet and the row.
    data.sheets.insert(
        "meta".into(),
        vec![
            row("Читательская грамотность", ""),
            row("Цифровая грамотность!", "10"),
        ],
    );
    let edited = oko_io::form_template::template(&form, &data).unwrap();
    let (status, problem) = upload(&app, &school, id, edited).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(
            "«МЕТАПРЕДМЕТ НА КОМПЬЮТЕРЕ», строка 3: в форме нет строки «Цифровая грамотность!»"
        ),
        "{message}"
    );
    assert_eq!(problem["errors"][0]["row"], 3);
}

/// Windows-1251 bytes of Russian text (the test avoids a dependency for it: the
/// Cyrillic block maps linearly).
fn windows_1251(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            'Ё' => 0xA8,
            'ё' => 0xB8,
            '—' => 0x97,
            c if c.is_ascii() => c as u8,
            other => panic!("not in the test's Windows-1251 table: {other}"),
        })
        .collect()
}

async fn forms_are_described_in_excel_and_back(backend: Backend) {
    use oko_io::form_description::describe;

    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let college = demo::college();
    let saved = form(&app, &admin, json!(college)).await;
    let form_id = saved["form_id"].as_str().unwrap();

    let response = app
        .client
        .get(app.url(&format!("/api/forms/{form_id}/description")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let description = response.bytes().await.unwrap().to_vec();

    let (status, imported) = app
        .post_file(&admin, "/api/forms/import", description.clone())
        .await;
    assert_eq!(status, StatusCode::CREATED, "{imported}");
    assert_eq!(imported["definition"], json!(college));
    assert_ne!(imported["form_id"], saved["form_id"]);
    let (status, next) = app
        .post_file(
            &admin,
            &format!("/api/forms/{form_id}/versions/import"),
            description.clone(),
        )
        .await;
    assert_eq!(
        (status, next["version"].as_i64()),
        (StatusCode::CREATED, Some(2))
    );

    let school = app.token("sch240001").await;
    let (status, _) = app
        .post_file(&school, "/api/forms/import", description)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Two columns with one key: placed at the second one's row (six parameter lines,
    // a blank row, the header on row 8, columns from row 9) in the column «Ключ».
    let mut repeated = college.clone();
    repeated.sheets[0].columns[1].key = "code".into();
    let (status, problem) = app
        .post_file(&admin, "/api/forms/import", describe(&repeated).unwrap())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem["errors"][0],
        json!({"sheet": "СПЕЦИАЛЬНОСТИ", "row": 10, "column": "Ключ", "code": "invalid_definition",
            "message": "Лист «СПЕЦИАЛЬНОСТИ», строка 10, столбец «Ключ»: Ключ столбца повторяется на листе"})
    );
    let (status, problem) = app
        .post_file(&admin, "/api/forms/import", b"title;key".to_vec())
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["code"], "not_a_workbook");
    let (_, forms) = app.get("/api/forms", &admin).await;
    assert_eq!(
        forms["items"].as_array().unwrap().len(),
        2,
        "nothing saved from the bad files"
    );
}

/// Saves the valid row as `token`'s organisation and submits it.
fn logins(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["login"].as_str().unwrap())
        .collect()
}

/// The logins of `status` among the participants `token` monitors.
async fn participants_in(app: &TestApp, token: &str, id: &str, status: &str) -> Vec<String> {
    let (status_code, page) = app
        .get(
            &format!("/api/collections/{id}/participants?status={status}&per_page=500"),
            token,
        )
        .await;
    assert_eq!(status_code, StatusCode::OK, "{page}");
    logins(&page).into_iter().map(str::to_owned).collect()
}

/// Whether `login`'s bell holds a reminder whose text contains `text`.
async fn reminded(app: &TestApp, login: &str, text: &str) -> bool {
    let token = app.token(login).await;
    let (status, bell) = app.get("/api/notifications", &token).await;
    assert_eq!(status, StatusCode::OK, "{bell}");
    bell["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["kind"] == "reminder" && n["body"].as_str().is_some_and(|b| b.contains(text)))
}

async fn remind(app: &TestApp, token: &str, id: &str, request: Value) -> (StatusCode, Value) {
    app.post(&format!("/api/collections/{id}/reminders"), token, request)
        .await
}

/// «Напомнить»: the organisations of the coordinator's municipality in the
/// chosen status read it in their bell, and keep reading it once they start;
/// those submitted, in other statuses or elsewhere do not; submitting ends it.
async fn reminders_reach_the_chosen_statuses_until_they_submit(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let municipal = app.token("mun24001").await;
    let region = app.token("spo_coord_24").await;
    let waiting = participants_in(&app, &municipal, &id, "not_started").await;
    assert!(waiting.len() >= 3, "{waiting:?}");
    let (submitted, working, late) = (&waiting[0], &waiting[1], &waiting[2]);
    app.fill_and_submit(&app.token(submitted).await, &id, valid_row())
        .await;
    app.save(
        &app.token(working).await,
        &id,
        0,
        "w",
        vec![set(1, "course", "2")],
    )
    .await;
    let elsewhere: Vec<String> = participants_in(&app, &region, &id, "not_started")
        .await
        .into_iter()
        .filter(|login| !waiting.contains(login))
        .collect();
    let outside = elsewhere.first().expect("a school of another municipality");

    // Whom and what are required; a school does not remind.
    let (status, problem) =
        remind(&app, &municipal, &id, json!({"statuses": [], "text": " "})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&Value> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["field"])
        .collect();
    assert_eq!(fields, [&json!("statuses"), &json!("text")]);
    let (status, _) = remind(
        &app,
        &app.token(late).await,
        &id,
        json!({"statuses": ["not_started"], "text": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let text = "Сдайте форму до пятницы";
    let (status, sent) = remind(
        &app,
        &municipal,
        &id,
        json!({"statuses": ["not_started"], "text": text}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{sent}");
    assert_eq!(
        sent["reminded"],
        json!(waiting.len() - 2),
        "every not-started school of the municipality"
    );
    assert!(
        reminded(&app, late, text).await,
        "a not-started school reads it"
    );
    assert!(
        !reminded(&app, working, text).await,
        "«В работе» was not chosen"
    );
    assert!(
        !reminded(&app, submitted, text).await,
        "a submitted school is not told"
    );
    assert!(
        !reminded(&app, outside, text).await,
        "another municipality is not told"
    );

    // Starting keeps it; submitting ends it.
    let late_token = app.token(late).await;
    app.save(&late_token, &id, 0, "l", vec![set(1, "course", "3")])
        .await;
    assert!(
        reminded(&app, late, text).await,
        "started since: still reminded"
    );
    app.fill_and_submit(&late_token, &id, valid_row()).await;
    assert!(
        !reminded(&app, late, text).await,
        "submitted: no longer reminded"
    );

    // A region coordinator narrows to one municipality of its own; a municipal
    // coordinator cannot name another.
    let outside_municipality = {
        let (_, page) = app
            .get(
                &format!("/api/collections/{id}/participants?search={outside}"),
                &region,
            )
            .await;
        page["items"][0]["municipality_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (status, sent) = remind(
        &app,
        &region,
        &id,
        json!({"statuses": ["not_started", "in_progress"], "municipality": outside_municipality, "text": "Срок — завтра"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{sent}");
    assert!(reminded(&app, outside, "Срок — завтра").await);
    assert!(
        !reminded(&app, working, "Срок — завтра").await,
        "only that municipality"
    );
    let (status, problem) = remind(
        &app,
        &municipal,
        &id,
        json!({"statuses": ["not_started"], "municipality": outside_municipality, "text": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["code"], "out_of_scope");

    // The audit says who reminded whom.
    let (_, log) = app.get("/api/audit?action=reminded", &admin).await;
    let entries = log["items"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{log}");
    let first = entries
        .iter()
        .find(|e| e["actor"] == "mun24001")
        .expect("the municipal one");
    let detail = first["detail"].as_str().unwrap();
    assert!(
        detail.contains("Не приступило")
            && detail.contains(&format!("организаций: {}", waiting.len() - 2)),
        "{detail}"
    );

    // Closed: too late to remind.
    app.put(
        &format!("/api/collections/{id}/state"),
        &admin,
        json!({"state": "closed"}),
    )
    .await;
    let (status, problem) = remind(
        &app,
        &region,
        &id,
        json!({"statuses": ["not_started"], "text": "x"}),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
}

/// «Ход сбора и прогноз»: the curve ends at what is submitted now; the
/// municipality that submits lately is forecast to finish, the others first.
async fn the_forecast_puts_the_laggard_municipalities_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    app.fill_and_submit(&app.token("sch240001").await, &id, valid_row())
        .await;
    let region = app.token("spo_coord_24").await;
    let (status, forecast) = app
        .get(&format!("/api/collections/{id}/forecast"), &region)
        .await;
    assert_eq!(status, StatusCode::OK, "{forecast}");
    let (_, statistics) = app
        .get(&format!("/api/collections/{id}/statistics"), &region)
        .await;
    assert_eq!(forecast["total"], statistics["total"]);
    assert_eq!(forecast["submitted"], 1);
    assert_eq!(
        forecast["curve"].as_array().unwrap().last().unwrap()["submitted"],
        1
    );
    let places = forecast["municipalities"].as_array().unwrap();
    assert!(places.len() > 1, "{forecast}");
    let percents: Vec<f64> = places
        .iter()
        .map(|m| m["forecast_percent"].as_f64().unwrap())
        .collect();
    assert!(
        percents.windows(2).all(|w| w[0] <= w[1]),
        "laggards first: {percents:?}"
    );
    let (_, page) = app
        .get(
            &format!("/api/collections/{id}/participants?search=sch240001"),
            &region,
        )
        .await;
    let last = places.last().unwrap();
    assert_eq!(
        last["id"], page["items"][0]["municipality_id"],
        "the one that submits"
    );
    assert_eq!(
        last["forecast_percent"], 100.0,
        "a day's rate finishes by 2099"
    );
    assert_eq!(places[0]["forecast_percent"], 0.0);
    let (status, _) = app
        .get(
            &format!("/api/collections/{id}/forecast"),
            &app.token("sch240002").await,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Submits what `token`'s organisation has as its draft, filled valid first.
async fn monitoring_counts_and_lists_the_callers_scope(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let first = app.token("sch240001").await;
    app.fill_and_submit(&first, &id, valid_row()).await;
    let second = app.token("sch240002").await;
    app.save(&second, &id, 0, "x", vec![set(1, "course", "2")])
        .await;

    let region = app.token("spo_coord_24").await;
    let (status, stats) = app
        .get(&format!("/api/collections/{id}/statistics"), &region)
        .await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    let total = stats["total"].as_u64().unwrap();
    assert!(total > 2, "{stats}");
    assert_eq!(
        (
            &stats["submitted"],
            &stats["in_progress"],
            &stats["not_started"]
        ),
        (&json!(1), &json!(1), &json!(total - 2))
    );
    assert_eq!(stats["lines"][0], json!(["Всего", total]));
    assert_eq!(stats["lines"][1], json!(["Не приступило", total - 2]));
    // The audience is region 24: the operator counts the same organisations.
    let (_, everything) = app
        .get(&format!("/api/collections/{id}/statistics"), &admin)
        .await;
    assert_eq!(everything["total"], total);

    // Those who started first, then those who did not, by login.
    let (_, page) = app
        .get(
            &format!("/api/collections/{id}/participants?per_page=3"),
            &region,
        )
        .await;
    assert_eq!(logins(&page)[..2], ["sch240001", "sch240002"]);
    assert_eq!(page["items"][0]["status_title"], "Сдано");
    assert!(page["items"][0]["submitted_at"].is_string());
    assert_eq!(page["items"][2]["status"], "not_started");
    assert_eq!(
        (&page["total"], &page["per_page"]),
        (&json!(total), &json!(3))
    );
    let (_, waiting) = app
        .get(
            &format!("/api/collections/{id}/participants?status=not_started&sort=login&desc=true&per_page=500"),
            &region,
        )
        .await;
    assert_eq!(waiting["total"], total - 2);
    let found = logins(&waiting);
    assert!(
        found.windows(2).all(|w| w[0] > w[1]),
        "descending: {found:?}"
    );
    let (_, searched) = app
        .get(
            &format!("/api/collections/{id}/participants?search=SCH240002"),
            &region,
        )
        .await;
    assert_eq!(logins(&searched), ["sch240002"]);

    // A municipal coordinator counts their municipality only.
    let municipal = app.token("mun24001").await;
    let (_, local) = app
        .get(
            &format!("/api/collections/{id}/participants?per_page=500"),
            &municipal,
        )
        .await;
    let local_total = local["total"].as_u64().unwrap();
    assert!(
        local_total > 0 && local_total < total,
        "{local_total} of {total}"
    );
    let municipality = &local["items"][0]["municipality_id"];
    assert!(
        local["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| &p["municipality_id"] == municipality)
    );
    let (_, same) = app
        .get(
            &format!(
                "/api/collections/{id}/participants?municipality={}",
                municipality.as_str().unwrap()
            ),
            &region,
        )
        .await;
    assert_eq!(same["total"], local_total);

    // Organisations do not monitor; other regions do not see the collection.
    let (status, problem) = app
        .get(&format!("/api/collections/{id}/statistics"), &first)
        .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let elsewhere = app.token("spo_coord_50").await;
    let (status, _) = app
        .get(&format!("/api/collections/{id}/participants"), &elsewhere)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_returned_submission_is_returned_until_submitted_again(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let school = app.token("sch240001").await;
    app.fill_and_submit(&school, &id, valid_row()).await;
    let municipal = app.token("mun24001").await;
    let give_back = |login: &'static str, comment: &'static str| {
        let (app, municipal, id) = (&app, &municipal, &id);
        async move {
            app.post(
                &format!("/api/collections/{id}/returns"),
                municipal,
                json!({"organisation": login, "comment": comment}),
            )
            .await
        }
    };
    let (status, problem) = give_back("sch240001", "  ").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "comment");
    let (status, problem) = give_back("sch240002", "Проверьте").await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing submitted: {problem}");

    let (status, note) = give_back("sch240001", "Проверьте количество обучающихся").await;
    assert_eq!(status, StatusCode::CREATED, "{note}");
    assert_eq!(note["returned_by"], "mun24001");
    assert!(
        note["message"]
            .as_str()
            .unwrap()
            .starts_with("Возвращено на доработку ")
    );
    let (status, again) = give_back("sch240001", "Еще раз").await;
    assert_eq!(status, StatusCode::CONFLICT, "already returned: {again}");

    // The school sees it: «Возвращено» with the comment; the counts agree.
    let (_, block) = app.get(&format!("/api/collections/{id}"), &school).await;
    assert_eq!(block["progress"]["status_title"], "Возвращено");
    assert_eq!(
        block["progress"]["returned"]["comment"],
        "Проверьте количество обучающихся"
    );
    let (_, stats) = app
        .get(&format!("/api/collections/{id}/statistics"), &municipal)
        .await;
    assert_eq!(
        (
            &stats["submitted"],
            &stats["in_progress"],
            &stats["returned"]
        ),
        (&json!(0), &json!(0), &json!(1))
    );
    let (_, page) = app
        .get(
            &format!("/api/collections/{id}/participants?search=sch240001"),
            &municipal,
        )
        .await;
    assert_eq!(page["items"][0]["returned"], true);
    assert_eq!(page["items"][0]["status_title"], "Возвращено");

    // Submitting again ends the return; the history keeps both.
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    let (status, _) = app.submit(&school, &id, &draft["version"]).await;
    assert_eq!(status, StatusCode::OK);
    let (_, block) = app.get(&format!("/api/collections/{id}"), &school).await;
    assert_eq!(block["progress"]["status_title"], "Сдано");
    assert!(block["progress"].get("returned").is_none());
    let (_, history) = app
        .get(&format!("/api/collections/{id}/submissions"), &school)
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        history["returns"][0]["comment"],
        "Проверьте количество обучающихся"
    );
}

async fn counts_stay_whole_while_a_surge_saves_and_submits(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = open_college_collection(&app, &admin).await;
    let region = app.token("spo_coord_24").await;
    let (_, page) = app
        .get(
            &format!("/api/collections/{id}/participants?per_page=12"),
            &region,
        )
        .await;
    let schools: Vec<String> = logins(&page).into_iter().map(str::to_owned).collect();
    let mut tokens = Vec::new();
    for login in &schools {
        tokens.push(app.token(login).await);
    }
    let surge = async {
        let fills = tokens
            .iter()
            .map(|token| app.fill_and_submit(token, &id, valid_row()));
        futures_util::future::join_all(fills).await;
    };
    let watch = async {
        let mut seen = Vec::new();
        for _ in 0..40 {
            let (_, stats) = app
                .get(&format!("/api/collections/{id}/statistics"), &region)
                .await;
            let parts: u64 = ["not_started", "in_progress", "submitted", "not_submitted"]
                .iter()
                .map(|k| stats[k].as_u64().unwrap())
                .sum();
            assert_eq!(stats["total"].as_u64().unwrap(), parts, "{stats}");
            seen.push(stats["submitted"].as_u64().unwrap());
        }
        seen
    };
    let ((), seen) = futures_util::join!(surge, watch);
    assert!(
        seen.windows(2).all(|w| w[0] <= w[1]),
        "submissions never go back: {seen:?}"
    );
    let (_, stats) = app
        .get(&format!("/api/collections/{id}/statistics"), &region)
        .await;
    assert_eq!(stats["submitted"], schools.len());
    assert_eq!(stats["in_progress"], 0);
}

/// What a school types into the schedule's template: a day of one exam and the
/// fixed sheet's two works (numbers, a list value, date cells).
fn typed_schedule() -> Vec<crate::programs::Typed> {
    use crate::programs::{Kind::*, Typed};
    let paper = "РАБОТЫ НА БЛАНКЕ";
    let meta = "МЕТАПРЕДМЕТ НА КОМПЬЮТЕРЕ";
    let cell = |sheet, cell, value| Typed { sheet, cell, value };
    vec![
        cell(paper, "A2", Text("Математика")),
        cell(paper, "B2", Date("2021-09-15")),
        cell(paper, "C2", Number(3.0)),
        cell(paper, "D2", Number(40.0)),
        cell(paper, "G2", Number(0.0)),
        cell(meta, "D2", Number(10.0)),
        cell(meta, "G2", Number(0.0)),
        cell(meta, "B3", Date("2021-09-20")),
        cell(meta, "C3", Number(2.0)),
        cell(meta, "D3", Number(12.0)),
        cell(meta, "G3", Number(0.0)),
    ]
}

/// A template filled by openpyxl, LibreOffice and Gnumeric uploads as exactly what
/// was typed; a results export opens in each with its dates as dates and its
/// numbers as numbers; the error-marked file shows its marks in openpyxl.
async fn templates_and_exports_survive_the_programs_people_use(backend: Backend) {
    use crate::programs::{Program, Programs};

    let app = spawn_app(backend).await;
    let office = Programs::from_env(app.data_dir());
    let admin = app.token("admin").await;
    let version = self::form(&app, &admin, json!(demo::schedule())).await;
    let block = collection(&app, &admin, &version["id"], OPEN_UNTIL).await;
    let id = block["id"].as_str().unwrap();
    let school = app.token("sch240001").await;
    let template = template_of(&app, &school, id).await;
    let expected = json!({
        "paper": [{"subject": "Математика", "date1": "2021-09-15", "rooms1": "3",
            "participants1": "40", "participants2": "0"}],
        "meta": [
            {"subject": "Читательская грамотность", "participants1": "10", "participants2": "0"},
            {"subject": "Цифровая грамотность", "date1": "2021-09-20", "rooms1": "2",
                "participants1": "12", "participants2": "0"},
        ],
        "computer": [],
    });
    let mut draft = Value::Null;
    for program in Program::ALL {
        let filled = office.fill(program, &template, &typed_schedule());
        let (status, uploaded) = upload(&app, &school, id, filled).await;
        assert_eq!(status, StatusCode::OK, "{program:?}: {uploaded}");
        assert_eq!(uploaded["data"], expected, "{program:?}");
        assert_eq!(uploaded["errors"], json!([]), "{program:?}");
        draft = uploaded;
    }

    // The template saved as OpenDocument is told what it is and what to send.
    let (status, problem) = upload(&app, &school, id, office.as_ods(&template)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("OpenDocument (.ods)") && message.contains(".xlsx"),
        "{message}"
    );

    // A refused file's marks, as a third-party reader sees them.
    let mut wrong = typed_schedule();
    wrong[3].value = crate::programs::Kind::Text("сорок");
    let refused = office.fill(Program::Openpyxl, &template, &wrong);
    let marked = mark(&app, &school, id, refused)
        .await
        .bytes()
        .await
        .unwrap();
    // Both programs open the changed package and see the same mark.
    for program in [Program::Openpyxl, Program::LibreOffice] {
        let marks = office.marks(program, &marked);
        assert_eq!(marks.as_array().unwrap().len(), 1, "{program:?}: {marks}");
        assert_eq!(marks[0]["sheet"], "РАБОТЫ НА БЛАНКЕ", "{program:?}");
        assert_eq!(marks[0]["cell"], "D2", "{program:?}");
        assert!(
            marks[0]["note"]
                .as_str()
                .unwrap()
                .contains("Введите целое число"),
            "{program:?}: {marks}"
        );
    }
    // The user's file is still theirs: LibreOffice reads every typed value back.
    let sheet = office.cells(Program::LibreOffice, "РАБОТЫ НА БЛАНКЕ", &marked);
    assert_eq!(sheet[1][3], json!(["text", "сорок"]), "{sheet:?}");

    let (status, receipt) = app.submit(&school, id, &draft["version"]).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let (status, job) = app
        .post(
            &format!("/api/collections/{id}/exports"),
            &admin,
            json!({"kind": "results", "format": "xlsx"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let job = app.finished_job(&admin, &job).await;
    let (_, export) = app.job_file(&admin, &job).await;
    for program in Program::ALL {
        let rows = office.cells(program, "РАБОТЫ НА БЛАНКЕ", &export);
        let header: Vec<&str> = rows[0]
            .iter()
            .map(|cell| cell[1].as_str().unwrap_or(""))
            .collect();
        let at = |title: &str| {
            header
                .iter()
                .position(|h| h.starts_with(title))
                .unwrap_or_else(|| panic!("{program:?}: no «{title}» in {header:?}"))
        };
        let row = rows
            .iter()
            .find(|row| row.get(at("Логин")).is_some_and(|c| c[1] == "sch240001"))
            .unwrap_or_else(|| panic!("{program:?}: no row of sch240001 in {rows:?}"));
        let kind = |title: &str| row[at(title)][0].as_str().unwrap_or("empty").to_owned();
        let number = |title: &str| row[at(title)][1].as_str().unwrap().parse::<f64>().unwrap();
        assert_eq!(kind("Дата 1й курс"), "date", "{program:?}: {row:?}");
        assert_eq!(kind("Дата подачи"), "date", "{program:?}: {row:?}");
        assert_eq!(
            kind("Количество участников 1й курс"),
            "number",
            "{program:?}"
        );
        assert_eq!(number("Количество участников 1й курс"), 40.0, "{program:?}");
        assert_eq!(kind("Предмет"), "text", "{program:?}");
        assert_eq!(
            row[at("Предмет")][1],
            "Математика",
            "{program:?}: no apostrophe"
        );
    }
}
