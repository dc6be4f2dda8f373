//! What part of the organisation tree a user may see.

use uuid::Uuid;

/// The part of the tree a request may touch. Always resolved by the server from the
/// authenticated user and the stored tree, never taken from the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The federal operator: the whole country.
    All,
    /// A regional coordinator: one region (by its id).
    Region(Uuid),
    /// A municipal coordinator: one municipality (by its id).
    Municipality(Uuid),
    /// An organisation: only itself (by its id).
    Organisation(Uuid),
}

/// Where an organisation sits in the tree; enough to decide visibility.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrgPlace {
    /// The organisation itself.
    pub organisation: Uuid,
    /// Its municipality.
    pub municipality: Uuid,
    /// Its region.
    pub region: Uuid,
}

impl Scope {
    /// The user's own organisation, for an organisation's user.
    pub fn organisation(&self) -> Option<Uuid> {
        match *self {
            Scope::Organisation(id) => Some(id),
            _ => None,
        }
    }

    /// Whether an organisation at `place` is visible in this scope.
    pub fn covers(&self, place: &OrgPlace) -> bool {
        match *self {
            Scope::All => true,
            Scope::Region(region) => place.region == region,
            Scope::Municipality(municipality) => place.municipality == municipality,
            Scope::Organisation(organisation) => place.organisation == organisation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(n: u128) -> OrgPlace {
        OrgPlace {
            organisation: Uuid::from_u128(n),
            municipality: Uuid::from_u128(n + 100),
            region: Uuid::from_u128(n + 200),
        }
    }

    #[test]
    fn each_level_sees_only_its_branch() {
        let mine = place(1);
        let other = place(2);
        assert!(Scope::All.covers(&other));
        assert!(Scope::Region(mine.region).covers(&mine));
        assert!(!Scope::Region(mine.region).covers(&other));
        assert!(Scope::Municipality(mine.municipality).covers(&mine));
        assert!(!Scope::Municipality(mine.municipality).covers(&other));
        assert!(Scope::Organisation(mine.organisation).covers(&mine));
        assert!(!Scope::Organisation(mine.organisation).covers(&other));
    }
}
