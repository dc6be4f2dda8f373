//! Acceptance (issue #25): «Сдано» → «Принято МОУО» → «Принято регионом», the
//! lock it puts on the organisation's form, who may return what, and a
//! municipality's submissions accepted at once.

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use super::{participants_in, set, valid_row};
use crate::support::{
    Backend, TestApp,
    arrange::{OPEN_UNTIL, collection, form},
    spawn_app,
};
use oko_domain::forms::demo;

/// The college form in an open collection of region 24 whose submissions
/// `levels` accept; its id.
async fn accepting_collection(app: &TestApp, admin: &str, levels: &str) -> String {
    let version = form(app, admin, json!(demo::college())).await;
    let block = collection(app, admin, &version["id"], OPEN_UNTIL).await;
    let (status, block) = app
        .put(
            &format!(
                "/api/publications/{}/collection",
                block["publication_id"].as_str().unwrap()
            ),
            admin,
            json!({"form_version_id": version["id"], "opens_at": block["opens_at"],
                "closes_at": block["closes_at"], "acceptance_levels": levels}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{block}");
    assert_eq!(block["acceptance_levels"], levels);
    block["id"].as_str().unwrap().to_owned()
}

async fn decide(
    app: &TestApp,
    token: &str,
    id: &str,
    organisation: &str,
    decision: &str,
    comment: Option<&str>,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/collections/{id}/acceptances"),
        token,
        json!({"organisation": organisation, "decision": decision, "comment": comment}),
    )
    .await
}

/// The organisation's status as its own cabinet shows it.
async fn own_status(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, block) = app.get(&format!("/api/collections/{id}"), token).await;
    assert_eq!(status, StatusCode::OK, "{block}");
    block["progress"].clone()
}

/// With both levels: the municipality accepts first, then the region; the
/// accepted form is locked for the school (saves, uploads, submissions 403
/// `form_accepted`); the municipality cannot return what the region accepted,
/// the region can, and the school works on it again.
pub async fn acceptance_climbs_the_levels_and_locks_the_form(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = accepting_collection(&app, &admin, "both").await;
    let school = app.token("sch240001").await;
    let municipal = app.token("mun24001").await;
    let region = app.token("spo_coord_24").await;

    let (status, problem) = decide(&app, &municipal, &id, "sch240001", "accept", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing submitted: {problem}");
    app.fill_and_submit(&school, &id, valid_row()).await;
    let (status, problem) = decide(&app, &region, &id, "sch240001", "accept", None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the municipality first: {problem}"
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("МОУО"),
        "{problem}"
    );
    let (status, problem) = decide(&app, &school, &id, "sch240001", "accept", None).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a school does not accept: {problem}"
    );

    let (status, accepted) = decide(
        &app,
        &municipal,
        &id,
        "sch240001",
        "accept",
        Some("Все верно"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(
        (&accepted["status"], &accepted["status_title"]),
        (&json!("accepted_municipality"), &json!("Принято МОУО"))
    );
    let progress = own_status(&app, &school, &id).await;
    assert_eq!(progress["status_title"], "Принято МОУО");
    assert_eq!(progress["accepted"]["accepted_by"], "mun24001");
    assert_eq!(progress["accepted"]["comment"], "Все верно");

    // Locked: a save, a submission and an upload are refused, nothing changes.
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    let version = draft["version"].as_i64().unwrap();
    let (status, problem) = app
        .save(&school, &id, version, "late", vec![set(1, "course", "3")])
        .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::FORBIDDEN, &json!("form_accepted")),
        "{problem}"
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("вернуть"),
        "{problem}"
    );
    let (status, problem) = app.submit(&school, &id, &version).await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::FORBIDDEN, &json!("form_accepted"))
    );
    let template = super::template_of(&app, &school, &id).await;
    let (status, problem) = super::upload(&app, &school, &id, template).await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::FORBIDDEN, &json!("form_accepted"))
    );
    let (_, unchanged) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    assert_eq!(unchanged["version"], version);

    // Counts, the list and its filter show it.
    let (_, stats) = app
        .get(&format!("/api/collections/{id}/statistics"), &municipal)
        .await;
    assert_eq!(
        (&stats["submitted"], &stats["accepted_municipality"]),
        (&json!(0), &json!(1))
    );
    assert!(
        stats["lines"]
            .as_array()
            .unwrap()
            .contains(&json!(["Принято МОУО", 1])),
        "{stats}"
    );
    assert_eq!(
        participants_in(&app, &region, &id, "accepted_municipality").await,
        ["sch240001"]
    );

    // The municipality has given its level; the region's comes next.
    let (status, problem) = decide(&app, &municipal, &id, "sch240001", "accept", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, accepted) = decide(&app, &region, &id, "sch240001", "accept", None).await;
    assert_eq!(status, StatusCode::CREATED, "{accepted}");
    assert_eq!(accepted["status_title"], "Принято регионом");
    let (status, problem) = decide(&app, &region, &id, "sch240001", "accept", None).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "already at the top: {problem}"
    );

    // Returning needs the level that accepted or above, and a comment.
    let (status, problem) = decide(
        &app,
        &municipal,
        &id,
        "sch240001",
        "return",
        Some("Исправьте"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("региональный координатор")
    );
    let (status, problem) = app
        .post(
            &format!("/api/collections/{id}/returns"),
            &municipal,
            json!({"organisation": "sch240001", "comment": "Исправьте"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the old endpoint keeps the rule: {problem}"
    );
    let (status, problem) = decide(&app, &region, &id, "sch240001", "return", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, returned) = decide(
        &app,
        &region,
        &id,
        "sch240001",
        "return",
        Some("Проверьте курс"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{returned}");
    assert_eq!(returned["status_title"], "Возвращено");
    let progress = own_status(&app, &school, &id).await;
    assert_eq!(progress["status_title"], "Возвращено");
    assert!(progress.get("accepted").is_none(), "{progress}");

    // Unlocked again: the school fixes and submits; it awaits the municipality.
    app.fill_and_submit(&school, &id, valid_row()).await;
    assert_eq!(
        own_status(&app, &school, &id).await["status_title"],
        "Сдано"
    );
    let (status, _) = decide(&app, &municipal, &id, "sch240001", "accept", None).await;
    assert_eq!(status, StatusCode::CREATED);

    // A collection without acceptance accepts nothing.
    let plain = accepting_collection(&app, &admin, "none").await;
    app.fill_and_submit(&school, &plain, valid_row()).await;
    let (status, problem) = decide(&app, &admin, &plain, "sch240001", "accept", None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
}

/// «Принять все»: the municipality's submissions awaiting the caller's level
/// are accepted at once; one whose stored data has errors stays «Сдано» and
/// is named; other municipalities and statuses are left alone.
pub async fn a_municipality_is_accepted_at_once_without_the_erroneous(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = accepting_collection(&app, &admin, "municipality").await;
    let municipal = app.token("mun24001").await;
    let region = app.token("spo_coord_24").await;
    let local = participants_in(&app, &municipal, &id, "not_started").await;
    assert!(local.len() >= 4, "{local:?}");
    for login in &local[..3] {
        app.fill_and_submit(&app.token(login).await, &id, valid_row())
            .await;
    }
    app.save(
        &app.token(&local[3]).await,
        &id,
        0,
        "w",
        vec![set(1, "course", "2")],
    )
    .await;
    let elsewhere = participants_in(&app, &region, &id, "not_started")
        .await
        .into_iter()
        .find(|login| !local.contains(login))
        .expect("a school of another municipality");
    app.fill_and_submit(&app.token(&elsewhere).await, &id, valid_row())
        .await;
    // A submission stored before a rule it breaks (as an old form's data).
    app.db
        .execute_unprepared(&format!(
            "UPDATE submissions SET data = '{{\"specialties\":[{{\"course\":\"семь\"}}]}}' \
             WHERE organisation_id = (SELECT id FROM organisations WHERE login = '{}')",
            local[2]
        ))
        .await
        .expect("spoil a submission");

    let (_, page) = app
        .get(
            &format!("/api/collections/{id}/participants?per_page=1"),
            &municipal,
        )
        .await;
    let municipality = page["municipalities"][0]["id"].clone();
    let bulk = |token: &str, municipality: &Value| {
        let (app, id, token, body) = (
            &app,
            &id,
            token.to_owned(),
            json!({"municipality": municipality}),
        );
        async move {
            app.post(
                &format!("/api/collections/{id}/acceptances/bulk"),
                &token,
                body,
            )
            .await
        }
    };
    let (status, outcome) = bulk(&municipal, &municipality).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["accepted"], 2, "{outcome}");
    assert_eq!(outcome["with_errors"], json!([local[2]]));
    assert!(
        outcome["message"]
            .as_str()
            .unwrap()
            .starts_with("Принято 2 формы")
    );
    let mut accepted = participants_in(&app, &municipal, &id, "accepted_municipality").await;
    accepted.sort();
    assert_eq!(accepted, local[..2]);
    assert_eq!(
        participants_in(&app, &municipal, &id, "submitted").await,
        [local[2].clone()]
    );
    assert_eq!(
        participants_in(&app, &region, &id, "submitted").await.len(),
        2,
        "the other municipality waits"
    );

    // Again: nothing left to accept; the region does not accept at this level;
    // another municipality is outside a municipal coordinator's scope.
    let (_, again) = bulk(&municipal, &municipality).await;
    assert_eq!(again["accepted"], 0, "{again}");
    let (_, by_region) = bulk(&region, &municipality).await;
    assert_eq!(by_region["accepted"], 0, "{by_region}");
    let (_, all) = app
        .get(
            &format!("/api/collections/{id}/participants?per_page=500"),
            &region,
        )
        .await;
    let other = all["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] != municipality)
        .expect("another municipality")["id"]
        .clone();
    let (status, problem) = bulk(&municipal, &other).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "municipality");

    // The operator, standing in, takes the whole territory: what is left.
    let (status, everything) = app
        .post(
            &format!("/api/collections/{id}/acceptances/bulk"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{everything}");
    assert_eq!(
        (&everything["accepted"], &everything["with_errors"]),
        (&json!(1), &json!([local[2]]))
    );
    assert_eq!(
        participants_in(&app, &region, &id, "submitted").await,
        [local[2].clone()]
    );

    // The audit names who accepted where.
    let (_, log) = app.get("/api/audit?action=accepted", &admin).await;
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == "mun24001"
                && e["detail"].as_str().unwrap().starts_with("Принято 2 формы")),
        "{log}"
    );
}

/// A return points at a cell: the school reads the comment and answers it; on
/// resubmission the coordinator sees the cell that changed, with its old
/// value, and how long the fix took; the acceptance closes the comment.
pub async fn comments_on_cells_are_answered_and_closed_by_acceptance(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.token("admin").await;
    let id = accepting_collection(&app, &admin, "municipality").await;
    let school = app.token("sch240001").await;
    let municipal = app.token("mun24001").await;
    app.fill_and_submit(&school, &id, valid_row()).await;
    let (_, first) = app
        .get(
            &format!("/api/collections/{id}/changes?organisation=sch240001"),
            &municipal,
        )
        .await;
    assert_eq!(
        first["summary"], "Форма сдана впервые: сравнивать не с чем",
        "{first}"
    );

    let return_with = |cells: Value| {
        let (app, municipal, id) = (&app, &municipal, &id);
        async move {
            app.post(
                &format!("/api/collections/{id}/acceptances"),
                municipal,
                json!({"organisation": "sch240001", "decision": "return",
                    "comment": "Проверьте численность", "cells": cells}),
            )
            .await
        }
    };
    let (status, problem) = return_with(json!([
        {"sheet": "specialties", "row": 1, "column": "nope", "comment": "?"}
    ]))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "cells[0]");
    assert_eq!(
        own_status(&app, &school, &id).await["status_title"],
        "Сдано",
        "nothing returned"
    );
    let (status, returned) = return_with(json!([
        {"sheet": "specialties", "row": 1, "column": "students", "comment": "Численность не совпадает с прошлым годом"}
    ]))
    .await;
    assert_eq!(status, StatusCode::CREATED, "{returned}");

    // The school reads it with its place, and answers.
    let (status, list) = app
        .get(&format!("/api/collections/{id}/comments"), &school)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let comment = &list["items"][0];
    assert_eq!(
        (
            &comment["row"],
            &comment["column"],
            &comment["open"],
            &comment["author"]
        ),
        (
            &json!(1),
            &json!("students"),
            &json!(true),
            &json!("mun24001")
        )
    );
    assert!(
        comment["place"].as_str().unwrap().starts_with("Лист «"),
        "{comment}"
    );
    let answer_path = format!(
        "/api/collections/{id}/comments/{}/answer",
        comment["id"].as_str().unwrap()
    );
    let (status, _) = app
        .post(
            &answer_path,
            &app.token("sch240002").await,
            json!({"answer": "Не наше"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another school's comment");
    let (status, problem) = app
        .post(&answer_path, &municipal, json!({"answer": "x"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{problem}");
    let (status, answered) = app
        .post(
            &answer_path,
            &school,
            json!({"answer": "Исправили: 35, двое восстановлены"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let (_, seen) = app
        .get(
            &format!("/api/collections/{id}/comments?organisation=sch240001"),
            &municipal,
        )
        .await;
    assert_eq!(
        seen["items"][0]["answer"],
        "Исправили: 35, двое восстановлены"
    );

    // The fix and the resubmission: the coordinator sees what changed.
    let (_, draft) = app
        .get(&format!("/api/collections/{id}/draft"), &school)
        .await;
    let version = draft["version"].as_i64().unwrap();
    let (status, saved) = app
        .save(&school, &id, version, "fix", vec![set(1, "students", "35")])
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    let (status, _) = app.submit(&school, &id, &saved["version"]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, changes) = app
        .get(
            &format!("/api/collections/{id}/changes?organisation=sch240001"),
            &municipal,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changes}");
    assert_eq!(
        changes["cells"],
        json!([{"sheet": "specialties", "row": 1, "column": "students", "before": "34", "after": "35"}])
    );
    assert!(
        changes["returned_at"].is_string() && changes["fix_minutes"].is_i64(),
        "{changes}"
    );
    assert!(
        changes["summary"]
            .as_str()
            .unwrap()
            .starts_with("Изменено 1 ячейка; исправлено за 0 ч"),
        "{changes}"
    );

    // Accepted: the comment is closed and takes no more answers.
    let (status, _) = decide(&app, &municipal, &id, "sch240001", "accept", None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, closed) = app
        .get(&format!("/api/collections/{id}/comments"), &school)
        .await;
    assert_eq!(closed["items"][0]["open"], false);
    let (status, problem) = app
        .post(&answer_path, &school, json!({"answer": "Еще"}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    // Comments on cells go with a return only.
    let (status, problem) = app
        .post(&format!("/api/collections/{id}/acceptances"), &municipal, json!({"organisation": "sch240001", "decision": "accept",
                "cells": [{"sheet": "specialties", "row": 1, "column": "students", "comment": "x"}]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
}
