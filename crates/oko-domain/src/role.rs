//! Who a user is in the hierarchy of the education-quality system.

use serde::{Deserialize, Serialize};

/// The four levels of the system, from the federal operator down to a school.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Federal operator: sees and authors everything.
    Operator,
    /// Regional coordinator (`spo_coord_RR`): its region.
    RegionCoordinator,
    /// Municipal coordinator, МОУО (`munRRMMM`): its municipality.
    MunicipalCoordinator,
    /// Educational organisation (`schRRNNNN`, `spoRRNNNN`, …): itself.
    Organisation,
}

impl Role {
    /// All roles, top of the hierarchy first.
    pub const ALL: [Role; 4] = [
        Role::Operator,
        Role::RegionCoordinator,
        Role::MunicipalCoordinator,
        Role::Organisation,
    ];

    /// Stable storage and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::RegionCoordinator => "region_coordinator",
            Role::MunicipalCoordinator => "municipal_coordinator",
            Role::Organisation => "organisation",
        }
    }

    /// Parses the storage name written by [`Role::as_str`].
    pub fn parse(value: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// How the role is called in the interface.
    pub fn title_ru(self) -> &'static str {
        match self {
            Role::Operator => "Федеральный оператор",
            Role::RegionCoordinator => "Региональный координатор",
            Role::MunicipalCoordinator => "Муниципальный координатор",
            Role::Organisation => "Образовательная организация",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
