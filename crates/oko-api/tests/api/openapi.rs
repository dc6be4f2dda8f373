//! The committed `api-spec/openapi.json` is the generated document, and the document
//! describes every endpoint fully.

use serde_json::Value;

fn committed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../api-spec/openapi.json")
}

#[test]
fn committed_document_is_up_to_date() {
    let generated = oko_api::openapi::document_json();
    let committed = std::fs::read_to_string(committed_path()).unwrap_or_default();
    assert!(
        committed == generated,
        "api-spec/openapi.json is stale: run `cargo xtask openapi` and commit the result"
    );
}

#[test]
fn every_operation_has_a_summary_responses_and_examples() {
    let doc: Value = serde_json::from_str(oko_api::openapi::document_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/api/auth/login") && paths.contains_key("/api/orgs"));
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{name} has no summary"
            );
            assert!(op["operationId"].is_string(), "{name} has no operationId");
            let responses = op["responses"].as_object().unwrap();
            assert!(!responses.is_empty(), "{name} has no responses");
            for (status, response) in responses {
                for (media, content) in response["content"].as_object().into_iter().flatten() {
                    let has_example = content.get("example").is_some()
                        || content["schema"]["$ref"]
                            .as_str()
                            .is_some_and(|r| schema_has_example(&doc, r));
                    assert!(has_example, "{name} {status} {media} has no example");
                }
            }
            if op["security"].is_array() {
                assert!(
                    responses.contains_key("401"),
                    "{name} needs a token but documents no 401"
                );
            }
        }
    }
}

fn schema_has_example(doc: &Value, reference: &str) -> bool {
    let name = reference.rsplit('/').next().unwrap_or_default();
    doc["components"]["schemas"][name].get("example").is_some()
}

/// Every `$ref` in the document points at a schema it defines.
#[test]
fn no_reference_dangles() {
    let doc: Value = serde_json::from_str(oko_api::openapi::document_json()).unwrap();
    let mut references = Vec::new();
    collect_refs(&doc, &mut references);
    assert!(!references.is_empty());
    for reference in references {
        let pointer = reference.trim_start_matches('#');
        assert!(
            doc.pointer(pointer).is_some(),
            "{reference} points at nothing"
        );
    }
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                into.push(reference.clone());
            }
            map.values().for_each(|v| collect_refs(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

/// Each problem example is what the server answers for its code: the code's own
/// Russian title and status, under the response of that status; every operation
/// lists the 400 any request can get, and a JSON body's 413.
#[test]
fn error_examples_agree_with_their_codes_and_every_operation_lists_its_400() {
    let doc: Value = serde_json::from_str(oko_api::openapi::document_json()).unwrap();
    let mut problems = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("400"), "{name} documents no 400");
            if op["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                assert!(responses.contains_key("413"), "{name} documents no 413");
            }
            for (status, response) in responses {
                let Some(example) = response["content"]["application/problem+json"].get("example")
                else {
                    continue;
                };
                problems += 1;
                let code: oko_domain::error_code::ErrorCode =
                    serde_json::from_value(example["code"].clone())
                        .unwrap_or_else(|e| panic!("{name} {status}: unknown code: {e}"));
                assert_eq!(
                    status,
                    &code.http_status().to_string(),
                    "{name}: a «{}» example under {status}",
                    code.as_str()
                );
                assert_eq!(example["title"], code.title_ru(), "{name} {status}");
                assert_eq!(example["status"], code.http_status(), "{name} {status}");
                let detail = example["detail"].as_str().unwrap_or_default();
                assert!(
                    detail
                        .chars()
                        .any(|c| ('а'..='я').contains(&c.to_lowercase().next().unwrap_or(c))),
                    "{name} {status}: the detail is not Russian: {detail}"
                );
            }
        }
    }
    assert!(problems > 100, "{problems} problem examples");
}

#[test]
fn a_job_file_lists_every_format_it_comes_in() {
    let doc: Value = serde_json::from_str(oko_api::openapi::document_json()).unwrap();
    let content = &doc["paths"]["/api/jobs/{id}/file"]["get"]["responses"]["200"]["content"];
    for media in [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv; charset=utf-8",
        "application/jsonl; charset=utf-8",
    ] {
        assert!(content.get(media).is_some(), "{media}: {content}");
    }
}
