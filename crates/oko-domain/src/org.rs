//! Kinds of educational organisations.

use serde::{Deserialize, Serialize};

/// What an organisation is; decides which collections and publications reach it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// General education school (logins `schRRNNNN`, `kshRRNNNN`).
    School,
    /// Vocational college, СПО (logins `spoRRNNNN`).
    College,
    /// Any other organisation (logins `eduRRNNNN`).
    Other,
}

impl OrgKind {
    /// All kinds.
    pub const ALL: [OrgKind; 3] = [OrgKind::School, OrgKind::College, OrgKind::Other];

    /// Stable storage and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::School => "school",
            OrgKind::College => "college",
            OrgKind::Other => "other",
        }
    }

    /// Parses the storage name written by [`OrgKind::as_str`].
    pub fn parse(value: &str) -> Option<OrgKind> {
        OrgKind::ALL.into_iter().find(|kind| kind.as_str() == value)
    }

    /// How the kind is called in the interface.
    pub fn title_ru(self) -> &'static str {
        match self {
            OrgKind::School => "Школа",
            OrgKind::College => "СПО",
            OrgKind::Other => "Другая организация",
        }
    }
}

/// What organisation search matches: login, short and full name as a search key.
pub fn search_text(login: &str, short_name: &str, name: &str) -> String {
    crate::text::search_key(&format!("{login} {short_name} {name}"))
}
