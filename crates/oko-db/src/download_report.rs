//! What «Отчет» of a storage shows: every organisation in the requester's scope
//! that the publication reaches × every file it should download (common and
//! organisations-only files; personal files only their own), with the first
//! download by anyone of that organisation. Memory grows with organisations, files
//! and marks, never with their product: rows are produced on the fly.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use oko_domain::storages::FileKind;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    QueryTrait, Select,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    board::Board,
    entities::{file_download, organisation, storage, stored_file},
    reach::Reach,
    storages::kind_of,
};

/// The organisations under the user.
fn organisations_under(reach: &Reach) -> Select<organisation::Entity> {
    let all = organisation::Entity::find();
    match reach {
        Reach::Everything => all,
        Reach::Region(id) => all.filter(organisation::Column::RegionId.eq(*id)),
        Reach::Municipality { id, .. } => all.filter(organisation::Column::MunicipalityId.eq(*id)),
        Reach::Organisation { id, .. } => all.filter(organisation::Column::Id.eq(*id)),
    }
}

/// An organisation of the report.
pub struct ReportOrganisation {
    pub id: Uuid,
    pub login: String,
    pub name: String,
}

/// A file of the report; `owner` is set for personal files.
pub struct ReportFile {
    pub id: Uuid,
    pub name: String,
    pub owner: Option<Uuid>,
}

/// Everything the report needs, loaded.
pub struct DownloadReport {
    pub organisations: Vec<ReportOrganisation>,
    pub files: Vec<ReportFile>,
    first_downloads: HashMap<(Uuid, Uuid), DateTime<Utc>>,
}

impl DownloadReport {
    /// Loads the report of `storage` for a coordinator or the operator (`reach`).
    pub async fn load(
        db: &DatabaseConnection,
        board: &Board,
        reach: &Reach,
        storage: &storage::Model,
        now: DateTime<Utc>,
    ) -> Result<DownloadReport, DbErr> {
        let entry = board.find_visible(storage.publication_id, reach, now);
        let in_scope = organisations_under(reach);
        let organisations = in_scope
            .order_by_asc(organisation::Column::Login)
            .all(db)
            .await?
            .into_iter()
            .filter(|o| {
                let as_organisation = Reach::Organisation {
                    id: o.id,
                    region: o.region_id,
                    kind: o.kind.clone(),
                };
                entry.is_some_and(|e| board.reaches(e, &as_organisation, now))
            })
            .map(|o| ReportOrganisation {
                id: o.id,
                login: o.login,
                name: o.short_name,
            })
            .collect();
        let files = stored_file::Entity::find()
            .filter(stored_file::Column::StorageId.eq(storage.id))
            .order_by_asc(stored_file::Column::NameSearch)
            .all(db)
            .await?
            .into_iter()
            .map(|f| ReportFile {
                owner: (kind_of(&f) == FileKind::Personal)
                    .then_some(f.organisation_id)
                    .flatten(),
                id: f.id,
                name: f.name,
            })
            .collect();
        // Only the marks of organisations in scope: a region's report must not read
        // the whole country's marks.
        let scope_ids = organisations_under(reach)
            .select_only()
            .column(organisation::Column::Id)
            .into_query();
        let first_downloads = file_download::Entity::find()
            .inner_join(stored_file::Entity)
            .filter(stored_file::Column::StorageId.eq(storage.id))
            .filter(file_download::Column::OrganisationId.in_subquery(scope_ids))
            .select_only()
            .column(file_download::Column::FileId)
            .column(file_download::Column::OrganisationId)
            .column_as(Expr::col(file_download::Column::FirstAt).min(), "first")
            .group_by(file_download::Column::FileId)
            .group_by(file_download::Column::OrganisationId)
            .into_tuple::<(Uuid, Uuid, DateTime<Utc>)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(file, org, first)| ((file, org), first))
            .collect();
        Ok(DownloadReport {
            organisations,
            files,
            first_downloads,
        })
    }

    /// Each organisation with each file it should download and its first download,
    /// by login, then file name.
    pub fn rows(
        &self,
    ) -> impl Iterator<Item = (&ReportOrganisation, &ReportFile, Option<DateTime<Utc>>)> {
        self.organisations.iter().flat_map(move |org| {
            self.files
                .iter()
                .filter(move |f| f.owner.is_none_or(|owner| owner == org.id))
                .map(move |f| (org, f, self.first_downloads.get(&(f.id, org.id)).copied()))
        })
    }
}
