//! A real `oko` server for each test, on a fresh database of its own: a SQLite file in
//! a temporary directory, or a new PostgreSQL database `oko_t_<uuid>` on the server at
//! `OKO_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`).

pub mod arrange;

use std::{path::PathBuf, sync::OnceLock};

use oko_api::{auth::password, config::Config, startup::Application};
use oko_db::{DatabaseConnection, demo};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

/// The password of every demo account in tests.
pub const PASSWORD: &str = "oko-demo-2026";

/// The `index.html` of the stand-in SPA every test server serves.
pub const TEST_SPA_INDEX: &str = "<!doctype html><title>ФИС ОКО (test)</title>";

/// How long the test servers remember a user between requests.
pub const AUTH_CACHE_SECONDS: u64 = 1;

/// Waits past every test server's next poll of `user_changes`: a blocked user or
/// a changed password has reached every user cache by then.
pub async fn after_the_cache_poll() {
    tokio::time::sleep(std::time::Duration::from_millis(
        AUTH_CACHE_SECONDS * 1000 + 1200,
    ))
    .await;
}

/// Which database a test runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each named test function (`async fn name(backend: Backend)`) twice: in
/// module `sqlite` and in module `postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test] async fn $name() { super::$name($crate::support::Backend::Sqlite).await })*
        }
        mod postgres {
            $(#[tokio::test] async fn $name() { super::$name($crate::support::Backend::Postgres).await })*
        }
    };
}

/// A client that drops a connection idle for a second: the server closes idle
/// ones after 5 s (actix's keep-alive), and a request sent on one just as it
/// closes fails with `IncompleteMessage` (seen after a slow LibreOffice step).
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(std::time::Duration::from_secs(1))
        .build()
        .expect("a client")
}

/// A running server with the small demo country loaded.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// The server's database, for arranging what the API cannot.
    pub db: DatabaseConnection,
    /// A client without cookies.
    pub client: reqwest::Client,
    /// The database the server runs on, for the `oko` command in tests.
    pub database_url: String,
    dir: PathBuf,
}

/// `oko serve` running as a separate process (see [`TestApp::serve_process`]).
pub struct ServeProcess {
    /// The process's API, through the usual helpers.
    pub app: TestApp,
    /// The process itself, for signals.
    pub child: std::process::Child,
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The PostgreSQL server of the tests, without a database name.
pub fn postgres_admin_url() -> String {
    std::env::var("OKO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// Creates an empty database and returns its URL.
async fn fresh_database(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}?mode=rwc", dir.join("oko.db").display()),
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = Database::connect(format!("{admin_url}/postgres")).await.unwrap_or_else(|e| {
                panic!("PostgreSQL is not reachable at OKO_TEST_POSTGRES_URL={admin_url}: {e}. Start it or point the variable at one.")
            });
            let name = format!("oko_t_{}", uuid::Uuid::new_v4().simple());
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create the test database");
            admin.close().await.ok();
            format!("{admin_url}/{name}")
        }
    }
}

/// The demo password hashed once per test binary: argon2 is slow on purpose.
fn demo_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(PASSWORD))
}

/// Starts a server on a fresh database with the small demo country.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Like [`spawn_app`], with extra configuration variables.
pub async fn spawn_app_with(backend: Backend, settings: &[(&str, &str)]) -> TestApp {
    let dir = fresh_dir();
    let database_url = fresh_database(backend, &dir).await;
    let spa_dir = dir.join("spa");
    std::fs::create_dir_all(&spa_dir).expect("create the SPA directory");
    std::fs::write(spa_dir.join("index.html"), TEST_SPA_INDEX).expect("write index.html");
    std::fs::write(spa_dir.join("app-1a2b.js"), "console.log('oko');").expect("write a SPA asset");
    let config = test_config(&database_url, &dir, settings);
    let db = oko_db::connection::connect(&config.database_url)
        .await
        .expect("connect");
    oko_db::connection::migrate(&db).await.expect("migrate");
    demo::seed(&db, demo::DemoScale::Small, demo_hash())
        .await
        .expect("seed the small demo");
    let base = start(&config, &db);
    TestApp {
        base,
        db,
        client: client(),
        database_url: config.database_url.clone(),
        dir,
    }
}

/// A new directory under the system's temporary directory.
fn fresh_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("oko-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    dir
}

/// A test server's configuration: its database, data directory and stand-in SPA.
fn test_config(database_url: &str, dir: &std::path::Path, settings: &[(&str, &str)]) -> Config {
    let spa_dir = dir.join("spa");
    Config::from_lookup(|name| match name {
        "OKO_DATABASE_URL" => Some(database_url.to_owned()),
        "OKO_LISTEN" => Some("127.0.0.1:0".to_owned()),
        "OKO_DATA_DIR" => Some(dir.display().to_string()),
        "OKO_SPA_DIR" => Some(spa_dir.display().to_string()),
        "OKO_AUTH_CACHE_SECONDS" => Some(AUTH_CACHE_SECONDS.to_string()),
        other => settings
            .iter()
            .find(|(name, _)| *name == other)
            .map(|(_, value)| value.to_string()),
    })
    .expect("test configuration is valid")
}

/// Runs a server on `db`; its base URL.
fn start(config: &Config, db: &DatabaseConnection) -> String {
    let app = Application::build(config, db.clone()).expect("bind");
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    base
}

impl TestApp {
    /// Starts another instance on this server's database and data directory.
    pub async fn other_instance(&self) -> TestApp {
        // Its own (empty) directory to clean up: the first one owns the data.
        let cleanup = fresh_dir();
        self.instance(&self.dir, cleanup, &[]).await
    }

    /// Starts another instance on this server's database as another machine would
    /// run it: its own, empty, data directory and the given configuration.
    pub async fn other_machine(&self, settings: &[(&str, &str)]) -> TestApp {
        let dir = fresh_dir();
        let spa_dir = dir.join("spa");
        std::fs::create_dir_all(&spa_dir).expect("create the SPA directory");
        std::fs::write(spa_dir.join("index.html"), TEST_SPA_INDEX).expect("write index.html");
        self.instance(&dir, dir.clone(), settings).await
    }

    /// A server on this database with `data_dir`; `cleanup` is removed with it.
    async fn instance(
        &self,
        data_dir: &std::path::Path,
        cleanup: std::path::PathBuf,
        settings: &[(&str, &str)],
    ) -> TestApp {
        let config = test_config(&self.database_url, data_dir, settings);
        let db = oko_db::connection::connect(&config.database_url)
            .await
            .expect("connect");
        TestApp {
            base: start(&config, &db),
            db,
            client: client(),
            database_url: self.database_url.clone(),
            dir: cleanup,
        }
    }

    /// `oko serve` as a process of its own on this server's database, with
    /// `data_dir`, once its `/api/health` answers; killed when dropped.
    pub async fn serve_process(&self, data_dir: &std::path::Path) -> ServeProcess {
        self.serve_process_with(data_dir, &[], std::process::Stdio::inherit())
            .await
    }

    /// `oko serve` as [`Self::serve_process`] starts it, with more `settings`
    /// (environment variables) and its log (stderr) sent to `log`.
    pub async fn serve_process_with(
        &self,
        data_dir: &std::path::Path,
        settings: &[(&str, &str)],
        log: std::process::Stdio,
    ) -> ServeProcess {
        serve_process_on(&self.database_url, data_dir, settings, log).await
    }

    /// The server's data directory (`OKO_DATA_DIR`).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Logs in and returns the status and JSON body.
    pub async fn login(&self, login: &str, password: &str) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url("/api/auth/login"))
            .json(&json!({"login": login, "password": password}))
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.json().await.expect("a JSON body"))
    }

    /// An access token of `login` with the demo password.
    pub async fn token(&self, login: &str) -> String {
        let (status, body) = self.login(login, PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "login {login}: {body}");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// GET with a bearer token; returns status and JSON body.
    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, token, None).await
    }
}

impl TestApp {
    /// Polls report job `job` as `token` until it is `ready` or `failed`; returns it.
    pub async fn wait_for_report(&self, token: &str, job: &str) -> Value {
        for _ in 0..100 {
            let (status, body) = self.get(&format!("/api/reports/{job}"), token).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if body["status"] == "ready" || body["status"] == "failed" {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("report {job} never finished");
    }

    /// `POST path` as `token`, with a JSON body or `None`.
    pub async fn post(
        &self,
        path: &str,
        token: &str,
        body: impl Into<Option<Value>>,
    ) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, token, body.into())
            .await
    }

    /// `PUT path` as `token`, with a JSON body or `None`.
    pub async fn put(
        &self,
        path: &str,
        token: &str,
        body: impl Into<Option<Value>>,
    ) -> (StatusCode, Value) {
        self.call(reqwest::Method::PUT, path, token, body.into())
            .await
    }

    /// `PATCH path` as `token`, with a JSON body or `None`.
    pub async fn patch(
        &self,
        path: &str,
        token: &str,
        body: impl Into<Option<Value>>,
    ) -> (StatusCode, Value) {
        self.call(reqwest::Method::PATCH, path, token, body.into())
            .await
    }

    /// `DELETE path` as `token`.
    pub async fn delete(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::DELETE, path, token, None).await
    }

    /// Any request with a bearer token and an optional JSON body; returns status and
    /// JSON body (`Null` when there is none).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

impl TestApp {
    /// POST of a file's bytes with a bearer token; returns status and JSON body.
    pub async fn post_file(
        &self,
        token: &str,
        path: &str,
        bytes: impl AsRef<[u8]>,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes.as_ref().to_vec())
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Queues «Архив с паролями» as the coordinator of `token`; the queued job.
    pub async fn order_credentials(&self, token: &str) -> Value {
        let (status, job) = self
            .call(
                reqwest::Method::POST,
                "/api/credentials",
                token,
                Some(json!({})),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{job}");
        job
    }

    /// Polls background job `job` as `token` until it is ready or failed.
    pub async fn finished_job(&self, token: &str, job: &Value) -> Value {
        let id = job["id"].as_str().expect("a job id");
        for _ in 0..300 {
            let (status, body) = self.get(&format!("/api/jobs/{id}"), token).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            if body["status"] == "ready" || body["status"] == "failed" {
                return body;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("job {id} never finished");
    }

    /// A job's file as `token`: status and bytes.
    pub async fn job_file(&self, token: &str, job: &Value) -> (StatusCode, Vec<u8>) {
        let id = job["id"].as_str().expect("a job id");
        let response = self
            .client
            .get(self.url(&format!("/api/jobs/{id}/file")))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.bytes().await.expect("a body").to_vec())
    }
}

/// Asserts an answer is a problem+json with this status and code.
pub async fn assert_problem(response: reqwest::Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("a JSON problem");
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["detail"].as_str().is_some_and(|d| !d.is_empty()));
    body
}

/// `oko serve` as a process of its own on `database_url` with `data_dir`, more
/// `settings` and its log sent to `log`, once its `/api/health` answers; killed
/// when dropped.
pub async fn serve_process_on(
    database_url: &str,
    data_dir: &std::path::Path,
    settings: &[(&str, &str)],
    log: std::process::Stdio,
) -> ServeProcess {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_oko"))
        .arg("serve")
        .env("OKO_DATABASE_URL", database_url)
        .env("OKO_DATA_DIR", data_dir)
        .env("OKO_LISTEN", format!("127.0.0.1:{port}"))
        .env("OKO_AUTH_CACHE_SECONDS", AUTH_CACHE_SECONDS.to_string())
        .envs(settings.iter().copied())
        .stderr(log)
        .spawn()
        .expect("oko serve starts");
    let db = oko_db::connection::connect(database_url)
        .await
        .expect("connect");
    let app = TestApp {
        base: format!("http://127.0.0.1:{port}"),
        db,
        client: client(),
        database_url: database_url.to_owned(),
        dir: fresh_dir(),
    };
    // Owned at once, so a failed start below still kills and reaps it.
    let process = ServeProcess { app, child };
    for _ in 0..200 {
        let health = process.app.client.get(process.app.url("/api/health"));
        if health.send().await.is_ok() {
            return process;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("oko serve did not come up in 20 s");
}

/// The names in zip `bytes` (checked whole with `unzip -t` first), in order;
/// the archive is written into `dir`.
pub fn unzip_names(bytes: &[u8], dir: &std::path::Path) -> Vec<String> {
    let path = dir.join("all.zip");
    std::fs::write(&path, bytes).unwrap();
    let test = std::process::Command::new("unzip")
        .arg("-t")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "{}",
        String::from_utf8_lossy(&test.stdout)
    );
    let listed = std::process::Command::new("unzip")
        .arg("-Z1")
        .arg(&path)
        .output()
        .unwrap();
    String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The bytes of entry `name` of the zip [`unzip_names`] last wrote into `dir`.
pub fn unzipped(dir: &std::path::Path, name: &str) -> Vec<u8> {
    let out = std::process::Command::new("unzip")
        .arg("-p")
        .arg(dir.join("all.zip"))
        .arg(name)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
