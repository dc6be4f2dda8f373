//! Every request leaves one log line (with `OKO_LOG_FORMAT=json`, one JSON object)
//! naming its id, route, status, latency and user, never a password or a token;
//! every error body and every answer's `X-Request-Id` carry the same id, so a
//! user's screenshot of an error leads to its line.

use crate::support::{Backend, PASSWORD, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

on_both_databases!(an_error_names_its_request_and_the_log_line_names_the_rest);

async fn an_error_names_its_request_and_the_log_line_names_the_rest(backend: Backend) {
    let app = spawn_app(backend).await;
    let data_dir = app.data_dir().join("logged");
    let log_path = app.data_dir().join("oko.log");
    let log = std::fs::File::create(&log_path).expect("a log file");
    let server = app
        .serve_process_with(&data_dir, &[("OKO_LOG_FORMAT", "json")], log.into())
        .await;
    let api = &server.app;
    let (status, session) = api.login("sch240001", PASSWORD).await;
    assert_eq!(status, StatusCode::OK);
    let token = session["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    let me: Value = api
        .client
        .get(api.url("/api/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let missing = format!("/api/collections/{}", uuid::Uuid::new_v4());
    let response = api
        .client
        .get(api.url(&missing))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let header = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let problem =
        crate::support::assert_problem(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(problem["request_id"], header.as_str(), "{problem}");
    assert_eq!(header.len(), 16);
    assert!(header.bytes().all(|b| b.is_ascii_hexdigit()), "{header}");

    // A proxy's own id is kept; a header that could forge log lines is not.
    let handed = api
        .client
        .get(api.url("/api/health"))
        .header("X-Request-Id", "nginx-7f3a.1")
        .send()
        .await
        .unwrap();
    assert_eq!(handed.headers()["x-request-id"], "nginx-7f3a.1");
    let forged = api
        .client
        .get(api.url("/api/health"))
        .header("X-Request-Id", "a\"}{\"status\":200")
        .send()
        .await
        .unwrap();
    assert_ne!(forged.headers()["x-request-id"], "a\"}{\"status\":200");

    // The log is written by a thread of its own: wait for every line asserted.
    let lines = log_lines(&log_path, &[&header, "nginx-7f3a.1"]).await;
    let line = lines
        .iter()
        .find(|l| l["request_id"] == header.as_str())
        .unwrap_or_else(|| panic!("no log line for {header}"));
    assert_eq!(line["route"], "/api/collections/{id}", "{line}");
    assert_eq!(line["method"], "GET");
    assert_eq!(line["status"], 404);
    assert_eq!(line["user_id"], me["id"], "{line}");
    assert!(line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0));
    let login_line = lines
        .iter()
        .find(|l| l["route"] == "/api/auth/login")
        .expect("the login's line");
    assert_eq!(login_line["status"], 200);
    assert!(
        lines.iter().any(|l| l["request_id"] == "nginx-7f3a.1"),
        "the proxy's id is the line's"
    );
    let whole = std::fs::read_to_string(&log_path).unwrap();
    assert!(!whole.contains(PASSWORD), "a password in the log");
    assert!(!whole.contains(&token), "a token in the log");
    drop(server);
}

/// The JSON lines of the log once the lines of all `ids` are written.
async fn log_lines(path: &std::path::Path, ids: &[&str]) -> Vec<Value> {
    for _ in 0..50 {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        // Only whole lines: the writer may be half way through the last one.
        let text = &text[..text.rfind('\n').map_or(0, |end| end + 1)];
        if ids.iter().all(|id| text.contains(id)) {
            return text
                .lines()
                .map(|line| {
                    serde_json::from_str(line)
                        .unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {line}"))
                })
                .collect();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the log never named all of {ids:?}");
}
