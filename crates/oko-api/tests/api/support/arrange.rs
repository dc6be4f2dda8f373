//! The steps before what a test checks, made through the API as people make
//! them: a form, a publication with its collection (or a file storage), a
//! school's saves and its submission.

use oko_domain::forms::demo;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::TestApp;

pub const OPEN_FROM: &str = "2021-08-30T17:41:00Z";
pub const OPEN_UNTIL: &str = "2099-09-07T15:00:00Z";

/// A form saved by the operator; returns its first version.
pub async fn form(app: &TestApp, admin: &str, definition: Value) -> Value {
    let (status, version) = app
        .call(Method::POST, "/api/forms", admin, Some(definition))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{version}");
    version
}

/// A new section with one publication of `title` for `audience`; its id.
pub async fn publication(
    app: &TestApp,
    admin: &str,
    section: &str,
    title: &str,
    audience: Value,
) -> String {
    let (status, section) = app
        .call(
            Method::POST,
            "/api/sections",
            admin,
            Some(json!({"title": section})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{section}");
    let (status, publication) = app
        .call(
            Method::POST,
            "/api/publications",
            admin,
            Some(json!({"section_id": section["id"], "title": title,
                "published_on": OPEN_FROM, "audience": audience})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{publication}");
    publication["summary"]["id"].as_str().unwrap().to_owned()
}

/// A publication for region 24 with a collection of `version_id`; returns the
/// collection.
pub async fn collection(app: &TestApp, admin: &str, version_id: &Value, until: &str) -> Value {
    collection_between(app, admin, version_id, OPEN_FROM, until).await
}

/// [`collection`] opening at `opens_at`.
pub async fn collection_between(
    app: &TestApp,
    admin: &str,
    version_id: &Value,
    opens_at: &str,
    until: &str,
) -> Value {
    let id = publication(
        app,
        admin,
        &format!("Сбор {opens_at} {until} {version_id}"),
        "Сбор сведений о специальностях",
        json!({"region_codes": ["24"]}),
    )
    .await;
    let (status, block) = app
        .call(
            Method::PUT,
            &format!("/api/publications/{id}/collection"),
            admin,
            Some(json!({"form_version_id": version_id, "opens_at": opens_at, "closes_at": until})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{block}");
    block
}

/// The steps before a school fills a form: the form `definition` saved,
/// published for region 24 and open until 2099; returns the collection's id.
pub async fn open_collection_of(app: &TestApp, admin: &str, definition: Value) -> String {
    let version = form(app, admin, definition).await;
    let block = collection(app, admin, &version["id"], OPEN_UNTIL).await;
    block["id"].as_str().unwrap().to_owned()
}

/// The college demo form attached to an open collection; returns its id.
pub async fn open_college_collection(app: &TestApp, admin: &str) -> String {
    open_collection_of(app, admin, json!(demo::college())).await
}

/// A publication for everyone with one storage opening at `available_from`.
pub async fn storage(app: &TestApp, admin: &str, available_from: &str) -> String {
    let id = publication(
        app,
        admin,
        &format!("ВПР {available_from}"),
        "План-график ВПР СПО",
        json!({"everyone": true}),
    )
    .await;
    let (status, storage) = app
        .call(
            Method::POST,
            &format!("/api/publications/{id}/storages"),
            admin,
            Some(json!({"title": "План-график ВПР СПО в 2021 году", "available_from": available_from})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{storage}");
    storage["id"].as_str().unwrap().to_owned()
}

/// A change setting one cell of a draft.
pub fn set_cell(sheet: &str, row: u32, column: &str, value: &str) -> Value {
    json!({"op": "set", "sheet": sheet, "row": row, "column": column, "value": value})
}

impl TestApp {
    /// `PATCH /api/collections/{collection}/draft`: `changes` over the draft at
    /// `version`, as the batch `change_id`.
    pub async fn save(
        &self,
        token: &str,
        collection: &str,
        version: impl serde::Serialize,
        change_id: &str,
        changes: Vec<Value>,
    ) -> (StatusCode, Value) {
        self.call(
            Method::PATCH,
            &format!("/api/collections/{collection}/draft"),
            token,
            Some(json!({"version": version, "change_id": change_id, "changes": changes})),
        )
        .await
    }

    /// `POST /api/collections/{collection}/submit` of the draft at `version`.
    pub async fn submit(
        &self,
        token: &str,
        collection: &str,
        version: impl serde::Serialize,
    ) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/api/collections/{collection}/submit"),
            token,
            Some(json!({ "version": version })),
        )
        .await
    }

    /// A school's round: `changes` saved over its draft as it is now, then
    /// submitted; both must succeed. Returns the receipt.
    pub async fn fill_and_submit(
        &self,
        token: &str,
        collection: &str,
        changes: Vec<Value>,
    ) -> Value {
        let (status, draft) = self
            .get(&format!("/api/collections/{collection}/draft"), token)
            .await;
        assert_eq!(status, StatusCode::OK, "{draft}");
        let version = &draft["version"];
        let (status, saved) = self
            .save(
                token,
                collection,
                version,
                &format!("fill-{version}"),
                changes,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        let (status, receipt) = self.submit(token, collection, &saved["version"]).await;
        assert_eq!(status, StatusCode::OK, "{receipt}");
        receipt
    }
}
