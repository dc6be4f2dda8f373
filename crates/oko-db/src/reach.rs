//! Which publications reach a user. An organisation is reached by a publication for
//! everyone, for its kind, for its region or for itself; a coordinator sees what
//! reaches any organisation under them; the operator sees everything, also what is
//! not visible yet.

use chrono::{DateTime, Utc};
use oko_domain::scope::Scope;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use crate::entities::{municipality, organisation, publication, publication_audience as audience};

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

    /// The condition on `publications` for what this user may see at `now`.
    pub fn visible(&self, now: DateTime<Utc>) -> Condition {
        let targets = match self {
            Reach::Everything => return Condition::all(),
            Reach::Organisation { id, region, kind } => Condition::any()
                .add(audience::Column::OrgKind.eq(kind.clone()))
                .add(audience::Column::RegionId.eq(*region))
                .add(audience::Column::OrganisationId.eq(*id)),
            Reach::Region(region) => subordinates(*region, organisation::Column::RegionId, *region),
            Reach::Municipality { id, region } => {
                subordinates(*region, organisation::Column::MunicipalityId, *id)
            }
        };
        let targeted = Query::select()
            .column(audience::Column::PublicationId)
            .from(audience::Entity)
            .cond_where(targets)
            .to_owned();
        Condition::all()
            .add(publication::Column::VisibleFrom.lte(now))
            .add(
                Condition::any()
                    .add(publication::Column::ForEveryone.eq(true))
                    .add(publication::Column::Id.in_subquery(targeted)),
            )
    }
}

/// Targets that reach some organisation under a coordinator: the coordinator's region,
/// any organisation under them, or a kind some organisation under them has.
fn subordinates(region: Uuid, column: organisation::Column, place: Uuid) -> Condition {
    let under = |selected: organisation::Column| -> SelectStatement {
        Query::select()
            .column(selected)
            .from(organisation::Entity)
            .and_where(Expr::col(column).eq(place))
            .to_owned()
    };
    Condition::any()
        .add(audience::Column::RegionId.eq(region))
        .add(audience::Column::OrganisationId.in_subquery(under(organisation::Column::Id)))
        .add(audience::Column::OrgKind.in_subquery(under(organisation::Column::Kind)))
}
