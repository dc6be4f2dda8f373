//! A file cell's box under the grid, for the cell the grid is on when its
//! column holds files: the attached file's name (a click downloads it),
//! «Прикрепить файл» (the file goes to the server at once and the cell takes its
//! reference, saved like any change, so undo detaches it) and «Открепить».
//! F2 (or typing) on a file cell comes here; Escape goes back to the grid.

use crate::api::collections;
use leptos::{html, prelude::*, task::spawn_local};
use oko_domain::forms::{
    Change, ColumnType,
    files::{Attachment, FileRef},
};

use super::{grid::GridState, state::EditorState, texts};
use crate::{download::download, session::Session};

/// The id of sheet `index`'s «Прикрепить файл» input (F2 on a file cell goes
/// there; for a reader, the file's name).
pub fn attach_id(index: usize) -> String {
    format!("attach-{index}")
}

/// The box for the active cell's file.
#[component]
pub fn FileBox(editor: EditorState, index: usize, grid: GridState) -> impl IntoView {
    let session = expect_context::<Session>();
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let shown = Memo::new(move |_| {
        editor.revision.track();
        let (row, column) = grid.selection.get().active;
        editor
            .file_text(index, row, column)
            .map(|text| (row, column, text))
    });
    // A message is about the cell it was shown on (not cleared by the change
    // it reports).
    let position = Memo::new(move |_| grid.selection.get().active);
    Effect::new(move |_| {
        position.track();
        message.set(None);
    });
    let set_cell = move |row: u32, column: usize, value: &str| {
        let (sheet, key) = editor.form.with_value(|f| {
            let sheet = &f.sheets[index];
            (sheet.key.clone(), sheet.columns[column].key.clone())
        });
        editor.edit(vec![Change::set(&sheet, row, &key, value)]);
    };
    move || {
        let (row, column, text) = shown.get()?;
        let file = FileRef::parse(&text).map(|f| (f.id, f.name.to_owned()));
        let attached = file.is_some();
        let writable = !editor.read_only;
        // Where F2 on the cell puts the keyboard: attaching, or for a
        // reader the file itself.
        let id = attach_id(index);
        let name_id = (!writable).then(|| id.clone());
        let name_view = match file {
            Some((id, name)) => {
                let path =
                    collections::attachment(editor.collection_id, id, &editor.whose.get_value());
                let shown_name = name.clone();
                let fetch = move |_| {
                    let (path, name) = (path.clone(), name.clone());
                    spawn_local(async move {
                        if let Err(failure) = download(session, &path, &name).await {
                            message.set(Some((true, failure.message)));
                        }
                    });
                };
                view! {
                    <button type="button" class="link file-name" id=name_id title=texts::DOWNLOAD_FILE
                        on:click=fetch>{shown_name}</button>
                }
                .into_any()
            }
            None if text.is_empty() => {
                view! { <span class="muted">{texts::NO_FILE}</span> }.into_any()
            }
            None => view! { <span class="error">{texts::not_attached(&text)}</span> }.into_any(),
        };
        let input = NodeRef::<html::Input>::new();
        let attach = move |_| {
            let Some(file) = input
                .get_untracked()
                .and_then(|i| i.files())
                .and_then(|list| list.get(0))
            else {
                return;
            };
            busy.set(true);
            message.set(Some((false, texts::ATTACHING.to_owned())));
            let path = collections::attach(editor.collection_id, &file.name());
            spawn_local(async move {
                let answer = session.post_file::<Attachment>(&path, file.into()).await;
                busy.set(false);
                match answer {
                    Ok(attachment) => {
                        set_cell(row, column, &attachment.value);
                        message.set(Some((false, texts::attached(&attachment.name))));
                        grid.focus();
                    }
                    Err(failure) => message.set(Some((true, failure.message))),
                }
            });
        };
        let on_key = move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Escape" {
                ev.prevent_default();
                grid.focus();
            }
        };
        Some(view! {
            <div class="file-box" on:keydown=on_key>
                <span>{texts::FILE_CELL}</span>
                {name_view}
                {writable.then(|| view! {
                    <label class="file-picker">
                        <input type="file" id=id class="file-picker-input" node_ref=input
                            aria-label=texts::ATTACH_FILE disabled=move || busy.get() on:change=attach/>
                        <span class="file-picker-button" aria-hidden="true">
                            {if attached { texts::REPLACE_FILE } else { texts::ATTACH_FILE }}
                        </span>
                    </label>
                })}
                {(writable && attached).then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| set_cell(row, column, "")>
                        {texts::DETACH_FILE}
                    </button>
                })}
                <span class="muted">{texts::FILE_TYPES}</span>
                {move || message.get().map(|(failed, text)| view! {
                    <span class=if failed { "error" } else { "" } role=if failed { "alert" } else { "status" }>{text}</span>
                })}
            </div>
        })
    }
}

impl EditorState {
    /// The text of cell (`row`, `column`) of sheet `sheet` when its column
    /// holds files (empty while none is attached); `None` for other columns
    /// and for a row the sheet does not have.
    pub fn file_text(self, sheet: usize, row: u32, column: usize) -> Option<String> {
        let form = self.form.read_value();
        let sheet = &form.sheets[sheet];
        let def = sheet.columns.get(column)?;
        if def.kind != ColumnType::File {
            return None;
        }
        self.data.with_value(|d| {
            let cells = d.rows(&sheet.key).get((row as usize).checked_sub(1)?)?;
            Some(cells.get(&def.key).unwrap_or_default().to_owned())
        })
    }
}
