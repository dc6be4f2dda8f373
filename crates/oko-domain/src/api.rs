//! Request and response bodies of the JSON API, shared by the server and the SPA.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{error_code::ErrorCode, org::OrgKind, role::Role};

/// `POST /api/auth/login`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"login": "sch240012", "password": "correct horse battery"})))]
pub struct LoginRequest {
    /// Case-sensitive, exactly as issued (e.g. `sch240012`).
    pub login: String,
    /// The password.
    pub password: String,
}

/// `POST /api/auth/refresh` and `POST /api/auth/logout`. The SPA leaves the token out
/// and relies on the `oko_refresh` HttpOnly cookie; integrators send it here.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"refresh_token": "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c"})))]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[serde(default)]
    pub refresh_token: Option<String>,
}

/// A fresh pair of tokens.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900,
    "refresh_token": "q1w2e3r4t5y6u7i8o9p0a1s2d3f4g5h6j7k8l9z0x1c"
})))]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer …`, valid for `expires_in` seconds.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Lifetime of the access token, seconds.
    pub expires_in: u64,
    /// One-time refresh token; each refresh returns a new one and kills the old.
    pub refresh_token: String,
}

/// A region as a short reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "24", "name": "Красноярский край"})))]
pub struct RegionRef {
    /// Two-digit code, e.g. `24`.
    pub code: String,
    /// Name, e.g. «Красноярский край».
    pub name: String,
}

/// A municipality as a short reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "г. Красноярск"})))]
pub struct MunicipalityRef {
    /// Opaque id.
    pub id: Uuid,
    /// Name, e.g. «г. Красноярск».
    pub name: String,
}

/// `GET /api/me`: who is logged in and what they may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "0b7c5f7e-3a43-4d8e-9a55-3c2d8f0f6b11",
    "login": "sch240012",
    "role": "organisation",
    "role_title": "Образовательная организация",
    "display_name": "МБОУ «Средняя общеобразовательная школа № 12»",
    "region": {"code": "24", "name": "Красноярский край"},
    "municipality": {"id": "5f0e8a1c-1d2b-4c3d-8e4f-5a6b7c8d9e0f", "name": "г. Красноярск"},
    "organisation_id": "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a"
})))]
pub struct Me {
    /// Opaque user id.
    pub id: Uuid,
    /// Login as issued.
    pub login: String,
    /// Level in the hierarchy.
    pub role: Role,
    /// The role in Russian.
    pub role_title: String,
    /// The organisation's short name, the coordinator's territory or the operator's title.
    pub display_name: String,
    /// The user's region (coordinators and organisations).
    pub region: Option<RegionRef>,
    /// The user's municipality (municipal coordinators and organisations).
    pub municipality: Option<MunicipalityRef>,
    /// The user's organisation (organisations only).
    pub organisation_id: Option<Uuid>,
}

/// One educational organisation in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgSummary {
    /// Opaque id.
    pub id: Uuid,
    /// The organisation's login, e.g. `sch240012`.
    pub login: String,
    /// Full name as registered.
    pub name: String,
    /// Short name.
    pub short_name: String,
    /// School, college or other.
    pub kind: OrgKind,
    /// NNNN of the login.
    pub code: String,
    /// Its region.
    pub region: RegionRef,
    /// Its municipality.
    pub municipality: MunicipalityRef,
}

/// A page of organisations.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgPage {
    /// This page, ordered by login.
    pub items: Vec<OrgSummary>,
    /// How many match in all.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// Where in a request or a form an error is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The request field or parameter, when the error is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Sheet of a form or spreadsheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// 1-based row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Column title or key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Stable machine code of this particular problem.
    pub code: String,
    /// Russian explanation.
    pub message: String,
}

/// Where a problem in a spreadsheet or a form is, as people read it: «Лист «…»,
/// строка 12, столбец «…»» (row 0: the sheet as a whole).
pub fn place_ru(sheet: &str, row: u32, column: Option<&str>) -> String {
    let mut place = format!("Лист «{sheet}»");
    if row > 0 {
        place.push_str(&format!(", строка {row}"));
    }
    if let Some(column) = column {
        place.push_str(&format!(", столбец «{column}»"));
    }
    place
}

impl FieldError {
    /// A problem at a place of a spreadsheet or form (sheet and column titles, row 0
    /// for the sheet as a whole); the message starts with the place.
    pub fn in_sheet(
        sheet: &str,
        row: u32,
        column: Option<&str>,
        code: &str,
        message: &str,
    ) -> FieldError {
        FieldError {
            field: None,
            sheet: Some(sheet.to_owned()),
            row: (row > 0).then_some(row),
            column: column.map(str::to_owned),
            code: code.to_owned(),
            message: format!("{}: {message}", place_ru(sheet, row, column)),
        }
    }

    /// A problem with a request field or parameter (not a spreadsheet cell).
    pub fn about_field(field: &str, code: &str, message: &str) -> FieldError {
        FieldError {
            field: Some(field.to_owned()),
            sheet: None,
            row: None,
            column: None,
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }
}

/// Every error body: RFC 9457 problem details with a stable `code`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "type": "about:blank",
    "title": "Неверный логин или пароль",
    "status": 401,
    "code": "invalid_credentials",
    "detail": "Неверный логин или пароль",
    "request_id": "3f2a9c0d41b7e865"
})))]
pub struct Problem {
    /// Always `about:blank`: the `code` says what happened.
    #[serde(rename = "type")]
    pub kind: String,
    /// Russian title of the error kind.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Stable machine code.
    pub code: ErrorCode,
    /// Russian explanation of this occurrence.
    pub detail: String,
    /// Individual problems, each with where it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request's id, as in its `X-Request-Id` header and the server's log:
    /// quote it to support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
