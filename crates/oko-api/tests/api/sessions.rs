//! What a new password ends: every session the old one opened (access and
//! refresh tokens) and, on a reset, the account's API tokens; a replayed refresh
//! token takes its whole chain down.

use crate::support::{Backend, PASSWORD, TestApp, after_the_cache_poll, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

on_both_databases!(
    a_password_change_ends_every_other_session,
    a_reset_also_revokes_the_accounts_api_tokens,
    a_replayed_refresh_token_revokes_its_chain,
);

const NEW_PASSWORD: &str = "Новый-пароль-2026";

async fn refresh(app: &TestApp, token: &str) -> (StatusCode, Value) {
    let response = app
        .client
        .post(app.url("/api/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn api_token(app: &TestApp, session: &str) -> String {
    let (status, made) = app
        .post(
            "/api/me/tokens",
            session,
            json!({"name": "Выгрузка", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    made["token"].as_str().unwrap().to_owned()
}

async fn a_password_change_ends_every_other_session(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, tab) = app.login("spo_coord_24", PASSWORD).await;
    let (_, stolen) = app.login("spo_coord_24", PASSWORD).await;
    let tab_access = tab["access_token"].as_str().unwrap();
    let stolen_access = stolen["access_token"].as_str().unwrap();
    let secret = api_token(&app, tab_access).await;
    let (_, stream_link) = app
        .post("/api/notifications/link", stolen_access, None)
        .await;

    let (status, renewed) = app
        .post(
            "/api/me/password",
            tab_access,
            json!({"old_password": PASSWORD, "new_password": NEW_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let renewed_access = renewed["access_token"].as_str().unwrap();
    after_the_cache_poll().await;

    assert_eq!(
        app.get("/api/me", stolen_access).await.0,
        StatusCode::UNAUTHORIZED,
        "another session's access token ends"
    );
    assert_eq!(
        refresh(&app, stolen["refresh_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "and its refresh token"
    );
    let stream = app
        .client
        .get(app.url(stream_link["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stream.status(),
        StatusCode::UNAUTHORIZED,
        "a ticket signed before the change dies with its session"
    );
    assert_eq!(
        app.get("/api/me", tab_access).await.0,
        StatusCode::UNAUTHORIZED,
        "the changing tab's old token too"
    );
    let (status, me) = app.get("/api/me", renewed_access).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the session in the answer lives: {me}"
    );
    let (status, _) = refresh(&app, renewed["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.get("/api/me", &secret).await.0,
        StatusCode::OK,
        "the user's own API token stays"
    );
    assert_eq!(
        app.login("spo_coord_24", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("spo_coord_24", NEW_PASSWORD).await.0,
        StatusCode::OK
    );
    let admin = app.token("admin").await;
    let (_, events) = app
        .get(
            "/api/audit?action=password_changed&login=spo_coord_24",
            &admin,
        )
        .await;
    assert_eq!(events["total"], 1, "{events}");
}

async fn a_reset_also_revokes_the_accounts_api_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, session) = app.login("mun24001", PASSWORD).await;
    let session = session["access_token"].as_str().unwrap().to_owned();
    let secret = api_token(&app, &session).await;
    let coordinator = app.token("spo_coord_24").await;
    let (status, issued) = app
        .post("/api/users/mun24001/password", &coordinator, None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    assert_eq!(
        app.get("/api/me", &secret).await.0,
        StatusCode::UNAUTHORIZED,
        "the API token dies with the reset at once"
    );
    after_the_cache_poll().await;
    assert_eq!(
        app.get("/api/me", &session).await.0,
        StatusCode::UNAUTHORIZED
    );
    let password = issued["password"].as_str().unwrap();
    assert_eq!(app.login("mun24001", password).await.0, StatusCode::OK);
    let (_, events) = app
        .get(
            "/api/audit?action=password_reset&login=mun24001",
            &coordinator,
        )
        .await;
    assert_eq!(events["total"], 1, "{events}");
}

async fn a_replayed_refresh_token_revokes_its_chain(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, first) = app.login("sch240001", PASSWORD).await;
    let copied = first["refresh_token"].as_str().unwrap();
    let (status, rotated) = refresh(&app, copied).await;
    assert_eq!(status, StatusCode::OK);
    // Two tabs refreshing at once: a second use right away is refused, nothing more.
    assert_eq!(refresh(&app, copied).await.0, StatusCode::UNAUTHORIZED);
    let (status, rotated) = refresh(&app, rotated["refresh_token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "the chain lives on after a race");
    // The copy comes back later, from the thief: the whole chain ends.
    use oko_db::entities::refresh_token;
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let spent = refresh_token::Entity::find()
        .filter(refresh_token::Column::RevokedAt.is_not_null())
        .all(&app.db)
        .await
        .unwrap();
    for token in spent {
        let at = token.revoked_at.unwrap() - chrono::Duration::minutes(1);
        let mut earlier: refresh_token::ActiveModel = token.into();
        earlier.revoked_at = Set(Some(at));
        earlier.update(&app.db).await.unwrap();
    }
    assert_eq!(refresh(&app, copied).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refresh(&app, rotated["refresh_token"].as_str().unwrap())
            .await
            .0,
        StatusCode::UNAUTHORIZED,
        "the live end of the chain is revoked too"
    );
}
