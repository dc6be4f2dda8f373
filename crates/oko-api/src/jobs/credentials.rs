//! «Архив с паролями» (seed 003, step 1): new passwords for every account under a
//! territory that its owner may issue passwords to, written as a workbook of
//! logins and passwords the owner downloads from «Отчёты». Each account's old
//! password and sessions end as its new one is set.

use std::path::Path;

use actix_web::web;
use oko_db::{analytics::units::Unit, entities::job};
use oko_domain::jobs::{CredentialsJob, ExportFormat};
use oko_io::export::{Cell, ExportColumn, ExportTable, ExportWriter};

use super::Progress;
use crate::{auth::password, state::AppState};

pub async fn run(
    state: &web::Data<AppState>,
    job: &job::Model,
    spec: &CredentialsJob,
    path: &Path,
    progress: Progress,
) -> Result<(), String> {
    let CredentialsJob { unit } = spec;
    let failed = |e: &dyn std::fmt::Display| format!("Не удалось выдать пароли: {e}");
    let reach = super::owner_reach(state, job).await?;
    let roster = state.roster.get(&state.db).await.map_err(|e| failed(&e))?;
    let unit = match unit {
        None => Unit::own(&reach),
        Some(text) => Unit::parse(text, &roster).ok_or("Неизвестная территория")?,
    };
    if !unit.is_within(&reach, &roster) {
        return Err("Территория вне ваших прав".into());
    }
    let accounts = oko_db::users::subordinates(&state.db, &roster, unit, &reach)
        .await
        .map_err(|e| failed(&e))?;
    let table = ExportTable {
        key: "credentials".to_owned(),
        title: "Пароли".to_owned(),
        columns: vec![
            ExportColumn::new("login", "Логин"),
            ExportColumn::new("name", "Организация / территория"),
            ExportColumn::new("password", "Пароль"),
        ],
    };
    let mut file =
        ExportWriter::create(ExportFormat::Xlsx, path, &state.jobs.work_dir, vec![table])
            .map_err(|e| failed(&e.0))?;
    for (done, account) in accounts.iter().enumerate() {
        if progress.cancelled() {
            return Err("Задание перешло к другому экземпляру".into());
        }
        let issued = password::issue();
        let hash = password::hash_off_thread(issued.clone()).await;
        oko_db::users::set_password_hash(
            &state.db,
            &state.users,
            &account.login,
            &hash,
            oko_db::users::NewPassword::Reset,
        )
        .await
        .map_err(|e| failed(&e))?;
        file.row(
            0,
            &[
                Cell::Text(&account.login),
                Cell::Text(&account.display_name),
                Cell::Text(&issued),
            ],
        )
        .map_err(|e| failed(&e.0))?;
        progress.set(done + 1, accounts.len());
    }
    file.finish().map_err(|e| failed(&e.0))
}
