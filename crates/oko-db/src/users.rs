//! Finding, creating and changing user accounts.

use chrono::{DateTime, Utc};
use oko_domain::role::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::{
    analytics::units::Unit,
    audit::{Place, place_of_user},
    entities::{municipality, organisation, region, user, user_change},
    reach::Reach,
    refresh_tokens,
    roster::Roster,
};

/// Looks a user up by login, exactly (logins are case-sensitive); in a
/// transaction that changes the account, on that transaction.
#[tracing::instrument(skip(db))]
pub async fn find_by_login(
    db: &impl sea_orm::ConnectionTrait,
    login: &str,
) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find()
        .filter(user::Column::Login.eq(login))
        .one(db)
        .await
}

/// Looks a user up by id.
pub async fn find_by_id(db: &DatabaseConnection, id: Uuid) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// Where in the tree a new account belongs.
#[derive(Clone, Debug)]
pub enum Placement {
    /// Operator: nowhere in particular.
    Country,
    /// Regional coordinator of the region with this code.
    Region(String),
    /// Municipal coordinator of the municipality `code` in region `region`.
    Municipality { region: String, code: i32 },
    /// The organisation with this login.
    Organisation(String),
}

/// Why an account could not be created.
#[derive(Debug)]
pub enum CreateUserError {
    /// The login is taken.
    LoginTaken,
    /// The region, municipality or organisation does not exist.
    PlacementNotFound,
    /// The database failed.
    Db(DbErr),
}

impl From<DbErr> for CreateUserError {
    fn from(err: DbErr) -> Self {
        CreateUserError::Db(err)
    }
}

/// Creates an account with an already hashed password.
pub async fn create(
    db: &DatabaseConnection,
    login: &str,
    password_hash: &str,
    placement: Placement,
) -> Result<user::Model, CreateUserError> {
    if find_by_login(db, login).await?.is_some() {
        return Err(CreateUserError::LoginTaken);
    }
    let (role, display_name, region_id, municipality_id, organisation_id) =
        resolve_placement(db, placement).await?;
    let model = user::ActiveModel {
        id: Set(Uuid::new_v4()),
        login: Set(login.to_owned()),
        password_hash: Set(password_hash.to_owned()),
        role: Set(role.as_str().to_owned()),
        display_name: Set(display_name),
        region_id: Set(region_id),
        municipality_id: Set(municipality_id),
        organisation_id: Set(organisation_id),
        blocked: Set(false),
        created_at: Set(Utc::now()),
        sessions_since: Set(None),
    };
    Ok(model.insert(db).await?)
}

type Resolved = (Role, String, Option<Uuid>, Option<Uuid>, Option<Uuid>);

async fn resolve_placement(
    db: &DatabaseConnection,
    placement: Placement,
) -> Result<Resolved, CreateUserError> {
    let not_found = || CreateUserError::PlacementNotFound;
    Ok(match placement {
        Placement::Country => (
            Role::Operator,
            "Федеральный оператор".to_owned(),
            None,
            None,
            None,
        ),
        Placement::Region(code) => {
            let region = find_region_by_code(db, &code)
                .await?
                .ok_or_else(not_found)?;
            (
                Role::RegionCoordinator,
                region.name,
                Some(region.id),
                None,
                None,
            )
        }
        Placement::Municipality { region, code } => {
            let region = find_region_by_code(db, &region)
                .await?
                .ok_or_else(not_found)?;
            let municipality = municipality::Entity::find()
                .filter(municipality::Column::RegionId.eq(region.id))
                .filter(municipality::Column::Code.eq(code))
                .one(db)
                .await?
                .ok_or_else(not_found)?;
            (
                Role::MunicipalCoordinator,
                municipality.name,
                Some(region.id),
                Some(municipality.id),
                None,
            )
        }
        Placement::Organisation(login) => {
            let org = organisation::Entity::find()
                .filter(organisation::Column::Login.eq(login))
                .one(db)
                .await?
                .ok_or_else(not_found)?;
            (
                Role::Organisation,
                org.short_name,
                Some(org.region_id),
                Some(org.municipality_id),
                Some(org.id),
            )
        }
    })
}

async fn find_region_by_code(
    db: &DatabaseConnection,
    code: &str,
) -> Result<Option<region::Model>, DbErr> {
    region::Entity::find()
        .filter(region::Column::Code.eq(code))
        .one(db)
        .await
}

/// Who set a new password, which decides what else it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewPassword {
    /// The user changed it: every session ends (the caller gets a new one), the
    /// user's own API tokens stay.
    Own,
    /// A coordinator, the operator or `oko user set-password` issued it: the old
    /// password may have leaked, so the account's API tokens are revoked too.
    Reset,
}

/// Replaces a user's password hash and ends what the old password reached:
/// refresh tokens are revoked, access tokens issued before now are refused
/// (`sessions_since`, dropped from every instance's user cache through
/// `user_changes`), and on a reset the API tokens are revoked. Returns the new
/// `sessions_since` (a new session signed at it or later lives), or `None` for an
/// unknown login.
pub async fn set_password_hash(
    db: &DatabaseConnection,
    known: &crate::known_users::UserCache,
    login: &str,
    password_hash: &str,
    kind: NewPassword,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    let now = Utc::now();
    let since = now;
    let txn = crate::connection::begin_write(db).await?;
    let Some(found) = find_by_login(&txn, login).await? else {
        return Ok(None);
    };
    let user_id = found.id;
    let mut active: user::ActiveModel = found.into();
    active.password_hash = Set(password_hash.to_owned());
    active.sessions_since = Set(Some(since));
    active.update(&txn).await?;
    note_change(&txn, user_id, now).await?;
    refresh_tokens::revoke_all_for_user(&txn, user_id).await?;
    if kind == NewPassword::Reset {
        crate::api_tokens::revoke_all_for_user(&txn, user_id, now).await?;
    }
    txn.commit().await?;
    known.forget(user_id);
    Ok(Some(since))
}

/// Records that `user_id`'s access changed, so every instance's user cache drops
/// the user at its next poll.
async fn note_change(
    db: &impl sea_orm::ConnectionTrait,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    user_change::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user_id),
        changed_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Accounts whose access changed at or after `since`, with when: what instances
/// drop from their user caches.
pub async fn changed_since(
    db: &DatabaseConnection,
    since: DateTime<Utc>,
) -> Result<Vec<(Uuid, DateTime<Utc>)>, DbErr> {
    user_change::Entity::find()
        .select_only()
        .columns([user_change::Column::UserId, user_change::Column::ChangedAt])
        .filter(user_change::Column::ChangedAt.gte(since))
        .into_tuple()
        .all(db)
        .await
}

/// Blocks or unblocks an account; blocking also revokes its refresh tokens. The
/// change is logged in `user_changes`, so every instance's user cache drops it.
pub async fn set_blocked(
    db: &DatabaseConnection,
    known: &crate::known_users::UserCache,
    login: &str,
    blocked: bool,
) -> Result<bool, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let Some(found) = find_by_login(&txn, login).await? else {
        return Ok(false);
    };
    let user_id = found.id;
    let mut active: user::ActiveModel = found.into();
    active.blocked = Set(blocked);
    active.update(&txn).await?;
    note_change(&txn, user_id, Utc::now()).await?;
    if blocked {
        refresh_tokens::revoke_all_for_user(&txn, user_id).await?;
    }
    txn.commit().await?;
    known.forget(user_id);
    Ok(true)
}

/// Whether the owner of `reach` may issue passwords to and block an account of
/// `role` placed at `place`: a region's coordinator its municipalities'
/// coordinators and organisations, a municipal coordinator its organisations, the
/// operator anyone but operators.
pub fn is_subordinate(reach: &Reach, role: Role, place: &Place) -> bool {
    match reach {
        Reach::Everything => role != Role::Operator,
        Reach::Region(region) => {
            matches!(role, Role::MunicipalCoordinator | Role::Organisation)
                && place.region == Some(*region)
        }
        Reach::Municipality { id, .. } => {
            role == Role::Organisation && place.municipality == Some(*id)
        }
        Reach::Organisation { .. } => false,
    }
}

/// Whether the owner of `reach` may manage `account`, placed at `place` (an
/// account whose stored role does not read is no one's to manage).
pub fn is_subordinate_account(reach: &Reach, account: &user::Model, place: &Place) -> bool {
    Role::parse(&account.role).is_some_and(|role| is_subordinate(reach, role, place))
}

/// The unblocked accounts under `unit` that the owner of `reach` may issue
/// passwords to, by login.
pub async fn subordinates(
    db: &DatabaseConnection,
    roster: &Roster,
    unit: Unit,
    reach: &Reach,
) -> Result<Vec<user::Model>, DbErr> {
    let within = |place: &Place| match unit {
        Unit::Country => true,
        Unit::Region(id) => place.region == Some(id),
        Unit::Municipality(id) => place.municipality == Some(id),
        Unit::Organisation(id) => place.organisation == Some(id),
    };
    Ok(user::Entity::find()
        .filter(user::Column::Blocked.eq(false))
        .order_by_asc(user::Column::Login)
        .all(db)
        .await?
        .into_iter()
        .filter(|u| {
            let place = place_of_user(u, roster);
            is_subordinate_account(reach, u, &place) && within(&place)
        })
        .collect())
}
