//! Who is logged in. The access token is kept in memory only; after a reload the
//! session comes back through the refresh cookie.

use gloo_net::http::Response;
use leptos::prelude::*;
use oko_domain::api::{Me, TokenResponse};
use serde::{Serialize, de::DeserializeOwned};

use crate::api::{self, ApiFailure, Body, Method};

/// The state of the session.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// Asking the server whether the refresh cookie still holds a session.
    Restoring,
    /// Nobody is logged in.
    Anonymous,
    /// Logged in.
    Active {
        /// The current access token.
        token: String,
        /// The user.
        me: Me,
    },
}

/// The session, shared through the context.
#[derive(Clone, Copy)]
pub struct Session {
    state: RwSignal<SessionState>,
}

impl Session {
    /// A session that is being restored.
    pub fn new() -> Session {
        Session {
            state: RwSignal::new(SessionState::Restoring),
        }
    }

    /// The current state (reactive).
    pub fn state(&self) -> SessionState {
        self.state.get()
    }

    /// The logged-in user (reactive).
    pub fn me(&self) -> Option<Me> {
        self.state.with(|s| match s {
            SessionState::Active { me, .. } => Some(me.clone()),
            _ => None,
        })
    }

    /// The current access token, for requests the fetch API cannot make (uploads
    /// with progress).
    pub fn token(&self) -> Option<String> {
        self.state.with_untracked(|s| match s {
            SessionState::Active { token, .. } => Some(token.clone()),
            _ => None,
        })
    }

    /// Tries the refresh cookie; ends anonymous when there is no live session.
    pub async fn restore(self) {
        let restored = match api::refresh().await {
            Ok(tokens) => self.begin(tokens).await.is_ok(),
            Err(_) => false,
        };
        if !restored {
            self.state.set(SessionState::Anonymous);
        }
    }

    /// Logs in; on failure the state does not change and the message is returned.
    pub async fn log_in(self, login: String, password: String) -> Result<(), ApiFailure> {
        let tokens = api::login(login, password).await?;
        self.begin(tokens).await
    }

    async fn begin(self, tokens: TokenResponse) -> Result<(), ApiFailure> {
        let me = api::me(&tokens.access_token).await?;
        self.state.set(SessionState::Active {
            token: tokens.access_token,
            me,
        });
        Ok(())
    }

    /// Logs out on the server and here.
    pub async fn log_out(self) {
        api::logout().await;
        self.state.set(SessionState::Anonymous);
    }

    /// A request as the user; an expired access token is refreshed once, and a
    /// session the server no longer accepts ends here too.
    pub async fn send(
        self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<Response, ApiFailure> {
        let body = body.map_or(Body::Empty, Body::Json);
        self.send_body(method, path, body).await
    }

    /// [`Session::send`] with any body (a file, for uploads).
    pub async fn send_body(
        self,
        method: Method,
        path: &str,
        body: Body,
    ) -> Result<Response, ApiFailure> {
        self.send_keyed(method, path, body, None).await
    }

    /// A request with its `Idempotency-Key`, when it creates something: the
    /// retry after a refreshed token, or any repeat, makes nothing twice.
    async fn send_keyed(
        self,
        method: Method,
        path: &str,
        body: Body,
        key: Option<&str>,
    ) -> Result<Response, ApiFailure> {
        let token = match self.state.get_untracked() {
            SessionState::Active { token, .. } => token,
            _ => return Err(not_logged_in()),
        };
        match api::send_keyed(method, path, Some(&token), &body, key).await {
            Err(failure) if failure.is_unauthenticated() => {
                let Ok(tokens) = api::refresh().await else {
                    self.state.set(SessionState::Anonymous);
                    return Err(failure);
                };
                let token = tokens.access_token.clone();
                self.begin(tokens).await?;
                api::send_keyed(method, path, Some(&token), &body, key).await
            }
            other => other,
        }
    }

    /// [`Session::save`] of something to create, made once whatever repeats it
    /// (the server honours `key`; [`crate::components::one_at_a_time`] makes one).
    pub async fn create<B: Serialize, T: DeserializeOwned>(
        self,
        path: &str,
        body: &B,
        key: &str,
    ) -> Result<T, ApiFailure> {
        let body = serde_json::to_value(body).map_or(Body::Empty, Body::Json);
        api::json(self.send_keyed(Method::Post, path, body, Some(key)).await?).await
    }

    /// `GET path` as the user, as JSON.
    pub async fn get<T: DeserializeOwned>(self, path: &str) -> Result<T, ApiFailure> {
        api::json(self.send(Method::Get, path, None).await?).await
    }

    /// `POST`s a chosen file's bytes to `path` and reads the JSON answer (an
    /// upload of a spreadsheet, an attached file).
    pub async fn post_file<T: DeserializeOwned>(
        self,
        path: &str,
        file: web_sys::Blob,
    ) -> Result<T, ApiFailure> {
        api::json(self.send_body(Method::Post, path, Body::File(file)).await?).await
    }

    /// Sends `body` as JSON and reads the JSON answer.
    pub async fn save<B: Serialize, T: DeserializeOwned>(
        self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<T, ApiFailure> {
        let body = serde_json::to_value(body).ok();
        api::json(self.send(method, path, body).await?).await
    }
}

impl Default for Session {
    fn default() -> Self {
        Session::new()
    }
}

fn not_logged_in() -> ApiFailure {
    ApiFailure {
        status: 401,
        code: None,
        message: "Требуется вход в систему".to_owned(),
        errors: Vec::new(),
        body: None,
    }
}
