//! The authenticated user as every request sees it: role and scope from the database.

use oko_domain::{
    api::{Me, MunicipalityRef, RegionRef},
    role::Role,
    scope::Scope,
};
use sea_orm::{DatabaseConnection, DbErr, EntityTrait};
use uuid::Uuid;

use crate::{
    entities::{municipality, region, user},
    users,
};

/// A live, unblocked user and the part of the tree they may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The user's id.
    pub user_id: Uuid,
    /// The user's login.
    pub login: String,
    /// The user's role.
    pub role: Role,
    /// What the user may see.
    pub scope: Scope,
}

/// Loads the principal for a token's subject; `None` when the user is gone, blocked or
/// the stored row is inconsistent (a coordinator without a territory sees nothing).
#[tracing::instrument(skip(db))]
pub async fn load(db: &DatabaseConnection, user_id: Uuid) -> Result<Option<Principal>, DbErr> {
    Ok(load_with_user(db, user_id)
        .await?
        .map(|(principal, _)| principal))
}

/// Like [`load`], with the user's row (for [`describe`]).
pub async fn load_with_user(
    db: &DatabaseConnection,
    user_id: Uuid,
) -> Result<Option<(Principal, user::Model)>, DbErr> {
    Ok(users::find_by_id(db, user_id)
        .await?
        .filter(|user| !user.blocked)
        .and_then(|user| principal_of(&user).map(|principal| (principal, user))))
}

/// The principal of a stored user row.
pub fn principal_of(user: &user::Model) -> Option<Principal> {
    let role = Role::parse(&user.role)?;
    let scope = match role {
        Role::Operator => Scope::All,
        Role::RegionCoordinator => Scope::Region(user.region_id?),
        Role::MunicipalCoordinator => Scope::Municipality(user.municipality_id?),
        Role::Organisation => Scope::Organisation(user.organisation_id?),
    };
    Some(Principal {
        user_id: user.id,
        login: user.login.clone(),
        role,
        scope,
    })
}

/// The `GET /api/me` view of a user.
pub async fn describe(
    db: &DatabaseConnection,
    principal: &Principal,
    user: user::Model,
) -> Result<Me, DbErr> {
    let region = match user.region_id {
        Some(id) => region::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|r| RegionRef {
                code: r.code,
                name: r.name,
            }),
        None => None,
    };
    let municipality = match user.municipality_id {
        Some(id) => municipality::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|m| MunicipalityRef {
                id: m.id,
                name: m.name,
            }),
        None => None,
    };
    Ok(Me {
        id: user.id,
        login: user.login,
        role: principal.role,
        role_title: principal.role.title_ru().to_owned(),
        display_name: user.display_name,
        region,
        municipality,
        organisation_id: user.organisation_id,
    })
}
