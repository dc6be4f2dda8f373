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
