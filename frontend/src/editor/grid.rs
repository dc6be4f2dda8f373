//! One sheet as a table of cells: the header with `*` on required columns and the
//! hints on hover, a row of inputs per data row (drop-downs for lists and yes/no),
//! red cells with their message, «Добавить строку» / «Удалить строку» on free
//! sheets, pages of rows for long sheets.

use std::collections::HashMap;

use leptos::prelude::*;
use oko_domain::forms::{Change, ColumnDef, ColumnType, value};

use super::state::EditorState;
use crate::components::pager::Pager;

/// Rows drawn at once; longer sheets page.
pub const PAGE_ROWS: u64 = 100;

/// The element id of a cell, for jumping to it from the error list.
pub fn cell_id(sheet: &str, row: u32, column: &str) -> String {
    format!("cell-{sheet}-{row}-{column}")
}

/// Every cell error by cell id, with its message.
pub fn errors_by_cell(editor: EditorState) -> Memo<HashMap<String, String>> {
    Memo::new(move |_| {
        editor.errors.with(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    let column = e.column.as_deref()?;
                    Some((cell_id(&e.sheet, e.row, column), e.message.clone()))
                })
                .collect()
        })
    })
}

/// The table of sheet `index`.
#[component]
pub fn SheetGrid(editor: EditorState, index: usize, page: RwSignal<u64>) -> impl IntoView {
    let by_cell = errors_by_cell(editor);
    move || {
        editor.layout.track();
        let sheet = editor.form.with_value(|f| f.sheets[index].clone());
        let total = editor.data.with_value(|d| d.rows(&sheet.key).len()) as u64;
        let first = (page.get().max(1) - 1) * PAGE_ROWS;
        let shown: Vec<u32> = (first..total.min(first + PAGE_ROWS))
            .map(|r| r as u32 + 1)
            .collect();
        let free = sheet.is_free();
        let can_add = free && !editor.read_only && (total as u32) < sheet.row_limit();
        let sheet_key = sheet.key.clone();
        let add_row = move |_| {
            let rows = editor.data.with_value(|d| d.rows(&sheet_key).len()) as u32;
            editor.edit(Change::InsertRow {
                sheet: sheet_key.clone(),
                row: rows + 1,
            });
            page.set(u64::from(rows) / PAGE_ROWS + 1);
        };
        let columns = sheet.columns.clone();
        view! {
            <div class="form-grid-scroll">
                <table class="form-grid">
                    <thead>
                        <tr>
                            <th class="row-number" scope="col">"№"</th>
                            {columns.iter().map(|c| view! {
                                <th scope="col" title=c.hint.clone() class:required=c.required>{c.header()}</th>
                            }).collect_view()}
                            {(free && !editor.read_only).then(|| view! { <th class="row-actions"><span class="visually-hidden">"Действия"</span></th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {shown.into_iter().map(|row| view! {
                            <GridRow editor=editor sheet=index row=row by_cell=by_cell/>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(total == 0).then(|| view! { <p class="muted">"Строк пока нет"</p> })}
            {can_add.then(|| view! { <button type="button" class="secondary" on:click=add_row>"Добавить строку"</button> })}
            {(total > PAGE_ROWS).then(|| view! { <Pager page=page current=page.get_untracked().max(1) total=total per_page=PAGE_ROWS/> })}
        }
    }
}

/// One data row (1-based `row`).
#[component]
fn GridRow(
    editor: EditorState,
    sheet: usize,
    row: u32,
    by_cell: Memo<HashMap<String, String>>,
) -> impl IntoView {
    let def = editor.form.with_value(|f| f.sheets[sheet].clone());
    let key = def.key.clone();
    let removable = def.is_free() && !editor.read_only;
    let cells = def
        .columns
        .iter()
        .enumerate()
        .map(|(at, column)| {
            let left = at
                .checked_sub(1)
                .and_then(|i| def.columns.get(i))
                .map(|c| c.key.clone());
            let right = def.columns.get(at + 1).map(|c| c.key.clone());
            let locked = def.is_locked(row as usize - 1, &column.key);
            let text = editor.data.with_value(|d| {
                d.rows(&key)
                    .get(row as usize - 1)
                    .and_then(|r| r.get(&column.key))
                    .map(|t| value::display(column, t))
                    .unwrap_or_default()
            });
            view! { <td><Cell editor=editor sheet=key.clone() row=row column=column.clone() text=text locked=locked by_cell=by_cell left=left right=right/></td> }
        })
        .collect_view();
    let delete_key = key.clone();
    let delete = move |_| {
        editor.edit(Change::DeleteRow {
            sheet: delete_key.clone(),
            row,
        })
    };
    view! {
        <tr>
            <th scope="row" class="row-number">{row}</th>
            {cells}
            {removable.then(|| view! {
                <td class="row-actions">
                    <button type="button" class="icon" tabindex="-1" title="Удалить строку" aria-label=format!("Удалить строку {row}") on:click=delete>"✕"</button>
                </td>
            })}
        </tr>
    }
}

/// One cell: an input or a drop-down, red with its message when it has an error.
#[component]
fn Cell(
    editor: EditorState,
    sheet: String,
    row: u32,
    column: ColumnDef,
    text: String,
    locked: bool,
    by_cell: Memo<HashMap<String, String>>,
    /// The keys of the columns either side, for the arrow keys.
    left: Option<String>,
    right: Option<String>,
) -> impl IntoView {
    let id = cell_id(&sheet, row, &column.key);
    let navigate = {
        let (sheet, key) = (sheet.clone(), column.key.clone());
        move |ev: leptos::ev::KeyboardEvent, is_select: bool| {
            let target = match ev.key().as_str() {
                "Enter" if ev.shift_key() => Some((row.saturating_sub(1), key.clone())),
                "Enter" => Some((row + 1, key.clone())),
                "ArrowUp" if !is_select => Some((row.saturating_sub(1), key.clone())),
                "ArrowDown" if !is_select => Some((row + 1, key.clone())),
                "ArrowLeft" if is_select || caret_at(&ev, Edge::Start) => {
                    left.clone().map(|k| (row, k))
                }
                "ArrowRight" if is_select || caret_at(&ev, Edge::End) => {
                    right.clone().map(|k| (row, k))
                }
                _ => None,
            };
            if let Some((row, key)) = target
                && row >= 1
                && focus_cell(&cell_id(&sheet, row, &key))
            {
                ev.prevent_default();
            }
        }
    };
    let select_navigate = navigate.clone();
    let label = format!("{}, строка {row}", column.title);
    let error_id = id.clone();
    let error = Memo::new(move |_| by_cell.with(|m| m.get(&error_id).cloned()));
    let hint = column.hint.clone();
    let title = move || error.get().unwrap_or_else(|| hint.clone());
    let key = column.key.clone();
    let set = move |value: String| {
        editor.edit(Change::Set {
            sheet: sheet.clone(),
            row,
            column: key.clone(),
            value,
        })
    };
    let disabled = locked || editor.read_only;
    let invalid = move || error.with(Option::is_some);
    match column.kind {
        ColumnType::List | ColumnType::YesNo if !disabled => {
            let choices: Vec<String> = if column.kind == ColumnType::YesNo {
                vec!["Да".into(), "Нет".into()]
            } else {
                column.values.clone()
            };
            let current = text.clone();
            view! {
                <select id=id aria-label=label title=title class:invalid=invalid aria-invalid=move || invalid().to_string()
                    on:change=move |ev| set(event_target_value(&ev))
                    on:keydown=move |ev| select_navigate(ev, true)>
                    <option value="" selected=current.is_empty()>""</option>
                    {choices.into_iter().map(|choice| {
                        let selected = choice == current;
                        let shown = choice.clone();
                        view! { <option value=choice selected=selected>{shown}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        kind => {
            let (input_mode, placeholder) = match kind {
                ColumnType::Integer | ColumnType::Decimal => ("decimal", ""),
                ColumnType::Date => ("numeric", "дд.мм.гггг"),
                _ => ("text", ""),
            };
            view! {
                <input id=id type="text" aria-label=label title=title value=text readonly=disabled
                    class:locked=locked class:invalid=invalid aria-invalid=move || invalid().to_string()
                    inputmode=input_mode placeholder=placeholder
                    on:input=move |ev| set(event_target_value(&ev))
                    on:keydown=move |ev| navigate(ev, false)/>
            }
            .into_any()
        }
    }
}

/// Which end of a text field.
enum Edge {
    Start,
    End,
}

/// Whether the caret of the field the key went to sits at `edge` with nothing
/// selected (then ←/→ leave the cell, as in Excel's edit of a cell's end).
fn caret_at(ev: &leptos::ev::KeyboardEvent, edge: Edge) -> bool {
    use wasm_bindgen::JsCast;
    let Some(input) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return true;
    };
    let (Ok(Some(start)), Ok(Some(end))) = (input.selection_start(), input.selection_end()) else {
        return true;
    };
    let length = input.value().encode_utf16().count() as u32;
    start == end
        && match edge {
            Edge::Start => start == 0,
            Edge::End => end == length,
        }
}

/// Focuses the cell with element id `id`; false when it is not on the page.
pub fn focus_cell(id: &str) -> bool {
    use wasm_bindgen::JsCast;
    let element = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    element.is_some_and(|e| e.focus().is_ok())
}
