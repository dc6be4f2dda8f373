//! Which unit a report is for, who may ask for it, and what it shows: the unit
//! beside its parents and, for a coordinator's unit, its subordinate units. «Each
//! level sees its own units and the aggregates of the levels above it».

use std::sync::Arc;

use oko_domain::analytics::{
    UnitStats,
    report::{ReportInput, UnitLevel, UnitLine},
};
use uuid::Uuid;

use super::cache::Totals;
use crate::{
    reach::Reach,
    roster::{Roster, RosterEntry},
};

/// The country's name in reports.
pub const COUNTRY: &str = "Российская Федерация";

/// The unit a report is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Country,
    Region(Uuid),
    Municipality(Uuid),
    Organisation(Uuid),
}

impl Unit {
    /// `country`, `region:<id>`, `municipality:<id>` or `organisation:<login>`.
    pub fn parse(text: &str, roster: &Roster) -> Option<Unit> {
        if text == "country" {
            return Some(Unit::Country);
        }
        let (level, key) = text.split_once(':')?;
        match level {
            "region" => key.parse().ok().map(Unit::Region),
            "municipality" => key.parse().ok().map(Unit::Municipality),
            "organisation" => {
                let login = key.trim().to_lowercase();
                roster
                    .entries
                    .iter()
                    .find(|e| e.login == login)
                    .map(|e| Unit::Organisation(e.id))
            }
            _ => None,
        }
    }

    /// The unit a user's reports are for unless they choose another.
    pub fn own(reach: &Reach) -> Unit {
        match reach {
            Reach::Everything => Unit::Country,
            Reach::Region(id) => Unit::Region(*id),
            Reach::Municipality { id, .. } => Unit::Municipality(*id),
            Reach::Organisation { id, .. } => Unit::Organisation(*id),
        }
    }

    /// Whether `reach` may see this unit's details.
    pub fn is_within(&self, reach: &Reach, roster: &Roster) -> bool {
        match (reach, self) {
            (Reach::Everything, _) => true,
            (_, Unit::Country) => false,
            (Reach::Region(region), Unit::Region(id)) => region == id,
            (Reach::Region(region), Unit::Municipality(id)) => {
                first_of_municipality(roster, *id).is_some_and(|e| e.region_id == *region)
            }
            (Reach::Municipality { id: mine, .. }, Unit::Municipality(id)) => mine == id,
            (_, Unit::Organisation(id)) => {
                organisation(roster, *id).is_some_and(|e| e.is_under(reach))
            }
            _ => false,
        }
    }

    /// The unit's level.
    pub fn level(&self) -> UnitLevel {
        match self {
            Unit::Country => UnitLevel::Country,
            Unit::Region(_) => UnitLevel::Region,
            Unit::Municipality(_) => UnitLevel::Municipality,
            Unit::Organisation(_) => UnitLevel::Organisation,
        }
    }

    /// The organisations under the unit, in roster (login) order.
    pub fn organisations<'a>(&self, roster: &'a Roster) -> Vec<&'a RosterEntry> {
        roster
            .entries
            .iter()
            .filter(|e| match self {
                Unit::Country => true,
                Unit::Region(id) => e.region_id == *id,
                Unit::Municipality(id) => e.municipality_id == *id,
                Unit::Organisation(id) => e.id == *id,
            })
            .collect()
    }

    /// The unit's name, `None` when it does not exist.
    pub fn name(&self, roster: &Roster) -> Option<String> {
        Some(match self {
            Unit::Country => COUNTRY.to_owned(),
            Unit::Region(id) => roster
                .entries
                .iter()
                .find(|e| e.region_id == *id)?
                .region
                .to_string(),
            Unit::Municipality(id) => first_of_municipality(roster, *id)?.municipality.to_string(),
            Unit::Organisation(id) => organisation_label(organisation(roster, *id)?),
        })
    }
}

/// What the report for `unit` is built from. The unit must exist ([`Unit::name`])
/// and be within `reach`; parents above `reach` are shown without a link.
pub fn report_input<'a>(
    totals: &'a Totals,
    roster: &Roster,
    unit: Unit,
    reach: &Reach,
) -> ReportInput<'a> {
    let work = totals.definition();
    let empty = UnitStats::empty(work);
    let stats_of = |level: Unit| -> UnitStats {
        match level {
            Unit::Country => Some(totals.country.clone()),
            Unit::Region(id) => totals.regions.get(&id).cloned(),
            Unit::Municipality(id) => totals.municipalities.get(&id).cloned(),
            Unit::Organisation(id) => totals.organisations.get(&id).map(|s| s.as_ref().clone()),
        }
        .unwrap_or_else(|| empty.clone())
    };
    let line = |unit: Unit, label: String, municipality: Option<UnitStats>| UnitLine {
        label,
        level: unit.level(),
        unit: Some(unit_key(unit, roster)),
        stats: stats_of(unit),
        municipality,
    };
    let parent = |unit: Unit, label: String| {
        let mut line = line(unit, label, None);
        if !unit.is_within(reach, roster) {
            line.unit = None;
        }
        line
    };
    let mut chain = vec![parent(Unit::Country, COUNTRY.to_owned())];
    let anchor = match unit {
        Unit::Country => None,
        Unit::Region(id) => roster.entries.iter().find(|e| e.region_id == id),
        Unit::Municipality(id) => first_of_municipality(roster, id),
        Unit::Organisation(id) => organisation(roster, id),
    };
    if let Some(entry) = anchor {
        chain.push(parent(
            Unit::Region(entry.region_id),
            entry.region.to_string(),
        ));
        if unit.level() != UnitLevel::Region {
            chain.push(parent(
                Unit::Municipality(entry.municipality_id),
                entry.municipality.to_string(),
            ));
        }
        if unit.level() == UnitLevel::Organisation {
            chain.push(line(unit, organisation_label(entry), None));
        }
    }
    let mut children = Vec::new();
    let with_results = |stats: Option<&UnitStats>| stats.is_some_and(|s| s.participants > 0);
    match unit {
        Unit::Country => {
            let mut regions: Vec<(Uuid, Arc<str>)> = Vec::new();
            for e in &roster.entries {
                if !regions.iter().any(|(id, _)| *id == e.region_id) {
                    regions.push((e.region_id, e.region.clone()));
                }
            }
            regions.sort_by(|a, b| a.1.cmp(&b.1));
            for (id, name) in regions {
                if with_results(totals.regions.get(&id)) {
                    children.push(line(Unit::Region(id), name.to_string(), None));
                }
            }
        }
        Unit::Region(_) | Unit::Municipality(_) => {
            let mut organisations = unit.organisations(roster);
            organisations
                .sort_by(|a, b| (&a.municipality, &a.name).cmp(&(&b.municipality, &b.name)));
            let mut current = None;
            for e in organisations {
                let Some(stats) = totals
                    .organisations
                    .get(&e.id)
                    .filter(|s| s.participants > 0)
                else {
                    continue;
                };
                let municipality = stats_of(Unit::Municipality(e.municipality_id));
                if matches!(unit, Unit::Region(_)) && current != Some(e.municipality_id) {
                    current = Some(e.municipality_id);
                    children.push(line(
                        Unit::Municipality(e.municipality_id),
                        e.municipality.to_string(),
                        None,
                    ));
                }
                children.push(UnitLine {
                    label: organisation_label(e),
                    level: UnitLevel::Organisation,
                    unit: Some(format!("organisation:{}", e.login)),
                    stats: stats.as_ref().clone(),
                    municipality: Some(municipality),
                });
            }
        }
        Unit::Organisation(_) => {}
    }
    ReportInput {
        work,
        chain,
        children,
    }
}

/// How the API names a unit (`organisation:<login>` for organisations).
pub fn unit_key(unit: Unit, roster: &Roster) -> String {
    match unit {
        Unit::Country => "country".to_owned(),
        Unit::Region(id) => format!("region:{id}"),
        Unit::Municipality(id) => format!("municipality:{id}"),
        Unit::Organisation(id) => format!(
            "organisation:{}",
            organisation(roster, id).map_or("", |e| e.login.as_str())
        ),
    }
}

/// «МБОУ СОШ № 1 (sch240001)».
pub fn organisation_label(entry: &RosterEntry) -> String {
    format!("{} ({})", entry.name, entry.login)
}

fn organisation(roster: &Roster, id: Uuid) -> Option<&RosterEntry> {
    roster.entries.iter().find(|e| e.id == id)
}

fn first_of_municipality(roster: &Roster, id: Uuid) -> Option<&RosterEntry> {
    roster.entries.iter().find(|e| e.municipality_id == id)
}
