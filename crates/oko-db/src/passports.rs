//! «Паспорт» in the database: the registry row (names) and the profile (address,
//! head, contacts) read together; a change writes both and one history row per
//! changed field in one transaction.

use chrono::{DateTime, Utc};
use oko_domain::passport::{PassportChangeEntry, PassportField};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entities::{organisation, organisation_profile, passport_change};

/// Every passport field's current value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    /// In [`PassportField::ALL`]'s order.
    texts: [String; 7],
    pub updated_at: Option<DateTime<Utc>>,
}

impl Values {
    pub fn get(&self, field: PassportField) -> &str {
        &self.texts[field as usize]
    }

    /// The value of `field`, taken out.
    pub fn take(&mut self, field: PassportField) -> String {
        std::mem::take(&mut self.texts[field as usize])
    }

    fn set(&mut self, field: PassportField, value: String) {
        self.texts[field as usize] = value;
    }
}

/// The organisation's passport values.
pub async fn values(
    db: &impl sea_orm::ConnectionTrait,
    organisation: &organisation::Model,
) -> Result<Values, DbErr> {
    let profile = organisation_profile::Entity::find_by_id(organisation.id)
        .one(db)
        .await?;
    let (address, head, contact_person, phone, email) = profile
        .as_ref()
        .map(|p| {
            (
                p.address.clone(),
                p.head.clone(),
                p.contact_person.clone(),
                p.phone.clone(),
                p.email.clone(),
            )
        })
        .unwrap_or_default();
    Ok(Values {
        texts: [
            organisation.name.clone(),
            organisation.short_name.clone(),
            address,
            head,
            contact_person,
            phone,
            email,
        ],
        updated_at: profile.map(|p| p.updated_at),
    })
}

/// Whom to call at an organisation: its contact person, phone and e-mail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contacts {
    pub person: String,
    pub phone: String,
    pub email: String,
}

/// The contacts of `organisations` (those without a profile have none), read
/// a thousand at a time.
pub async fn contacts_of(
    db: &impl sea_orm::ConnectionTrait,
    organisations: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Contacts>, DbErr> {
    let mut found = std::collections::HashMap::new();
    for chunk in organisations.chunks(1_000) {
        let rows: Vec<(Uuid, String, String, String)> = organisation_profile::Entity::find()
            .select_only()
            .columns([
                organisation_profile::Column::OrganisationId,
                organisation_profile::Column::ContactPerson,
                organisation_profile::Column::Phone,
                organisation_profile::Column::Email,
            ])
            .filter(organisation_profile::Column::OrganisationId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows.into_iter().map(|(id, person, phone, email)| {
            (
                id,
                Contacts {
                    person,
                    phone,
                    email,
                },
            )
        }));
    }
    Ok(found)
}

/// Applies `changes` by `login`; returns the fields that actually changed. A
/// change of what the roster holds (names) shows in this instance's `roster` at once.
pub async fn change(
    db: &DatabaseConnection,
    roster: &crate::roster::RosterCache,
    organisation: &organisation::Model,
    changes: &[(PassportField, String)],
    login: &str,
    now: DateTime<Utc>,
) -> Result<Vec<PassportField>, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let mut current = values(&txn, organisation).await?;
    let had_profile = current.updated_at.is_some();
    let mut changed = Vec::new();
    for (field, value) in changes {
        let old = current.get(*field).to_owned();
        if old == *value {
            continue;
        }
        passport_change::ActiveModel {
            id: Set(Uuid::new_v4()),
            organisation_id: Set(organisation.id),
            at: Set(now),
            changed_by: Set(login.to_owned()),
            field: Set(field.as_str().to_owned()),
            old_value: Set(old),
            new_value: Set(value.clone()),
        }
        .insert(&txn)
        .await?;
        current.set(*field, value.clone());
        changed.push(*field);
    }
    if changed.is_empty() {
        txn.rollback().await?;
        return Ok(changed);
    }
    if changed
        .iter()
        .any(|f| matches!(f, PassportField::Name | PassportField::ShortName))
    {
        let mut row: organisation::ActiveModel = organisation.clone().into();
        row.search_text = Set(oko_domain::org::search_text(
            &organisation.login,
            current.get(PassportField::ShortName),
            current.get(PassportField::Name),
        ));
        row.name = Set(current.get(PassportField::Name).to_owned());
        row.short_name = Set(current.get(PassportField::ShortName).to_owned());
        row.update(&txn).await?;
    }
    let profile = organisation_profile::ActiveModel {
        organisation_id: Set(organisation.id),
        address: Set(current.take(PassportField::Address)),
        head: Set(current.take(PassportField::Head)),
        contact_person: Set(current.take(PassportField::ContactPerson)),
        phone: Set(current.take(PassportField::Phone)),
        email: Set(current.take(PassportField::Email)),
        updated_at: Set(now),
    };
    if had_profile {
        profile.update(&txn).await?;
    } else {
        profile.insert(&txn).await?;
    }
    txn.commit().await?;
    if changed.iter().any(|f| !f.is_contact()) {
        roster.invalidate();
    }
    Ok(changed)
}

/// The passport's history, newest first (at most `limit` changes).
pub async fn history(
    db: &DatabaseConnection,
    organisation_id: Uuid,
    limit: u64,
) -> Result<Vec<PassportChangeEntry>, DbErr> {
    Ok(passport_change::Entity::find()
        .filter(passport_change::Column::OrganisationId.eq(organisation_id))
        .order_by_desc(passport_change::Column::At)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|row| {
            let field = PassportField::parse(&row.field)?;
            Some(PassportChangeEntry {
                at: row.at,
                by: row.changed_by,
                field,
                field_title: field.title_ru().to_owned(),
                old_value: row.old_value,
                new_value: row.new_value,
            })
        })
        .collect())
}
