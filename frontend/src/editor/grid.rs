//! One sheet as a spreadsheet: a focusable grid with an active cell and a selected
//! range, moved by the keys Excel users know (`keys.rs`), by the mouse, edited in
//! place (`cell_editor.rs`), copied and pasted as tab-separated blocks, with undo.
//! Only the rows on screen are drawn: a sheet of 5,000 rows opens at once.

use std::collections::HashMap;

use leptos::{ev, html, prelude::*, task::spawn_local};
use oko_domain::forms::{
    Change, ColumnType,
    editing::{Move, Selection, clear, copy_block, parse_tsv, paste, to_tsv},
    formula,
    totals::TOTALS_LABEL,
};
use wasm_bindgen::JsCast;

use crate::components::error_summary::focus_by_id;

use super::{
    cell_editor::{CellEditor, Editing},
    explanation::{ExplanationBox, explanation_id},
    file_cell::{FileBox, attach_id},
    keys::{GridKey, grid_key},
    state::{CellNote, EditorState, NoteKind},
    texts,
};

/// Rows drawn beyond either edge of the visible ones, so scrolling stays smooth.
const OVERSCAN: u32 = 10;
/// Row height before one is measured (CSS sets it; the real one is read).
const ROW_HEIGHT: f64 = 32.0;

/// The element id of a cell, for jumping to it and for `aria-activedescendant`.
pub fn cell_id(sheet: &str, row: u32, column: &str) -> String {
    format!("cell-{sheet}-{row}-{column}")
}

/// Where the user is in the grid of the sheet shown; the page keeps it so the
/// error list can move it.
#[derive(Clone, Copy)]
pub struct GridState {
    pub selection: RwSignal<Selection>,
    pub editing: RwSignal<Option<Editing>>,
    scroll_top: RwSignal<f64>,
    viewport: RwSignal<f64>,
    row_height: RwSignal<f64>,
    container: NodeRef<html::Div>,
    table: NodeRef<html::Table>,
    dragging: StoredValue<bool>,
}

impl GridState {
    pub fn new() -> GridState {
        GridState {
            selection: RwSignal::new(Selection::at(1, 0)),
            editing: RwSignal::new(None),
            scroll_top: RwSignal::new(0.0),
            viewport: RwSignal::new(600.0),
            row_height: RwSignal::new(ROW_HEIGHT),
            container: NodeRef::new(),
            table: NodeRef::new(),
            dragging: StoredValue::new(false),
        }
    }

    /// Back to the first cell (another sheet is shown).
    pub fn reset(self) {
        self.editing.set(None);
        self.selection.set(Selection::at(1, 0));
        self.scroll_top.set(0.0);
        if let Some(container) = self.container.get_untracked() {
            container.set_scroll_top(0);
            container.set_scroll_left(0);
        }
    }

    /// Selects one cell, scrolls it into view and puts the keyboard on the grid.
    pub fn go_to(self, row: u32, column: usize) {
        self.go_to_selection(Selection::at(row.max(1), column));
    }

    /// Selects, scrolls there and puts the keyboard on the grid.
    pub fn go_to_selection(self, selection: Selection) {
        self.select(selection);
        self.focus();
    }

    fn select(self, selection: Selection) {
        self.selection.set(selection);
        self.reveal(selection.active.0, selection.active.1);
    }

    /// Puts the keyboard on the grid: at once, so that the next key pressed lands
    /// on it, or once drawn when another sheet is on its way.
    pub fn focus(self) {
        if let Some(table) = self.table.get_untracked() {
            let _ = table.focus();
            return;
        }
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if let Some(table) = self.table.get_untracked() {
                let _ = table.focus();
            }
        });
    }

    /// How many rows one screen shows (PageUp/PageDown move by it).
    fn page_rows(self) -> u32 {
        (self.viewport.get_untracked() / self.row_height.get_untracked()).max(1.0) as u32 - 1
    }

    /// Scrolls so that the cell is on screen: rows by arithmetic (the row may not
    /// be drawn yet), columns by the drawn cell once it is.
    fn reveal(self, row: u32, column: usize) {
        let Some(container) = self.container.get_untracked() else {
            return;
        };
        let header = self.header_height();
        let height = self.row_height.get_untracked();
        let top = (f64::from(row) - 1.0) * height;
        let scroll = f64::from(container.scroll_top());
        let visible = f64::from(container.client_height()) - header;
        if top < scroll {
            container.set_scroll_top(top as i32);
        } else if top + height > scroll + visible {
            container.set_scroll_top((top + height - visible).ceil() as i32);
        }
        self.scroll_top.set(f64::from(container.scroll_top()));
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(0).await;
            let Some(cell) = self.cell_element(row, column) else {
                return;
            };
            let left = f64::from(cell.offset_left());
            let right = left + f64::from(cell.offset_width());
            let scroll = f64::from(container.scroll_left());
            let numbers = 48.0;
            let width = f64::from(container.client_width());
            if left - numbers < scroll {
                container.set_scroll_left((left - numbers).max(0.0) as i32);
            } else if right > scroll + width {
                container.set_scroll_left((right - width) as i32);
            }
        });
    }

    fn header_height(self) -> f64 {
        self.table
            .get_untracked()
            .and_then(|t| t.t_head())
            .map_or(40.0, |h| f64::from(h.offset_height()))
    }

    /// The drawn `<td>` of a cell, if it is on screen.
    pub fn cell_element(self, row: u32, column: usize) -> Option<web_sys::HtmlElement> {
        let table = self.table.get_untracked()?;
        table
            .query_selector(&format!("td[data-row='{row}'][data-col='{column}']"))
            .ok()??
            .dyn_into()
            .ok()
    }

    /// Reads the real row height and the visible height after the first draw.
    fn measure(self) {
        if let Some(container) = self.container.get_untracked() {
            self.viewport.set(f64::from(container.client_height()));
        }
        if let Some(row) = self
            .table
            .get_untracked()
            .and_then(|t| t.query_selector("tbody tr.data-row").ok().flatten())
            .and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let height = f64::from(row.offset_height());
            if height > 0.0 && (height - self.row_height.get_untracked()).abs() > 0.5 {
                self.row_height.set(height);
            }
        }
    }
}

impl Default for GridState {
    fn default() -> Self {
        GridState::new()
    }
}

/// Sheet `index`'s key and each of its columns' position by key.
fn column_positions(editor: EditorState, index: usize) -> (String, HashMap<String, usize>) {
    editor.form.with_value(|f| {
        let sheet = &f.sheets[index];
        let positions = sheet
            .columns
            .iter()
            .enumerate()
            .map(|(at, c)| (c.key.clone(), at))
            .collect();
        (sheet.key.clone(), positions)
    })
}

/// The errors of one sheet by (row, column position), with their messages.
fn errors_of_sheet(editor: EditorState, index: usize) -> Memo<HashMap<(u32, usize), String>> {
    Memo::new(move |_| {
        let (key, positions) = column_positions(editor, index);
        editor.errors.with(|errors| {
            errors
                .iter()
                .filter(|e| e.sheet == key)
                .filter_map(|e| {
                    let at = *positions.get(e.column.as_deref()?)?;
                    Some(((e.row, at), e.message.clone()))
                })
                .collect()
        })
    })
}

/// The notes of one sheet by (row, column position).
fn notes_of_sheet(editor: EditorState, index: usize) -> Memo<HashMap<(u32, usize), CellNote>> {
    Memo::new(move |_| {
        let (key, positions) = column_positions(editor, index);
        editor.notes.with(|notes| {
            notes
                .iter()
                .filter(|((sheet, _, _), _)| *sheet == key)
                .filter_map(|((_, row, column), note)| {
                    Some(((*row, *positions.get(column)?), note.clone()))
                })
                .collect()
        })
    })
}

/// The (row, column) of the cell an event happened in, if any.
fn cell_of(target: Option<web_sys::EventTarget>) -> Option<(u32, usize)> {
    let element: web_sys::Element = target?.dyn_into().ok()?;
    let cell = element.closest("td[data-col]").ok()??;
    let row = cell.get_attribute("data-row")?.parse().ok()?;
    let column = cell.get_attribute("data-col")?.parse().ok()?;
    Some((row, column))
}

/// The table of sheet `index`.
#[component]
pub fn SheetGrid(editor: EditorState, index: usize, grid: GridState) -> impl IntoView {
    let sheet = editor.form.with_value(|f| f.sheets[index].clone());
    let columns = sheet.columns.len();
    let free = sheet.is_free();
    let by_cell = errors_of_sheet(editor, index);
    let notes = notes_of_sheet(editor, index);
    let has_totals = sheet.has_totals();
    let total = Memo::new(move |_| {
        editor.layout.track();
        editor.row_count(index)
    });
    // Which rows are drawn: those on screen and a margin either side.
    let window = Memo::new(move |_| {
        let height = grid.row_height.get();
        let first = (grid.scroll_top.get() / height) as u32;
        let shown = (grid.viewport.get() / height).ceil() as u32;
        let start = first.saturating_sub(OVERSCAN);
        let end = (first + shown + OVERSCAN).min(total.get());
        (start, end)
    });
    let rows = move || {
        let (start, end) = window.get();
        (start + 1..=end).collect::<Vec<u32>>()
    };
    let top_space = move || {
        format!(
            "height: {}px",
            f64::from(window.get().0) * grid.row_height.get()
        )
    };
    let bottom_space = move || {
        let (_, end) = window.get();
        format!(
            "height: {}px",
            f64::from(total.get() - end) * grid.row_height.get()
        )
    };

    let stop_drag = window_event_listener(ev::mouseup, move |_| grid.dragging.set_value(false));
    on_cleanup(move || stop_drag.remove());
    Effect::new(move |_| {
        total.track();
        grid.measure();
    });

    let sheet_key = StoredValue::new(sheet.key.clone());
    let def = StoredValue::new(sheet.clone());
    let start_editing = move |replace_with: Option<String>| {
        let (row, column) = grid.selection.get_untracked().active;
        // A file is attached, not typed: the keyboard goes to the file's box.
        if def.with_value(|s| s.columns[column].kind == ColumnType::File) {
            focus_by_id(&attach_id(index));
            return;
        }
        if editor.read_only {
            return;
        }
        if row > total.get_untracked() {
            return;
        }
        let locked = def
            .with_value(|s| s.lock_reason(row as usize - 1, &s.columns[column].key))
            .map(str::to_owned)
            .or_else(|| editor.sheet_off(index))
            .or_else(|| editor.hidden_reason(index, row, column));
        if let Some(reason) = locked {
            editor
                .save_state
                .set(super::state::SaveState::Refused(reason));
            return;
        }
        let original = editor.shown(index, row, column);
        let typed = replace_with.is_some();
        let text = replace_with.unwrap_or_else(|| original.clone());
        if typed {
            editor.type_into(Change::Set {
                sheet: sheet_key.get_value(),
                row,
                column: def.with_value(|s| s.columns[column].key.clone()),
                value: text.clone(),
            });
        }
        grid.editing.set(Some(Editing {
            row,
            column,
            original,
            text,
            caret_moves: !typed,
        }));
    };

    let on_key = move |ev: ev::KeyboardEvent| {
        if grid.editing.get_untracked().is_some() {
            return;
        }
        let Some(key) = grid_key(&ev, grid.page_rows()) else {
            return;
        };
        let rows = total.get_untracked();
        let selection = grid.selection.get_untracked();
        // Tab past the last cell (Shift+Tab before the first) leaves the grid, as
        // from any other control: the keyboard is never trapped in it.
        let leaves = match key {
            GridKey::Move(Move::Next, _) => selection.active >= (rows.max(1), columns - 1),
            GridKey::Move(Move::Previous, _) => selection.active <= (1, 0),
            _ => false,
        };
        if leaves {
            return;
        }
        ev.prevent_default();
        match key {
            GridKey::Move(step, extend) => {
                grid.select(selection.moved(step, extend, rows, columns))
            }
            GridKey::SelectAll => grid.selection.set(Selection {
                anchor: (1, 0),
                active: (rows.max(1), columns - 1),
            }),
            GridKey::Collapse => grid
                .selection
                .set(Selection::at(selection.active.0, selection.active.1)),
            GridKey::Edit => start_editing(None),
            GridKey::Type(text) => start_editing(Some(text)),
            GridKey::Clear => editor.edit(
                def.with_value(|s| editor.data.with_value(|d| clear(s, d, selection.range()))),
            ),
            GridKey::Undo => editor.undo(),
            GridKey::Redo => editor.redo(),
            GridKey::ToTabs => focus_sheet_tabs(),
            GridKey::ToExplanation => focus_explanation(index),
        }
    };

    let copy_selection = move || {
        let range = grid.selection.get_untracked().range();
        let block = def.with_value(|s| editor.data.with_value(|d| copy_block(s, d, range)));
        to_tsv(&block)
    };
    let on_copy = move |ev: ev::ClipboardEvent| {
        if let Some(clipboard) = ev.clipboard_data() {
            let _ = clipboard.set_data("text/plain", &copy_selection());
            ev.prevent_default();
        }
    };
    let on_cut = move |ev: ev::ClipboardEvent| {
        on_copy(ev);
        let range = grid.selection.get_untracked().range();
        editor.edit(def.with_value(|s| editor.data.with_value(|d| clear(s, d, range))));
    };
    let on_paste = move |ev: ev::ClipboardEvent| {
        let Some(text) = ev
            .clipboard_data()
            .and_then(|c| c.get_data("text/plain").ok())
        else {
            return;
        };
        ev.prevent_default();
        if editor.read_only {
            return;
        }
        let block = parse_tsv(&text);
        let (row, column) = grid.selection.get_untracked().range().top_left();
        let changes =
            def.with_value(|s| editor.data.with_value(|d| paste(s, d, row, column, &block)));
        let last = changes
            .iter()
            .fold((row, column), |(r, c), change| match change {
                Change::Set {
                    row, column: key, ..
                } => {
                    let at = def.with_value(|s| s.columns.iter().position(|x| &x.key == key));
                    (r.max(*row), c.max(at.unwrap_or(c)))
                }
                _ => (r, c),
            });
        editor.edit(changes);
        grid.selection.set(Selection {
            anchor: (row, column),
            active: last,
        });
    };

    let on_mouse_down = move |ev: ev::MouseEvent| {
        let Some((row, column)) = cell_of(ev.target()) else {
            return;
        };
        ev.prevent_default();
        let selection = grid.selection.get_untracked();
        grid.selection.set(if ev.shift_key() {
            Selection {
                active: (row, column),
                anchor: selection.anchor,
            }
        } else {
            Selection::at(row, column)
        });
        grid.dragging.set_value(true);
        if let Some(table) = grid.table.get_untracked() {
            let _ = table.focus();
        }
    };
    let on_mouse_over = move |ev: ev::MouseEvent| {
        if !grid.dragging.get_value() {
            return;
        }
        if let Some(cell) = cell_of(ev.target()) {
            grid.selection.update(|s| s.active = cell);
        }
    };
    let on_double_click = move |ev: ev::MouseEvent| {
        if cell_of(ev.target()).is_some() {
            start_editing(None);
        }
    };

    // An empty sheet has no cell to point at (a reference to nothing is an
    // accessibility error).
    let active_id = move || {
        let (row, column) = grid.selection.get().active;
        (row <= total.get())
            .then(|| def.with_value(|s| cell_id(&s.key, row, &s.columns[column].key)))
    };
    let can_add =
        move || free && !editor.read_only && total.get() < def.with_value(|s| s.row_limit());
    let add_row = move |_| {
        let rows = total.get_untracked();
        editor.edit(vec![Change::InsertRow {
            sheet: sheet_key.get_value(),
            row: rows + 1,
        }]);
        grid.go_to(rows + 1, 0);
    };
    let headers = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(at, c)| {
            let hint = (!c.hint.is_empty()).then(|| view! {
                <span class="hint-mark" tabindex="0" role="note" data-hint=c.hint.clone()
                    aria-label=texts::column_hint(&c.title, &c.hint)>"i"</span>
            });
            view! {
                <th scope="col" role="columnheader" aria-colindex=at + 2 class:required=c.required>{c.header()} {hint}</th>
            }
        })
        .collect_view();
    let hint = move || {
        let (row, column) = grid.selection.get().active;
        let error = by_cell.with(|m| m.get(&(row, column)).cloned());
        let note = notes.with(|m| m.get(&(row, column)).map(|n| n.text.clone()));
        def.with_value(|s| {
            let c = &s.columns[column];
            let detail = error.or(note).unwrap_or_else(|| c.hint.clone());
            if detail.is_empty() {
                texts::cell_place(&c.title, row)
            } else {
                format!("{}: {detail}", texts::cell_place(&c.title, row))
            }
        })
    };
    let hint_is_error = move || {
        let active = grid.selection.get().active;
        by_cell.with(|m| m.contains_key(&active))
    };
    view! {
        // Above the grid, so it is on the first screen however many rows there are.
        {move || can_add().then(|| view! { <button type="button" class="secondary add-row" on:click=add_row>{texts::ADD_ROW}</button> })}
        <div class="form-grid-scroll" node_ref=grid.container
            on:scroll=move |ev| {
                let element: web_sys::Element = event_target(&ev);
                grid.scroll_top.set(f64::from(element.scroll_top()));
            }>
            <table class="form-grid" role="grid" tabindex="0" node_ref=grid.table
                aria-label=sheet.title.clone()
                aria-rowcount=move || total.get() + 1 + u32::from(has_totals)
                aria-colcount=columns + 1
                aria-multiselectable="true"
                aria-readonly=editor.read_only.to_string()
                aria-activedescendant=active_id
                on:keydown=on_key
                on:copy=on_copy
                on:cut=on_cut
                on:paste=on_paste
                on:mousedown=on_mouse_down
                on:mouseover=on_mouse_over
                on:dblclick=on_double_click>
                <thead>
                    <tr role="row" aria-rowindex="1">
                        <th class="row-number" scope="col" role="columnheader" aria-colindex="1">"№"</th>
                        {headers}
                        {(free && !editor.read_only).then(|| view! { <th class="row-actions" aria-hidden="true"></th> })}
                    </tr>
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" style=top_space></tr>
                    <For each=rows key=|row| *row let:row>
                        <GridRow editor=editor index=index row=row grid=grid by_cell=by_cell notes=notes/>
                    </For>
                    <tr class="spacer" aria-hidden="true" style=bottom_space></tr>
                </tbody>
                {totals_row(editor, index, move || total.get() + 2)}
            </table>
            <CellEditor editor=editor index=index grid=grid/>
        </div>
        <p class=move || if hint_is_error() { "cell-hint error" } else { "cell-hint" } aria-live="polite">{hint}</p>
        <ExplanationBox editor=editor index=index grid=grid/>
        <FileBox editor=editor index=index grid=grid/>
        {move || (total.get() == 0).then(|| view! { <p class="muted">{texts::NO_ROWS}</p> })}
    }
}

/// The sheet's totals row «Итого», kept at the bottom of the scrolled grid
/// (none for a sheet without one); `row_index` is its place for assistive
/// technology, after the header and every row.
fn totals_row(
    editor: EditorState,
    index: usize,
    row_index: impl Fn() -> u32 + Send + Sync + 'static,
) -> Option<impl IntoView> {
    let sheet = editor.form.with_value(|f| f.sheets[index].clone());
    if !sheet.has_totals() {
        return None;
    }
    let removable = sheet.is_free() && !editor.read_only;
    let cells = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(at, column)| {
            let summed = sheet.is_totalled(&column.key);
            let what = sheet
                .total_of(&column.key)
                .map(|aggregate| texts::total_title(aggregate.title_ru()));
            let shown = move || {
                editor.revision.track();
                editor.layout.track();
                if summed {
                    editor.total(index, at)
                } else {
                    String::new()
                }
            };
            view! {
                <td role="gridcell" aria-colindex=at + 2 aria-readonly="true" class="total" title=what>{shown}</td>
            }
        })
        .collect_view();
    Some(view! {
        <tfoot>
            <tr role="row" class="totals-row" aria-rowindex=row_index>
                <th scope="row" role="rowheader" class="row-number">{TOTALS_LABEL}</th>
                {cells}
                {removable.then(|| view! { <td class="row-actions" aria-hidden="true"></td> })}
            </tr>
        </tfoot>
    })
}

/// Puts the keyboard on the active cell's explanation box, if it is shown
/// (Shift+F2 from the grid).
fn focus_explanation(index: usize) {
    focus_by_id(&explanation_id(index));
}

/// Puts the keyboard on the sheet tab shown (F6 from the grid).
fn focus_sheet_tabs() {
    let tab = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".sheet-tab.active button").ok().flatten())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
}

/// One drawn row (1-based `row`).
#[component]
fn GridRow(
    editor: EditorState,
    index: usize,
    row: u32,
    grid: GridState,
    by_cell: Memo<HashMap<(u32, usize), String>>,
    notes: Memo<HashMap<(u32, usize), CellNote>>,
) -> impl IntoView {
    let sheet = editor.form.with_value(|f| f.sheets[index].clone());
    let removable = sheet.is_free() && !editor.read_only;
    let cells = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(at, column)| {
            let locked = sheet.is_locked(row as usize - 1, &column.key);
            let calculated = column.is_calculated();
            // A prefilled cell says where its value came from.
            let prefilled = column
                .prefill_note()
                .filter(|_| sheet.is_prefilled_row(row as usize - 1));
            let id = cell_id(&sheet.key, row, &column.key);
            let error = Memo::new(move |_| by_cell.with(|m| m.get(&(row, at)).cloned()));
            let note = Memo::new(move |_| notes.with(|m| m.get(&(row, at)).cloned()));
            // An unusual value's explanation, marked and on hover.
            let soft_checked = column.soft.is_some();
            let explained = Memo::new(move |_| {
                editor.revision.track();
                soft_checked
                    .then(|| editor.explanation_text(index, row, at))
                    .flatten()
            });
            // A calculated cell tells how it is computed.
            let hint = formula::explain(&sheet, column)
                .into_iter()
                .chain(prefilled.clone())
                .chain(Some(column.hint.clone()).filter(|h| !h.is_empty()))
                .collect::<Vec<_>>()
                .join(". ");
            let is_prefilled = prefilled.is_some();
            // A cell its column's condition hides in this row, and why.
            let hidden = Memo::new(move |_| {
                editor.revision.track();
                editor.hidden_reason(index, row, at)
            });
            let title = move || {
                error
                    .get()
                    .or_else(|| note.get().map(|n| n.text))
                    .or_else(|| hidden.get())
                    .or_else(|| explained.get().map(|t| texts::explanation_of(&t)))
                    .unwrap_or_else(|| hint.clone())
            };
            let state = Memo::new(move |_| {
                let selection = grid.selection.get();
                (
                    selection.active == (row, at),
                    selection.range().contains(row, at),
                )
            });
            let class = move || {
                let (active, selected) = state.get();
                let mut class = String::from("cell");
                for (on, name) in [
                    (active, " active"),
                    (selected, " selected"),
                    (locked, " locked"),
                    (calculated, " calculated"),
                    (is_prefilled, " prefilled"),
                    (hidden.with(Option::is_some), " hidden-cell"),
                    (explained.with(Option::is_some), " explained"),
                    (error.with(Option::is_some), " invalid"),
                    (
                        note.with(|n| n.as_ref().is_some_and(|n| n.kind == NoteKind::Comment)),
                        " commented",
                    ),
                    (
                        note.with(|n| n.as_ref().is_some_and(|n| n.kind == NoteKind::Changed)),
                        " changed",
                    ),
                ] {
                    if on {
                        class.push_str(name);
                    }
                }
                class
            };
            let text = move || {
                editor.revision.track();
                editor.shown(index, row, at)
            };
            view! {
                <td role="gridcell" id=id data-row=row data-col=at aria-colindex=at + 2
                    class=class title=title
                    aria-selected=move || state.get().1.to_string()
                    aria-invalid=move || error.with(Option::is_some).to_string()
                    aria-readonly=move || (locked || editor.read_only || hidden.with(Option::is_some)).to_string()>{text}</td>
            }
        })
        .collect_view();
    let key = sheet.key.clone();
    let delete = move |_| {
        editor.edit(vec![Change::DeleteRow {
            sheet: key.clone(),
            row,
        }])
    };
    view! {
        <tr role="row" class="data-row" aria-rowindex=row + 1>
            <th scope="row" role="rowheader" class="row-number">{row}</th>
            {cells}
            {removable.then(|| view! {
                <td class="row-actions">
                    <button type="button" class="icon" tabindex="-1" title=texts::DELETE_ROW
                        aria-label=format!("{} {row}", texts::DELETE_ROW) on:click=delete>"✕"</button>
                </td>
            })}
        </tr>
    }
}
