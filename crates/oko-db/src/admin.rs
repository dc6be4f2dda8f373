//! The operator's administration in the database: new regions, municipalities and
//! organisations with their accounts (all of a file in one transaction), and
//! closing an organisation (out of counts and lists, its accounts blocked).

use chrono::{DateTime, Utc};
use oko_domain::{admin::OrganisationInput, api::FieldError, role::Role};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter,
};
use uuid::Uuid;

use crate::{
    entities::{municipality, organisation, region, user, user_change},
    refresh_tokens,
    roster::RosterCache,
};

pub async fn create_region(
    db: &DatabaseConnection,
    code: &str,
    name: &str,
) -> Result<Option<region::Model>, DbErr> {
    if region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(None);
    }
    Ok(Some(
        region::ActiveModel {
            id: Set(Uuid::new_v4()),
            code: Set(code.to_owned()),
            name: Set(name.trim().to_owned()),
        }
        .insert(db)
        .await?,
    ))
}

/// Why a municipality could not be created.
pub enum MunicipalityRefusal {
    NoRegion,
    Taken,
}

/// Creates a municipality (this instance's `roster` shows it at once).
pub async fn create_municipality(
    db: &DatabaseConnection,
    roster: &RosterCache,
    region_code: &str,
    code: u16,
    name: &str,
) -> Result<Result<municipality::Model, MunicipalityRefusal>, DbErr> {
    let Some(region) = region::Entity::find()
        .filter(region::Column::Code.eq(region_code))
        .one(db)
        .await?
    else {
        return Ok(Err(MunicipalityRefusal::NoRegion));
    };
    let taken = municipality::Entity::find()
        .filter(municipality::Column::RegionId.eq(region.id))
        .filter(municipality::Column::Code.eq(i32::from(code)))
        .one(db)
        .await?
        .is_some();
    if taken {
        return Ok(Err(MunicipalityRefusal::Taken));
    }
    let created = municipality::ActiveModel {
        id: Set(Uuid::new_v4()),
        region_id: Set(region.id),
        code: Set(i32::from(code)),
        name: Set(name.trim().to_owned()),
    }
    .insert(db)
    .await?;
    roster.invalidate();
    Ok(Ok(created))
}

/// A new unblocked account.
fn account(
    login: &str,
    password_hash: &str,
    role: Role,
    display_name: &str,
    place: (Option<Uuid>, Option<Uuid>, Option<Uuid>),
    now: DateTime<Utc>,
) -> user::ActiveModel {
    let (region, municipality, organisation) = place;
    user::ActiveModel {
        id: Set(Uuid::new_v4()),
        login: Set(login.to_owned()),
        password_hash: Set(password_hash.to_owned()),
        role: Set(role.as_str().to_owned()),
        display_name: Set(display_name.trim().to_owned()),
        region_id: Set(region),
        municipality_id: Set(municipality),
        organisation_id: Set(organisation),
        blocked: Set(false),
        created_at: Set(now),
        sessions_since: Set(None),
    }
}

/// The regions and municipalities, to place new rows in.
struct Tree {
    regions: Vec<region::Model>,
    municipalities: Vec<municipality::Model>,
}

/// Why a row has no place in the tree.
enum Misplaced {
    Region(String),
    Municipality(String, u16),
}

impl Tree {
    async fn load(db: &impl sea_orm::ConnectionTrait) -> Result<Tree, DbErr> {
        Ok(Tree {
            regions: region::Entity::find().all(db).await?,
            municipalities: municipality::Entity::find().all(db).await?,
        })
    }

    fn region(&self, code: &str) -> Option<&region::Model> {
        self.regions.iter().find(|r| r.code == code)
    }

    /// The region and municipality of an organisation (region from its login).
    fn place(
        &self,
        input: &OrganisationInput,
    ) -> Result<(&region::Model, &municipality::Model), Misplaced> {
        let code = input
            .parsed_login()
            .map(|p| format!("{:02}", p.region.get()))
            .unwrap_or_default();
        let region = self.region(&code).ok_or(Misplaced::Region(code.clone()))?;
        let municipality = self
            .municipalities
            .iter()
            .find(|m| m.region_id == region.id && m.code == i32::from(input.municipality))
            .ok_or(Misplaced::Municipality(code, input.municipality))?;
        Ok((region, municipality))
    }
}

/// An organisation to create, with its account's password hash.
pub struct NewOrganisation<'a> {
    pub input: &'a OrganisationInput,
    pub password_hash: String,
}

/// Every problem the tree finds with the organisations (unknown region or
/// municipality, a login already taken), each at its row; nothing is written.
pub async fn check_organisations(
    db: &DatabaseConnection,
    organisations: &[(u32, &OrganisationInput)],
    sheet: Option<&str>,
) -> Result<Vec<FieldError>, DbErr> {
    let tree = Tree::load(db).await?;
    let logins: Vec<String> = organisations
        .iter()
        .map(|(_, o)| o.login.trim().to_lowercase())
        .collect();
    let taken: Vec<String> = user::Entity::find()
        .filter(user::Column::Login.is_in(logins.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.login)
        .chain(
            organisation::Entity::find()
                .filter(organisation::Column::Login.is_in(logins))
                .all(db)
                .await?
                .into_iter()
                .map(|o| o.login),
        )
        .collect();
    let mut problems = Vec::new();
    let mut refuse = |row: u32, column: &str, field: &str, code: &str, message: String| {
        problems.push(match sheet {
            Some(sheet) => FieldError::in_sheet(sheet, row, Some(column), code, &message),
            None => FieldError::about_field(field, code, &message),
        });
    };
    for (row, input) in organisations {
        if input.parsed_login().is_err() {
            continue;
        }
        let login = input.login.trim().to_lowercase();
        if taken.contains(&login) {
            refuse(
                *row,
                "Логин",
                "login",
                "login_taken",
                format!("Логин «{login}» уже занят"),
            );
        }
        match tree.place(input) {
            Ok(_) => {}
            Err(Misplaced::Region(code)) => refuse(
                *row,
                "Логин",
                "login",
                "unknown_region",
                format!("Нет региона с кодом {code}"),
            ),
            Err(Misplaced::Municipality(code, number)) => refuse(
                *row,
                "Номер муниципалитета",
                "municipality",
                "unknown_municipality",
                format!("В регионе {code} нет муниципалитета № {number}"),
            ),
        }
    }
    Ok(problems)
}

/// Creates the (checked) organisations and their accounts in one transaction
/// (this instance's `roster` shows them at once).
pub async fn create_organisations(
    db: &DatabaseConnection,
    roster: &RosterCache,
    organisations: &[NewOrganisation<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let tree = Tree::load(db).await?;
    let txn = crate::connection::begin_write(db).await?;
    for new in organisations {
        let input = new.input;
        let parsed = input.parsed_login().map_err(DbErr::Custom)?;
        let (region, municipality) = tree
            .place(input)
            .map_err(|_| DbErr::Custom(format!("{} has no place in the tree", input.login)))?;
        let login = input.login.trim().to_lowercase();
        let id = Uuid::new_v4();
        organisation::ActiveModel {
            id: Set(id),
            region_id: Set(region.id),
            municipality_id: Set(municipality.id),
            kind: Set(parsed.prefix.kind().as_str().to_owned()),
            code: Set(i32::from(parsed.code)),
            search_text: Set(oko_domain::org::search_text(
                &login,
                input.short_name.trim(),
                input.name.trim(),
            )),
            login: Set(login.clone()),
            name: Set(input.name.trim().to_owned()),
            short_name: Set(input.short_name.trim().to_owned()),
            closed_at: Set(None),
        }
        .insert(&txn)
        .await?;
        account(
            &login,
            &new.password_hash,
            Role::Organisation,
            &input.short_name,
            (Some(region.id), Some(municipality.id), Some(id)),
            now,
        )
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    roster.invalidate();
    Ok(())
}

/// Closes organisation `login`: out of counts and lists, its accounts blocked and
/// their sessions ended. `false` when there is no such open organisation.
pub async fn close_organisation(
    db: &DatabaseConnection,
    roster: &RosterCache,
    known: &crate::known_users::UserCache,
    login: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let Some(found) = organisation::Entity::find()
        .filter(organisation::Column::Login.eq(login))
        .filter(organisation::Column::ClosedAt.is_null())
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    let mut row: organisation::ActiveModel = found.clone().into();
    row.closed_at = Set(Some(now));
    row.update(&txn).await?;
    let accounts = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(found.id))
        .all(&txn)
        .await?;
    let blocked: Vec<Uuid> = accounts.iter().map(|a| a.id).collect();
    for account in accounts {
        let id = account.id;
        let mut active: user::ActiveModel = account.into();
        active.blocked = Set(true);
        active.update(&txn).await?;
        user_change::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(id),
            changed_at: Set(now),
        }
        .insert(&txn)
        .await?;
        refresh_tokens::revoke_all_for_user(&txn, id).await?;
    }
    txn.commit().await?;
    roster.invalidate();
    for user_id in blocked {
        known.forget(user_id);
    }
    Ok(true)
}

/// A municipality of an import with its coordinator's login and password hash.
pub struct NewMunicipality<'a> {
    pub row: u32,
    pub region_code: &'a str,
    pub code: u16,
    pub name: &'a str,
    pub login: String,
    pub password_hash: String,
}

/// Every problem the tree finds with the municipalities (unknown region, a number
/// taken in its region, a coordinator login taken), each at its row.
pub async fn check_municipalities(
    db: &DatabaseConnection,
    rows: &[NewMunicipality<'_>],
    sheet: &str,
) -> Result<Vec<FieldError>, DbErr> {
    let tree = Tree::load(db).await?;
    let logins: Vec<String> = rows.iter().map(|m| m.login.clone()).collect();
    let taken: Vec<String> = user::Entity::find()
        .filter(user::Column::Login.is_in(logins))
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.login)
        .collect();
    let mut problems = Vec::new();
    for m in rows {
        match tree.region(m.region_code) {
            None => problems.push(FieldError::in_sheet(
                sheet,
                m.row,
                Some("Код региона"),
                "unknown_region",
                &format!("Нет региона с кодом {}", m.region_code),
            )),
            Some(region) => {
                let exists = tree
                    .municipalities
                    .iter()
                    .any(|x| x.region_id == region.id && x.code == i32::from(m.code));
                if exists || taken.contains(&m.login) {
                    problems.push(FieldError::in_sheet(
                        sheet,
                        m.row,
                        Some("Номер"),
                        "taken",
                        &format!(
                            "В регионе {} уже есть муниципалитет № {}",
                            m.region_code, m.code
                        ),
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// Creates the (checked) municipalities and their coordinators in one
/// transaction (this instance's `roster` shows them at once).
pub async fn create_municipalities(
    db: &DatabaseConnection,
    roster: &RosterCache,
    rows: &[NewMunicipality<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let regions = region::Entity::find().all(db).await?;
    let txn = crate::connection::begin_write(db).await?;
    for m in rows {
        let region = regions
            .iter()
            .find(|r| r.code == m.region_code)
            .ok_or_else(|| DbErr::Custom(format!("region {}", m.region_code)))?;
        let id = Uuid::new_v4();
        municipality::ActiveModel {
            id: Set(id),
            region_id: Set(region.id),
            code: Set(i32::from(m.code)),
            name: Set(m.name.trim().to_owned()),
        }
        .insert(&txn)
        .await?;
        account(
            &m.login,
            &m.password_hash,
            Role::MunicipalCoordinator,
            m.name,
            (Some(region.id), Some(id), None),
            now,
        )
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    roster.invalidate();
    Ok(())
}

/// A region of an import with its coordinator's login and password hash.
pub struct NewRegion<'a> {
    pub row: u32,
    pub code: &'a str,
    pub name: &'a str,
    pub login: String,
    pub password_hash: String,
}

/// Regions of the file whose code exists already, each at its row.
pub async fn check_regions(
    db: &DatabaseConnection,
    rows: &[NewRegion<'_>],
    sheet: &str,
) -> Result<Vec<FieldError>, DbErr> {
    let existing = region::Entity::find().all(db).await?;
    Ok(rows
        .iter()
        .filter(|r| existing.iter().any(|e| e.code == r.code))
        .map(|r| {
            FieldError::in_sheet(
                sheet,
                r.row,
                Some("Код региона"),
                "taken",
                &format!("Регион с кодом {} уже есть", r.code),
            )
        })
        .collect())
}

/// Creates the (checked) regions and their coordinators in one transaction.
pub async fn create_regions(
    db: &DatabaseConnection,
    rows: &[NewRegion<'_>],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    for r in rows {
        let id = Uuid::new_v4();
        region::ActiveModel {
            id: Set(id),
            code: Set(r.code.to_owned()),
            name: Set(r.name.trim().to_owned()),
        }
        .insert(&txn)
        .await?;
        account(
            &r.login,
            &r.password_hash,
            Role::RegionCoordinator,
            r.name,
            (Some(id), None, None),
            now,
        )
        .insert(&txn)
        .await?;
    }
    txn.commit().await
}
