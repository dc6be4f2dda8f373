//! Autosave's outbox: the changes typed but not yet saved, in batches with ids fixed
//! when the batch starts. A batch is retried with its own id until the server
//! answers, so a retry after a lost answer is applied once (the server remembers
//! recent ids); the outbox is what the SPA keeps in the browser's storage, so
//! nothing typed is lost to a reload or a closed tab.

use serde::{Deserialize, Serialize};

use super::{CellError, Change, FormData, FormDefinition};
use crate::collections::DraftPatch;

/// One batch of changes and the id it is sent with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub id: String,
    pub changes: Vec<Change>,
    /// Sent at least once: later changes go to a new batch.
    #[serde(default)]
    pub sealed: bool,
}

/// The unsaved changes of one draft, oldest first, and the draft version they
/// were made on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub version: i32,
    pub batches: Vec<Batch>,
}

impl Outbox {
    /// Nothing unsaved, on `version`.
    pub fn new(version: i32) -> Outbox {
        Outbox {
            version,
            batches: Vec::new(),
        }
    }

    /// Whether every change is saved.
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }

    /// Every unsaved change, oldest first.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.batches.iter().flat_map(|b| &b.changes)
    }

    /// Adds a change to the open batch, or to a new one (with the id `new_id` gives)
    /// when the last batch has been sent already.
    /// A set of the cell the open batch set last replaces that set: typing a word
    /// sends the word, not every keystroke.
    pub fn push(&mut self, change: Change, new_id: impl FnOnce() -> String) {
        match self.batches.last_mut() {
            Some(open) if !open.sealed => match open.changes.last_mut() {
                Some(last) if same_cell(last, &change) => *last = change,
                _ => open.changes.push(change),
            },
            _ => self.batches.push(Batch {
                id: new_id(),
                changes: vec![change],
                sealed: false,
            }),
        }
    }

    /// The request for the oldest batch, which is sealed from now on.
    pub fn next_patch(&mut self) -> Option<DraftPatch> {
        let version = self.version;
        let batch = self.batches.first_mut()?;
        batch.sealed = true;
        Some(DraftPatch {
            version,
            change_id: batch.id.clone(),
            changes: batch.changes.clone(),
        })
    }

    /// The server saved the oldest batch as `version`.
    pub fn saved(&mut self, version: i32) {
        if !self.batches.is_empty() {
            self.batches.remove(0);
        }
        self.version = version;
    }

    /// The draft was saved elsewhere first (409): the data to show is the
    /// `current` data with every unsaved change on top, in order, and unsaved
    /// changes now go on `current_version`. A change that no longer applies (its row
    /// was deleted meanwhile) is dropped from the outbox and answered, so the
    /// editor can tell the user what was not kept.
    pub fn rebase(
        &mut self,
        form: &FormDefinition,
        current: &FormData,
        current_version: i32,
    ) -> (FormData, Vec<CellError>) {
        let mut data = current.clone();
        let mut refused = Vec::new();
        for batch in &mut self.batches {
            batch.changes.retain(
                |change| match data.apply(form, std::slice::from_ref(change)) {
                    Ok(()) => true,
                    Err(error) => {
                        refused.push(error);
                        false
                    }
                },
            );
        }
        self.batches.retain(|b| !b.changes.is_empty());
        self.version = current_version;
        (data, refused)
    }
}

/// Whether both changes set the same cell.
fn same_cell(a: &Change, b: &Change) -> bool {
    matches!(
        (a, b),
        (
            Change::Set { sheet, row, column, .. },
            Change::Set { sheet: s, row: r, column: c, .. },
        ) if sheet == s && row == r && column == c
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::demo;

    fn set(row: u32, value: &str) -> Change {
        Change::Set {
            sheet: "specialties".into(),
            row,
            column: "course".into(),
            value: value.into(),
        }
    }

    fn ids() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("tab-{n}")
        }
    }

    #[test]
    fn keystrokes_in_one_cell_leave_one_change_and_a_sent_batch_is_not_touched() {
        let mut id = ids();
        let mut outbox = Outbox::new(1);
        for typed in ["1", "12", "123"] {
            outbox.push(set(1, typed), &mut id);
        }
        outbox.push(set(2, "4"), &mut id);
        assert_eq!(
            outbox.changes().cloned().collect::<Vec<_>>(),
            vec![set(1, "123"), set(2, "4")]
        );
        outbox.next_patch().unwrap();
        outbox.push(set(2, "5"), &mut id);
        assert_eq!(outbox.batches.len(), 2, "the sealed batch keeps its 4");
        assert_eq!(outbox.batches[0].changes[1], set(2, "4"));
    }

    #[test]
    fn a_batch_keeps_its_id_until_saved_and_later_changes_wait_in_the_next() {
        let mut id = ids();
        let mut outbox = Outbox::new(3);
        outbox.push(set(1, "1"), &mut id);
        outbox.push(set(2, "2"), &mut id);
        let first = outbox.next_patch().unwrap();
        assert_eq!(
            (first.version, first.change_id.as_str(), first.changes.len()),
            (3, "tab-1", 2)
        );
        outbox.push(set(3, "3"), &mut id);
        // The answer was lost: the same batch goes again with the same id.
        assert_eq!(outbox.next_patch().unwrap(), first);
        outbox.saved(4);
        let second = outbox.next_patch().unwrap();
        assert_eq!((second.version, second.change_id.as_str()), (4, "tab-2"));
        outbox.saved(5);
        assert!(outbox.is_empty() && outbox.next_patch().is_none());
    }

    #[test]
    fn a_rebase_puts_unsaved_changes_on_the_current_draft_and_names_what_no_longer_fits() {
        let form = demo::college();
        let mut theirs = FormData::blank(&form);
        theirs
            .apply(
                &form,
                &[Change::Set {
                    sheet: "specialties".into(),
                    row: 1,
                    column: "students".into(),
                    value: "30".into(),
                }],
            )
            .unwrap();
        let mut outbox = Outbox::new(1);
        let mut id = ids();
        outbox.push(set(1, "2"), &mut id);
        outbox.push(
            Change::DeleteRow {
                sheet: "specialties".into(),
                row: 5,
            },
            &mut id,
        );
        let (merged, refused) = outbox.rebase(&form, &theirs, 2);
        assert_eq!(merged.rows("specialties")[0]["students"], "30");
        assert_eq!(merged.rows("specialties")[0]["course"], "2");
        assert_eq!(refused.len(), 1);
        assert_eq!(outbox.version, 2);
        assert_eq!(outbox.changes().count(), 1);
    }

    #[test]
    fn the_outbox_survives_the_browsers_storage() {
        let mut outbox = Outbox::new(7);
        outbox.push(set(1, "2"), ids());
        let stored = serde_json::to_string(&outbox).unwrap();
        assert_eq!(serde_json::from_str::<Outbox>(&stored).unwrap(), outbox);
    }
}
