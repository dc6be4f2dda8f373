//! The operator's administration: regions, municipalities, organisations with
//! their accounts (one by one or from a spreadsheet — all or nothing, every
//! problem at its row and column), and closing organisations that no longer exist.

pub mod municipalities;
pub mod organisations;
pub mod regions;

use oko_db::users::{CreateUserError, Placement};
use oko_domain::accounts::IssuedPassword;

use crate::{auth::password, error::ApiError, state::AppState};

/// New passwords for accounts `(login, where its hash goes)`: the passwords to
/// show once.
pub(super) async fn issue_all<'a>(
    accounts: impl Iterator<Item = (String, &'a mut String)>,
) -> Vec<IssuedPassword> {
    let mut issued = Vec::new();
    for (login, hash) in accounts {
        let password = password::issue();
        *hash = password::hash_off_thread(password.clone()).await;
        issued.push(IssuedPassword { login, password });
    }
    issued
}

/// The coordinator's account of a new region or municipality, with a new
/// password; `None` when the login is already taken.
pub(super) async fn coordinator_account(
    state: &AppState,
    login: &str,
    placement: Placement,
) -> Result<Option<IssuedPassword>, ApiError> {
    let issued = password::issue();
    let hash = password::hash_off_thread(issued.clone()).await;
    match oko_db::users::create(&state.db, login, &hash, placement).await {
        Ok(_) => Ok(Some(IssuedPassword {
            login: login.to_owned(),
            password: issued,
        })),
        Err(CreateUserError::LoginTaken) => Ok(None),
        Err(CreateUserError::PlacementNotFound) => {
            Err(ApiError::internal("a placement just created is missing"))
        }
        Err(CreateUserError::Db(e)) => Err(e.into()),
    }
}
