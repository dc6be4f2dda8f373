//! Personal API tokens: made with a login session, shown once, acting as their
//! maker, refused once revoked or expired, unable to make more.

use crate::support::{Backend, spawn_app};
use chrono::Utc;
use oko_db::entities::api_token;
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;

on_both_databases!(an_api_token_acts_as_its_maker_until_revoked_or_expired,);

async fn an_api_token_acts_as_its_maker_until_revoked_or_expired(backend: Backend) {
    let app = spawn_app(backend).await;
    let session = app.token("spo_coord_24").await;
    let (status, problem) = app
        .post(
            "/api/me/tokens",
            &session,
            json!({"name": " ", "expires_in_days": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);

    let (status, made) = app
        .post(
            "/api/me/tokens",
            &session,
            json!({"name": "Выгрузка", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let secret = made["token"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("oko_") && secret.len() > 40);
    assert!(secret.starts_with(made["details"]["prefix"].as_str().unwrap()));

    // It acts as its maker: same login, same scope.
    let (status, me) = app.get("/api/me", &secret).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["login"], "spo_coord_24");
    let (_, by_session) = app.get("/api/orgs?per_page=5", &session).await;
    let (_, by_token) = app.get("/api/orgs?per_page=5", &secret).await;
    assert_eq!(by_session["total"], by_token["total"]);

    // Listed without the secret; it cannot make more tokens.
    let (_, list) = app.get("/api/me/tokens", &secret).await;
    assert_eq!(list["items"][0]["name"], "Выгрузка");
    assert!(list["items"][0]["last_used_at"].is_string());
    assert!(!list.to_string().contains(&secret));
    let (status, problem) = app
        .post(
            "/api/me/tokens",
            &secret,
            json!({"name": "Еще", "expires_in_days": 1}),
        )
        .await;
    assert_eq!(
        (status, &problem["code"]),
        (StatusCode::FORBIDDEN, &json!("forbidden"))
    );
    let (status, _) = app.get("/api/me", "oko_not-a-real-token").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Revoked: refused at once.
    let id = made["details"]["id"].as_str().unwrap();
    let (status, _) = app.delete(&format!("/api/me/tokens/{id}"), &session).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.get("/api/me", &secret).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.delete(&format!("/api/me/tokens/{id}"), &session).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Expired: refused too.
    let (_, second) = app
        .post(
            "/api/me/tokens",
            &session,
            json!({"name": "Короткий", "expires_in_days": 1}),
        )
        .await;
    let second_secret = second["token"].as_str().unwrap();
    assert_eq!(app.get("/api/me", second_secret).await.0, StatusCode::OK);
    let row_id: uuid::Uuid = second["details"]["id"].as_str().unwrap().parse().unwrap();
    let mut row = api_token::Entity::find_by_id(row_id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.expires_at = Set(Utc::now() - chrono::Duration::minutes(1));
    row.update(&app.db).await.unwrap();
    assert_eq!(
        app.get("/api/me", second_secret).await.0,
        StatusCode::UNAUTHORIZED
    );
}
