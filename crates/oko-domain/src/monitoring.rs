//! Monitoring a collection (seed 001 «Мониторинг работы…», seed 002 Рис. 23–31):
//! the counts by status over a coordinator's scope, «Список участников» with its
//! filters, sorting and pages, and returns for revision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    api::FieldError,
    collections::{CollectionState, OrgStatus},
};

/// Participants per page unless asked otherwise, and at most.
pub const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 500;
/// A return's comment is at most this long.
pub const MAX_COMMENT_CHARS: usize = 2_000;

/// How many organisations of the scope are where. The counts are disjoint, one
/// per status, so filtering the list by a status lists exactly its count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "state": "open", "total": 1204, "not_started": 311, "in_progress": 402,
    "submitted": 391, "not_submitted": 0, "returned": 20, "accepted_municipality": 80,
    "accepted_region": 0,
    "lines": [["Всего", 1204], ["Не приступило", 311], ["В работе", 402], ["Сдано", 391],
        ["Возвращено", 20], ["Принято МОУО", 80]]
})))]
pub struct CollectionStats {
    pub state: CollectionState,
    /// «Всего»: every organisation of the scope the collection reaches.
    pub total: u32,
    /// «Не приступило».
    pub not_started: u32,
    /// «В работе» (open collections; returned ones are «Возвращено»).
    pub in_progress: u32,
    /// «Сдано»: submitted, not accepted (yet).
    pub submitted: u32,
    /// «Не сдано»: started and not submitted when the collection is closed.
    pub not_submitted: u32,
    /// «Возвращено»: returned for revision, not submitted since.
    #[serde(default)]
    pub returned: u32,
    /// «Принято МОУО».
    #[serde(default)]
    pub accepted_municipality: u32,
    /// «Принято регионом».
    #[serde(default)]
    pub accepted_region: u32,
    /// The counts as the seeds show them: while open «Всего», «Не приступило», «В
    /// работе», «Сдано»; once closed «Всего», «Сдано», «Не сдано», «Не
    /// приступило»; then «Возвращено», «Принято МОУО», «Принято регионом» where
    /// there are any.
    pub lines: Vec<(String, u32)>,
}

impl CollectionStats {
    /// Counts `statuses` of a collection in `state`.
    pub fn count(state: CollectionState, statuses: impl IntoIterator<Item = OrgStatus>) -> Self {
        let mut stats = CollectionStats {
            state,
            total: 0,
            not_started: 0,
            in_progress: 0,
            submitted: 0,
            not_submitted: 0,
            returned: 0,
            accepted_municipality: 0,
            accepted_region: 0,
            lines: Vec::new(),
        };
        for status in statuses {
            stats.total += 1;
            *stats.count_of(status) += 1;
        }
        let line = |title: &str, n: u32| (title.to_owned(), n);
        stats.lines = match state {
            CollectionState::Open => vec![
                line("Всего", stats.total),
                line("Не приступило", stats.not_started),
                line("В работе", stats.in_progress),
                line("Сдано", stats.submitted),
            ],
            CollectionState::Closed => vec![
                line("Всего", stats.total),
                line("Сдано", stats.submitted),
                line("Не сдано", stats.not_submitted),
                line("Не приступило", stats.not_started),
            ],
        };
        for status in [
            OrgStatus::Returned,
            OrgStatus::AcceptedMunicipality,
            OrgStatus::AcceptedRegion,
        ] {
            let n = *stats.count_of(status);
            if n > 0 {
                stats.lines.push(line(status.title_ru(), n));
            }
        }
        stats
    }

    fn count_of(&mut self, status: OrgStatus) -> &mut u32 {
        match status {
            OrgStatus::NotStarted => &mut self.not_started,
            OrgStatus::InProgress => &mut self.in_progress,
            OrgStatus::Submitted => &mut self.submitted,
            OrgStatus::NotSubmitted => &mut self.not_submitted,
            OrgStatus::Returned => &mut self.returned,
            OrgStatus::AcceptedMunicipality => &mut self.accepted_municipality,
            OrgStatus::AcceptedRegion => &mut self.accepted_region,
        }
    }

    /// Every submission that counts, accepted or not.
    pub fn submitted_in_all(&self) -> u32 {
        self.submitted + self.accepted_municipality + self.accepted_region
    }
}

/// The order of «Список участников».
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParticipantSort {
    /// Those who started first (accepted, submitted, returned, then in work),
    /// then «не приступившие»;
    /// by login within each (the seeds' grouping).
    #[default]
    Status,
    Login,
    Name,
    Municipality,
    /// «Дата начала работы»; those who did not start last.
    Started,
    /// «Дата подачи»; those who did not submit last.
    Submitted,
}

/// `GET /api/collections/{id}/participants` parameters.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ParticipantQuery {
    /// Only organisations with this status.
    pub status: Option<OrgStatus>,
    /// Only organisations of this municipality.
    pub municipality: Option<Uuid>,
    /// Part of the login or the name, any case.
    pub search: Option<String>,
    /// Only organisations whose latest submission explains unusual values
    /// («есть пояснения»; `false`: only those whose does not).
    pub explained: Option<bool>,
    /// The order (by status unless asked).
    #[cfg_attr(feature = "openapi", param(inline))]
    pub sort: Option<ParticipantSort>,
    /// Reverse the order.
    #[serde(default)]
    pub desc: bool,
    /// 1-based.
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// One organisation of the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub login: String,
    pub name: String,
    pub municipality_id: Uuid,
    pub municipality: String,
    pub status: OrgStatus,
    /// «Не приступил», «В работе», «Сдано», «Не сдано».
    pub status_title: String,
    /// «Дата начала работы».
    pub started_at: Option<DateTime<Utc>>,
    /// «Дата подачи» (the latest).
    pub submitted_at: Option<DateTime<Utc>>,
    /// Returned for revision and not submitted since.
    pub returned: bool,
    /// The latest submission explains unusual values («есть пояснения»).
    #[serde(default)]
    pub explained: bool,
}

/// What [`ParticipantQuery::select`] filters and sorts by.
pub trait ParticipantRow {
    fn login(&self) -> &str;
    fn name(&self) -> &str;
    fn municipality(&self) -> &str;
    fn municipality_id(&self) -> Uuid;
    fn status(&self) -> OrgStatus;
    fn started_at(&self) -> Option<DateTime<Utc>>;
    fn submitted_at(&self) -> Option<DateTime<Utc>>;
    fn explained(&self) -> bool;
}

impl ParticipantRow for Participant {
    fn login(&self) -> &str {
        &self.login
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn municipality(&self) -> &str {
        &self.municipality
    }
    fn municipality_id(&self) -> Uuid {
        self.municipality_id
    }
    fn status(&self) -> OrgStatus {
        self.status
    }
    fn started_at(&self) -> Option<DateTime<Utc>> {
        self.started_at
    }
    fn submitted_at(&self) -> Option<DateTime<Utc>> {
        self.submitted_at
    }
    fn explained(&self) -> bool {
        self.explained
    }
}

/// A page of «Список участников» with the scope's counts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "statistics": {"state": "open", "total": 2, "not_started": 1, "in_progress": 0,
        "submitted": 1, "not_submitted": 0,
        "lines": [["Всего", 2], ["Не приступило", 1], ["В работе", 0], ["Сдано", 1]]},
    "items": [{"login": "sch240001", "name": "МБОУ СОШ № 1", "municipality_id": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "municipality": "г. Красноярск", "status": "submitted", "status_title": "Сдано",
        "started_at": "2026-03-02T09:12:00Z", "submitted_at": "2026-03-02T14:42:00Z", "returned": false,
        "explained": false}],
    "total": 2, "page": 1, "per_page": 1,
    "municipalities": [{"name": "г. Красноярск", "id": "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}]
})))]
pub struct ParticipantPage {
    /// Counts over the whole scope (not only the filtered rows).
    pub statistics: CollectionStats,
    pub items: Vec<Participant>,
    /// Rows matching the filters.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    /// The municipalities of the scope, for the filter, by name.
    pub municipalities: Vec<MunicipalityOption>,
}

/// A municipality to filter by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MunicipalityOption {
    pub name: String,
    pub id: Uuid,
}

/// The distinct municipalities of `participants`, by name.
pub fn municipalities_of<R: ParticipantRow>(participants: &[R]) -> Vec<MunicipalityOption> {
    let mut seen = std::collections::HashSet::new();
    let mut set: Vec<MunicipalityOption> = participants
        .iter()
        .filter(|p| seen.insert(p.municipality_id()))
        .map(|p| MunicipalityOption {
            name: p.municipality().to_owned(),
            id: p.municipality_id(),
        })
        .collect();
    set.sort();
    set
}

impl ParticipantQuery {
    /// The page of `all` (every participant of the scope) this query asks for,
    /// with the number of matching rows. Works on any row type, so the server can
    /// sort light rows and build [`Participant`]s for the page only.
    pub fn select<R: ParticipantRow>(&self, mut all: Vec<R>) -> (Vec<R>, u64) {
        let search = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
        all.retain(|p| {
            self.status.is_none_or(|s| p.status() == s)
                && self.municipality.is_none_or(|m| p.municipality_id() == m)
                && self.explained.is_none_or(|e| p.explained() == e)
                && search.as_deref().is_none_or(|s| {
                    p.login().to_lowercase().contains(s) || p.name().to_lowercase().contains(s)
                })
        });
        let rank = |p: &R| OrgStatus::ALL.iter().position(|s| *s == p.status());
        // Missing dates go last whatever the direction.
        let by_date = |a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>, desc: bool| match (a, b)
        {
            (Some(a), Some(b)) if desc => b.cmp(&a),
            (Some(a), Some(b)) => a.cmp(&b),
            (a, b) => b.is_some().cmp(&a.is_some()),
        };
        let desc = self.desc;
        let flip = |o: std::cmp::Ordering| if desc { o.reverse() } else { o };
        // Login order first (the server's rows come in it already: a linear check),
        // then stable sorts by the asked key alone keep logins in order within it.
        if !all.is_sorted_by(|a, b| a.login() <= b.login()) {
            all.sort_by(|a, b| a.login().cmp(b.login()));
        }
        match self.sort.unwrap_or_default() {
            ParticipantSort::Status => all.sort_by(|a, b| flip(rank(a).cmp(&rank(b)))),
            ParticipantSort::Login if desc => all.reverse(),
            ParticipantSort::Login => {}
            // Names start with a capital or a quote mark: compared as written.
            ParticipantSort::Name => all.sort_by(|a, b| flip(a.name().cmp(b.name()))),
            ParticipantSort::Municipality => {
                all.sort_by(|a, b| flip(a.municipality().cmp(b.municipality())))
            }
            ParticipantSort::Started => {
                all.sort_by(|a, b| by_date(a.started_at(), b.started_at(), desc))
            }
            ParticipantSort::Submitted => {
                all.sort_by(|a, b| by_date(a.submitted_at(), b.submitted_at(), desc))
            }
        }
        let total = all.len() as u64;
        let (page, per_page) = self.paging();
        let items = all
            .into_iter()
            .skip(usize::try_from(crate::paging::offset(page, per_page)).unwrap_or(usize::MAX))
            .take(per_page as usize)
            .collect();
        (items, total)
    }

    /// The page and its size, within bounds.
    pub fn paging(&self) -> (u64, u64) {
        (
            self.page.unwrap_or(1).clamp(1, crate::paging::MAX_PAGE),
            self.per_page
                .unwrap_or(DEFAULT_PER_PAGE)
                .clamp(1, MAX_PER_PAGE),
        )
    }
}

/// `POST /api/collections/{id}/returns`: send a submission back for revision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "organisation": "sch240001", "comment": "Проверьте количество участников по математике"
})))]
pub struct ReturnRequest {
    /// Login of the organisation.
    pub organisation: String,
    /// Why, for the organisation («Возвращено на доработку: …»).
    pub comment: String,
}

impl ReturnRequest {
    pub fn problems(&self) -> Vec<FieldError> {
        comment_problems(&self.comment, true)
    }
}

/// What is wrong with a decision's `comment` (a return's is `required`).
pub fn comment_problems(comment: &str, required: bool) -> Vec<FieldError> {
    let comment = comment.trim();
    if required && comment.is_empty() {
        vec![FieldError::about_field(
            "comment",
            "required",
            "Напишите, что нужно исправить",
        )]
    } else if comment.chars().count() > MAX_COMMENT_CHARS {
        vec![FieldError::about_field(
            "comment",
            "too_long",
            &format!("Не более {MAX_COMMENT_CHARS} символов"),
        )]
    } else {
        Vec::new()
    }
}

/// A return for revision, as the organisation and the history show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "returned_at": "2026-03-03T08:00:00Z", "returned_by": "mun24001",
    "comment": "Проверьте количество участников по математике",
    "message": "Возвращено на доработку 03.03.2026 11:00 (мск): Проверьте количество участников по математике"
})))]
pub struct ReturnNote {
    pub returned_at: DateTime<Utc>,
    /// Login of the coordinator.
    pub returned_by: String,
    pub comment: String,
    /// «Возвращено на доработку 03.03.2026 11:00 (мск): …».
    pub message: String,
}

impl ReturnNote {
    pub fn new(returned_at: DateTime<Utc>, returned_by: String, comment: String) -> ReturnNote {
        let message = format!(
            "Возвращено на доработку {}: {comment}",
            crate::moscow_time::short_date_time(returned_at)
        );
        ReturnNote {
            returned_at,
            returned_by,
            comment,
            message,
        }
    }
}

/// Whether a draft returned at `returned_at` is still returned: nothing was
/// submitted after the return.
pub fn still_returned(
    returned_at: Option<DateTime<Utc>>,
    last_submitted_at: Option<DateTime<Utc>>,
) -> bool {
    returned_at.is_some_and(|r| last_submitted_at.is_none_or(|s| r > s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn participant(login: &str, status: OrgStatus, started: Option<i64>) -> Participant {
        Participant {
            login: login.into(),
            name: format!("Школа {login}"),
            municipality_id: Uuid::nil(),
            municipality: "г. Красноярск".into(),
            status,
            status_title: status.title_ru().into(),
            started_at: started.map(|h| Utc.timestamp_opt(h * 3600, 0).unwrap()),
            submitted_at: None,
            returned: false,
            explained: false,
        }
    }

    #[test]
    fn counts_follow_the_seeds_lines_open_and_closed() {
        use OrgStatus::*;
        let statuses = [NotStarted, InProgress, Submitted, Submitted];
        let open = CollectionStats::count(CollectionState::Open, statuses);
        assert_eq!(
            (
                open.total,
                open.not_started,
                open.in_progress,
                open.submitted
            ),
            (4, 1, 1, 2)
        );
        assert_eq!(open.lines[1], ("Не приступило".to_owned(), 1));
        let closed = CollectionStats::count(
            CollectionState::Closed,
            [NotStarted, NotSubmitted, Submitted],
        );
        let titles: Vec<&str> = closed.lines.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles, ["Всего", "Сдано", "Не сдано", "Не приступило"]);
        assert_eq!(closed.not_submitted, 1);
    }

    #[test]
    fn the_list_groups_starters_first_filters_searches_and_pages() {
        use OrgStatus::*;
        let all = vec![
            participant("sch3", NotStarted, None),
            participant("sch1", Submitted, Some(2)),
            participant("sch2", InProgress, Some(1)),
            participant("spo1", NotStarted, None),
        ];
        let logins = |rows: Vec<Participant>| rows.into_iter().map(|p| p.login).collect::<Vec<_>>();
        let (rows, total) = ParticipantQuery::default().select(all.clone());
        assert_eq!(
            (logins(rows), total),
            (
                vec!["sch1", "sch2", "sch3", "spo1"]
                    .into_iter()
                    .map(String::from)
                    .collect(),
                4
            )
        );
        let query = ParticipantQuery {
            search: Some("SCH".into()),
            status: Some(NotStarted),
            ..Default::default()
        };
        assert_eq!(logins(query.select(all.clone()).0), ["sch3"]);
        let by_start = ParticipantQuery {
            sort: Some(ParticipantSort::Started),
            desc: true,
            ..Default::default()
        };
        assert_eq!(
            logins(by_start.select(all.clone()).0),
            ["sch1", "sch2", "sch3", "spo1"],
            "no date goes last"
        );
        let second_page = ParticipantQuery {
            page: Some(2),
            per_page: Some(3),
            ..Default::default()
        };
        let (rows, total) = second_page.select(all);
        assert_eq!((logins(rows), total), (vec!["spo1".to_owned()], 4));
    }

    #[test]
    fn a_return_counts_until_the_next_submission() {
        let at = |h: i64| Some(Utc.timestamp_opt(h * 3600, 0).unwrap());
        assert!(still_returned(at(2), at(1)));
        assert!(!still_returned(at(2), at(3)));
        assert!(!still_returned(None, at(3)));
        let note = ReturnNote::new(
            Utc.with_ymd_and_hms(2026, 3, 3, 8, 0, 0).unwrap(),
            "mun24001".into(),
            "Проверьте".into(),
        );
        assert_eq!(
            note.message,
            "Возвращено на доработку 03.03.2026 11:00 (мск): Проверьте"
        );
        let empty = ReturnRequest {
            organisation: "x".into(),
            comment: "  ".into(),
        };
        assert_eq!(empty.problems()[0].field.as_deref(), Some("comment"));
    }
}
