//! The seven reports of «Аналитика» as tables with a chart, built from
//! [`UnitStats`]: the unit beside its parents (the country first, the unit last),
//! and for a coordinator's unit its subordinate units listed below.

use serde::{Deserialize, Serialize};

use super::{
    MARKS, WorkDefinition, objectivity,
    stats::{JournalComparison, StudentResult, UnitStats},
};

/// Which report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// «Статистика по отметкам».
    Marks,
    /// «Выполнение заданий».
    Tasks,
    /// «Распределение первичных баллов».
    Scores,
    /// «Выполнение заданий группами учащихся».
    Groups,
    /// «Индивидуальные результаты».
    Individual,
    /// «Сравнение отметок с отметками по журналу».
    Journal,
    /// «Достижение планируемых результатов».
    Skills,
}

impl ReportKind {
    pub const ALL: [ReportKind; 7] = [
        ReportKind::Marks,
        ReportKind::Tasks,
        ReportKind::Scores,
        ReportKind::Groups,
        ReportKind::Individual,
        ReportKind::Journal,
        ReportKind::Skills,
    ];

    /// The report's name as the seeds give it.
    pub fn title_ru(self) -> &'static str {
        match self {
            ReportKind::Marks => "Статистика по отметкам",
            ReportKind::Tasks => "Выполнение заданий",
            ReportKind::Scores => "Распределение первичных баллов",
            ReportKind::Groups => "Выполнение заданий группами учащихся",
            ReportKind::Individual => "Индивидуальные результаты",
            ReportKind::Journal => "Сравнение отметок с отметками по журналу",
            ReportKind::Skills => "Достижение планируемых результатов",
        }
    }

    /// The snake_case name used in URLs.
    pub fn slug(self) -> &'static str {
        match self {
            ReportKind::Marks => "marks",
            ReportKind::Tasks => "tasks",
            ReportKind::Scores => "scores",
            ReportKind::Groups => "groups",
            ReportKind::Individual => "individual",
            ReportKind::Journal => "journal",
            ReportKind::Skills => "skills",
        }
    }

    pub fn from_slug(slug: &str) -> Option<ReportKind> {
        ReportKind::ALL.into_iter().find(|k| k.slug() == slug)
    }
}

/// Level of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Country,
    Region,
    Municipality,
    Organisation,
}

/// A number or a text in a report's cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ReportValue {
    Number(f64),
    Text(String),
}

/// One line of a report's table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    /// The unit's (or task's, or student's) name.
    pub label: String,
    /// The unit's level, when the row is a unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<UnitLevel>,
    /// How to ask for this unit's own report (`region:<id>`, `municipality:<id>`,
    /// `organisation:<login>`), for rows the user may open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// One value per column; empty where there is nothing to show (no students).
    pub values: Vec<Option<ReportValue>>,
    /// Objectivity flags (docs/analytics.md), each a reason in Russian.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// A municipality's row in a region's report: the rows after it, up to the
    /// next such row, are its schools (the screen folds them under it:
    /// «Раскрыть список школ»).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub opens_list: bool,
}

/// A bar chart: one group of bars per category, one bar per series.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chart {
    /// Under the groups of bars: marks, task numbers, scores.
    pub categories: Vec<String>,
    pub series: Vec<ChartSeries>,
    /// What the bars measure, e.g. «% участников».
    pub measure: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChartSeries {
    pub name: String,
    pub values: Vec<f64>,
}

/// A built report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "kind": "marks", "title": "Статистика по отметкам", "work": "Математика, 5 класс",
    "unit": "МБОУ СОШ № 1",
    "columns": ["Кол-во участников", "«2», %", "«3», %", "«4», %", "«5», %"],
    "rows": [
        {"label": "Российская Федерация", "level": "country", "values": [41250, 12.1, 38.4, 36.2, 13.3]},
        {"label": "МБОУ СОШ № 1", "level": "organisation", "unit": "organisation:sch240001",
         "values": [25, 8.0, 40.0, 36.0, 16.0]}
    ],
    "chart": {"categories": ["2", "3", "4", "5"], "measure": "% участников",
              "series": [{"name": "Российская Федерация", "values": [12.1, 38.4, 36.2, 13.3]},
                         {"name": "МБОУ СОШ № 1", "values": [8.0, 40.0, 36.0, 16.0]}]},
    "notes": []
})))]
pub struct Report {
    pub kind: ReportKind,
    /// The report's name.
    pub title: String,
    /// «Математика, 5 класс».
    pub work: String,
    /// The unit the report is for.
    pub unit: String,
    pub columns: Vec<String>,
    pub rows: Vec<ReportRow>,
    pub chart: Chart,
    /// Remarks under the table (e.g. how many schools are flagged).
    pub notes: Vec<String>,
}

/// A unit with its statistics.
#[derive(Clone, Debug)]
pub struct UnitLine {
    pub label: String,
    pub level: UnitLevel,
    /// `region:<id>` …, when the user may open the unit's own report.
    pub unit: Option<String>,
    pub stats: UnitStats,
    /// The municipality's statistics, for an organisation listed under a
    /// coordinator's unit (objectivity flags compare with it).
    pub municipality: Option<UnitStats>,
}

/// What a report is built from: the unit and its parents (country first, the unit
/// last) and the units listed under it.
pub struct ReportInput<'a> {
    pub work: &'a WorkDefinition,
    pub chain: Vec<UnitLine>,
    pub children: Vec<UnitLine>,
}

/// Builds `kind` (all but «Индивидуальные результаты», see [`individual`]).
pub fn build(kind: ReportKind, input: &ReportInput) -> Report {
    let unit = input
        .chain
        .last()
        .map(|l| l.label.clone())
        .unwrap_or_default();
    let mut report = Report {
        kind,
        title: kind.title_ru().to_owned(),
        work: input.work.title(),
        unit,
        columns: Vec::new(),
        rows: Vec::new(),
        chart: Chart::default(),
        notes: Vec::new(),
    };
    match kind {
        ReportKind::Marks => marks(input, &mut report),
        ReportKind::Tasks => tasks(input, &mut report),
        ReportKind::Scores => scores(input, &mut report),
        ReportKind::Groups => groups(input, &mut report),
        ReportKind::Journal => journal(input, &mut report),
        ReportKind::Skills => skills(input, &mut report),
        ReportKind::Individual => {}
    }
    report
}

fn marks(input: &ReportInput, report: &mut Report) {
    report.columns = std::iter::once("Кол-во участников".to_owned())
        .chain(MARKS.iter().map(|m| format!("«{m}», %")))
        .collect();
    let values = |s: &UnitStats| {
        let mut values = vec![count(s.participants)];
        values.extend(s.marks.iter().map(|&n| percent(n, s.participants)));
        values
    };
    unit_rows(input, report, values);
    report.chart = chart(
        MARKS.iter().map(u8::to_string).collect(),
        &input.chain,
        "% участников",
        |s| s.marks.iter().map(|&n| pct(n, s.participants)).collect(),
    );
}

fn journal(input: &ReportInput, report: &mut Report) {
    report.columns = vec![
        "Кол-во участников с отметкой по журналу".to_owned(),
        "Понизили (Отметка < Отметка по журналу), %".to_owned(),
        "Подтвердили (Отметка = Отметке по журналу), %".to_owned(),
        "Повысили (Отметка > Отметка по журналу), %".to_owned(),
    ];
    let values = |s: &UnitStats| {
        let with = s.with_journal();
        let mut values = vec![count(with)];
        values.extend(s.journal.iter().map(|&n| percent(n, with)));
        values
    };
    unit_rows(input, report, values);
    report.chart = chart(
        vec!["Понизили".into(), "Подтвердили".into(), "Повысили".into()],
        &input.chain,
        "% участников",
        |s| {
            s.journal
                .iter()
                .map(|&n| pct(n, s.with_journal()))
                .collect()
        },
    );
}

fn tasks(input: &ReportInput, report: &mut Report) {
    let work = input.work;
    report.columns = std::iter::once("Кол-во участников".to_owned())
        .chain(
            work.tasks
                .iter()
                .map(|t| format!("{} ({} б.), %", t.number, t.max_score)),
        )
        .collect();
    for line in &input.chain {
        let mut values = vec![count(line.stats.participants)];
        values.extend(task_percents(
            work,
            &line.stats.task_scores,
            line.stats.participants,
        ));
        report.rows.push(unit_row(line, values));
    }
    report.chart = chart(
        task_numbers(work),
        &input.chain,
        "% от максимального балла",
        |s| {
            task_percents(work, &s.task_scores, s.participants)
                .into_iter()
                .map(number_of)
                .collect()
        },
    );
}

fn groups(input: &ReportInput, report: &mut Report) {
    let work = input.work;
    report.columns = std::iter::once("Кол-во участников".to_owned())
        .chain(work.tasks.iter().map(|t| format!("{}, %", t.number)))
        .collect();
    let Some(unit) = input.chain.last() else {
        return;
    };
    let country = input.chain.first().filter(|c| c.level != unit.level);
    let mut series = Vec::new();
    for (group, mark) in MARKS.iter().enumerate() {
        for line in country.into_iter().chain(std::iter::once(unit)) {
            let students = line.stats.marks[group];
            let percents = task_percents(work, &line.stats.group_task_scores[group], students);
            if std::ptr::eq(line, unit) {
                series.push(ChartSeries {
                    name: format!("Группа «{mark}»"),
                    values: percents.iter().cloned().map(number_of).collect(),
                });
            }
            let mut values = vec![count(students)];
            values.extend(percents);
            report.rows.push(ReportRow {
                label: format!("{} — группа «{mark}»", line.label),
                level: Some(line.level),
                unit: None,
                values,
                flags: Vec::new(),
                opens_list: false,
            });
        }
    }
    report.chart = Chart {
        categories: task_numbers(work),
        series,
        measure: "% от максимального балла".into(),
    };
}

fn scores(input: &ReportInput, report: &mut Report) {
    let max = input.work.max_primary();
    report.columns = std::iter::once("Кол-во участников".to_owned())
        .chain((0..=max).map(|s| s.to_string()))
        .collect();
    let Some(unit) = input.chain.last() else {
        return;
    };
    let country = input.chain.first().filter(|c| c.level != unit.level);
    let compared: Vec<UnitLine> = country.into_iter().chain([unit]).cloned().collect();
    for line in &compared {
        let mut values = vec![count(line.stats.participants)];
        values.extend(
            line.stats
                .histogram
                .iter()
                .map(|&n| percent(n, line.stats.participants)),
        );
        report.rows.push(unit_row(line, values));
    }
    let mut counts = vec![count(unit.stats.participants)];
    counts.extend(unit.stats.histogram.iter().map(|&n| count(n)));
    report.rows.push(ReportRow {
        label: format!("{} — число участников", unit.label),
        level: None,
        unit: None,
        values: counts,
        flags: Vec::new(),
        opens_list: false,
    });
    report.chart = chart(
        (0..=max).map(|s| s.to_string()).collect(),
        &compared,
        "% участников",
        |s| {
            s.histogram
                .iter()
                .map(|&n| pct(n, s.participants))
                .collect()
        },
    );
}

fn skills(input: &ReportInput, report: &mut Report) {
    let work = input.work;
    let skills = work.skills();
    report.columns = std::iter::once("Макс. балл".to_owned())
        .chain(input.chain.iter().map(|l| format!("{}, %", l.label)))
        .collect();
    let achieved = |s: &UnitStats, tasks: &[usize]| {
        let got: u64 = tasks.iter().map(|&t| s.task_scores[t]).sum();
        let max: u64 = tasks
            .iter()
            .map(|&t| u64::from(work.tasks[t].max_score))
            .sum();
        percent(got, max * s.participants)
    };
    for (number, (skill, tasks)) in skills.iter().enumerate() {
        let max: u32 = tasks.iter().map(|&t| work.tasks[t].max_score).sum();
        let mut values = vec![count(u64::from(max))];
        values.extend(input.chain.iter().map(|l| achieved(&l.stats, tasks)));
        let numbers: Vec<&str> = tasks
            .iter()
            .map(|&t| work.tasks[t].number.as_str())
            .collect();
        report.rows.push(ReportRow {
            label: format!("{}. {skill} (задания {})", number + 1, numbers.join(", ")),
            level: None,
            unit: None,
            values,
            flags: Vec::new(),
            opens_list: false,
        });
    }
    report.chart = chart(
        (1..=skills.len()).map(|n| n.to_string()).collect(),
        &input.chain,
        "% достижения",
        |s| {
            skills
                .iter()
                .map(|(_, tasks)| number_of(achieved(s, tasks)))
                .collect()
        },
    );
}

/// «Индивидуальные результаты»: one row per student, `(organisation, student)`.
pub fn individual(
    work: &WorkDefinition,
    unit: &str,
    students: &[(String, StudentResult)],
) -> Report {
    let columns = ["ОО", "Код", "Класс", "Вариант"]
        .into_iter()
        .map(str::to_owned)
        .chain(work.tasks.iter().map(|t| t.number.clone()))
        .chain(["Первичный балл", "Отметка", "Отметка по журналу"].map(str::to_owned))
        .collect();
    let mut marks = UnitStats::empty(work);
    let rows = students
        .iter()
        .map(|(organisation, student)| {
            marks.add(work, student);
            let primary = student.primary();
            let mut values = vec![
                text(organisation),
                text(&student.code),
                text(&student.class_name),
                text(&student.variant),
            ];
            values.extend(student.scores.iter().map(|&s| count(u64::from(s))));
            values.push(count(u64::from(primary)));
            values.push(count(u64::from(work.mark_for(primary))));
            values.push(
                student
                    .journal_mark
                    .map(|m| ReportValue::Number(f64::from(m))),
            );
            ReportRow {
                label: student.code.clone(),
                level: None,
                unit: None,
                values,
                flags: Vec::new(),
                opens_list: false,
            }
        })
        .collect();
    Report {
        kind: ReportKind::Individual,
        title: ReportKind::Individual.title_ru().to_owned(),
        work: work.title(),
        unit: unit.to_owned(),
        columns,
        rows,
        chart: Chart {
            categories: MARKS.iter().map(u8::to_string).collect(),
            series: vec![ChartSeries {
                name: unit.to_owned(),
                values: marks.marks.iter().map(|&n| n as f64).collect(),
            }],
            measure: "число участников".into(),
        },
        notes: Vec::new(),
    }
}

/// The chain's rows, then the listed units' (flagged by the objectivity rule
/// where they are organisations), with a note counting the flagged.
fn unit_rows(
    input: &ReportInput,
    report: &mut Report,
    values: impl Fn(&UnitStats) -> Vec<Option<ReportValue>>,
) {
    for line in &input.chain {
        report.rows.push(unit_row(line, values(&line.stats)));
    }
    let mut flagged = 0;
    for line in &input.children {
        let mut row = unit_row(line, values(&line.stats));
        row.opens_list = line.level == UnitLevel::Municipality;
        if let Some(municipality) = &line.municipality {
            row.flags = objectivity::flags(&line.stats, municipality);
            flagged += usize::from(!row.flags.is_empty());
        }
        report.rows.push(row);
    }
    if flagged > 0 {
        report.notes.push(format!(
            "Признаки необъективности результатов: {flagged} ОО (правило — в описании отчетов)"
        ));
    }
}

fn unit_row(line: &UnitLine, values: Vec<Option<ReportValue>>) -> ReportRow {
    ReportRow {
        label: line.label.clone(),
        level: Some(line.level),
        unit: line.unit.clone(),
        values,
        flags: Vec::new(),
        opens_list: false,
    }
}

fn chart(
    categories: Vec<String>,
    lines: &[UnitLine],
    measure: &str,
    values: impl Fn(&UnitStats) -> Vec<f64>,
) -> Chart {
    Chart {
        categories,
        series: lines
            .iter()
            .map(|l| ChartSeries {
                name: l.label.clone(),
                values: values(&l.stats),
            })
            .collect(),
        measure: measure.to_owned(),
    }
}

fn task_numbers(work: &WorkDefinition) -> Vec<String> {
    work.tasks.iter().map(|t| t.number.clone()).collect()
}

/// Per task: the points got in % of the points possible for `students`.
fn task_percents(work: &WorkDefinition, sums: &[u64], students: u64) -> Vec<Option<ReportValue>> {
    work.tasks
        .iter()
        .zip(sums)
        .map(|(task, &sum)| percent(sum, u64::from(task.max_score) * students))
        .collect()
}

/// `part` of `whole` in percent, one decimal; nothing when `whole` is 0.
fn percent(part: u64, whole: u64) -> Option<ReportValue> {
    (whole > 0).then(|| ReportValue::Number(pct(part, whole)))
}

fn pct(part: u64, whole: u64) -> f64 {
    (objectivity::share(part, whole) * 10.0).round() / 10.0
}

fn count(n: u64) -> Option<ReportValue> {
    Some(ReportValue::Number(n as f64))
}

fn text(value: &str) -> Option<ReportValue> {
    Some(ReportValue::Text(value.to_owned()))
}

fn number_of(value: Option<ReportValue>) -> f64 {
    match value {
        Some(ReportValue::Number(n)) => n,
        _ => 0.0,
    }
}

/// Keeps [`JournalComparison`]'s order and the journal columns in step.
const _: () = assert!(JournalComparison::Higher as usize == 2);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::demo_work;

    fn student(scores: [u32; 10], journal: u8) -> StudentResult {
        StudentResult {
            code: "1".into(),
            class_name: "5А".into(),
            variant: "1".into(),
            scores: scores.to_vec(),
            journal_mark: Some(journal),
        }
    }

    fn line(label: &str, level: UnitLevel, students: &[StudentResult]) -> UnitLine {
        UnitLine {
            label: label.into(),
            level,
            unit: None,
            stats: UnitStats::of(&demo_work("Математика", "5 класс"), students),
            municipality: None,
        }
    }

    fn number(row: &ReportRow, column: usize) -> f64 {
        number_of(row.values[column].clone())
    }

    #[test]
    fn marks_show_a_school_beside_the_country_in_percent() {
        let work = demo_work("Математика", "5 класс");
        let full = [1, 2, 2, 1, 2, 2, 3, 2, 2, 3];
        let school = vec![student(full, 5), student([0; 10], 3)];
        let mut country = school.clone();
        country.extend([student(full, 5), student(full, 5)]);
        let input = ReportInput {
            work: &work,
            chain: vec![
                line("РФ", UnitLevel::Country, &country),
                line("Школа", UnitLevel::Organisation, &school),
            ],
            children: vec![],
        };
        let report = build(ReportKind::Marks, &input);
        assert_eq!(report.rows.len(), 2);
        assert_eq!(number(&report.rows[1], 0), 2.0);
        assert_eq!(number(&report.rows[1], 1), 50.0, "one of two got «2»");
        assert_eq!(number(&report.rows[1], 4), 50.0);
        assert_eq!(number(&report.rows[0], 4), 75.0);
        assert_eq!(report.chart.series[1].values, vec![50.0, 0.0, 0.0, 50.0]);

        let journal = build(ReportKind::Journal, &input);
        assert_eq!(
            number(&journal.rows[1], 1),
            50.0,
            "0 points against a journal «3»"
        );
        assert_eq!(number(&journal.rows[1], 2), 50.0);
    }

    #[test]
    fn tasks_groups_scores_and_skills_are_percentages_of_the_possible() {
        let work = demo_work("Математика", "5 класс");
        let students = [
            student([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], 3),
            student([1, 2, 0, 0, 0, 0, 0, 0, 0, 0], 3),
        ];
        let input = ReportInput {
            work: &work,
            chain: vec![line("Школа", UnitLevel::Organisation, &students)],
            children: vec![],
        };
        let tasks = build(ReportKind::Tasks, &input);
        assert_eq!(number(&tasks.rows[0], 1), 100.0, "task 1: 2 of 2 points");
        assert_eq!(number(&tasks.rows[0], 2), 75.0, "task 2: 3 of 4 points");
        let skills = build(ReportKind::Skills, &input);
        assert_eq!(skills.rows.len(), 5);
        assert_eq!(number(&skills.rows[0], 1), 83.3, "tasks 1–2: 5 of 6 points");
        let groups = build(ReportKind::Groups, &input);
        assert_eq!(groups.rows.len(), 4, "one row per mark group, no country");
        assert_eq!(number(&groups.rows[0], 0), 2.0, "both got «2»");
        let scores = build(ReportKind::Scores, &input);
        assert_eq!(scores.columns.len(), 22);
        assert_eq!(number(&scores.rows[0], 1 + 2), 50.0);
        assert_eq!(number(&scores.rows[1], 1 + 3), 1.0, "the count row");
    }

    #[test]
    fn listed_schools_far_above_their_municipality_are_flagged_and_counted() {
        let work = demo_work("Математика", "5 класс");
        let weak: Vec<_> = (0..40).map(|_| student([0; 10], 3)).collect();
        let strong: Vec<_> = (0..12)
            .map(|_| student([1, 2, 2, 1, 2, 2, 3, 2, 2, 3], 5))
            .collect();
        let mut municipality = weak.clone();
        municipality.extend(strong.clone());
        let municipality = line("Район", UnitLevel::Municipality, &municipality);
        let mut flagged = line("Школа 1", UnitLevel::Organisation, &strong);
        flagged.municipality = Some(municipality.stats.clone());
        let mut plain = line("Школа 2", UnitLevel::Organisation, &weak);
        plain.municipality = Some(municipality.stats.clone());
        let input = ReportInput {
            work: &work,
            chain: vec![municipality],
            children: vec![flagged, plain],
        };
        let report = build(ReportKind::Marks, &input);
        assert_eq!(report.rows[1].flags.len(), 1);
        assert!(report.rows[2].flags.is_empty());
        assert_eq!(report.notes.len(), 1);
        assert!(
            !report.rows.iter().any(|r| r.opens_list),
            "a municipality's own schools are not folded"
        );
    }

    #[test]
    fn a_regions_municipalities_open_the_lists_of_their_schools() {
        let work = demo_work("Математика", "5 класс");
        let students = [student([0; 10], 3)];
        let input = ReportInput {
            work: &work,
            chain: vec![line("Край", UnitLevel::Region, &students)],
            children: vec![
                line("Район", UnitLevel::Municipality, &students),
                line("Школа", UnitLevel::Organisation, &students),
            ],
        };
        let report = build(ReportKind::Marks, &input);
        let opening: Vec<bool> = report.rows.iter().map(|r| r.opens_list).collect();
        assert_eq!(opening, [false, true, false]);
    }

    #[test]
    fn individual_results_list_every_student_with_primary_score_and_mark() {
        let work = demo_work("Математика", "5 класс");
        let report = individual(
            &work,
            "Школа",
            &[("sch1".into(), student([1, 2, 2, 1, 2, 2, 3, 2, 2, 3], 4))],
        );
        assert_eq!(report.columns.len(), 4 + 10 + 3);
        let row = &report.rows[0];
        assert_eq!(row.values[14], Some(ReportValue::Number(20.0)));
        assert_eq!(row.values[15], Some(ReportValue::Number(5.0)));
        assert_eq!(report.chart.series[0].values, vec![0.0, 0.0, 0.0, 1.0]);
    }
}
