//! Students' results and the statistics every report is built from.
//!
//! [`UnitStats`] is additive: an organisation's statistics are computed from its
//! students when its results arrive, and a municipality's, a region's or the
//! country's are the sums of their organisations'. So no report ever reads the
//! students' rows of more than the one unit it lists.

use serde::{Deserialize, Serialize};

use super::{MARKS, WorkDefinition};

/// One student's result in one work. Students are pseudonymous codes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StudentResult {
    /// The student's code in the organisation, e.g. «10023».
    pub code: String,
    /// Class letter or group, e.g. «5А».
    pub class_name: String,
    /// Variant of the work.
    pub variant: String,
    /// Points per task, in the work's task order.
    pub scores: Vec<u32>,
    /// The journal mark for the last term, when given.
    pub journal_mark: Option<u8>,
}

impl StudentResult {
    /// The primary score: the sum of the points.
    pub fn primary(&self) -> u32 {
        self.scores.iter().sum()
    }
}

/// How a work's mark compares with the journal mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JournalComparison {
    Lower = 0,
    Equal = 1,
    Higher = 2,
}

/// Counts and sums of one unit's students in one work.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitStats {
    /// Students who wrote the work.
    pub participants: u64,
    /// Students per mark 2, 3, 4, 5.
    pub marks: [u64; 4],
    /// Points per task, summed over the students.
    pub task_scores: Vec<u64>,
    /// Students per primary score 0..=max.
    pub histogram: Vec<u64>,
    /// Points per task summed over the students of each mark group (2, 3, 4, 5).
    pub group_task_scores: [Vec<u64>; 4],
    /// Students whose mark was lower than, equal to, higher than the journal's.
    pub journal: [u64; 3],
}

impl UnitStats {
    /// No students yet, shaped for `work`.
    pub fn empty(work: &WorkDefinition) -> UnitStats {
        let tasks = work.tasks.len();
        UnitStats {
            participants: 0,
            marks: [0; 4],
            task_scores: vec![0; tasks],
            histogram: vec![0; work.max_primary() as usize + 1],
            group_task_scores: std::array::from_fn(|_| vec![0; tasks]),
            journal: [0; 3],
        }
    }

    /// The statistics of `students`.
    pub fn of(work: &WorkDefinition, students: &[StudentResult]) -> UnitStats {
        let mut stats = UnitStats::empty(work);
        for student in students {
            stats.add(work, student);
        }
        stats
    }

    /// Counts one student (whose scores were checked against the work).
    pub fn add(&mut self, work: &WorkDefinition, student: &StudentResult) {
        let primary = student.primary();
        let mark = work.mark_for(primary);
        let group = mark_index(mark);
        self.participants += 1;
        self.marks[group] += 1;
        if let Some(count) = self.histogram.get_mut(primary as usize) {
            *count += 1;
        }
        for (index, &score) in student.scores.iter().enumerate() {
            if let Some(sum) = self.task_scores.get_mut(index) {
                *sum += u64::from(score);
            }
            if let Some(sum) = self.group_task_scores[group].get_mut(index) {
                *sum += u64::from(score);
            }
        }
        if let Some(journal) = student.journal_mark {
            self.journal[compare_with_journal(mark, journal) as usize] += 1;
        }
    }

    /// Adds another unit's statistics of the same work.
    pub fn merge(&mut self, other: &UnitStats) {
        self.participants += other.participants;
        add_all(&mut self.marks, &other.marks);
        add_all(&mut self.task_scores, &other.task_scores);
        add_all(&mut self.histogram, &other.histogram);
        for (mine, theirs) in self
            .group_task_scores
            .iter_mut()
            .zip(&other.group_task_scores)
        {
            add_all(mine, theirs);
        }
        add_all(&mut self.journal, &other.journal);
    }

    /// Students with a journal mark.
    pub fn with_journal(&self) -> u64 {
        self.journal.iter().sum()
    }
}

/// 0 for mark 2 … 3 for mark 5.
pub fn mark_index(mark: u8) -> usize {
    MARKS.iter().position(|&m| m == mark).unwrap_or(0)
}

/// How the work's mark compares with the journal's.
pub fn compare_with_journal(mark: u8, journal: u8) -> JournalComparison {
    match mark.cmp(&journal) {
        std::cmp::Ordering::Less => JournalComparison::Lower,
        std::cmp::Ordering::Equal => JournalComparison::Equal,
        std::cmp::Ordering::Greater => JournalComparison::Higher,
    }
}

fn add_all(sums: &mut [u64], more: &[u64]) {
    for (sum, value) in sums.iter_mut().zip(more) {
        *sum += value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::demo_work;

    fn student(scores: [u32; 10], journal: Option<u8>) -> StudentResult {
        StudentResult {
            code: "1".into(),
            class_name: "5А".into(),
            variant: "1".into(),
            scores: scores.to_vec(),
            journal_mark: journal,
        }
    }

    #[test]
    fn a_student_is_counted_in_its_mark_histogram_tasks_and_journal_comparison() {
        let work = demo_work("Математика", "5 класс");
        // 1+2+2+1+2+2+1+0+0+0 = 11 → mark 4; journal 5 → lower.
        let stats = UnitStats::of(&work, &[student([1, 2, 2, 1, 2, 2, 1, 0, 0, 0], Some(5))]);
        assert_eq!(stats.participants, 1);
        assert_eq!(stats.marks, [0, 0, 1, 0]);
        assert_eq!(stats.histogram[11], 1);
        assert_eq!(stats.task_scores[1], 2);
        assert_eq!(stats.group_task_scores[2][6], 1);
        assert_eq!(stats.journal, [1, 0, 0]);
    }

    #[test]
    fn merged_statistics_equal_the_statistics_of_all_students() {
        let work = demo_work("Математика", "5 класс");
        let a = [
            student([1, 2, 2, 1, 2, 2, 3, 2, 2, 3], Some(5)),
            student([0; 10], None),
        ];
        let b = [student([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], Some(3))];
        let mut merged = UnitStats::of(&work, &a);
        merged.merge(&UnitStats::of(&work, &b));
        let all: Vec<_> = a.iter().chain(&b).cloned().collect();
        assert_eq!(merged, UnitStats::of(&work, &all));
        assert_eq!(merged.with_journal(), 2);
    }
}
