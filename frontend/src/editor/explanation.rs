//! The explanation of an unusual value (soft checks): under the grid, for the
//! cell the grid is on, when its value asks for one or already has one. The
//! explanation is saved like a cell (autosave, undo); a coordinator reads it.

use leptos::prelude::*;
use oko_domain::forms::{Change, soft};

use super::{grid::GridState, state::EditorState, texts};

/// The id of sheet `index`'s explanation box (Shift+F2 goes there).
pub fn explanation_id(index: usize) -> String {
    format!("explanation-{index}")
}

/// The box for the active cell's explanation.
#[component]
pub fn ExplanationBox(editor: EditorState, index: usize, grid: GridState) -> impl IntoView {
    let shown = Memo::new(move |_| {
        editor.revision.track();
        let (row, column) = grid.selection.get().active;
        editor
            .explanation(index, row, column)
            .map(|(text, asked)| (row, column, text, asked))
    });
    move || {
        let (row, column, text, asked) = shown.get()?;
        if editor.read_only {
            return Some(
                view! {
                    <p class="explanation-read">{texts::explanation_of(&text)}</p>
                }
                .into_any(),
            );
        }
        let held = StoredValue::new(text.clone());
        let save = move |value: String| {
            if held.with_value(|held| value.trim() == held) {
                return;
            }
            let (sheet, key) = editor.form.with_value(|f| {
                let sheet = &f.sheets[index];
                (
                    sheet.key.clone(),
                    soft::explanation_key(&sheet.columns[column].key),
                )
            });
            editor.edit(vec![Change::set(&sheet, row, &key, &value)]);
        };
        let on_key = move |ev: leptos::ev::KeyboardEvent| {
            // Enter or Escape: back to the grid, where the keyboard was (the
            // input's change on leaving saves it; Escape puts the text back
            // first).
            let key = ev.key();
            if key == "Enter" || key == "Escape" {
                ev.prevent_default();
                if key == "Escape" {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    held.with_value(|held| input.set_value(held));
                }
                grid.focus();
            }
        };
        let id = explanation_id(index);
        Some(
            view! {
                <div class="explanation" class:asked=asked>
                    <label for=id.clone()>{texts::EXPLANATION}</label>
                    <input id=id type="text" maxlength=soft::MAX_EXPLANATION_CHARS.to_string()
                        prop:value=text placeholder=texts::EXPLANATION_PLACEHOLDER
                        on:change=move |ev| save(event_target_value(&ev))
                        on:keydown=on_key/>
                    <span class="muted">{texts::EXPLANATION_KEY}</span>
                </div>
            }
            .into_any(),
        )
    }
}
