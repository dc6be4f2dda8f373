//! The HTTP client of the SPA: thin calls to `/api`, with the server's problem+json
//! turned into a Russian message. The refresh token never reaches this code: it
//! lives in an HttpOnly cookie the browser sends to `/api/auth/*` by itself.

use gloo_net::http::{Request, RequestBuilder, Response};
use oko_domain::{
    api::{LoginRequest, Me, Problem, TokenResponse},
    error_code::ErrorCode,
};
use serde::de::DeserializeOwned;

/// A failed call, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiFailure {
    /// HTTP status; 0 when the server could not be reached.
    pub status: u16,
    /// The server's machine code, when it sent one.
    pub code: Option<ErrorCode>,
    /// Russian text for the user.
    pub message: String,
}

impl ApiFailure {
    fn network(err: impl std::fmt::Display) -> ApiFailure {
        ApiFailure {
            status: 0,
            code: None,
            message: format!("Сервер недоступен, проверьте подключение ({err})"),
        }
    }

    /// Whether the access token was refused (and a refresh may help).
    pub fn is_unauthenticated(&self) -> bool {
        self.status == 401
    }
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiFailure> {
    if response.ok() {
        return response.json::<T>().await.map_err(ApiFailure::network);
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => Err(ApiFailure {
            status,
            code: Some(problem.code),
            message: problem.detail,
        }),
        Err(_) => Err(ApiFailure {
            status,
            code: None,
            message: format!("Ошибка сервера ({status})"),
        }),
    }
}

async fn send<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, ApiFailure> {
    let response = request
        .map_err(ApiFailure::network)?
        .send()
        .await
        .map_err(ApiFailure::network)?;
    read(response).await
}

/// `POST /api/auth/login`.
pub async fn login(login: String, password: String) -> Result<TokenResponse, ApiFailure> {
    send(Request::post("/api/auth/login").json(&LoginRequest { login, password })).await
}

/// `POST /api/auth/refresh` with the cookie.
pub async fn refresh() -> Result<TokenResponse, ApiFailure> {
    send(Request::post("/api/auth/refresh").build()).await
}

/// `POST /api/auth/logout` with the cookie; failures do not matter, the session ends anyway.
pub async fn logout() {
    if let Ok(request) = Request::post("/api/auth/logout").build() {
        let _ = request.send().await;
    }
}

fn with_token(builder: RequestBuilder, token: &str) -> RequestBuilder {
    builder.header("Authorization", &format!("Bearer {token}"))
}

/// `GET path` with the access token.
pub async fn get<T: DeserializeOwned>(path: &str, token: &str) -> Result<T, ApiFailure> {
    send(with_token(Request::get(path), token).build()).await
}

/// `GET /api/me`.
pub async fn me(token: &str) -> Result<Me, ApiFailure> {
    get("/api/me", token).await
}
