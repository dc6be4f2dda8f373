//! «Паспорт» of an organisation: what the registry says (names, address, head —
//! kept by the operator) and whom to call (contact person, phone, e-mail — kept by
//! the organisation itself). Every change is kept in the history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::api::{FieldError, OrgSummary};

/// A field of the passport someone may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PassportField {
    Name,
    ShortName,
    Address,
    Head,
    ContactPerson,
    Phone,
    Email,
}

impl PassportField {
    pub const ALL: [PassportField; 7] = [
        PassportField::Name,
        PassportField::ShortName,
        PassportField::Address,
        PassportField::Head,
        PassportField::ContactPerson,
        PassportField::Phone,
        PassportField::Email,
    ];

    fn about(self) -> &'static About {
        &ABOUT[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.about().key
    }

    pub fn parse(text: &str) -> Option<PassportField> {
        PassportField::ALL.into_iter().find(|f| f.as_str() == text)
    }

    pub fn title_ru(self) -> &'static str {
        self.about().title
    }

    /// Contacts: the organisation keeps them itself; the rest is the operator's.
    pub fn is_contact(self) -> bool {
        self.about().contact
    }

    /// Most characters.
    pub fn max_chars(self) -> usize {
        self.about().max_chars
    }
}

/// What a field is: its key, its Russian title, who keeps it, how long it may be.
struct About {
    key: &'static str,
    title: &'static str,
    contact: bool,
    max_chars: usize,
}

/// The passport's one table: each field as [`PassportField::ALL`] orders them
/// (the enum's order, which `as usize` indexes). Every struct holding the
/// fields lists them in this order once (`slots`), so no code elsewhere matches
/// on the field.
const ABOUT: [About; 7] = [
    About {
        key: "name",
        title: "Полное наименование",
        contact: false,
        max_chars: 500,
    },
    About {
        key: "short_name",
        title: "Краткое наименование",
        contact: false,
        max_chars: 200,
    },
    About {
        key: "address",
        title: "Адрес",
        contact: false,
        max_chars: 500,
    },
    About {
        key: "head",
        title: "Руководитель",
        contact: false,
        max_chars: 200,
    },
    About {
        key: "contact_person",
        title: "Контактное лицо",
        contact: true,
        max_chars: 200,
    },
    About {
        key: "phone",
        title: "Телефон",
        contact: true,
        max_chars: 200,
    },
    About {
        key: "email",
        title: "Электронная почта",
        contact: true,
        max_chars: 200,
    },
];

/// The passport as shown.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "organisation": {"id": "5f0e8c1a-2b3d-4e5f-8a9b-0c1d2e3f4a5b", "login": "sch240001",
        "name": "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 1»",
        "short_name": "МБОУ Гимназия № 1", "kind": "school", "code": "0001",
        "region": {"id": "0b5c6d7e-8f90-4a1b-9c2d-3e4f5a6b7c8d", "code": "24", "name": "Красноярский край"},
        "municipality": {"id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "code": 1, "name": "г. Красноярск"}},
    "address": "660000, г. Красноярск, ул. Ленина, 1", "head": "Иванова Мария Петровна",
    "contact_person": "Петров Олег Иванович", "phone": "+7 391 200-00-01", "email": "school1@example.ru",
    "updated_at": "2026-03-02T09:15:00Z", "editable": ["contact_person", "phone", "email"]
})))]
pub struct Passport {
    /// Names, code, kind, region and municipality.
    pub organisation: OrgSummary,
    pub address: String,
    pub head: String,
    pub contact_person: String,
    pub phone: String,
    pub email: String,
    /// The last change, if any.
    pub updated_at: Option<DateTime<Utc>>,
    /// What the caller may change.
    pub editable: Vec<PassportField>,
}

impl Passport {
    /// The value of `field` as shown.
    pub fn value(&self, field: PassportField) -> &str {
        [
            &self.organisation.name,
            &self.organisation.short_name,
            &self.address,
            &self.head,
            &self.contact_person,
            &self.phone,
            &self.email,
        ][field as usize]
    }
}

/// `PUT /api/orgs/{login}/passport`: the fields to change (absent: unchanged).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"phone": "+7 391 200-00-02", "email": "school1@example.ru"})))]
pub struct PassportChange {
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub address: Option<String>,
    pub head: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl PassportChange {
    /// Each field's value, in [`PassportField::ALL`]'s order.
    fn slots(&mut self) -> [&mut Option<String>; 7] {
        [
            &mut self.name,
            &mut self.short_name,
            &mut self.address,
            &mut self.head,
            &mut self.contact_person,
            &mut self.phone,
            &mut self.email,
        ]
    }

    /// The change's value of `field`.
    pub fn slot(&mut self, field: PassportField) -> &mut Option<String> {
        self.slots()
            .into_iter()
            .nth(field as usize)
            .expect("a slot for every field")
    }

    /// The fields given, trimmed.
    pub fn fields(&self) -> Vec<(PassportField, String)> {
        // A copy of seven short texts, for one list of the fields' places.
        let mut all = self.clone();
        PassportField::ALL
            .into_iter()
            .zip(all.slots())
            .filter_map(|(field, value)| value.as_ref().map(|v| (field, v.trim().to_owned())))
            .collect()
    }

    /// What is wrong with the values (who may change what is the server's).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut problems = Vec::new();
        for (field, value) in self.fields() {
            let mut refuse = |code: &str, message: String| {
                problems.push(FieldError::about_field(field.as_str(), code, &message));
            };
            if value.chars().count() > field.max_chars() {
                refuse(
                    "too_long",
                    format!(
                        "{}: не длиннее {} символов",
                        field.title_ru(),
                        field.max_chars()
                    ),
                );
            }
            let required = matches!(field, PassportField::Name | PassportField::ShortName);
            if required && value.is_empty() {
                refuse("required", format!("{}: обязательно", field.title_ru()));
            }
            if field == PassportField::Email && !value.is_empty() && !looks_like_email(&value) {
                refuse(
                    "invalid_email",
                    "Электронная почта: ожидается адрес вида name@example.ru".to_owned(),
                );
            }
            if field == PassportField::Phone && !value.is_empty() && !looks_like_phone(&value) {
                refuse(
                    "invalid_phone",
                    "Телефон: ожидается от 6 до 15 цифр, например +7 391 200-00-01".to_owned(),
                );
            }
        }
        problems
    }
}

/// An address a mail server would take: one `@`, a local part of letters, digits
/// and the signs RFC 5322 allows unquoted (no leading, trailing or doubled dot), a domain of
/// letters (Cyrillic too: `школа.рф`), digits and inner hyphens in dot-separated
/// labels, a top-level label of at least two letters, 254 characters at most.
fn looks_like_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic));
    value.chars().count() <= 254 && local_ok && domain_ok
}

fn looks_like_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits)
        && value
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()".contains(c))
}

/// One change in the history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PassportChangeEntry {
    pub at: DateTime<Utc>,
    /// Who changed it.
    pub by: String,
    pub field: PassportField,
    pub field_title: String,
    pub old_value: String,
    pub new_value: String,
}

/// The history, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{"at": "2026-03-02T09:15:00Z", "by": "sch240001",
    "field": "phone", "field_title": "Телефон", "old_value": "+7 391 200-00-01", "new_value": "+7 391 200-00-02"}]})))]
pub struct PassportHistory {
    pub items: Vec<PassportChangeEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_contacts_are_named_and_good_ones_pass() {
        let change = PassportChange {
            phone: Some("звоните".into()),
            email: Some("school1-at-example.ru".into()),
            short_name: Some("  ".into()),
            ..PassportChange::default()
        };
        let codes: Vec<_> = change
            .problems()
            .into_iter()
            .map(|p| (p.field.unwrap(), p.code))
            .collect();
        assert!(codes.contains(&("phone".into(), "invalid_phone".into())));
        assert!(codes.contains(&("email".into(), "invalid_email".into())));
        assert!(codes.contains(&("short_name".into(), "required".into())));
        let good = PassportChange {
            phone: Some("+7 (391) 200-00-01".into()),
            email: Some("school1@example.ru".into()),
            ..PassportChange::default()
        };
        assert!(good.problems().is_empty());
        assert_eq!(good.fields().len(), 2);
    }
}

#[cfg(test)]
mod email_tests {
    use super::looks_like_email;

    #[test]
    fn email_addresses_are_checked() {
        for good in [
            "school1@example.ru",
            "i.ivanova+oko@mail.ru",
            "директор@школа.рф",
            "a@b.co",
        ] {
            assert!(looks_like_email(good), "{good}");
        }
        for bad in [
            "a@b@c.ru",
            "<script>@x.ru",
            "a@b..ru",
            "a@.ru",
            "a@ru",
            ".a@b.ru",
            "a..b@c.ru",
            "a b@c.ru",
            "a@b.r1",
            "a@-b.ru",
            "a@b.ru\u{0}",
        ] {
            assert!(!looks_like_email(bad), "{bad}");
        }
    }
}
