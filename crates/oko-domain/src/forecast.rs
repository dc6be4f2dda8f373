//! «Ход сбора и прогноз» on the monitoring page: how many had submitted at each
//! point of the window so far, and, at each municipality's rate over the last
//! hours, the share it will have submitted by the deadline — the laggards first,
//! so a coordinator knows whom to chase while there is time.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The hours whose submissions give a municipality's rate.
pub const RECENT_HOURS: i64 = 6;
/// The most points the curve has (a long window is drawn in longer steps).
const MAX_POINTS: i64 = 200;

/// `GET /api/collections/{id}/forecast`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "total": 1204, "submitted": 491, "closes_at": "2021-09-07T15:00:00Z",
    "curve": [{"at": "2021-08-30T17:41:00Z", "submitted": 0}, {"at": "2021-08-31T17:41:00Z", "submitted": 120}],
    "municipalities": [{"id": "5f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0", "name": "Емельяновский район",
        "total": 40, "submitted": 9, "rate_per_hour": 0.5, "forecast_percent": 47.5}]
})))]
pub struct Forecast {
    pub total: u64,
    pub submitted: u64,
    pub closes_at: DateTime<Utc>,
    /// Submitted so far at each step of the window, from its opening to now.
    pub curve: Vec<CurvePoint>,
    /// Each municipality of the scope, the lowest forecast first.
    pub municipalities: Vec<MunicipalityForecast>,
}

/// How many had submitted at a moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurvePoint {
    pub at: DateTime<Utc>,
    pub submitted: u64,
}

/// A municipality's progress and where its rate leads.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MunicipalityForecast {
    pub id: Uuid,
    pub name: String,
    pub total: u64,
    pub submitted: u64,
    /// Submissions an hour over the last [`RECENT_HOURS`] hours.
    pub rate_per_hour: f64,
    /// The share (0–100) submitted by the deadline at that rate.
    pub forecast_percent: f64,
}

/// One organisation of the scope: its municipality and when its submission that
/// counts was made (`None`: it has none).
pub struct Entry<'a> {
    pub municipality_id: Uuid,
    pub municipality: &'a str,
    pub submitted_at: Option<DateTime<Utc>>,
}

/// The forecast of a window `opens_at`–`closes_at` at `now`.
pub fn forecast<'a>(
    entries: impl IntoIterator<Item = Entry<'a>>,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Forecast {
    let mut times = Vec::new();
    let mut places: HashMap<Uuid, (&str, u64, u64, u64)> = HashMap::new();
    let recent_from = now - Duration::hours(RECENT_HOURS);
    for entry in entries {
        let place = places
            .entry(entry.municipality_id)
            .or_insert((entry.municipality, 0, 0, 0));
        place.1 += 1;
        if let Some(at) = entry.submitted_at {
            place.2 += 1;
            if at > recent_from {
                place.3 += 1;
            }
            times.push(at);
        }
    }
    times.sort_unstable();
    let left_hours = (closes_at - now).num_minutes().max(0) as f64 / 60.0;
    let mut municipalities: Vec<MunicipalityForecast> = places
        .into_iter()
        .map(|(id, (name, total, submitted, recent))| {
            let rate_per_hour = recent as f64 / RECENT_HOURS as f64;
            let expected = (submitted as f64 + rate_per_hour * left_hours).min(total as f64);
            MunicipalityForecast {
                id,
                name: name.to_owned(),
                total,
                submitted,
                rate_per_hour,
                forecast_percent: percent(expected, total),
            }
        })
        .collect();
    municipalities.sort_by(|a, b| {
        a.forecast_percent
            .total_cmp(&b.forecast_percent)
            .then_with(|| a.name.cmp(&b.name))
    });
    Forecast {
        total: municipalities.iter().map(|m| m.total).sum(),
        submitted: times.len() as u64,
        closes_at,
        curve: curve(&times, opens_at, now.min(closes_at)),
        municipalities,
    }
}

/// `part` of `whole` in percent, one decimal; 100 for an empty whole.
fn percent(part: f64, whole: u64) -> f64 {
    if whole == 0 {
        return 100.0;
    }
    (1000.0 * part / whole as f64).round() / 10.0
}

/// Submitted so far at each step from `from` to `to` (sorted `times`).
fn curve(times: &[DateTime<Utc>], from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<CurvePoint> {
    if to <= from {
        return Vec::new();
    }
    let span = (to - from).num_minutes();
    let step = ((span + MAX_POINTS - 1) / MAX_POINTS).max(60);
    let mut points = Vec::new();
    let mut at = from;
    loop {
        let at_most = at.min(to);
        points.push(CurvePoint {
            at: at_most,
            submitted: times.partition_point(|t| *t <= at_most) as u64,
        });
        if at >= to {
            return points;
        }
        at += Duration::minutes(step);
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 9, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn the_laggards_come_first_at_their_recent_rate() {
        let (fast, slow) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let now = at(6, 15);
        let mut entries = Vec::new();
        // Fast: 10 schools, 4 submitted in the last hours → 0.67 an hour, 24 h left: all.
        for n in 0..10 {
            entries.push(Entry {
                municipality_id: fast,
                municipality: "Быстрый район",
                submitted_at: (n < 4).then(|| at(6, 12)),
            });
        }
        // Slow: 10 schools, 2 submitted days ago, none lately → stays at 20 %.
        for n in 0..10 {
            entries.push(Entry {
                municipality_id: slow,
                municipality: "Медленный район",
                submitted_at: (n < 2).then(|| at(2, 10)),
            });
        }
        let found = forecast(entries, at(1, 9), at(7, 15), now);
        assert_eq!((found.total, found.submitted), (20, 6));
        let names: Vec<&str> = found
            .municipalities
            .iter()
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(names, ["Медленный район", "Быстрый район"]);
        assert_eq!(found.municipalities[0].forecast_percent, 20.0);
        assert_eq!(found.municipalities[1].forecast_percent, 100.0);
        assert!((found.municipalities[1].rate_per_hour - 4.0 / 6.0).abs() < 1e-9);
    }

    #[test]
    fn the_curve_counts_what_was_in_by_each_step_until_now() {
        let entries = [at(1, 10), at(1, 12), at(1, 12)].map(|t| Entry {
            municipality_id: Uuid::nil(),
            municipality: "г. Красноярск",
            submitted_at: Some(t),
        });
        let found = forecast(entries, at(1, 9), at(7, 15), at(1, 13));
        let counts: Vec<u64> = found.curve.iter().map(|p| p.submitted).collect();
        assert_eq!(counts, [0, 1, 1, 3, 3]);
        assert_eq!(found.curve.last().unwrap().at, at(1, 13));
        // A long window is drawn in at most 200 steps.
        let long = forecast(std::iter::empty(), at(1, 0), at(30, 0), at(29, 0));
        assert!(long.curve.len() <= 201, "{}", long.curve.len());
    }
}
