//! Lists shared between forms («Общие списки»): the subjects list defined once
//! by the operator and named by a list column of any form (`"list":
//! "subjects"`). A form takes the shared list's values when it is saved
//! ([`FormDefinition::resolve_lists`](super::FormDefinition::resolve_lists)), so
//! its stored versions stay self-contained; a changed shared list reaches the
//! forms' next versions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::FieldError;

/// Every shared list by name.
pub type SharedLists = std::collections::BTreeMap<String, Vec<String>>;

/// The most characters a list's name has.
pub const MAX_NAME_CHARS: usize = 100;

/// One shared list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "name": "subjects", "values": ["Русский язык", "Математика", "История"],
    "updated_at": "2026-09-01T08:00:00Z"
})))]
pub struct SharedList {
    /// What a list column names (`"list": "subjects"`).
    pub name: String,
    /// The values, in drop-down order.
    pub values: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

/// Every shared list, by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{
    "name": "subjects", "values": ["Русский язык", "Математика", "История"],
    "updated_at": "2026-09-01T08:00:00Z"
}]})))]
pub struct SharedListPage {
    pub items: Vec<SharedList>,
}

/// `PUT /api/lists/{name}`: the list's values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "values": ["Русский язык", "Математика", "История"]
})))]
pub struct SharedListInput {
    pub values: Vec<String>,
}

/// What is wrong with a shared list `name` of `values`, each at its field.
pub fn check_shared_list(name: &str, values: &[String]) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let length = name.chars().count();
    if name.trim() != name || length == 0 || length > MAX_NAME_CHARS {
        problems.push(FieldError::about_field(
            "name",
            "invalid_name",
            &format!("Название списка — от 1 до {MAX_NAME_CHARS} символов, без пробелов по краям"),
        ));
    }
    if let Some(problem) = super::check::list_values_problem(values) {
        problems.push(FieldError::about_field("values", "invalid_values", problem));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{ColumnDef, ColumnType, demo};

    #[test]
    fn a_form_takes_the_shared_lists_current_values_when_saved() {
        let mut form = demo::vpr_classes();
        let mut subjects = ColumnDef::new("subjects", "Предметы", ColumnType::List);
        subjects.list = Some("subjects".into());
        subjects.values = vec!["старое".into()];
        form.sheets[0].columns.push(subjects);
        // The form's own list of that name gives way to the shared one.
        form.lists.insert("subjects".into(), vec!["старое".into()]);
        let shared = SharedLists::from([(
            "subjects".to_owned(),
            vec!["Математика".to_owned(), "История".to_owned()],
        )]);
        form.resolve_lists(&shared);
        assert_eq!(form.lists["subjects"], ["Математика", "История"]);
        let column = form.sheets[0].column("subjects").unwrap();
        assert_eq!(column.values, ["Математика", "История"]);
        assert!(crate::forms::check::check_definition(&form).is_empty());
    }

    #[test]
    fn a_shared_list_has_a_name_and_distinct_values() {
        let fields = |name: &str, values: &[&str]| -> Vec<String> {
            let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            check_shared_list(name, &values)
                .into_iter()
                .filter_map(|e| e.field)
                .collect()
        };
        assert!(fields("subjects", &["Математика", "История"]).is_empty());
        assert_eq!(fields(" subjects", &["Математика"]), ["name"]);
        assert_eq!(
            fields("subjects", &["Математика", "математика"]),
            ["values"]
        );
        assert_eq!(fields("subjects", &[]), ["values"]);
    }
}
