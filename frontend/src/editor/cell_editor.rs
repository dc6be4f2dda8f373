//! Editing one cell in place: an input over the active cell, checked as the user
//! types; list and yes/no cells offer a filterable drop-down, date cells a
//! calendar. Enter, Tab and (when typing replaced the text) the arrows keep the
//! text and move on; Esc puts the old text back. The edit is one undo step.

use chrono::{Datelike, NaiveDate};
use leptos::{ev, html, prelude::*};
use oko_domain::forms::{
    Change, ColumnType,
    editing::{Move, Step},
    value::parse_date,
};

use super::{grid::GridState, state::EditorState, texts};

/// The cell being edited.
#[derive(Clone, Debug, PartialEq)]
pub struct Editing {
    pub row: u32,
    pub column: usize,
    /// The text before editing, as shown.
    pub original: String,
    /// The text the input starts with.
    pub text: String,
    /// F2 or a double click: ←/→ move the caret. Typing over the cell: they leave.
    pub caret_moves: bool,
}

/// The editor of the active cell, while there is one.
#[component]
pub fn CellEditor(editor: EditorState, index: usize, grid: GridState) -> impl IntoView {
    move || {
        grid.editing
            .get()
            .map(|editing| view! { <EditBox editor=editor index=index grid=grid editing=editing/> })
    }
}

/// Where the input goes: over the cell, in the scrolled content's coordinates.
fn place_over(grid: GridState, row: u32, column: usize) -> String {
    let Some(cell) = grid.cell_element(row, column) else {
        return String::new();
    };
    let Some(container) = cell.closest(".form-grid-scroll").ok().flatten() else {
        return String::new();
    };
    let (at, frame) = (
        cell.get_bounding_client_rect(),
        container.get_bounding_client_rect(),
    );
    format!(
        "top: {}px; left: {}px; min-width: {}px; height: {}px",
        at.top() - frame.top() + f64::from(container.scroll_top()),
        at.left() - frame.left() + f64::from(container.scroll_left()),
        at.width().max(160.0),
        at.height()
    )
}

#[component]
fn EditBox(editor: EditorState, index: usize, grid: GridState, editing: Editing) -> impl IntoView {
    let Editing {
        row,
        column: at,
        original,
        text: start,
        caret_moves,
    } = editing;
    let (sheet_key, column, columns) = editor.form.with_value(|f| {
        let sheet = &f.sheets[index];
        (
            sheet.key.clone(),
            sheet.columns[at].clone(),
            sheet.columns.len(),
        )
    });
    let text = RwSignal::new(start.clone());
    let original = StoredValue::new(original);
    let input = NodeRef::<html::Input>::new();
    let set_cell = {
        let (sheet_key, key) = (sheet_key.clone(), column.key.clone());
        move |value: String| Change::Set {
            sheet: sheet_key.clone(),
            row,
            column: key.clone(),
            value,
        }
    };
    let set_cell = StoredValue::new(set_cell);
    let type_text = move |value: String| {
        text.set(value.clone());
        editor.type_into(set_cell.with_value(|f| f(value)));
    };
    // Ends the edit, keeping what was typed, and moves on. Focus goes back to the
    // grid unless it left for somewhere else (a blur: a button was clicked).
    let end_edit = move |then: Option<Move>, refocus: bool| {
        if grid.editing.get_untracked().is_none() {
            return;
        }
        grid.editing.set(None);
        let (value, before) = (text.get_untracked(), original.get_value());
        if value == before {
            editor.redraw();
        } else {
            editor.record(Step {
                forward: vec![set_cell.with_value(|f| f(value))],
                backward: vec![set_cell.with_value(|f| f(before))],
            });
        }
        if let Some(step) = then {
            let rows = editor.row_count(index);
            grid.go_to_selection(
                grid.selection
                    .get_untracked()
                    .moved(step, false, rows, columns),
            );
        } else if refocus {
            grid.focus();
        }
    };
    let finish = move |then: Option<Move>| end_edit(then, true);
    let cancel = move || {
        grid.editing.set(None);
        let before = original.get_value();
        if text.get_untracked() != before {
            editor.type_into(set_cell.with_value(|f| f(before)));
        }
        editor.redraw();
        grid.focus();
    };

    let choices: Vec<String> = match column.kind {
        ColumnType::List => column.values.clone(),
        ColumnType::YesNo => texts::YES_NO.iter().map(|v| (*v).to_owned()).collect(),
        _ => Vec::new(),
    };
    let has_choices = !choices.is_empty();
    let choices = StoredValue::new(choices);
    // A cell of several values (`a; b`) is typed value after value: the list
    // offers choices for the one being typed, after the last «;».
    let multiple = column.multiple;
    let part = move |t: &str| -> String {
        let last = if multiple {
            t.rsplit(';').next().unwrap_or("")
        } else {
            t
        };
        last.trim().to_owned()
    };
    let completed = move |choice: &str| -> String {
        match text.with_untracked(|t| t.rfind(';').map(|at| t[..=at].to_owned())) {
            Some(before) if multiple => format!("{before} {choice}"),
            _ => choice.to_owned(),
        }
    };
    // The choices matching what is typed (all of them until the user types).
    let matching = Memo::new(move |_| {
        let typed = text.with(|t| part(t).to_lowercase());
        let untouched = text.with(|t| *t == original.get_value());
        choices.with_value(|all| {
            all.iter()
                .filter(|c| untouched || c.to_lowercase().contains(&typed))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let highlight = RwSignal::new(None::<usize>);
    let pick = move |choice: String| {
        if multiple {
            // Another value may follow: the editor stays open after «; ».
            type_text(format!("{}; ", completed(&choice)));
            highlight.set(None);
            return;
        }
        type_text(choice);
        finish(None);
    };

    // The choice Enter or Tab takes: the highlighted one, or the only one left.
    let chosen = move || {
        let shown = matching.get_untracked();
        match highlight.get_untracked() {
            Some(i) => shown.get(i).cloned(),
            None if shown.len() == 1 && text.with_untracked(|t| part(t) != shown[0]) => {
                shown.into_iter().next()
            }
            None => None,
        }
    };
    let on_key = move |ev: ev::KeyboardEvent| {
        let key = ev.key();
        let shift = ev.shift_key();
        let leave = |step: Move| {
            ev.prevent_default();
            finish(Some(step));
        };
        match key.as_str() {
            "Escape" => {
                ev.prevent_default();
                cancel();
            }
            "Enter" | "Tab" => {
                if let Some(choice) = chosen() {
                    type_text(completed(&choice));
                }
                leave(match (key.as_str(), shift) {
                    ("Enter", false) => Move::Down,
                    ("Enter", true) => Move::Up,
                    (_, false) => Move::Next,
                    (_, true) => Move::Previous,
                });
            }
            "ArrowDown" | "ArrowUp" if has_choices => {
                ev.prevent_default();
                let count = matching.with_untracked(Vec::len);
                if count > 0 {
                    let next = match (highlight.get_untracked(), key.as_str()) {
                        (None, _) => 0,
                        (Some(i), "ArrowDown") => (i + 1).min(count - 1),
                        (Some(i), _) => i.saturating_sub(1),
                    };
                    highlight.set(Some(next));
                }
            }
            "ArrowDown" if !caret_moves => leave(Move::Down),
            "ArrowUp" if !caret_moves => leave(Move::Up),
            "ArrowLeft" if !caret_moves => leave(Move::Left),
            "ArrowRight" if !caret_moves => leave(Move::Right),
            _ => {}
        }
    };

    Effect::new(move |_| {
        if let Some(input) = input.get() {
            let _ = input.focus();
            let end = input.value().encode_utf16().count() as u32;
            let _ = input.set_selection_range(end, end);
        }
    });
    let style = place_over(grid, row, at);
    let label = texts::cell_label(&column.title, row);
    let list_id = format!("choices-{sheet_key}-{row}-{at}");
    let (input_mode, placeholder) = match column.kind {
        ColumnType::Integer | ColumnType::Decimal => ("decimal", ""),
        ColumnType::Date => ("numeric", texts::DATE_PLACEHOLDER),
        _ => ("text", ""),
    };
    let date_column = column.kind == ColumnType::Date;
    let first_month = parse_date(&start)
        .or(column.date_from)
        .unwrap_or_else(today);
    view! {
        <div class="cell-editor" style=style>
            <input type="text" node_ref=input aria-label=label value=start
                inputmode=input_mode placeholder=placeholder autocomplete="off"
                role=if has_choices { "combobox" } else { "textbox" }
                aria-expanded=has_choices.then_some("true")
                aria-controls=has_choices.then(|| list_id.clone())
                prop:value=move || text.get()
                on:input=move |ev| {
                    highlight.set(None);
                    type_text(event_target_value(&ev));
                }
                on:keydown=on_key
                on:blur=move |_| end_edit(None, false)/>
            {has_choices.then(|| view! {
                <ul class="choices" role="listbox" id=list_id aria-label=texts::CHOICES>
                    {move || {
                        let shown = matching.get();
                        if shown.is_empty() {
                            return view! { <li class="muted">{texts::NO_CHOICES}</li> }.into_any();
                        }
                        shown.into_iter().enumerate().map(|(i, choice)| {
                            let picked = choice.clone();
                            view! {
                                <li role="option" aria-selected=move || (highlight.get() == Some(i)).to_string()
                                    class:highlighted=move || highlight.get() == Some(i)
                                    on:mousedown=move |ev| { ev.prevent_default(); pick(picked.clone()); }>{choice}</li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            })}
            {date_column.then(|| view! {
                <Calendar first_month=first_month chosen=Signal::derive(move || parse_date(&text.get()))
                    pick=Callback::new(move |date: NaiveDate| pick(date.format("%d.%m.%Y").to_string()))/>
            })}
        </div>
    }
}

/// Today by the browser's clock.
fn today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    )
    .unwrap_or_default()
}

/// A month of days to click; ‹ and › change the month.
#[component]
fn Calendar(
    first_month: NaiveDate,
    chosen: Signal<Option<NaiveDate>>,
    pick: Callback<NaiveDate>,
) -> impl IntoView {
    let month = RwSignal::new(first_month.with_day(1).unwrap_or(first_month));
    let shift = move |by: i32| {
        month.update(|m| {
            let index = m.year() * 12 + m.month0() as i32 + by;
            *m = NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
                .unwrap_or(*m);
        })
    };
    let keep_focus = |ev: ev::MouseEvent| ev.prevent_default();
    let days = move || {
        let first = month.get();
        let blanks = first.weekday().num_days_from_monday() as usize;
        let mut cells: Vec<Option<NaiveDate>> = vec![None; blanks];
        cells.extend(
            first
                .iter_days()
                .take_while(|d| d.month() == first.month())
                .map(Some),
        );
        cells
            .chunks(7)
            .map(|week| {
                let week = week.to_vec();
                view! {
                    <tr>
                        {week.into_iter().map(|day| match day {
                            None => view! { <td></td> }.into_any(),
                            Some(day) => {
                                let label = day.format("%d.%m.%Y").to_string();
                                view! {
                                    <td><button type="button" tabindex="-1" aria-label=label
                                        class:chosen=move || chosen.get() == Some(day)
                                        on:mousedown=keep_focus
                                        on:click=move |_| pick.run(day)>{day.day()}</button></td>
                                }.into_any()
                            }
                        }).collect_view()}
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <div class="calendar" role="group" aria-label=texts::CALENDAR>
            <div class="calendar-head">
                <button type="button" tabindex="-1" aria-label=texts::PREVIOUS_MONTH on:mousedown=keep_focus on:click=move |_| shift(-1)>"‹"</button>
                <span>{move || {
                    let m = month.get();
                    format!("{} {}", texts::MONTHS[m.month0() as usize], m.year())
                }}</span>
                <button type="button" tabindex="-1" aria-label=texts::NEXT_MONTH on:mousedown=keep_focus on:click=move |_| shift(1)>"›"</button>
            </div>
            <table>
                <thead><tr>{texts::WEEKDAYS.iter().map(|d| view! { <th>{*d}</th> }).collect_view()}</tr></thead>
                <tbody>{days}</tbody>
            </table>
        </div>
    }
}
