//! The audit log in the database: events written as things happen, read newest
//! first within the reader's territory.

use chrono::{DateTime, Utc};
use oko_domain::audit::{AuditAction, AuditEvent};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select, sea_query::ExprTrait,
};
use uuid::Uuid;

use crate::{entities::audit_event, reach::Reach, roster::Roster};

/// The place an event concerns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Place {
    pub region: Option<Uuid>,
    pub municipality: Option<Uuid>,
    pub organisation: Option<Uuid>,
}

impl Place {
    /// Where a user stands (an organisation's municipality from the roster).
    pub fn of_reach(reach: &Reach, roster: &Roster) -> Place {
        match reach {
            Reach::Everything => Place::default(),
            Reach::Region(region) => Place {
                region: Some(*region),
                ..Place::default()
            },
            Reach::Municipality { id, region } => Place {
                region: Some(*region),
                municipality: Some(*id),
                organisation: None,
            },
            Reach::Organisation { id, region, .. } => Place {
                region: Some(*region),
                municipality: roster
                    .entries
                    .iter()
                    .find(|e| e.id == *id)
                    .map(|e| e.municipality_id),
                organisation: Some(*id),
            },
        }
    }
}

/// Where a stored user stands.
pub fn place_of_user(user: &crate::entities::user::Model, roster: &Roster) -> Place {
    let entry = roster.entries.iter().find(|e| {
        Some(e.id) == user.organisation_id || Some(e.municipality_id) == user.municipality_id
    });
    Place {
        region: user.region_id.or(entry.map(|e| e.region_id)),
        municipality: user.municipality_id.or(entry.map(|e| e.municipality_id)),
        organisation: user.organisation_id,
    }
}

/// An event to write.
pub struct NewEvent<'a> {
    pub actor_id: Option<Uuid>,
    pub actor: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: &'a str,
    pub address: Option<&'a str>,
    pub place: Place,
    pub at: DateTime<Utc>,
}

pub async fn record(db: &DatabaseConnection, event: NewEvent<'_>) -> Result<(), DbErr> {
    insert_of(event).exec_without_returning(db).await?;
    Ok(())
}

/// The statement that records `event` (to run inside another's transaction).
pub fn insert_of(event: NewEvent<'_>) -> sea_orm::Insert<audit_event::ActiveModel> {
    audit_event::Entity::insert(audit_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        at: Set(event.at),
        actor_id: Set(event.actor_id),
        actor: Set(event.actor.to_owned()),
        action: Set(event.action.as_str().to_owned()),
        target: Set(event.target.to_owned()),
        detail: Set(event.detail.to_owned()),
        address: Set(event.address.map(str::to_owned)),
        region_id: Set(event.place.region),
        municipality_id: Set(event.place.municipality),
        organisation_id: Set(event.place.organisation),
    })
}

/// What the reader asks for.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub action: Option<AuditAction>,
    /// Events by or about this login.
    pub login: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

fn query(reach: &Reach, filter: &Filter) -> Select<audit_event::Entity> {
    let mut query = audit_event::Entity::find();
    query = match reach {
        Reach::Everything => query,
        Reach::Region(id) => query.filter(audit_event::Column::RegionId.eq(*id)),
        Reach::Municipality { id, .. } => query.filter(audit_event::Column::MunicipalityId.eq(*id)),
        Reach::Organisation { id, .. } => query.filter(audit_event::Column::OrganisationId.eq(*id)),
    };
    if let Some(action) = filter.action {
        query = query.filter(audit_event::Column::Action.eq(action.as_str()));
    }
    if let Some(login) = &filter.login {
        query = query.filter(
            audit_event::Column::Actor
                .eq(login.as_str())
                .or(audit_event::Column::Target.eq(login.as_str())),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_event::Column::At.lt(to));
    }
    query.order_by_desc(audit_event::Column::At)
}

/// One page of matching events, newest first, and how many match.
pub async fn page(
    db: &DatabaseConnection,
    reach: &Reach,
    filter: &Filter,
    page: u64,
    per_page: u64,
) -> Result<(Vec<AuditEvent>, u64), DbErr> {
    let total = query(reach, filter).count(db).await?;
    let rows = query(reach, filter)
        .offset(oko_domain::paging::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows.into_iter().filter_map(view).collect(), total))
}

/// Up to `limit` matching events, newest first (for the export).
pub async fn all(
    db: &DatabaseConnection,
    reach: &Reach,
    filter: &Filter,
    limit: u64,
) -> Result<Vec<AuditEvent>, DbErr> {
    Ok(query(reach, filter)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .filter_map(view)
        .collect())
}

fn view(row: audit_event::Model) -> Option<AuditEvent> {
    let action = AuditAction::parse(&row.action)?;
    Some(AuditEvent {
        id: row.id,
        at: row.at,
        actor: row.actor,
        action,
        action_title: action.title_ru().to_owned(),
        target: row.target,
        detail: row.detail,
        address: row.address,
    })
}
