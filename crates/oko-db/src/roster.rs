//! Every organisation in memory (login, name, region, municipality, kind): what
//! monitoring walks to count and list a coordinator's scope, without reading 45,000
//! rows on every request of a deadline day. Organisations change rarely (the demo
//! seed, the operator's administration), so the roster is reloaded when it is older
//! than its maximum age or when this instance was told it changed.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use futures_util::TryStreamExt;
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::{
    entities::{municipality, organisation, region},
    reach::Reach,
    sync::Recent,
};

/// One organisation.
#[derive(Clone, Debug)]
pub struct RosterEntry {
    pub id: Uuid,
    pub login: String,
    /// The short name, as lists show it.
    pub name: String,
    pub region_id: Uuid,
    pub region: Arc<str>,
    pub municipality_id: Uuid,
    pub municipality: Arc<str>,
    pub kind: String,
}

impl RosterEntry {
    /// The organisation as a reach (what the board's audience checks take).
    pub fn as_reach(&self) -> Reach {
        Reach::Organisation {
            id: self.id,
            region: self.region_id,
            kind: self.kind.clone(),
        }
    }

    /// Whether a coordinator or the operator with `reach` is over it.
    pub fn is_under(&self, reach: &Reach) -> bool {
        match reach {
            Reach::Everything => true,
            Reach::Region(region) => self.region_id == *region,
            Reach::Municipality { id, .. } => self.municipality_id == *id,
            Reach::Organisation { id, .. } => self.id == *id,
        }
    }
}

/// Every organisation, by login.
pub struct Roster {
    pub entries: Vec<RosterEntry>,
    /// Changes when an organisation is added, removed or moved: what sums over
    /// the tree (analytics) must be rebuilt for, unlike a reload of the same tree.
    pub placement: u64,
}

impl Roster {
    pub async fn load(db: &DatabaseConnection) -> Result<Roster, DbErr> {
        let regions: HashMap<Uuid, Arc<str>> = region::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|r| (r.id, Arc::from(r.name)))
            .collect();
        let municipalities: HashMap<Uuid, Arc<str>> = municipality::Entity::find()
            .all(db)
            .await?
            .into_iter()
            .map(|m| (m.id, Arc::from(m.name)))
            .collect();
        // Only the columns an entry keeps, one row at a time: whole rows (full
        // name, search text) of 45,000 organisations read at once were 150 MiB,
        // which the allocator kept after the roster was built.
        let mut rows = organisation::Entity::find()
            .select_only()
            .columns([
                organisation::Column::Id,
                organisation::Column::Login,
                organisation::Column::ShortName,
                organisation::Column::RegionId,
                organisation::Column::MunicipalityId,
                organisation::Column::Kind,
            ])
            .filter(organisation::Column::ClosedAt.is_null())
            .order_by_asc(organisation::Column::Login)
            .into_tuple::<(Uuid, String, String, Uuid, Uuid, String)>()
            .stream(db)
            .await?;
        let name_of = |names: &HashMap<Uuid, Arc<str>>, id| {
            names.get(&id).cloned().unwrap_or_else(|| Arc::from(""))
        };
        let mut entries = Vec::new();
        while let Some((id, login, name, region_id, municipality_id, kind)) =
            rows.try_next().await?
        {
            entries.push(RosterEntry {
                region: name_of(&regions, region_id),
                municipality: name_of(&municipalities, municipality_id),
                id,
                login,
                name,
                region_id,
                municipality_id,
                kind,
            });
        }
        entries.shrink_to_fit();
        let placement = placement_of(&entries);
        Ok(Roster { entries, placement })
    }

    /// The organisations under `reach`.
    pub fn under<'a>(&'a self, reach: &'a Reach) -> impl Iterator<Item = &'a RosterEntry> {
        self.entries.iter().filter(move |e| e.is_under(reach))
    }
}

/// A hash of every organisation's place in the tree.
fn placement_of(entries: &[RosterEntry]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for e in entries {
        (e.id, e.region_id, e.municipality_id).hash(&mut hasher);
    }
    hasher.finish()
}

/// How long a loaded roster is used before it is read again.
pub const ROSTER_MAX_AGE: Duration = Duration::from_secs(60);

/// The roster shared by one instance's requests.
pub struct RosterCache {
    current: Recent<(), Arc<Roster>>,
    /// Set while one request reloads an old roster: the others keep using the old
    /// one instead of all reading 45,000 organisations at once.
    reloading: AtomicBool,
}

impl Default for RosterCache {
    fn default() -> Self {
        RosterCache {
            current: Recent::for_a_while(ROSTER_MAX_AGE, 1),
            reloading: AtomicBool::new(false),
        }
    }
}

impl RosterCache {
    pub async fn get(&self, db: &DatabaseConnection) -> Result<Arc<Roster>, DbErr> {
        if let Some((roster, young)) = self.current.get_aged(&())
            && (young || self.reloading.swap(true, Ordering::AcqRel))
        {
            return Ok(roster);
        }
        let loaded = Roster::load(db).await;
        self.reloading.store(false, Ordering::Release);
        let roster = Arc::new(loaded?);
        self.current.put((), roster.clone());
        Ok(roster)
    }

    /// Forgets the roster after this instance changed organisations.
    pub(crate) fn invalidate(&self) {
        self.current.forget(&());
    }
}
