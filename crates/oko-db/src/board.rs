//! The notice board in memory: every publication's list fields and audience, loaded
//! once per change, so that "what may this user see" is answered in Rust instead of
//! by SQL subqueries over the region's organisations on every request (11 ms per
//! statement for a regional coordinator on SQLite, see docs/benchmarks.md).
//!
//! A board is immutable; [`BoardCache`] swaps in a new one when the publications'
//! version (their count and latest `updated_at`) differs from the loaded one. The
//! version is read (one indexed query) at most every [`BoardCache`]'s `max_age`;
//! this instance's own writes invalidate the board at once, other instances' writes
//! show within `max_age`.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::Duration,
};

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::{
    entities::{organisation, publication, publication_audience as audience},
    reach::Reach,
    sync::Recent,
};

/// One publication as lists and visibility need it.
#[derive(Clone, Debug)]
pub struct BoardEntry {
    pub id: Uuid,
    pub section_id: Uuid,
    pub title: String,
    pub title_search: String,
    pub published_on: DateTime<Utc>,
    pub visible_from: DateTime<Utc>,
    pub is_news: bool,
    for_everyone: bool,
    kinds: Vec<String>,
    regions: Vec<Uuid>,
    /// Targeted organisations with their region and municipality.
    organisations: Vec<(Uuid, Uuid, Uuid)>,
}

/// Which version of the publications a board shows.
type Version = (i64, Option<DateTime<Utc>>);

/// All publications, newest first, and which kinds of organisation each region and
/// municipality has (a coordinator sees what reaches any organisation under them).
#[derive(Debug)]
pub struct Board {
    version: Version,
    entries: Vec<BoardEntry>,
    kinds_in_region: HashMap<Uuid, HashSet<String>>,
    kinds_in_municipality: HashMap<Uuid, HashSet<String>>,
}

impl Board {
    async fn load(db: &DatabaseConnection, version: Version) -> Result<Board, DbErr> {
        let rows = publication::Entity::find()
            .order_by_desc(publication::Column::PublishedOn)
            .order_by_desc(publication::Column::CreatedAt)
            .all(db)
            .await?;
        let places: HashMap<Uuid, (Uuid, Uuid)> = organisation::Entity::find()
            .select_only()
            .columns([
                organisation::Column::Id,
                organisation::Column::RegionId,
                organisation::Column::MunicipalityId,
            ])
            .into_tuple::<(Uuid, Uuid, Uuid)>()
            .all(db)
            .await?
            .into_iter()
            .map(|(id, region, municipality)| (id, (region, municipality)))
            .collect();
        let mut entries: Vec<BoardEntry> = rows
            .into_iter()
            .map(|p| BoardEntry {
                id: p.id,
                section_id: p.section_id,
                title: p.title,
                title_search: p.title_search,
                published_on: p.published_on,
                visible_from: p.visible_from,
                is_news: p.is_news,
                for_everyone: p.for_everyone,
                kinds: Vec::new(),
                regions: Vec::new(),
                organisations: Vec::new(),
            })
            .collect();
        let index: HashMap<Uuid, usize> =
            entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        for target in audience::Entity::find().all(db).await? {
            let Some(entry) = index.get(&target.publication_id).map(|i| &mut entries[*i]) else {
                continue;
            };
            entry.kinds.extend(target.org_kind);
            entry.regions.extend(target.region_id);
            if let Some(org) = target.organisation_id
                && let Some((region, municipality)) = places.get(&org)
            {
                entry.organisations.push((org, *region, *municipality));
            }
        }
        let mut kinds_in_region: HashMap<Uuid, HashSet<String>> = HashMap::new();
        let mut kinds_in_municipality: HashMap<Uuid, HashSet<String>> = HashMap::new();
        let kinds = organisation::Entity::find()
            .select_only()
            .columns([
                organisation::Column::RegionId,
                organisation::Column::MunicipalityId,
                organisation::Column::Kind,
            ])
            .distinct()
            .into_tuple::<(Uuid, Uuid, String)>()
            .all(db)
            .await?;
        for (region, municipality, kind) in kinds {
            kinds_in_region
                .entry(region)
                .or_default()
                .insert(kind.clone());
            kinds_in_municipality
                .entry(municipality)
                .or_default()
                .insert(kind);
        }
        Ok(Board {
            version,
            entries,
            kinds_in_region,
            kinds_in_municipality,
        })
    }

    /// Whether `entry` reaches the user at `now`.
    pub fn reaches(&self, entry: &BoardEntry, reach: &Reach, now: DateTime<Utc>) -> bool {
        let targeted = || match reach {
            Reach::Everything => true,
            Reach::Organisation { id, region, kind } => {
                entry.kinds.contains(kind)
                    || entry.regions.contains(region)
                    || entry.organisations.iter().any(|(org, _, _)| org == id)
            }
            Reach::Region(region) => reaches_under(
                entry,
                region,
                self.kinds_in_region.get(region),
                |(_, r, _)| r == region,
            ),
            Reach::Municipality { id, region } => reaches_under(
                entry,
                region,
                self.kinds_in_municipality.get(id),
                |(_, _, m)| m == id,
            ),
        };
        // The operator also sees what is not visible yet.
        reach.is_operator() || (entry.visible_from <= now && (entry.for_everyone || targeted()))
    }

    /// What the user may see, newest first.
    pub fn visible<'a>(
        &'a self,
        reach: &'a Reach,
        now: DateTime<Utc>,
    ) -> impl Iterator<Item = &'a BoardEntry> + 'a {
        self.entries
            .iter()
            .filter(move |e| self.reaches(e, reach, now))
    }

    /// The entry `id` if the user may see it.
    pub fn find_visible(&self, id: Uuid, reach: &Reach, now: DateTime<Utc>) -> Option<&BoardEntry> {
        self.entries
            .iter()
            .find(|e| e.id == id)
            .filter(|e| self.reaches(e, reach, now))
    }
}

/// Whether `entry` reaches some organisation under a coordinator of `region`: the
/// region itself, a targeted organisation `under` them, or a kind of organisation
/// present under them (`kinds_present`).
fn reaches_under(
    entry: &BoardEntry,
    region: &Uuid,
    kinds_present: Option<&HashSet<String>>,
    under: impl Fn(&(Uuid, Uuid, Uuid)) -> bool,
) -> bool {
    entry.regions.contains(region)
        || entry.organisations.iter().any(under)
        || entry
            .kinds
            .iter()
            .any(|k| kinds_present.is_some_and(|present| present.contains(k)))
}

/// How long a board is trusted before its version is read again.
pub const BOARD_MAX_AGE: Duration = Duration::from_millis(250);

/// The current board, shared by the requests of one `oko` instance: trusted for
/// `max_age`, then kept while the publications' version has not moved.
pub struct BoardCache {
    current: Recent<(), Arc<Board>>,
}

impl Default for BoardCache {
    fn default() -> Self {
        BoardCache::new(BOARD_MAX_AGE)
    }
}

impl BoardCache {
    /// A cache that reads the version at most every `max_age`.
    pub fn new(max_age: Duration) -> BoardCache {
        BoardCache {
            current: Recent::for_a_while(max_age, 1),
        }
    }

    /// The board for the publications as they are in the database (as of at most
    /// `max_age` ago for other instances' writes).
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<Board>, DbErr> {
        let known = self.current.get_aged(&());
        if let Some((board, true)) = &known {
            return Ok(board.clone());
        }
        let version = current_version(db).await?;
        let board = match known {
            Some((board, _)) if board.version == version => board,
            _ => Arc::new(Board::load(db, version).await?),
        };
        self.current.put((), board.clone());
        Ok(board)
    }

    /// Forgets the board after this instance changed publications, so the next
    /// request sees the change.
    pub(crate) fn invalidate(&self) {
        self.current.forget(&());
    }
}

/// The publications' count and latest change, from the `updated_at` index.
async fn current_version(db: &DatabaseConnection) -> Result<Version, DbErr> {
    let version = publication::Entity::find()
        .select_only()
        .column_as(publication::Column::Id.count(), "n")
        .column_as(Expr::col(publication::Column::UpdatedAt).max(), "latest")
        .into_tuple::<(i64, Option<DateTime<Utc>>)>()
        .one(db)
        .await?;
    Ok(version.unwrap_or((0, None)))
}
