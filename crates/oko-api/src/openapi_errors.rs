//! The error side of the OpenAPI document, completed from the code rather than
//! typed by hand: every problem example's `title` and `status` come from its
//! [`ErrorCode`] (hand-written ones drifted), and every operation lists the 400 any
//! request can get (a NUL in the URL, a malformed parameter) and, with a JSON body,
//! the 400 and 413 of a malformed or oversized body.

use oko_domain::error_code::ErrorCode;
use serde_json::{Value, json};

const PROBLEM: &str = "application/problem+json";

/// A problem+json example for `code` with `detail`, as the server answers it.
pub fn problem_example(code: ErrorCode, detail: &str) -> Value {
    json!({
        "type": "about:blank",
        "title": code.title_ru(),
        "status": code.http_status(),
        "code": code.as_str(),
        "detail": detail,
    })
}

/// Completes the document in place.
pub fn complete(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for operation in operations.values_mut() {
            if operation.get("responses").is_none() {
                continue;
            }
            let json_body = operation
                .pointer("/requestBody/content/application~1json")
                .is_some();
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
            let (status, code, detail) = if json_body {
                (
                    "400",
                    ErrorCode::MalformedBody,
                    "Некорректный JSON: строка 1, позиция 12",
                )
            } else {
                (
                    "400",
                    ErrorCode::InvalidParameter,
                    "Адрес запроса содержит недопустимый символ NUL (%00): уберите его",
                )
            };
            responses
                .entry(status)
                .or_insert_with(|| problem_response("The request is malformed", code, detail));
            if json_body {
                responses.entry("413").or_insert_with(|| {
                    problem_response(
                        "The body is too large",
                        ErrorCode::PayloadTooLarge,
                        "Тело запроса больше допустимых 4096 КиБ",
                    )
                });
            }
        }
    }
}

/// A documented problem response.
fn problem_response(description: &str, code: ErrorCode, detail: &str) -> Value {
    json!({
        "description": description,
        "content": {
            PROBLEM: {
                "schema": {"$ref": "#/components/schemas/Problem"},
                "example": problem_example(code, detail),
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
