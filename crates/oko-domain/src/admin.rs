//! The operator's administration of the tree: regions, municipalities,
//! organisations with their accounts (one by one or from a spreadsheet, all or
//! nothing), and closing organisations that no longer exist.

use serde::{Deserialize, Serialize};

use crate::{
    accounts::IssuedPassword,
    api::FieldError,
    forms::{ColumnDef, ColumnType, FormDefinition, Row, Rule, SheetDef},
    login::{
        LoginKind, OrgPrefix, RegionCode, municipal_coordinator_login, parse_login,
        region_coordinator_login,
    },
};

/// An input's problems as one row of an import shows them: at `row` of
/// `sheet`, in the column `column_of` names for each field.
pub fn in_row(
    problems: Vec<FieldError>,
    sheet: &str,
    row: u32,
    column_of: fn(&str) -> &'static str,
) -> impl Iterator<Item = FieldError> {
    problems.into_iter().map(move |p| {
        let column = column_of(p.field.as_deref().unwrap_or_default());
        FieldError::in_sheet(sheet, row, Some(column), &p.code, &p.message)
    })
}

/// `POST /api/admin/regions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"code": "95", "name": "Чеченская Республика"})))]
pub struct RegionInput {
    /// Two digits, «01»–«99».
    pub code: String,
    pub name: String,
}

impl RegionInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if RegionCode::parse(self.code.trim()).is_none() {
            problems.push(FieldError::about_field(
                "code",
                "invalid_code",
                "Код региона — две цифры, например 24",
            ));
        }
        if self.name.trim().is_empty() {
            problems.push(FieldError::about_field(
                "name",
                "required",
                "Укажите название региона",
            ));
        }
        problems
    }

    /// Its coordinator's login `spo_coord_RR`, once the input has no problem.
    pub fn coordinator_login(&self) -> Result<String, Vec<FieldError>> {
        let problems = self.problems();
        match RegionCode::parse(self.code.trim()) {
            Some(code) if problems.is_empty() => Ok(region_coordinator_login(code)),
            _ => Err(problems),
        }
    }

    /// The import's column of a field.
    pub fn column_of(field: &str) -> &'static str {
        match field {
            "code" => "Код региона",
            _ => "Название",
        }
    }
}

/// `POST /api/admin/municipalities`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"region_code": "24", "code": 12, "name": "Емельяновский район"})))]
pub struct MunicipalityInput {
    pub region_code: String,
    /// 1–999: the MMM of its coordinator's login `munRRMMM`.
    pub code: u16,
    pub name: String,
}

impl MunicipalityInput {
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if RegionCode::parse(self.region_code.trim()).is_none() {
            problems.push(FieldError::about_field(
                "region_code",
                "invalid_code",
                "Код региона — две цифры, например 24",
            ));
        }
        if !(1..=999).contains(&self.code) {
            problems.push(FieldError::about_field(
                "code",
                "out_of_range",
                "Номер муниципалитета — от 1 до 999",
            ));
        }
        if self.name.trim().is_empty() {
            problems.push(FieldError::about_field(
                "name",
                "required",
                "Укажите название муниципалитета",
            ));
        }
        problems
    }

    /// Its coordinator's login `munRRMMM`, once the input has no problem.
    pub fn coordinator_login(&self) -> Result<String, Vec<FieldError>> {
        let problems = self.problems();
        match RegionCode::parse(self.region_code.trim()) {
            Some(region) if problems.is_empty() => {
                Ok(municipal_coordinator_login(region, self.code))
            }
            _ => Err(problems),
        }
    }

    /// The import's column of a field.
    pub fn column_of(field: &str) -> &'static str {
        match field {
            "region_code" => "Код региона",
            "code" => "Номер",
            _ => "Название",
        }
    }
}

/// `POST /api/admin/organisations`, and one row of the import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "login": "sch240999", "name": "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 99»",
    "short_name": "МБОУ СШ № 99", "municipality": 1})))]
pub struct OrganisationInput {
    /// `schRRNNNN`, `spoRRNNNN`, `eduRRNNNN` or `kshRRNNNN`: kind, region and code.
    pub login: String,
    pub name: String,
    pub short_name: String,
    /// The municipality's number in the login's region.
    pub municipality: u16,
}

/// What an organisation's login says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrgLogin {
    pub prefix: OrgPrefix,
    pub region: RegionCode,
    pub code: u16,
}

impl OrganisationInput {
    /// The import's column of a field.
    pub fn column_of(field: &str) -> &'static str {
        match field {
            "login" => "Логин",
            "name" => "Полное наименование",
            "short_name" => "Краткое наименование",
            _ => "Номер муниципалитета",
        }
    }

    /// The login's parts, or why it is not an organisation's login.
    pub fn parsed_login(&self) -> Result<OrgLogin, String> {
        match parse_login(self.login.trim()) {
            Ok(LoginKind::Organisation {
                prefix,
                region,
                code,
            }) => Ok(OrgLogin {
                prefix,
                region,
                code,
            }),
            Ok(_) => {
                Err("Логин организации — schRRNNNN, spoRRNNNN, eduRRNNNN или kshRRNNNN".to_owned())
            }
            Err(e) => Err(e.message_ru().to_owned()),
        }
    }

    /// Problems of the fields alone (the tree is the server's).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if let Err(message) = self.parsed_login() {
            problems.push(FieldError::about_field("login", "invalid_login", &message));
        }
        if self.name.trim().is_empty() {
            problems.push(FieldError::about_field(
                "name",
                "required",
                "Укажите полное наименование",
            ));
        }
        if self.short_name.trim().is_empty() {
            problems.push(FieldError::about_field(
                "short_name",
                "required",
                "Укажите краткое наименование",
            ));
        }
        if !(1..=999).contains(&self.municipality) {
            problems.push(FieldError::about_field(
                "municipality",
                "out_of_range",
                "Номер муниципалитета — от 1 до 999",
            ));
        }
        problems
    }
}

/// What an import or a creation made, with the new accounts' passwords (shown
/// once): organisations' accounts, or municipalities' coordinators.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"created": 1,
    "credentials": [{"login": "sch240999", "password": "kTr7mQ4pXz9w"}]})))]
pub struct AccountsCreated {
    pub created: usize,
    /// Logins and new passwords, in this answer only.
    pub credentials: Vec<IssuedPassword>,
}

/// A new region and its coordinator's account `spo_coord_RR` (password shown once;
/// `None` when that account already existed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"region": {"code": "95", "name": "Чеченская Республика"},
    "coordinator": {"login": "spo_coord_95", "password": "kTr7mQ4pXz9w"}})))]
pub struct RegionCreated {
    pub region: crate::api::RegionRef,
    pub coordinator: Option<IssuedPassword>,
}

/// A new municipality and its coordinator's account `munRRMMM`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"municipality": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "name": "г. Грозный"},
    "coordinator": {"login": "mun95001", "password": "kTr7mQ4pXz9w"}})))]
pub struct MunicipalityCreated {
    pub municipality: crate::api::MunicipalityRef,
    pub coordinator: Option<IssuedPassword>,
}

/// A closed organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"login": "sch240999", "closed": true})))]
pub struct OrganisationClosed {
    pub login: String,
    pub closed: bool,
}

/// A one-sheet import form: its columns, at most `max_rows` rows, `unique`
/// columns never repeated.
fn import_sheet(
    (key, title, hint): (&str, &str, &str),
    columns: Vec<ColumnDef>,
    max_rows: u32,
    unique: &[&str],
) -> FormDefinition {
    FormDefinition {
        lists: Default::default(),
        rules: Vec::new(),
        title: title.to_owned(),
        sheets: vec![SheetDef {
            totals: Vec::new(),
            shown_if: None,
            key: key.to_owned(),
            title: title.to_owned(),
            hint: hint.to_owned(),
            columns,
            fixed_rows: Vec::new(),
            max_rows: Some(max_rows),
            rules: vec![Rule::Unique {
                columns: unique.iter().map(|c| (*c).to_owned()).collect(),
            }],
        }],
    }
}

fn required(key: &str, title: &str, kind: ColumnType) -> ColumnDef {
    ColumnDef {
        required: true,
        ..ColumnDef::new(key, title, kind)
    }
}

fn region_code_column() -> ColumnDef {
    ColumnDef {
        pattern: Some("##".to_owned()),
        ..required(REGION_CODE, "Код региона", ColumnType::Text)
    }
}

fn bounded(key: &str, title: &str, kind: ColumnType, max: u32) -> ColumnDef {
    match kind {
        ColumnType::Integer => ColumnDef {
            min: Some(1.0),
            max: Some(f64::from(max)),
            ..required(key, title, kind)
        },
        _ => ColumnDef {
            max_length: Some(max),
            ..required(key, title, kind)
        },
    }
}

/// The regions' import as a form: «Код региона», «Название».
pub fn region_import_form() -> FormDefinition {
    import_sheet(
        (
            "regions",
            "Регионы",
            "Одна строка — один регион; его координатор получит логин spo_coord_RR",
        ),
        vec![
            region_code_column(),
            bounded(TITLE, "Название", ColumnType::Text, 300),
        ],
        100,
        &[REGION_CODE],
    )
}

/// A checked row of the regions' import.
pub fn region_of(row: &Row) -> RegionInput {
    let cell = |key: &str| row.get(key).unwrap_or("").trim().to_owned();
    RegionInput {
        code: cell(REGION_CODE),
        name: cell(TITLE),
    }
}

/// Column keys of the municipalities' import.
pub const REGION_CODE: &str = "region_code";
pub const NUMBER: &str = "number";
pub const TITLE: &str = "name";

/// The municipalities' import as a form: «Код региона», «Номер», «Название».
pub fn municipality_import_form() -> FormDefinition {
    import_sheet(
        (
            "municipalities",
            "Муниципалитеты",
            "Одна строка — один муниципалитет; его координатор получит логин munRRMMM",
        ),
        vec![
            region_code_column(),
            bounded(NUMBER, "Номер", ColumnType::Integer, 999),
            bounded(TITLE, "Название", ColumnType::Text, 300),
        ],
        MAX_IMPORT,
        &[REGION_CODE, NUMBER],
    )
}

/// A checked row of the municipalities' import.
pub fn municipality_of(row: &Row) -> MunicipalityInput {
    let cell = |key: &str| row.get(key).unwrap_or("").trim().to_owned();
    MunicipalityInput {
        region_code: cell(REGION_CODE),
        code: cell(NUMBER).parse().unwrap_or(0),
        name: cell(TITLE),
    }
}

/// Column keys of the import spreadsheet.
pub const LOGIN: &str = "login";
pub const NAME: &str = "name";
pub const SHORT_NAME: &str = "short_name";
pub const MUNICIPALITY: &str = "municipality";
/// Most organisations one import creates.
pub const MAX_IMPORT: u32 = 5_000;

/// The import spreadsheet as a form: «Логин», «Полное наименование», «Краткое
/// наименование», «Номер муниципалитета» (cells checked by the forms engine).
pub fn import_form() -> FormDefinition {
    import_sheet(
        (
            "organisations",
            "Организации",
            "Одна строка — одна организация; логин задает вид, регион и код",
        ),
        vec![
            bounded(LOGIN, "Логин", ColumnType::Text, 20),
            bounded(NAME, "Полное наименование", ColumnType::Text, 500),
            bounded(SHORT_NAME, "Краткое наименование", ColumnType::Text, 200),
            bounded(
                MUNICIPALITY,
                "Номер муниципалитета",
                ColumnType::Integer,
                999,
            ),
        ],
        MAX_IMPORT,
        &[LOGIN],
    )
}

/// A checked import row as an organisation.
pub fn organisation_of(row: &Row) -> OrganisationInput {
    let cell = |key: &str| row.get(key).unwrap_or("").trim().to_owned();
    OrganisationInput {
        login: cell(LOGIN).to_lowercase(),
        name: cell(NAME),
        short_name: cell(SHORT_NAME),
        municipality: cell(MUNICIPALITY).parse().unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::check::check_definition;

    #[test]
    fn the_import_form_is_valid_and_logins_tell_kind_region_and_code() {
        assert!(check_definition(&import_form()).is_empty());
        assert!(check_definition(&municipality_import_form()).is_empty());
        assert!(check_definition(&region_import_form()).is_empty());
        let input = OrganisationInput {
            login: "spo240123".into(),
            name: "Колледж".into(),
            short_name: "К".into(),
            municipality: 3,
        };
        let parsed = input.parsed_login().unwrap();
        assert_eq!(
            (parsed.prefix, parsed.region.get(), parsed.code),
            (OrgPrefix::Spo, 24, 123)
        );
        let bad = OrganisationInput {
            login: "mun24001".into(),
            ..input
        };
        assert_eq!(bad.problems()[0].field.as_deref(), Some("login"));
    }
}
