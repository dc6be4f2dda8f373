//! Every work's statistics in memory: each organisation's, and their sums per
//! municipality, region and the country. A report then costs a few map lookups.
//!
//! Freshness: each request reads the newest `updated_at` of the work's statistics
//! (one index lookup); when it moved, only the rows written since (less a margin
//! for transactions that committed late) are read again, and the sums are rebuilt.
//! Another instance's writes are seen on the next request.

use crate::sync::Locked;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Duration, Utc};
use oko_domain::analytics::UnitStats;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::StoredWork;
use crate::{entities::assessment_org_stat, roster::Roster};

/// Rows written this long before the newest seen one are read again: a
/// transaction may commit after one that started later.
const LATE_COMMIT_MARGIN: Duration = Duration::seconds(10);

/// A work's statistics at every level.
pub struct Totals {
    pub work: StoredWork,
    pub country: UnitStats,
    pub regions: HashMap<Uuid, UnitStats>,
    pub municipalities: HashMap<Uuid, UnitStats>,
    pub organisations: HashMap<Uuid, Arc<UnitStats>>,
}

struct Entry {
    work: StoredWork,
    organisations: HashMap<Uuid, Arc<UnitStats>>,
    newest: Option<DateTime<Utc>>,
    totals: Option<Arc<Totals>>,
    /// The placement of the roster the totals were summed with.
    placement: Option<u64>,
}

/// The cache one instance's requests share.
#[derive(Default)]
pub struct StatsCache {
    works: Mutex<HashMap<Uuid, Arc<Mutex<Entry>>>>,
}

impl StatsCache {
    /// Work `id`'s totals, fresh as of this call; `None` when there is no such work.
    pub async fn totals(
        &self,
        db: &DatabaseConnection,
        roster: &Arc<Roster>,
        id: Uuid,
    ) -> Result<Option<Arc<Totals>>, DbErr> {
        let known = self.map().get(&id).cloned();
        let entry = match known {
            Some(entry) => entry,
            None => {
                let Some(work) = super::work(db, id).await? else {
                    return Ok(None);
                };
                let fresh = Arc::new(Mutex::new(Entry {
                    work,
                    organisations: HashMap::new(),
                    newest: None,
                    totals: None,
                    placement: None,
                }));
                self.map().entry(id).or_insert(fresh).clone()
            }
        };
        let newest = newest_write(db, id).await?;
        let (seen, changed) = {
            let entry = lock(&entry);
            (entry.newest, entry.newest != newest)
        };
        if changed {
            let since = seen.map(|s| s - LATE_COMMIT_MARGIN);
            let rows = rows_since(db, id, since).await?;
            let mut entry = lock(&entry);
            for row in rows {
                match serde_json::from_str::<UnitStats>(&row.stats) {
                    Ok(stats) => {
                        entry
                            .organisations
                            .insert(row.organisation_id, Arc::new(stats));
                    }
                    Err(e) => tracing::error!(work = %id, "unreadable statistics: {e}"),
                }
            }
            entry.newest = newest;
            entry.totals = None;
        }
        let mut entry = lock(&entry);
        let same_roster = entry.placement == Some(roster.placement);
        if let Some(totals) = &entry.totals
            && same_roster
        {
            return Ok(Some(totals.clone()));
        }
        let totals = Arc::new(sum(&entry.work, &entry.organisations, roster));
        entry.totals = Some(totals.clone());
        entry.placement = Some(roster.placement);
        Ok(Some(totals))
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Arc<Mutex<Entry>>>> {
        self.works.locked()
    }
}

fn lock(entry: &Mutex<Entry>) -> std::sync::MutexGuard<'_, Entry> {
    entry.locked()
}

/// Sums the organisations' statistics per municipality, region and country.
fn sum(
    work: &StoredWork,
    organisations: &HashMap<Uuid, Arc<UnitStats>>,
    roster: &Roster,
) -> Totals {
    let empty = UnitStats::empty(&work.definition);
    let mut totals = Totals {
        work: work.clone(),
        country: empty.clone(),
        regions: HashMap::new(),
        municipalities: HashMap::new(),
        organisations: organisations.clone(),
    };
    for entry in &roster.entries {
        let Some(stats) = organisations.get(&entry.id) else {
            continue;
        };
        totals.country.merge(stats);
        totals
            .regions
            .entry(entry.region_id)
            .or_insert_with(|| empty.clone())
            .merge(stats);
        totals
            .municipalities
            .entry(entry.municipality_id)
            .or_insert_with(|| empty.clone())
            .merge(stats);
    }
    totals
}

async fn newest_write(db: &DatabaseConnection, work: Uuid) -> Result<Option<DateTime<Utc>>, DbErr> {
    let newest: Option<Option<DateTime<Utc>>> = assessment_org_stat::Entity::find()
        .select_only()
        .column_as(
            Expr::col(assessment_org_stat::Column::UpdatedAt).max(),
            "newest",
        )
        .filter(assessment_org_stat::Column::WorkId.eq(work))
        .into_tuple()
        .one(db)
        .await?;
    Ok(newest.flatten())
}

async fn rows_since(
    db: &DatabaseConnection,
    work: Uuid,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<assessment_org_stat::Model>, DbErr> {
    let mut query =
        assessment_org_stat::Entity::find().filter(assessment_org_stat::Column::WorkId.eq(work));
    if let Some(since) = since {
        query = query.filter(assessment_org_stat::Column::UpdatedAt.gte(since));
    }
    query.all(db).await
}

impl Totals {
    /// The definition the totals were built for.
    pub fn definition(&self) -> &oko_domain::analytics::WorkDefinition {
        &self.work.definition
    }
}
