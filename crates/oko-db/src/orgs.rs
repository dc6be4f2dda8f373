//! Listing organisations within a scope.

use std::collections::HashMap;

use oko_domain::{
    api::{MunicipalityRef, OrgSummary, RegionRef},
    org::OrgKind,
    scope::Scope,
    text::search_key,
};
use sea_orm::{
    ColumnTrait, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
    sea_query::{Expr, ExprTrait, IntoColumnRef, LikeExpr, SimpleExpr},
};
use uuid::Uuid;

use crate::entities::{municipality, organisation, region};

/// Organisation `id`.
pub async fn find(db: &DatabaseConnection, id: Uuid) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find_by_id(id).one(db).await
}

/// What to list.
#[derive(Clone, Debug)]
pub struct OrgQuery {
    /// Substring of the login or the name, any case.
    pub search: Option<String>,
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// Organisations visible in `scope` matching the query, ordered by login, with the
/// total number of matches.
#[tracing::instrument(skip(db))]
pub async fn list(
    db: &DatabaseConnection,
    scope: Scope,
    query: &OrgQuery,
) -> Result<(Vec<OrgSummary>, u64), DbErr> {
    let select = filtered(scope, query.search.as_deref());
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_asc(organisation::Column::Login)
        .offset(oko_domain::paging::offset(query.page, query.per_page))
        .limit(query.per_page)
        .all(db)
        .await?;
    let items = with_places(db, rows).await?;
    Ok((items, total))
}

fn filtered(scope: Scope, search: Option<&str>) -> Select<organisation::Entity> {
    let select = organisation::Entity::find().filter(organisation::Column::ClosedAt.is_null());
    let select = match scope {
        Scope::All => select,
        Scope::Region(id) => select.filter(organisation::Column::RegionId.eq(id)),
        Scope::Municipality(id) => select.filter(organisation::Column::MunicipalityId.eq(id)),
        Scope::Organisation(id) => select.filter(organisation::Column::Id.eq(id)),
    };
    match search.map(search_key).filter(|key| !key.is_empty()) {
        Some(key) => select.filter(contains(organisation::Column::SearchText, &key)),
        None => select,
    }
}

/// `column LIKE '%key%'`, with the key's own `%` and `_` taken literally. The column
/// holds a [`search_key`] and so must `key`.
pub(crate) fn contains(column: impl IntoColumnRef, key: &str) -> SimpleExpr {
    Expr::col(column).like(LikeExpr::new(format!("%{}%", escape_like(key))).escape('\\'))
}

/// Makes `%` and `_` typed by a user match themselves.
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// One organisation as lists show it.
pub async fn summary(
    db: &DatabaseConnection,
    organisation: organisation::Model,
) -> Result<Option<OrgSummary>, DbErr> {
    Ok(with_places(db, vec![organisation]).await?.pop())
}

/// The organisation with login `login`.
pub async fn by_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find()
        .filter(organisation::Column::Login.eq(login))
        .one(db)
        .await
}

/// Attaches region and municipality names with one query each for the whole page.
async fn with_places(
    db: &DatabaseConnection,
    rows: Vec<organisation::Model>,
) -> Result<Vec<OrgSummary>, DbErr> {
    let region_ids: Vec<Uuid> = rows.iter().map(|o| o.region_id).collect();
    let municipality_ids: Vec<Uuid> = rows.iter().map(|o| o.municipality_id).collect();
    let regions: HashMap<Uuid, region::Model> = region::Entity::find()
        .filter(region::Column::Id.is_in(region_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let municipalities: HashMap<Uuid, municipality::Model> = municipality::Entity::find()
        .filter(municipality::Column::Id.is_in(municipality_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(rows
        .into_iter()
        .filter_map(|org| {
            let region = regions.get(&org.region_id)?;
            let municipality = municipalities.get(&org.municipality_id)?;
            Some(OrgSummary {
                id: org.id,
                code: format!("{:04}", org.code),
                kind: OrgKind::parse(&org.kind).unwrap_or(OrgKind::Other),
                login: org.login,
                name: org.name,
                short_name: org.short_name,
                region: RegionRef {
                    code: region.code.clone(),
                    name: region.name.clone(),
                },
                municipality: MunicipalityRef {
                    id: municipality.id,
                    name: municipality.name.clone(),
                },
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_typed_by_users_are_literal() {
        assert_eq!(escape_like("50%_a\\"), "50\\%\\_a\\\\");
    }
}
