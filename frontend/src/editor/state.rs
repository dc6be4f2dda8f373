//! The editor's state and autosave: the draft's data, its errors (the same engine
//! as the server, run on every change), and the outbox of unsaved changes, kept in
//! the browser's storage and sent a moment after typing stops.

use chrono::{DateTime, Utc};
use gloo_timers::future::TimeoutFuture;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    collections::{Draft, DraftConflict, DraftPatch, DraftSaved, SubmissionReceipt, SubmitRequest},
    forms::{
        CellCode, CellError, Change, FormData, FormDefinition, Reference,
        editing::{Overlap, Step, UndoHistory, overlaps},
        outbox::Outbox,
        soft,
        validate::Validation,
    },
};
use uuid::Uuid;

use super::texts;
use crate::{api::Method, session::Session};

/// Quiet time after the last keystroke before changes are sent.
const AUTOSAVE_DELAY_MS: u32 = 700;
/// Wait before trying again without a connection.
/// The first retry of a batch the server did not take for a transient reason;
/// each next waits twice as long, up to [`MAX_RETRY_MS`].
const OFFLINE_RETRY_MS: u32 = 2_000;
const MAX_RETRY_MS: u32 = 30_000;

/// How long to wait before the next try after `retries` transient failures.
fn retry_delay_ms(retries: u32) -> u32 {
    OFFLINE_RETRY_MS
        .saturating_mul(1 << retries.min(5))
        .min(MAX_RETRY_MS)
}

/// How «Сдать отчет» ended.
pub enum Submitted {
    Done,
    /// Someone saved in between: their changes are merged in (and shown); the
    /// user decides again, on what is now there.
    Merged,
}

/// What the header says about saving.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveState {
    /// Nothing typed since the page opened.
    Idle,
    Saving,
    Saved(DateTime<Utc>),
    /// «Нет связи с сервером — изменения сохранятся, когда связь вернётся».
    Offline,
    /// The server refused (closed collection, a change that does not fit).
    Refused(String),
}

/// A remark shown on a cell besides its errors.
#[derive(Clone, Debug, PartialEq)]
pub struct CellNote {
    pub kind: NoteKind,
    /// What the cell's title and the hint line say.
    pub text: String,
}

/// Whose remark a [`CellNote`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// A coordinator's comment from a return (marked until accepted).
    Comment,
    /// Changed since the previous submission (the old value on hover).
    Changed,
}

/// A cell by its sheet key, 1-based row and column key.
pub type CellKey = (String, u32, String);

/// Everything the editor shares; cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub struct EditorState {
    pub collection_id: Uuid,
    pub form: StoredValue<FormDefinition>,
    pub data: StoredValue<FormData>,
    /// The draft as the server holds it at the outbox's version: what a 409 tells
    /// our changes from theirs by.
    base: StoredValue<FormData>,
    pub outbox: StoredValue<Outbox>,
    history: StoredValue<UndoHistory>,
    /// Cells someone else changed too, to another value, for the user to choose.
    pub overlaps: RwSignal<Vec<Overlap>>,
    /// Bumped whenever any cell changes: the cells on screen redraw their text.
    pub revision: RwSignal<u64>,
    pub errors: RwSignal<Vec<CellError>>,
    /// Comments and changes shown on cells (see `pages::review`).
    pub notes: RwSignal<std::collections::HashMap<CellKey, CellNote>>,
    /// The checks behind `errors`, kept so a keystroke re-checks its row only.
    validation: StoredValue<Validation>,
    /// What unusual values are compared with (the server's, with the draft).
    references: StoredValue<Vec<Reference>>,
    /// Errors of the last uploaded file (rows as the file numbers them).
    pub upload_problems: RwSignal<Vec<String>>,
    /// The last uploaded file when it was refused: sent back for its errors
    /// marked («Скачать файл с отметками ошибок»).
    pub refused_upload: RwSignal<Option<web_sys::File>, LocalStorage>,
    pub save_state: RwSignal<SaveState>,
    /// Bumped when rows appear or vanish or the data is replaced: the grid redraws.
    pub layout: RwSignal<u32>,
    /// Rows per sheet when the layout was last bumped.
    shape: StoredValue<Vec<usize>>,
    pub read_only: bool,
    /// `?organisation=<login>` when a coordinator reads an organisation's
    /// draft (its files download with it); empty for one's own.
    pub whose: StoredValue<String>,
    session: Session,
    /// Which debounce timer is the latest.
    timer: StoredValue<u32>,
    sending: StoredValue<bool>,
    /// Transient failures in a row: the back-off's exponent.
    retries: StoredValue<u32>,
    storage_key: StoredValue<String>,
    tab_id: StoredValue<String>,
    next_batch: StoredValue<u32>,
}

impl EditorState {
    pub fn new(
        session: Session,
        collection_id: Uuid,
        form: FormDefinition,
        draft: Draft,
        read_only: bool,
        storage_prefix: String,
        whose: String,
    ) -> EditorState {
        let Draft {
            data,
            version,
            references,
            ..
        } = draft;
        // Each tab keeps its own outbox: two tabs never overwrite each other's.
        let tab_id = format!("{:012x}", (js_sys::Math::random() * 2f64.powi(48)) as u64);
        let validation = Validation::new(&form, &data);
        let errors = validation.errors_with(&form, &data, &references);
        EditorState {
            collection_id,
            form: StoredValue::new(form),
            base: StoredValue::new(data.clone()),
            data: StoredValue::new(data),
            history: StoredValue::new(UndoHistory::default()),
            overlaps: RwSignal::new(Vec::new()),
            revision: RwSignal::new(0),
            outbox: StoredValue::new(Outbox::new(version)),
            errors: RwSignal::new(errors),
            notes: RwSignal::new(std::collections::HashMap::new()),
            validation: StoredValue::new(validation),
            references: StoredValue::new(references),
            upload_problems: RwSignal::new(Vec::new()),
            refused_upload: RwSignal::new_local(None),
            save_state: RwSignal::new(SaveState::Idle),
            layout: RwSignal::new(0),
            shape: StoredValue::new(Vec::new()),
            read_only,
            whose: StoredValue::new(whose),
            session,
            timer: StoredValue::new(0),
            sending: StoredValue::new(false),
            retries: StoredValue::new(0),
            storage_key: StoredValue::new(format!("{storage_prefix}-{tab_id}")),
            tab_id: StoredValue::new(tab_id),
            next_batch: StoredValue::new(0),
        }
    }

    /// One undoable step (a committed cell, a paste, a cleared range, a row added
    /// or deleted): applied here at once with its errors, queued for the server.
    pub fn edit(self, changes: Vec<Change>) {
        if self.read_only || changes.is_empty() {
            return;
        }
        let form = self.form.read_value();
        let applied = self
            .data
            .try_update_value(|data| data.apply_undoable(&form, &changes));
        match applied {
            Some(Ok(backward)) => {
                let forward = changes.clone();
                self.history
                    .update_value(|h| h.record(Step { forward, backward }));
                self.queue(changes, true);
            }
            Some(Err(refused)) => self.save_state.set(SaveState::Refused(refused.message)),
            None => {}
        }
    }

    /// A keystroke in a cell being edited: shown and checked at once, saved like
    /// any change; the cell becomes one undo step when the editing ends.
    pub fn type_into(self, change: Change) {
        if self.read_only {
            return;
        }
        let form = self.form.read_value();
        let applied = self
            .data
            .try_update_value(|data| data.apply(&form, std::slice::from_ref(&change)));
        match applied {
            Some(Ok(())) => self.queue(vec![change], false),
            Some(Err(refused)) => self.save_state.set(SaveState::Refused(refused.message)),
            None => {}
        }
    }

    /// Remembers an edited cell as one undo step; the grid shows it as saved.
    pub fn record(self, step: Step) {
        self.history.update_value(|h| h.record(step));
        self.redraw();
    }

    /// The cells on screen read the data again.
    pub fn redraw(self) {
        self.revision.update(|n| *n += 1);
    }

    /// Ctrl+Z.
    pub fn undo(self) {
        if let Some(changes) = self.history.try_update_value(UndoHistory::undo).flatten() {
            self.replay(changes);
        }
    }

    /// Ctrl+Y.
    pub fn redo(self) {
        if let Some(changes) = self.history.try_update_value(UndoHistory::redo).flatten() {
            self.replay(changes);
        }
    }

    fn replay(self, changes: Vec<Change>) {
        let form = self.form.read_value();
        let applied = self
            .data
            .try_update_value(|data| data.apply(&form, &changes));
        match applied {
            Some(Ok(())) => self.queue(changes, true),
            Some(Err(refused)) => self
                .save_state
                .set(SaveState::Refused(texts::cannot_undo(&refused.message))),
            None => {}
        }
    }

    /// Sends applied changes on their way: the outbox (kept in the browser), the
    /// errors, the autosave timer, and unless a cell is being typed into (its
    /// input shows it) the redraw.
    fn queue(self, changes: Vec<Change>, redraw: bool) {
        let form = self.form.read_value();
        self.data.with_value(|data| {
            self.validation
                .update_value(|v| v.update(&form, data, &changes));
            self.show_errors(&form, data);
        });
        let (tab, next_batch) = (self.tab_id, self.next_batch);
        self.outbox.update_value(|outbox| {
            for change in changes {
                outbox.push(change, || {
                    next_batch.update_value(|n| *n += 1);
                    format!("{}-{}", tab.get_value(), next_batch.get_value())
                })
            }
        });
        self.remember();
        if redraw {
            self.redraw();
        }
        // A set below the last row adds rows too.
        let shape: Vec<usize> = self
            .data
            .with_value(|d| d.sheets.values().map(Vec::len).collect());
        if self.shape.with_value(|s| *s != shape) {
            self.shape.set_value(shape);
            self.layout.update(|n| *n += 1);
        }
        self.schedule(AUTOSAVE_DELAY_MS);
    }

    /// The text a cell shows (`1 234,5`, `15.09.2021`), empty when blank.
    pub fn shown(self, sheet: usize, row: u32, column: usize) -> String {
        let form = self.form.read_value();
        let sheet = &form.sheets[sheet];
        let def = &sheet.columns[column];
        self.data.with_value(|d| {
            d.rows(&sheet.key)
                .get(row as usize - 1)
                .and_then(|r| r.get(&def.key))
                .map(|t| oko_domain::forms::value::display(def, t))
                .unwrap_or_default()
        })
    }

    /// The totals row's sum of column `column` of sheet `sheet`, as shown.
    pub fn total(self, sheet: usize, column: usize) -> String {
        let form = self.form.read_value();
        let sheet = &form.sheets[sheet];
        self.data
            .with_value(|d| sheet.total_shown(&sheet.columns[column], d.rows(&sheet.key)))
    }

    /// How many rows sheet `index` has.
    /// Why sheet `sheet` is not asked for, if its condition leaves it out.
    pub fn sheet_off(self, sheet: usize) -> Option<String> {
        let form = self.form.read_value();
        let def = &form.sheets[sheet];
        def.shown_if.as_ref()?;
        let shown = self.data.with_value(|d| form.is_sheet_shown(def, d));
        if shown {
            None
        } else {
            form.sheet_condition_ru(def)
        }
    }

    /// Why cell (`row`, `column`) of sheet `sheet` is not asked for, if its
    /// column's condition hides it in that row.
    pub fn hidden_reason(self, sheet: usize, row: u32, column: usize) -> Option<String> {
        let form = self.form.read_value();
        let sheet = &form.sheets[sheet];
        let def = &sheet.columns[column];
        def.shown_if.as_ref()?;
        let shown = self.data.with_value(|d| {
            d.rows(&sheet.key)
                .get(row as usize - 1)
                .is_none_or(|r| def.is_shown(sheet, r))
        });
        if shown { None } else { def.condition_ru(sheet) }
    }

    pub fn row_count(self, index: usize) -> u32 {
        let key = self.form.with_value(|f| f.sheets[index].key.clone());
        self.data.with_value(|d| d.rows(&key).len()) as u32
    }

    /// Whether changes wait to be saved.
    pub fn has_unsaved(self) -> bool {
        !self.outbox.with_value(Outbox::is_empty)
    }

    /// The draft version the server has.
    pub fn version(self) -> i32 {
        self.outbox.with_value(|o| o.version)
    }

    /// Replaces everything with the server's draft (after an upload).
    pub fn replace(self, data: FormData, version: i32) {
        self.base.set_value(data.clone());
        self.revalidate(&self.form.read_value(), &data);
        self.data.set_value(data);
        self.history.set_value(UndoHistory::default());
        self.overlaps.set(Vec::new());
        self.revision.update(|n| *n += 1);
        self.outbox.set_value(Outbox::new(version));
        self.remember();
        self.layout.update(|n| *n += 1);
    }

    /// Whether the editor is still on the page. After the user left it (back,
    /// another link) its values are gone, and an answer or a timer arriving later
    /// has nothing to update: what was not confirmed stays in the browser's
    /// storage and is sent on the next visit.
    fn alive(self) -> bool {
        self.timer.try_get_value().is_some()
    }

    /// Sends a save after `delay_ms` unless another change comes first.
    fn schedule(self, delay_ms: u32) {
        self.timer.update_value(|t| *t += 1);
        let mine = self.timer.get_value();
        spawn_local(async move {
            TimeoutFuture::new(delay_ms).await;
            if self.timer.try_get_value() == Some(mine) {
                self.flush().await;
            }
        });
    }

    /// Sends every waiting batch, oldest first; answers whether all are saved.
    pub async fn flush(self) -> bool {
        if !self.alive() || self.sending.get_value() {
            return false;
        }
        self.sending.set_value(true);
        let mut all_saved = true;
        while let Some(patch) = self.outbox.try_update_value(Outbox::next_patch).flatten() {
            self.save_state.set(SaveState::Saving);
            let sent = self.send(patch).await;
            if !self.alive() {
                return false;
            }
            if !sent {
                all_saved = false;
                break;
            }
        }
        self.sending.set_value(false);
        all_saved && !self.has_unsaved()
    }

    /// Another tab or person saved since: their values shown now, ours kept on
    /// top (a cell both changed is asked about). Called when the tab comes back
    /// to the front, so a stale tab does not wait for its next save to learn.
    pub async fn catch_up(self) {
        if self.read_only || !self.alive() || self.sending.get_value() {
            return;
        }
        let path = crate::api::collections::draft(self.collection_id, "");
        let Ok(current) = self.session.get::<Draft>(&path).await else {
            return;
        };
        if self.alive() && !self.sending.get_value() && current.version > self.version() {
            self.rebase(current);
            if self.has_unsaved() {
                self.schedule(0);
            }
        }
    }

    /// «Сдать отчет»: saves what waits, then submits the saved version; the error
    /// to show otherwise. When someone saved in between, their changes are merged
    /// in first and the user is asked again ([`Submitted::Merged`]), never left
    /// with a refusal to merge by hand.
    pub async fn submit(self) -> Result<Submitted, String> {
        if !self.flush().await {
            return Err(texts::NOT_SAVED_YET.to_owned());
        }
        let path = crate::api::collections::submit(self.collection_id);
        let request = SubmitRequest {
            version: self.version(),
        };
        let answer = self
            .session
            .save::<_, SubmissionReceipt>(Method::Post, &path, &request)
            .await;
        match answer {
            Ok(_) => Ok(Submitted::Done),
            Err(failure) if failure.status == 409 => {
                let conflict = failure
                    .body
                    .and_then(|b| serde_json::from_value::<DraftConflict>(b).ok());
                let Some(conflict) = conflict.filter(|_| self.alive()) else {
                    return Err(failure.message);
                };
                self.rebase(conflict.current);
                if self.has_unsaved() && !self.flush().await {
                    return Err(texts::NOT_SAVED_YET.to_owned());
                }
                Ok(Submitted::Merged)
            }
            Err(failure) => Err(failure.first_message()),
        }
    }

    /// One batch; false when it is not saved (offline, refused).
    async fn send(self, patch: DraftPatch) -> bool {
        let path = crate::api::collections::draft(self.collection_id, "");
        let answer = self
            .session
            .save::<_, DraftSaved>(Method::Patch, &path, &patch)
            .await;
        if !self.alive() {
            return false;
        }
        match answer {
            Ok(saved) => {
                self.retries.set_value(0);
                let form = self.form.read_value();
                self.base.update_value(|base| {
                    // The server applied this very batch: ours now too.
                    let _ = base.apply(&form, &patch.changes);
                });
                self.outbox.update_value(|o| o.saved(saved.version));
                self.remember();
                if !self.has_unsaved() {
                    // The server's word on the errors, for the data it now holds.
                    self.errors.set(saved.errors);
                }
                self.save_state.set(SaveState::Saved(saved.saved_at));
                true
            }
            Err(failure) if failure.status == 409 => {
                let Some(conflict) = failure
                    .body
                    .and_then(|b| serde_json::from_value::<DraftConflict>(b).ok())
                else {
                    self.save_state.set(SaveState::Refused(failure.message));
                    return false;
                };
                self.rebase(conflict.current);
                true
            }
            Err(failure) if failure.is_transient() => {
                // Kept in the outbox (and the browser's storage): sent again with
                // back-off until the server takes it.
                self.save_state.set(SaveState::Offline);
                let retries = self.retries.get_value();
                self.retries.set_value(retries.saturating_add(1));
                self.schedule(retry_delay_ms(retries));
                false
            }
            Err(failure) => {
                let detail = failure.first_message();
                self.save_state.set(SaveState::Refused(detail));
                false
            }
        }
    }

    /// Saved elsewhere first: show their draft with our unsaved changes on top.
    fn rebase(self, current: Draft) {
        let form = self.form.read_value();
        let pending: Vec<Change> = self.outbox.with_value(|o| o.changes().cloned().collect());
        let rebased = self
            .outbox
            .try_update_value(|o| o.rebase(&form, &current.data, current.version));
        if let Some((data, refused)) = rebased {
            let found = self
                .base
                .with_value(|base| overlaps(base, &current.data, &data, &pending));
            self.overlaps.update(|all| all.extend(found));
            self.base.set_value(current.data.clone());
            self.revalidate(&form, &data);
            self.data.set_value(data);
            if let Some(first) = refused.first() {
                self.save_state
                    .set(SaveState::Refused(texts::changed_elsewhere(&first.message)));
            }
        }
        self.remember();
        self.revision.update(|n| *n += 1);
        self.layout.update(|n| *n += 1);
    }

    /// Checks everything again (the data was replaced).
    fn revalidate(self, form: &FormDefinition, data: &FormData) {
        self.validation.set_value(Validation::new(form, data));
        self.show_errors(form, data);
    }

    /// The errors of the checks held, and the unusual values not explained.
    fn show_errors(self, form: &FormDefinition, data: &FormData) {
        let errors = self.validation.with_value(|validation| {
            self.references
                .with_value(|references| validation.errors_with(form, data, references))
        });
        self.errors.set(errors);
    }

    /// The explanation of cell (`row`, `column`) of sheet `sheet` and whether
    /// one is asked for (its value is unusual); `None` for a cell that needs
    /// none and has none.
    pub fn explanation(self, sheet: usize, row: u32, column: usize) -> Option<(String, bool)> {
        let held = self.explanation_text(sheet, row, column);
        let form = self.form.read_value();
        let sheet = &form.sheets[sheet];
        let def = &sheet.columns[column];
        def.soft.as_ref()?;
        let asked = self.errors.with(|errors| {
            errors.iter().any(|e| {
                e.code == CellCode::ExplanationRequired
                    && e.sheet == sheet.key
                    && e.row == row
                    && e.column.as_deref() == Some(def.key.as_str())
            })
        });
        (held.is_some() || asked).then(|| (held.unwrap_or_default(), asked))
    }

    /// The explanation cell (`row`, `column`) of sheet `sheet` holds, if any.
    pub fn explanation_text(self, sheet: usize, row: u32, column: usize) -> Option<String> {
        let form = self.form.read_value();
        let sheet = &form.sheets[sheet];
        let def = &sheet.columns[column];
        def.soft.as_ref()?;
        let key = soft::explanation_key(&def.key);
        self.data.with_value(|d| {
            d.rows(&sheet.key)
                .get(row as usize - 1)
                .and_then(|r| r.get(&key))
                .map(str::to_owned)
        })
    }

    /// The user chose a value for an overlapping cell: theirs is set (as a change
    /// of ours), ours is already shown and queued; either way the question goes.
    pub fn settle(self, overlap: &Overlap, take_theirs: bool) {
        if take_theirs {
            self.edit(vec![Change::Set {
                sheet: overlap.sheet.clone(),
                row: overlap.row,
                column: overlap.column.clone(),
                value: overlap.theirs.clone(),
            }]);
        }
        self.overlaps.update(|all| all.retain(|o| o != overlap));
    }

    /// Keeps the outbox in the browser's storage (or forgets it once empty).
    fn remember(self) {
        let Some(storage) = local_storage() else {
            return;
        };
        let key = self.storage_key.get_value();
        let _ = if self.has_unsaved() {
            let text = self
                .outbox
                .with_value(|o| serde_json::to_string(o).unwrap_or_default());
            storage.set_item(&key, &text)
        } else {
            storage.remove_item(&key)
        };
    }
}

/// The outboxes previous visits (any tab) left in the browser's storage under
/// `prefix`, with their keys.
pub fn stored_outboxes(prefix: &str) -> Vec<(String, Outbox)> {
    let Some(storage) = local_storage() else {
        return Vec::new();
    };
    let keys: Vec<String> = (0..storage.length().unwrap_or(0))
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(&format!("{prefix}-")))
        .collect();
    keys.into_iter()
        .filter_map(|key| {
            let text = storage.get_item(&key).ok()??;
            Some((key, serde_json::from_str(&text).ok()?))
        })
        .collect()
}

/// Forgets a stored outbox.
pub fn forget_outbox(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

/// The browser's `localStorage`, when it offers one (private modes may not).
fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}
