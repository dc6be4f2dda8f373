//! The error side of the OpenAPI document, completed from the code rather than
//! typed by hand: every problem example's `title` and `status` come from its
//! [`ErrorCode`] (hand-written ones drifted), and every operation lists the 400 any
//! request can get (a NUL in the URL, a malformed parameter) and, with a JSON body,
//! the 400 and 413 of a malformed or oversized body, every operation but the
//! liveness probe the 503 of a database (or file store) gone for a moment, and
//! every authenticated POST its optional `Idempotency-Key` with the 409 of a
//! repeat while the first runs.

use oko_domain::error_code::ErrorCode;
use serde_json::{Value, json};

use crate::{error::ApiError, input_guard::JSON_BODY_LIMIT};

const PROBLEM: &str = "application/problem+json";

/// `GET /api/health` answers while the process runs, whatever the database does.
const LIVENESS_OPERATION: &str = "get_health";

/// Completes the document in place.
pub fn complete(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            if operation.get("responses").is_none() {
                continue;
            }
            if method == "post" && operation.get("security").is_some() {
                idempotent(operation);
            }
            let json_body = operation
                .pointer("/requestBody/content/application~1json")
                .is_some();
            let liveness = operation["operationId"] == LIVENESS_OPERATION;
            let responses = operation["responses"]
                .as_object_mut()
                .expect("responses are an object");
            for response in responses.values_mut() {
                if let Some(example) = response
                    .get_mut("content")
                    .and_then(|content| content.get_mut(PROBLEM))
                    .and_then(|problem| problem.get_mut("example"))
                {
                    titled_from_code(example);
                }
            }
            responses.entry("400").or_insert_with(|| {
                let malformed = if json_body {
                    ApiError::new(
                        ErrorCode::MalformedBody,
                        "Некорректный JSON: строка 1, позиция 12",
                    )
                } else {
                    ApiError::nul_in_url()
                };
                problem_response("The request is malformed", &malformed)
            });
            if !liveness {
                responses.entry("503").or_insert_with(|| {
                    problem_response(
                        "The database or the file store is unavailable for a moment: retry after `Retry-After` seconds",
                        &ApiError::database_unavailable(),
                    )
                });
            }
            if json_body {
                responses.entry("413").or_insert_with(|| {
                    problem_response(
                        "The body is too large",
                        &ApiError::body_too_large(JSON_BODY_LIMIT),
                    )
                });
            }
        }
    }
}

/// An authenticated POST takes an `Idempotency-Key` (`crate::idempotency`).
fn idempotent(operation: &mut Value) {
    let parameter = json!({
        "name": crate::idempotency::HEADER,
        "in": "header",
        "required": false,
        "description": "Any 1–200 visible ASCII characters, new for each thing to create (a UUID). A repeat with the same key by the same user gets the first answer again (`Idempotent-Replayed: true`) instead of creating a second thing; kept for a day",
        "schema": {"type": "string", "minLength": 1, "maxLength": 200},
        "example": "6f1c2a9e-4b7d-4e0a-9c1f-2d3b4a5c6d7e",
    });
    match operation["parameters"].as_array_mut() {
        Some(parameters) => parameters.push(parameter),
        None => operation["parameters"] = json!([parameter]),
    }
    if let Some(responses) = operation["responses"].as_object_mut() {
        responses.entry("409").or_insert_with(|| {
            problem_response(
                "A request with the same Idempotency-Key is still running",
                &ApiError::new(ErrorCode::Conflict, crate::idempotency::RUNNING),
            )
        });
    }
}

/// A documented problem response, its example the body `error` answers with
/// (without a request id: the document is built once, often inside the first
/// request for it, whose id must not become every reader's example).
fn problem_response(description: &str, error: &ApiError) -> Value {
    let mut example = error.problem();
    example.request_id = None;
    json!({
        "description": description,
        "content": {
            PROBLEM: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": example,
            }
        }
    })
}

/// Sets an example's `title` and `status` from its `code`.
fn titled_from_code(example: &mut Value) {
    let Ok(code) = serde_json::from_value::<ErrorCode>(example["code"].clone()) else {
        return;
    };
    example["title"] = json!(code.title_ru());
    example["status"] = json!(code.http_status());
}
