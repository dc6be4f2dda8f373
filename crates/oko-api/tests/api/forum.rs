//! «Техническая поддержка»: coordinators ask, the operator answers (and the asker
//! hears of it), marks frequently asked questions and merges duplicates; search
//! finds questions and answers by Russian word forms on both databases.

use crate::support::{Backend, TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(coordinators_ask_the_operator_answers_and_search_finds_word_forms);

async fn ask(app: &TestApp, token: &str, title: &str, body: &str) -> String {
    let (status, question) = app
        .post(
            "/api/forums/vpr-spo/questions",
            token,
            json!({"title": title, "body": body}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{question}");
    question["summary"]["id"].as_str().unwrap().to_owned()
}

async fn search(app: &TestApp, token: &str, words: &str) -> Vec<String> {
    let (status, list) = app
        .get(
            &format!("/api/forums/vpr-spo/questions?search={}", urlencode(words)),
            token,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    titles(&list)
}

fn titles(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["title"].as_str().unwrap().to_owned())
        .collect()
}

fn urlencode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

async fn coordinators_ask_the_operator_answers_and_search_finds_word_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    let region = app.token("spo_coord_24").await;
    let other = app.token("spo_coord_50").await;
    let admin = app.token("admin").await;
    let upload = ask(
        &app,
        &region,
        "Не загружается файл с расписанием",
        "При загрузке шаблона появляется ошибка.",
    )
    .await;
    let password = ask(
        &app,
        &other,
        "Как восстановить пароль школы?",
        "Школа утратила пароль от личного кабинета.",
    )
    .await;

    let (status, _) = app.get("/api/forums", &app.token("sch240001").await).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the forum is the coordinators'"
    );
    let (status, problem) = app
        .post(
            "/api/forums/vpr-spo/questions",
            &region,
            json!({"title": " ", "body": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "title");

    // Word forms: «загрузить» finds «загрузке», «пароля» finds «пароль».
    assert_eq!(
        search(&app, &other, "загрузить").await,
        ["Не загружается файл с расписанием"]
    );
    assert_eq!(
        search(&app, &region, "пароля").await,
        ["Как восстановить пароль школы?"]
    );
    assert!(
        search(&app, &region, "загрузить пароль").await.is_empty(),
        "every word must occur"
    );

    // The operator answers: the answer is searchable and the asker is told.
    let (status, answered) = app
        .post(
            &format!("/api/forum/questions/{upload}/answers"),
            &admin,
            json!({"body": "Сохраните книгу в формате xlsx и загрузите еще раз."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{answered}");
    assert_eq!(answered["summary"]["answers"], 1);
    let (status, _) = app
        .post(
            &format!("/api/forum/questions/{upload}/answers"),
            &region,
            json!({"body": "+1"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the operator answers");
    assert_eq!(
        search(&app, &other, "форматы").await,
        ["Не загружается файл с расписанием"]
    );
    let (_, bell) = app.get("/api/notifications", &region).await;
    assert_eq!(bell["items"][0]["kind"], "forum_answer", "{bell}");
    assert_eq!(
        bell["items"][0]["link"],
        format!("/support/questions/{upload}")
    );

    // «Часто задаваемые вопросы» come first; a merged duplicate leaves the list.
    let duplicate = ask(
        &app,
        &app.token("mun24001").await,
        "Ошибка при загрузке шаблона",
        "Тоже не загружается.",
    )
    .await;
    let (status, _) = app
        .put(
            &format!("/api/forum/questions/{password}/moderation"),
            &admin,
            json!({"faq": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, merged) = app
        .put(
            &format!("/api/forum/questions/{duplicate}/moderation"),
            &admin,
            json!({"merged_into": upload}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["merged_into"], upload.as_str());
    let (_, list) = app.get("/api/forums/vpr-spo/questions", &region).await;
    assert_eq!(
        titles(&list),
        [
            "Как восстановить пароль школы?",
            "Не загружается файл с расписанием"
        ]
    );
    assert_eq!(list["items"][0]["faq"], true);
    let (status, _) = app
        .post(
            &format!("/api/forum/questions/{duplicate}/answers"),
            &admin,
            json!({"body": "см. выше"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "a merged question is closed");
    let (_, forums) = app.get("/api/forums", &region).await;
    let spo = forums["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["slug"] == "vpr-spo")
        .unwrap();
    assert_eq!(spo["questions"], 2);

    // Screenshots: pictures only, by the asker.
    let png = b"\x89PNG\r\n\x1a\nscreen".to_vec();
    let attach = |token: &str, bytes: Vec<u8>| {
        app.client
            .post(app.url(&format!("/api/forum/questions/{upload}/attachments?name=%D0%BE%D1%88%D0%B8%D0%B1%D0%BA%D0%B0.png")))
            .bearer_auth(token.to_owned())
            .body(bytes)
            .send()
    };
    let response = attach(&region, png.clone()).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let attached: Value = response.json().await.unwrap();
    assert_eq!(attached["name"], "ошибка.png");
    assert_eq!(
        attach(&region, b"just text".to_vec())
            .await
            .unwrap()
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        attach(&other, png.clone()).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let bytes = app
        .client
        .get(app.url(&format!(
            "/api/forum/attachments/{}",
            attached["id"].as_str().unwrap()
        )))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(bytes.to_vec(), png);
}
