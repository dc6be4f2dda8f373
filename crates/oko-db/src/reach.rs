//! Where a user stands in the tree, as far as publications are concerned. An
//! organisation is reached by a publication for everyone, for its kind, for its
//! region or for itself; a coordinator sees what reaches any organisation under them;
//! the operator sees everything, also what is not visible yet. The rule itself is
//! [`crate::board::Board::reaches`].

use oko_domain::scope::Scope;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use crate::entities::{municipality, organisation};

/// Where in the tree a user stands, as far as publications are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// The operator.
    Everything,
    /// A region coordinator.
    Region(Uuid),
    /// A municipal coordinator, with the municipality's region.
    Municipality { id: Uuid, region: Uuid },
    /// An organisation, with its region and kind.
    Organisation {
        id: Uuid,
        region: Uuid,
        kind: String,
    },
}

impl Reach {
    /// Resolves a scope against the tree. `None` when the scope's place is gone.
    pub async fn of(db: &impl ConnectionTrait, scope: Scope) -> Result<Option<Reach>, DbErr> {
        Ok(match scope {
            Scope::All => Some(Reach::Everything),
            Scope::Region(id) => Some(Reach::Region(id)),
            Scope::Municipality(id) => {
                municipality::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .map(|m| Reach::Municipality {
                        id,
                        region: m.region_id,
                    })
            }
            Scope::Organisation(id) => {
                organisation::Entity::find_by_id(id)
                    .one(db)
                    .await?
                    .map(|o| Reach::Organisation {
                        id,
                        region: o.region_id,
                        kind: o.kind,
                    })
            }
        })
    }

    /// Whether the user manages publications (sees hidden ones and their audience).
    pub fn is_operator(&self) -> bool {
        matches!(self, Reach::Everything)
    }
}
