//! How a report is laid out on screen (the SPA runs this; the tests here pin
//! it): a region's schools folded under their municipality, and a chart axis
//! whose ticks are whole and distinct however small the counts.

use super::report::{Chart, ReportRow};

/// A row and the rows folded under it: a municipality and its schools, or a
/// row that stands alone (`members` empty).
#[derive(Clone, Debug, PartialEq)]
pub struct RowGroup {
    pub head: ReportRow,
    pub members: Vec<ReportRow>,
}

/// Groups the rows as the server marked them: each row that opens a list takes
/// the rows after it up to the next such row; every other row stands alone.
pub fn fold_lists(rows: Vec<ReportRow>) -> Vec<RowGroup> {
    let mut groups: Vec<RowGroup> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(open) if open.head.opens_list && !row.opens_list => open.members.push(row),
            _ => groups.push(RowGroup {
                head: row,
                members: Vec::new(),
            }),
        }
    }
    groups
}

/// The value axis of a chart: its top and the values marked on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    pub top: f64,
    pub ticks: Vec<f64>,
}

impl Chart {
    /// Percentages run to 100 in quarters; counts and scores get a whole step
    /// of 1, 2 or 5 times a power of ten, so 2 participants read «0 1 2», not
    /// «0 1 1 2 2».
    pub fn axis(&self) -> Axis {
        let highest = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .filter(|v| v.is_finite())
            .fold(0.0_f64, f64::max);
        let percent = self.measure.starts_with('%') || (50.0..=100.0).contains(&highest);
        let step = if percent {
            25.0
        } else {
            nice_step(highest / 4.0)
        };
        let top = if percent {
            100.0
        } else {
            (highest / step).ceil().max(1.0) * step
        };
        let count = (top / step).round() as u32;
        Axis {
            top,
            ticks: (0..=count).map(|i| f64::from(i) * step).collect(),
        }
    }
}

/// The least of 1, 2 or 5 times a power of ten (never under 1) that is at least
/// `value`.
fn nice_step(value: f64) -> f64 {
    if value <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&v| v >= value)
        .unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::report::ChartSeries;

    fn counts(values: &[f64]) -> Chart {
        Chart {
            categories: vec![],
            series: vec![ChartSeries {
                name: "ОО".into(),
                values: values.to_vec(),
            }],
            measure: "число участников".into(),
        }
    }

    #[test]
    fn small_counts_get_whole_distinct_ticks() {
        assert_eq!(counts(&[0.0, 2.0, 1.0]).axis().ticks, [0.0, 1.0, 2.0]);
        assert_eq!(counts(&[0.0, 0.0]).axis().ticks, [0.0, 1.0]);
        assert_eq!(counts(&[3.0]).axis().ticks, [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(counts(&[9.0]).axis().ticks, [0.0, 5.0, 10.0]);
        assert_eq!(counts(&[21.0]).axis().ticks, [0.0, 10.0, 20.0, 30.0]);
        assert_eq!(counts(&[0.4]).axis().top, 1.0, "a mean under one");
        for highest in 1..=1000 {
            let axis = counts(&[f64::from(highest)]).axis();
            assert!(axis.top >= f64::from(highest));
            assert!((2..=6).contains(&axis.ticks.len()), "{highest}: {axis:?}");
            assert!(axis.ticks.iter().all(|t| t.fract() == 0.0));
        }
    }

    #[test]
    fn percentages_run_to_a_hundred_in_quarters() {
        let mut chart = counts(&[12.5, 3.0]);
        chart.measure = "% участников".into();
        assert_eq!(chart.axis().ticks, [0.0, 25.0, 50.0, 75.0, 100.0]);
    }

    fn row(label: &str, opens_list: bool) -> ReportRow {
        ReportRow {
            label: label.into(),
            opens_list,
            ..ReportRow::default()
        }
    }

    #[test]
    fn a_regions_schools_fold_under_their_municipality() {
        let groups = fold_lists(vec![
            row("РФ", false),
            row("Край", false),
            row("Район 1", true),
            row("Школа 1", false),
            row("Школа 2", false),
            row("Район 2", true),
            row("Школа 3", false),
        ]);
        let shape: Vec<(&str, usize)> = groups
            .iter()
            .map(|g| (g.head.label.as_str(), g.members.len()))
            .collect();
        assert_eq!(
            shape,
            [("РФ", 0), ("Край", 0), ("Район 1", 2), ("Район 2", 1)]
        );
    }

    #[test]
    fn a_municipalitys_own_report_lists_its_schools_unfolded() {
        let groups = fold_lists(vec![row("Район", false), row("Школа", false)]);
        assert_eq!(groups.len(), 2);
    }
}
