//! «Аналитика»: assessments (e.g. «ВПР 2026»), their works (subject × grade) with
//! tasks and a scale from primary score to mark, students' results, the additive
//! statistics kept per organisation as results arrive, and the seven reports built
//! from those statistics. Pure: the server and the SPA share it.
//!
//! docs/analytics.md describes the reports and the objectivity rule.

pub mod api;
pub mod objectivity;
pub mod on_screen;
pub mod protocol;
pub mod report;
pub mod stats;

use serde::{Deserialize, Serialize};

use crate::api::FieldError;

pub use report::{Report, ReportKind, ReportRow, ReportValue};
pub use stats::{StudentResult, UnitStats};

/// Most tasks one work may have.
pub const MAX_TASKS: usize = 60;
/// Most points one task may give.
pub const MAX_TASK_SCORE: u32 = 100;
/// The marks, lowest first.
pub const MARKS: [u8; 4] = [2, 3, 4, 5];

/// One work of an assessment: a subject in a grade, its tasks and its scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "subject": "Математика", "grade": "5 класс",
    "tasks": [
        {"number": "1", "max_score": 1, "skill": "Развитие представлений о числе"},
        {"number": "2", "max_score": 2, "skill": "Умение решать текстовые задачи"}
    ],
    "scale": [
        {"from": 0, "to": 0, "mark": 2}, {"from": 1, "to": 1, "mark": 3},
        {"from": 2, "to": 2, "mark": 4}, {"from": 3, "to": 3, "mark": 5}
    ]
})))]
pub struct WorkDefinition {
    /// «Математика».
    pub subject: String,
    /// «5 класс» or «1 курс».
    pub grade: String,
    /// Tasks in the order of the protocol.
    pub tasks: Vec<Task>,
    /// Primary score bands and their marks, from 0 to the maximum, no gaps.
    pub scale: Vec<ScaleBand>,
}

/// One task of a work.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    /// As printed on the work: «1», «2», «5.1».
    pub number: String,
    /// Most points for the task.
    pub max_score: u32,
    /// The planned result it checks («Достижение планируемых результатов»).
    pub skill: String,
}

/// Primary scores `from..=to` get `mark`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScaleBand {
    pub from: u32,
    pub to: u32,
    /// 2, 3, 4 or 5.
    pub mark: u8,
}

impl WorkDefinition {
    /// «Математика, 5 класс».
    pub fn title(&self) -> String {
        format!("{}, {}", self.subject, self.grade)
    }

    /// The highest primary score: the sum of the tasks' maxima.
    pub fn max_primary(&self) -> u32 {
        self.tasks.iter().map(|t| t.max_score).sum()
    }

    /// The mark for a primary score (2 for a score outside the scale, which a
    /// checked definition never has).
    pub fn mark_for(&self, primary: u32) -> u8 {
        self.scale
            .iter()
            .find(|band| (band.from..=band.to).contains(&primary))
            .map_or(2, |band| band.mark)
    }

    /// The distinct planned results in task order, each with its tasks' indexes.
    pub fn skills(&self) -> Vec<(&str, Vec<usize>)> {
        let mut skills: Vec<(&str, Vec<usize>)> = Vec::new();
        for (index, task) in self.tasks.iter().enumerate() {
            match skills.iter_mut().find(|(skill, _)| *skill == task.skill) {
                Some((_, tasks)) => tasks.push(index),
                None => skills.push((&task.skill, vec![index])),
            }
        }
        skills
    }
}

/// Every problem of a work definition, each naming its field (`tasks[2].max_score`).
pub fn check_work(work: &WorkDefinition) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut problem = |field: String, code: &str, message: String| {
        problems.push(FieldError {
            field: Some(field),
            sheet: None,
            row: None,
            column: None,
            code: code.to_owned(),
            message,
        })
    };
    if work.subject.trim().is_empty() {
        problem("subject".into(), "required", "Укажите предмет".into());
    }
    if work.grade.trim().is_empty() {
        problem(
            "grade".into(),
            "required",
            "Укажите класс или курс, например «5 класс»".into(),
        );
    }
    if work.tasks.is_empty() || work.tasks.len() > MAX_TASKS {
        problem(
            "tasks".into(),
            "task_count",
            format!("В работе должно быть от 1 до {MAX_TASKS} заданий"),
        );
    }
    for (index, task) in work.tasks.iter().enumerate() {
        let number = task.number.trim();
        if number.is_empty() {
            problem(
                format!("tasks[{index}].number"),
                "required",
                format!("Задание {}: укажите номер", index + 1),
            );
        } else if work.tasks[..index]
            .iter()
            .any(|t| t.number.trim() == number)
        {
            problem(
                format!("tasks[{index}].number"),
                "duplicate",
                format!("Номер задания «{number}» повторяется"),
            );
        }
        if task.max_score == 0 || task.max_score > MAX_TASK_SCORE {
            problem(
                format!("tasks[{index}].max_score"),
                "out_of_range",
                format!(
                    "Задание «{number}»: максимальный балл должен быть от 1 до {MAX_TASK_SCORE}"
                ),
            );
        }
        if task.skill.trim().is_empty() {
            problem(
                format!("tasks[{index}].skill"),
                "required",
                format!("Задание «{number}»: укажите проверяемый планируемый результат"),
            );
        }
    }
    check_scale(work, &mut problem);
    problems
}

/// The scale covers 0..=max without gaps or overlaps, and marks never fall as
/// scores grow.
fn check_scale(work: &WorkDefinition, problem: &mut impl FnMut(String, &str, String)) {
    let max = work.max_primary();
    let mut next = 0;
    let mut last_mark = 2;
    for (index, band) in work.scale.iter().enumerate() {
        let field = format!("scale[{index}]");
        if !MARKS.contains(&band.mark) {
            problem(
                format!("{field}.mark"),
                "out_of_range",
                format!(
                    "Шкала, строка {}: отметка должна быть 2, 3, 4 или 5",
                    index + 1
                ),
            );
        }
        if band.from != next || band.to < band.from {
            problem(
                field.clone(),
                "scale_gap",
                format!(
                    "Шкала, строка {}: баллы должны идти подряд, без пропусков и пересечений \
                     (ожидалось «от {next}»)",
                    index + 1
                ),
            );
        }
        if band.mark < last_mark {
            problem(
                format!("{field}.mark"),
                "scale_order",
                format!(
                    "Шкала, строка {}: отметка не может уменьшаться с ростом балла",
                    index + 1
                ),
            );
        }
        last_mark = band.mark.max(last_mark);
        next = band.to.saturating_add(1);
    }
    if next != max + 1 {
        problem(
            "scale".into(),
            "scale_range",
            format!(
                "Шкала должна покрывать первичные баллы от 0 до {max} (сумма максимальных баллов заданий)"
            ),
        );
    }
}

/// The demo work «Математика, 5 класс»: ten tasks, 20 points, the scale of the issue
/// (0–5 → 2, 6–9 → 3, 10–13 → 4, 14–20 → 5).
pub fn demo_work(subject: &str, grade: &str) -> WorkDefinition {
    let skills = [
        "Развитие представлений о числе и числовых системах",
        "Умение выполнять арифметические действия",
        "Умение решать текстовые задачи",
        "Умение работать с таблицами и диаграммами",
        "Развитие пространственных представлений",
    ];
    let maxima = [1, 2, 2, 1, 2, 2, 3, 2, 2, 3];
    WorkDefinition {
        subject: subject.to_owned(),
        grade: grade.to_owned(),
        tasks: maxima
            .iter()
            .enumerate()
            .map(|(index, &max_score)| Task {
                number: (index + 1).to_string(),
                max_score,
                skill: skills[index / 2].to_owned(),
            })
            .collect(),
        scale: vec![
            ScaleBand {
                from: 0,
                to: 5,
                mark: 2,
            },
            ScaleBand {
                from: 6,
                to: 9,
                mark: 3,
            },
            ScaleBand {
                from: 10,
                to: 13,
                mark: 4,
            },
            ScaleBand {
                from: 14,
                to: 20,
                mark: 5,
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_work_is_valid_and_marks_follow_its_scale() {
        let work = demo_work("Математика", "5 класс");
        assert!(check_work(&work).is_empty(), "{:?}", check_work(&work));
        assert_eq!(work.max_primary(), 20);
        let marks: Vec<u8> = [0, 5, 6, 9, 10, 13, 14, 20]
            .map(|s| work.mark_for(s))
            .to_vec();
        assert_eq!(marks, [2, 2, 3, 3, 4, 4, 5, 5]);
        assert_eq!(work.skills().len(), 5);
    }

    #[test]
    fn a_scale_with_a_gap_a_falling_mark_or_a_short_end_is_refused_with_its_place() {
        let mut work = demo_work("Математика", "5 класс");
        work.scale[1].from = 7;
        work.scale[3].mark = 3;
        work.scale[3].to = 19;
        let fields: Vec<_> = check_work(&work)
            .into_iter()
            .map(|p| (p.field.unwrap(), p.code))
            .collect();
        assert!(
            fields.contains(&("scale[1]".into(), "scale_gap".into())),
            "{fields:?}"
        );
        assert!(fields.contains(&("scale[3].mark".into(), "scale_order".into())));
        assert!(fields.contains(&("scale".into(), "scale_range".into())));
    }

    #[test]
    fn duplicate_task_numbers_and_zero_maxima_are_named() {
        let mut work = demo_work("Математика", "5 класс");
        work.tasks[3].number = "1".into();
        work.tasks[4].max_score = 0;
        let fields: Vec<_> = check_work(&work)
            .into_iter()
            .map(|p| p.field.unwrap())
            .collect();
        assert!(fields.contains(&"tasks[3].number".into()));
        assert!(fields.contains(&"tasks[4].max_score".into()));
    }
}
