//! Acceptance of submitted forms (issue #25): «Сдано» → «Принято МОУО» →
//! «Принято регионом». Each collection chooses its levels; a form accepted at a
//! level is locked for its organisation, and only that level or a higher one
//! returns it. The server and the SPA decide who may do what with these same
//! functions, so a button is shown exactly when the server will take it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    api::FieldError, collections::OrgStatus, monitoring::comment_problems, role::Role,
    text::count_ru,
};

/// One level that accepts a submission, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceLevel {
    /// The organisation's municipal coordinator (МОУО).
    Municipality,
    /// The organisation's regional coordinator.
    Region,
}

impl AcceptanceLevel {
    /// Stable storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptanceLevel::Municipality => "municipality",
            AcceptanceLevel::Region => "region",
        }
    }

    pub fn parse(text: &str) -> Option<AcceptanceLevel> {
        [AcceptanceLevel::Municipality, AcceptanceLevel::Region]
            .into_iter()
            .find(|l| l.as_str() == text)
    }

    /// The status a submission accepted at this level has.
    pub fn status(self) -> OrgStatus {
        match self {
            AcceptanceLevel::Municipality => OrgStatus::AcceptedMunicipality,
            AcceptanceLevel::Region => OrgStatus::AcceptedRegion,
        }
    }

    /// Where `role` stands against the levels (organisations below both).
    fn rank_of(role: Role) -> u8 {
        match role {
            Role::Organisation => 0,
            Role::MunicipalCoordinator => 1,
            Role::RegionCoordinator => 2,
            Role::Operator => 3,
        }
    }

    fn rank(self) -> u8 {
        match self {
            AcceptanceLevel::Municipality => 1,
            AcceptanceLevel::Region => 2,
        }
    }

    /// Whether `role` accepts at this level: the coordinator of that level, or
    /// the operator, who may stand in for either. A regional coordinator does
    /// not accept for a municipality: the chain is the point of two levels.
    pub fn given_by(self, role: Role) -> bool {
        role == Role::Operator || AcceptanceLevel::rank_of(role) == self.rank()
    }

    /// Whether `role` may return a form accepted at this level: that level or
    /// a higher one.
    pub fn returned_by(self, role: Role) -> bool {
        AcceptanceLevel::rank_of(role) >= self.rank()
    }

    /// «МОУО» / «регион»: who accepts, in refusals.
    fn who_ru(self) -> &'static str {
        match self {
            AcceptanceLevel::Municipality => "муниципальный координатор (МОУО)",
            AcceptanceLevel::Region => "региональный координатор",
        }
    }
}

/// Which levels accept a collection's submissions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AcceptanceLevels {
    /// No acceptance: «Сдано» is the end (as before acceptance existed).
    #[default]
    None,
    Municipality,
    Region,
    /// The municipality, then the region.
    Both,
}

impl AcceptanceLevels {
    pub const ALL: [AcceptanceLevels; 4] = [
        AcceptanceLevels::None,
        AcceptanceLevels::Municipality,
        AcceptanceLevels::Region,
        AcceptanceLevels::Both,
    ];

    /// Stable storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            AcceptanceLevels::None => "none",
            AcceptanceLevels::Municipality => "municipality",
            AcceptanceLevels::Region => "region",
            AcceptanceLevels::Both => "both",
        }
    }

    /// What [`AcceptanceLevels::as_str`] stored; anything else is no acceptance.
    pub fn parse(text: &str) -> AcceptanceLevels {
        AcceptanceLevels::ALL
            .into_iter()
            .find(|l| l.as_str() == text)
            .unwrap_or_default()
    }

    /// How the collection form offers it.
    pub fn title_ru(self) -> &'static str {
        match self {
            AcceptanceLevels::None => "Без приемки",
            AcceptanceLevels::Municipality => "Принимает МОУО",
            AcceptanceLevels::Region => "Принимает регион",
            AcceptanceLevels::Both => "МОУО, затем регион",
        }
    }

    /// The levels, lowest first.
    pub fn levels(self) -> &'static [AcceptanceLevel] {
        match self {
            AcceptanceLevels::None => &[],
            AcceptanceLevels::Municipality => &[AcceptanceLevel::Municipality],
            AcceptanceLevels::Region => &[AcceptanceLevel::Region],
            AcceptanceLevels::Both => &[AcceptanceLevel::Municipality, AcceptanceLevel::Region],
        }
    }

    /// The level the next acceptance of a submission at `status` gives; `None`
    /// when the status is not awaiting one.
    pub fn next(self, status: OrgStatus) -> Option<AcceptanceLevel> {
        let reached = match status {
            OrgStatus::Submitted => None,
            OrgStatus::AcceptedMunicipality => Some(AcceptanceLevel::Municipality),
            OrgStatus::AcceptedRegion => Some(AcceptanceLevel::Region),
            _ => return None,
        };
        self.levels()
            .iter()
            .copied()
            .find(|l| reached.is_none_or(|r| *l > r))
    }
}

/// The level `role` accepts a submission at `status` at, or why it may not
/// (a Russian sentence; `organisation` names it).
pub fn acceptance_by(
    levels: AcceptanceLevels,
    role: Role,
    status: OrgStatus,
    organisation: &str,
) -> Result<AcceptanceLevel, Refusal> {
    if levels == AcceptanceLevels::None {
        return Err(Refusal::Conflict(
            "В этом сборе приемка не предусмотрена: сданная форма не принимается".into(),
        ));
    }
    let Some(level) = levels.next(status) else {
        return Err(Refusal::Conflict(match status {
            OrgStatus::AcceptedMunicipality | OrgStatus::AcceptedRegion => format!(
                "Форма организации {organisation} уже {}",
                status.title_ru().to_lowercase()
            ),
            _ => format!("Организация {organisation} еще не сдала форму: принимать нечего"),
        }));
    };
    if !level.given_by(role) {
        return Err(Refusal::Forbidden(format!(
            "Сейчас форму организации {organisation} принимает {}",
            level.who_ru()
        )));
    }
    Ok(level)
}

/// Whether `role` may return a submission at `status` for revision, or why not.
pub fn return_by(role: Role, status: OrgStatus, organisation: &str) -> Result<(), Refusal> {
    let accepted = match status {
        OrgStatus::Submitted => return Ok(()),
        OrgStatus::AcceptedMunicipality => AcceptanceLevel::Municipality,
        OrgStatus::AcceptedRegion => AcceptanceLevel::Region,
        _ => {
            return Err(Refusal::Conflict(format!(
                "Организация {organisation} еще не сдала форму (или она уже возвращена): возвращать нечего"
            )));
        }
    };
    if accepted.returned_by(role) {
        Ok(())
    } else {
        Err(Refusal::Forbidden(format!(
            "Форма организации {organisation} {}: вернуть ее может {} или выше",
            status.title_ru().to_lowercase(),
            accepted.who_ru()
        )))
    }
}

/// Why a decision cannot be taken: the submission is not where it would have
/// to be (409), or the caller's level may not take it (403).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    Conflict(String),
    Forbidden(String),
}

/// `accept` or `return`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    Return,
}

/// `POST /api/collections/{id}/acceptances`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "organisation": "sch240001", "decision": "return", "comment": "Проверьте численность",
    "cells": [{"sheet": "specialties", "row": 1, "column": "students",
        "comment": "Численность не совпадает с отчетом за прошлый год"}]
})))]
pub struct AcceptanceRequest {
    /// Login of the organisation.
    pub organisation: String,
    pub decision: Decision,
    /// Required to return (what to fix); optional to accept.
    #[serde(default)]
    pub comment: Option<String>,
    /// With a return: comments on the cells to fix, shown to the organisation
    /// on those cells.
    #[serde(default)]
    pub cells: Vec<crate::comments::CellCommentInput>,
}

impl AcceptanceRequest {
    pub fn problems(&self) -> Vec<FieldError> {
        let comment = self.comment.as_deref().unwrap_or_default();
        let problems = comment_problems(comment, self.decision == Decision::Return);
        if !problems.is_empty() {
            return problems;
        }
        if self.decision == Decision::Accept && !self.cells.is_empty() {
            return vec![FieldError::about_field(
                "cells",
                "not_with_acceptance",
                "Комментарии к ячейкам оставляют при возврате на доработку, а не при приемке",
            )];
        }
        Vec::new()
    }
}

/// An acceptance as the organisation, the list and the history show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "level": "municipality", "accepted_at": "2026-03-03T08:00:00Z", "accepted_by": "mun24001",
    "comment": null, "message": "Принято МОУО 03.03.2026 11:00 (мск)"
})))]
pub struct AcceptanceNote {
    pub level: AcceptanceLevel,
    pub accepted_at: DateTime<Utc>,
    /// Login of the coordinator.
    pub accepted_by: String,
    #[serde(default)]
    pub comment: Option<String>,
    /// «Принято МОУО 03.03.2026 11:00 (мск)».
    pub message: String,
}

impl AcceptanceNote {
    pub fn new(
        level: AcceptanceLevel,
        accepted_at: DateTime<Utc>,
        accepted_by: String,
        comment: Option<String>,
    ) -> AcceptanceNote {
        let mut message = format!(
            "{} {}",
            level.status().title_ru(),
            crate::moscow_time::short_date_time(accepted_at)
        );
        if let Some(comment) = &comment {
            message.push_str(&format!(": {comment}"));
        }
        AcceptanceNote {
            level,
            accepted_at,
            accepted_by,
            comment,
            message,
        }
    }

    /// What the organisation is told of its locked form (the editor's note and
    /// the refusal of a save alike).
    pub fn locked_ru(&self) -> String {
        format!(
            "{} ({}): форма закрыта для изменений. Если нужно что-то исправить, попросите координатора вернуть ее на доработку",
            self.message, self.accepted_by
        )
    }
}

/// What a decision did: the organisation's status now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "organisation": "sch240001", "status": "accepted_municipality", "status_title": "Принято МОУО",
    "message": "Принято МОУО 03.03.2026 11:00 (мск)"
})))]
pub struct AcceptanceOutcome {
    pub organisation: String,
    pub status: OrgStatus,
    pub status_title: String,
    /// «Принято МОУО 03.03.2026 11:00 (мск)» / «Возвращено на доработку …».
    pub message: String,
}

/// `POST /api/collections/{id}/acceptances/bulk`: every submission of one
/// municipality (or of the caller's whole territory) awaiting the caller's
/// acceptance, without errors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "municipality": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"
})))]
pub struct BulkAcceptanceRequest {
    /// A municipality of the caller's territory; none: the whole territory.
    #[serde(default)]
    pub municipality: Option<Uuid>,
}

/// What a bulk acceptance did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "accepted": 412, "with_errors": ["sch240017"],
    "message": "Принято 412 форм; не приняты из-за ошибок: 1 (sch240017)"
})))]
pub struct BulkAcceptanceOutcome {
    pub accepted: u32,
    /// Logins of submissions left «Сдано» because their data has errors.
    pub with_errors: Vec<String>,
    pub message: String,
}

impl BulkAcceptanceOutcome {
    pub fn new(accepted: u32, with_errors: Vec<String>) -> BulkAcceptanceOutcome {
        let mut message = format!(
            "Принято {}",
            count_ru(accepted.into(), ["форма", "формы", "форм"])
        );
        if !with_errors.is_empty() {
            message.push_str(&format!(
                "; не приняты из-за ошибок: {} ({})",
                with_errors.len(),
                with_errors.join(", ")
            ));
        }
        BulkAcceptanceOutcome {
            accepted,
            with_errors,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrgStatus::*;

    #[test]
    fn the_next_level_follows_the_collections_chain() {
        use AcceptanceLevel::*;
        assert_eq!(AcceptanceLevels::None.next(Submitted), None);
        assert_eq!(AcceptanceLevels::Both.next(Submitted), Some(Municipality));
        assert_eq!(
            AcceptanceLevels::Both.next(AcceptedMunicipality),
            Some(Region)
        );
        assert_eq!(AcceptanceLevels::Both.next(AcceptedRegion), None);
        assert_eq!(AcceptanceLevels::Region.next(Submitted), Some(Region));
        assert_eq!(
            AcceptanceLevels::Municipality.next(AcceptedMunicipality),
            None
        );
        assert_eq!(AcceptanceLevels::Both.next(Returned), None);
        assert_eq!(AcceptanceLevels::Both.next(InProgress), None);
    }

    #[test]
    fn only_the_level_accepts_and_the_level_or_above_returns() {
        let both = AcceptanceLevels::Both;
        assert_eq!(
            acceptance_by(both, Role::MunicipalCoordinator, Submitted, "sch1"),
            Ok(AcceptanceLevel::Municipality)
        );
        let region_first = acceptance_by(both, Role::RegionCoordinator, Submitted, "sch1");
        assert!(
            matches!(&region_first, Err(Refusal::Forbidden(m)) if m.contains("МОУО")),
            "{region_first:?}"
        );
        assert_eq!(
            acceptance_by(both, Role::Operator, AcceptedMunicipality, "sch1"),
            Ok(AcceptanceLevel::Region)
        );
        assert!(matches!(
            acceptance_by(both, Role::RegionCoordinator, AcceptedRegion, "sch1"),
            Err(Refusal::Conflict(m)) if m.contains("уже принято регионом")
        ));
        assert!(matches!(
            acceptance_by(AcceptanceLevels::None, Role::Operator, Submitted, "sch1"),
            Err(Refusal::Conflict(_))
        ));
        assert_eq!(
            return_by(Role::MunicipalCoordinator, Submitted, "sch1"),
            Ok(())
        );
        assert_eq!(
            return_by(Role::MunicipalCoordinator, AcceptedMunicipality, "sch1"),
            Ok(())
        );
        assert!(matches!(
            return_by(Role::MunicipalCoordinator, AcceptedRegion, "sch1"),
            Err(Refusal::Forbidden(m)) if m.contains("региональный координатор")
        ));
        assert_eq!(
            return_by(Role::RegionCoordinator, AcceptedRegion, "sch1"),
            Ok(())
        );
        assert!(matches!(
            return_by(Role::Operator, InProgress, "sch1"),
            Err(Refusal::Conflict(_))
        ));
    }

    #[test]
    fn a_return_needs_a_comment_an_acceptance_does_not() {
        let request = |decision, comment: Option<&str>| AcceptanceRequest {
            organisation: "sch1".into(),
            decision,
            comment: comment.map(String::from),
            cells: Vec::new(),
        };
        assert!(request(Decision::Accept, None).problems().is_empty());
        assert_eq!(
            request(Decision::Return, Some("  ")).problems()[0].code,
            "required"
        );
        let long = "я".repeat(crate::monitoring::MAX_COMMENT_CHARS + 1);
        assert_eq!(
            request(Decision::Accept, Some(&long)).problems()[0].code,
            "too_long"
        );
    }

    #[test]
    fn the_bulk_message_counts_in_russian() {
        let outcome = BulkAcceptanceOutcome::new(2, vec!["sch7".into()]);
        assert_eq!(
            outcome.message,
            "Принято 2 формы; не приняты из-за ошибок: 1 (sch7)"
        );
        assert_eq!(
            BulkAcceptanceOutcome::new(5, vec![]).message,
            "Принято 5 форм"
        );
    }
}
