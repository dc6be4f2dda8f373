//! Comments on cells (issue #25): a coordinator returning a form points at the
//! cells to fix, the organisation sees each on its cell and answers it, and an
//! acceptance closes them. On resubmission the coordinator sees what changed
//! since the previous submission and how long the fix took.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    api::{FieldError, place_ru},
    forms::{ColumnDef, ColumnType, FormData, FormDefinition, files},
    text::count_ru,
};

/// The longest comment or answer, in characters.
pub const MAX_COMMENT_CHARS: usize = 1_000;
/// The most cells one return comments on.
pub const MAX_CELLS: usize = 200;

/// A cell a return comments on (sheet and column keys as in the draft).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "sheet": "specialties", "row": 1, "column": "students",
    "comment": "Численность не совпадает с отчетом за прошлый год"
})))]
pub struct CellCommentInput {
    pub sheet: String,
    /// 1-based.
    pub row: u32,
    pub column: String,
    pub comment: String,
}

/// What is wrong with `cells` against `form` (each problem names its cell).
pub fn cell_problems(form: &FormDefinition, cells: &[CellCommentInput]) -> Vec<FieldError> {
    if cells.len() > MAX_CELLS {
        return vec![FieldError::about_field(
            "cells",
            "too_many",
            &format!("Не более {MAX_CELLS} комментариев к ячейкам за один возврат"),
        )];
    }
    cells
        .iter()
        .enumerate()
        .filter_map(|(at, cell)| {
            let problem = |code: &str, message: String| {
                Some(FieldError::about_field(
                    &format!("cells[{at}]"),
                    code,
                    &message,
                ))
            };
            let Some(sheet) = form.sheets.iter().find(|s| s.key == cell.sheet) else {
                return problem("unknown", format!("В форме нет листа «{}»", cell.sheet));
            };
            let Some(column) = sheet.columns.iter().find(|c| c.key == cell.column) else {
                return problem(
                    "unknown",
                    format!("На листе «{}» нет столбца «{}»", sheet.title, cell.column),
                );
            };
            let place = place_ru(&sheet.title, cell.row, Some(&column.title));
            let text = cell.comment.trim();
            if cell.row == 0 || cell.row > sheet.row_limit() {
                problem("row_out_of_range", format!("{place}: такой строки нет"))
            } else if text.is_empty() {
                problem("required", format!("{place}: напишите комментарий"))
            } else if text.chars().count() > MAX_COMMENT_CHARS {
                problem(
                    "too_long",
                    format!("{place}: не более {MAX_COMMENT_CHARS} символов"),
                )
            } else {
                None
            }
        })
        .collect()
}

/// A comment on a cell, with the organisation's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "id": "5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d", "sheet": "specialties", "row": 1, "column": "students",
    "place": "Лист «СПЕЦИАЛЬНОСТИ», строка 1, столбец «Численность обучающихся»",
    "comment": "Численность не совпадает с отчетом за прошлый год", "author": "mun24001",
    "created_at": "2026-03-03T08:00:00Z", "answer": "Исправили: 34 без учета академического отпуска",
    "answered_at": "2026-03-03T10:00:00Z", "open": true
})))]
pub struct CellComment {
    pub id: Uuid,
    pub sheet: String,
    pub row: u32,
    pub column: String,
    /// «Лист «…», строка 1, столбец «…»».
    pub place: String,
    pub comment: String,
    /// Login of the coordinator.
    pub author: String,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub answer: Option<String>,
    #[serde(default)]
    pub answered_at: Option<DateTime<Utc>>,
    /// Until the form is accepted.
    pub open: bool,
}

/// The place of a cell as people read it, by `form`'s titles.
pub fn place_of(form: &FormDefinition, sheet: &str, row: u32, column: &str) -> String {
    let found = form.sheets.iter().find(|s| s.key == sheet);
    let column_title = found
        .and_then(|s| s.columns.iter().find(|c| c.key == column))
        .map_or(column, |c| c.title.as_str());
    place_ru(
        found.map_or(sheet, |s| s.title.as_str()),
        row,
        Some(column_title),
    )
}

/// `GET /api/collections/{id}/comments`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"items": [{
    "id": "5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d", "sheet": "specialties", "row": 1, "column": "students",
    "place": "Лист «СПЕЦИАЛЬНОСТИ», строка 1, столбец «Численность обучающихся»",
    "comment": "Численность не совпадает с отчетом за прошлый год", "author": "mun24001",
    "created_at": "2026-03-03T08:00:00Z", "answer": null, "answered_at": null, "open": true
}]})))]
pub struct CommentList {
    /// Open ones first, each group newest first.
    pub items: Vec<CellComment>,
}

/// `POST /api/collections/{id}/comments/{comment}/answer`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"answer": "Исправили"})))]
pub struct CommentAnswer {
    pub answer: String,
}

impl CommentAnswer {
    pub fn problems(&self) -> Vec<FieldError> {
        let text = self.answer.trim();
        if text.is_empty() {
            vec![FieldError::about_field(
                "answer",
                "required",
                "Напишите ответ",
            )]
        } else if text.chars().count() > MAX_COMMENT_CHARS {
            vec![FieldError::about_field(
                "answer",
                "too_long",
                &format!("Не более {MAX_COMMENT_CHARS} символов"),
            )]
        } else {
            Vec::new()
        }
    }
}

/// One cell that differs between two submissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangedCell {
    pub sheet: String,
    /// 1-based.
    pub row: u32,
    pub column: String,
    /// As it was submitted before (empty: blank; a file cell: the file's name).
    pub before: String,
    /// As it is submitted now.
    pub after: String,
}

/// Both values of a changed cell as people read them: a file cell shows its
/// file's name, and a file replaced by one of the same name says so.
fn shown_change(column: &ColumnDef, before: String, after: String) -> (String, String) {
    if column.kind != ColumnType::File {
        return (before, after);
    }
    let (was, is) = (files::shown(&before), files::shown(&after));
    if was == is {
        return (was.to_owned(), format!("{is} (другой файл)"));
    }
    (was.to_owned(), is.to_owned())
}

/// The cells of `after` that differ from `before`, sheet by sheet in the
/// form's order, row by row (a row added or removed shows its cells).
pub fn changed_cells(
    form: &FormDefinition,
    before: &FormData,
    after: &FormData,
) -> Vec<ChangedCell> {
    let mut changed = Vec::new();
    for sheet in &form.sheets {
        let rows = |data: &FormData| data.sheets.get(&sheet.key).map_or(0, Vec::len);
        for row in 0..rows(before).max(rows(after)) {
            for column in &sheet.columns {
                let value = |data: &FormData| {
                    data.sheets
                        .get(&sheet.key)
                        .and_then(|rows| rows.get(row))
                        .and_then(|r| r.get(&column.key))
                        .unwrap_or_default()
                        .to_owned()
                };
                let (was, is) = (value(before), value(after));
                if was != is {
                    let (was, is) = shown_change(column, was, is);
                    changed.push(ChangedCell {
                        sheet: sheet.key.clone(),
                        row: row as u32 + 1,
                        column: column.key.clone(),
                        before: was,
                        after: is,
                    });
                }
            }
        }
    }
    changed
}

/// `GET /api/collections/{id}/changes?organisation=…`: what the latest
/// submission changed against the one before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "submitted_at": "2026-03-03T10:00:00Z", "previous_submitted_at": "2026-03-02T14:42:00Z",
    "returned_at": "2026-03-03T08:00:00Z", "fix_minutes": 120,
    "summary": "Изменено 1 ячейка; исправлено за 2 ч 0 мин после возврата",
    "cells": [{"sheet": "specialties", "row": 1, "column": "students", "before": "35", "after": "34"}]
})))]
pub struct SubmissionChanges {
    pub submitted_at: Option<DateTime<Utc>>,
    /// None: the latest is the first submission (nothing to compare).
    pub previous_submitted_at: Option<DateTime<Utc>>,
    /// The return between the two, if any.
    pub returned_at: Option<DateTime<Utc>>,
    /// From that return to the resubmission.
    pub fix_minutes: Option<i64>,
    /// «Изменено 3 ячейки; исправлено за 2 ч 15 мин после возврата».
    pub summary: String,
    pub cells: Vec<ChangedCell>,
}

impl SubmissionChanges {
    pub fn new(
        submitted_at: Option<DateTime<Utc>>,
        previous_submitted_at: Option<DateTime<Utc>>,
        returned_at: Option<DateTime<Utc>>,
        cells: Vec<ChangedCell>,
    ) -> SubmissionChanges {
        let fix_minutes = returned_at
            .zip(submitted_at)
            .filter(|(returned, submitted)| returned < submitted)
            .map(|(returned, submitted)| (submitted - returned).num_minutes());
        let mut summary = match previous_submitted_at {
            None => "Форма сдана впервые: сравнивать не с чем".to_owned(),
            Some(_) if cells.is_empty() => "Ничего не изменено".to_owned(),
            Some(_) => format!(
                "Изменено {}",
                count_ru(cells.len() as u64, ["ячейка", "ячейки", "ячеек"])
            ),
        };
        if let Some(minutes) = fix_minutes {
            summary.push_str(&format!(
                "; исправлено за {} ч {} мин после возврата",
                minutes / 60,
                minutes % 60
            ));
        }
        SubmissionChanges {
            submitted_at,
            previous_submitted_at,
            returned_at,
            fix_minutes,
            summary,
            cells,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::{Change, demo};

    fn filled(values: &[(u32, &str, &str)]) -> (FormDefinition, FormData) {
        let form = demo::college();
        let mut data = FormData::blank(&form);
        let changes: Vec<Change> = values
            .iter()
            .map(|(row, column, value)| Change::Set {
                sheet: "specialties".into(),
                row: *row,
                column: (*column).into(),
                value: (*value).into(),
            })
            .collect();
        data.apply(&form, &changes).expect("apply");
        (form, data)
    }

    #[test]
    fn the_changed_cells_are_those_that_differ_with_both_values() {
        let (form, before) = filled(&[(1, "students", "35"), (1, "course", "1")]);
        let (_, after) = filled(&[
            (1, "students", "34"),
            (1, "course", "1"),
            (2, "course", "2"),
        ]);
        let changed = changed_cells(&form, &before, &after);
        assert_eq!(
            changed,
            [
                ChangedCell {
                    sheet: "specialties".into(),
                    row: 1,
                    column: "students".into(),
                    before: "35".into(),
                    after: "34".into()
                },
                ChangedCell {
                    sheet: "specialties".into(),
                    row: 2,
                    column: "course".into(),
                    before: String::new(),
                    after: "2".into()
                },
            ]
        );
        assert!(changed_cells(&form, &after, &after).is_empty());
    }

    #[test]
    fn a_changed_file_cell_shows_file_names_and_a_replaced_file_says_so() {
        let form: FormDefinition = serde_json::from_value(serde_json::json!({
            "title": "Протоколы", "sheets": [{"key": "rooms", "title": "АУДИТОРИИ", "columns": [
                {"key": "scan", "title": "Скан", "type": "file"}]}]}))
        .unwrap();
        let cell = |value: &str| {
            let mut data = FormData::blank(&form);
            let change = Change::set("rooms", 1, "scan", value);
            data.apply(&form, &[change]).expect("apply");
            data
        };
        let first = cell("6f1c9a52-3d0e-4c1b-9a57-2f4e8b1d7c30:скан.pdf");
        let again = cell("0b7e4d11-5a2c-4f3e-8d6b-1c9a2e7f4b50:скан.pdf");
        let other = cell("0b7e4d11-5a2c-4f3e-8d6b-1c9a2e7f4b50:протокол.pdf");
        let values = |before: &FormData, after: &FormData| {
            let changed = changed_cells(&form, before, after);
            (changed[0].before.clone(), changed[0].after.clone())
        };
        assert_eq!(
            values(&first, &other),
            ("скан.pdf".into(), "протокол.pdf".into())
        );
        assert_eq!(
            values(&first, &again),
            ("скан.pdf".into(), "скан.pdf (другой файл)".into())
        );
        let blank = FormData::blank(&form);
        assert_eq!(values(&blank, &first), (String::new(), "скан.pdf".into()));
    }

    #[test]
    fn the_summary_counts_the_cells_and_the_fix_in_russian() {
        use chrono::TimeZone;
        let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 3, 3, h, m, 0).unwrap();
        let cell = ChangedCell {
            sheet: "s".into(),
            row: 1,
            column: "c".into(),
            before: "1".into(),
            after: "2".into(),
        };
        let changes = SubmissionChanges::new(
            Some(at(10, 15)),
            Some(at(7, 0)),
            Some(at(8, 0)),
            vec![cell.clone(), cell.clone(), cell],
        );
        assert_eq!(changes.fix_minutes, Some(135));
        assert_eq!(
            changes.summary,
            "Изменено 3 ячейки; исправлено за 2 ч 15 мин после возврата"
        );
        let first = SubmissionChanges::new(Some(at(7, 0)), None, None, vec![]);
        assert_eq!(first.summary, "Форма сдана впервые: сравнивать не с чем");
    }

    #[test]
    fn comments_name_their_cell_when_wrong() {
        let form = demo::college();
        let cell = |sheet: &str, row, column: &str, comment: &str| CellCommentInput {
            sheet: sheet.into(),
            row,
            column: column.into(),
            comment: comment.into(),
        };
        assert!(
            cell_problems(&form, &[cell("specialties", 1, "students", "Проверьте")]).is_empty()
        );
        let problems = cell_problems(
            &form,
            &[
                cell("nope", 1, "students", "x"),
                cell("specialties", 1, "nope", "x"),
                cell("specialties", 0, "students", "x"),
                cell("specialties", 1, "students", "  "),
            ],
        );
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(
            codes,
            ["unknown", "unknown", "row_out_of_range", "required"]
        );
        assert_eq!(problems[3].field.as_deref(), Some("cells[3]"));
        assert!(
            problems[3].message.starts_with("Лист «"),
            "{}",
            problems[3].message
        );
    }
}
