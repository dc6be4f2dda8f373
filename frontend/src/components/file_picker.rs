//! A file field in Russian whatever the browser's language: its caption, a
//! button «Выбрать файл» and the chosen file's name («Файл не выбран»). The
//! real input stays in the tab order, hidden behind the button, so the keyboard
//! and screen readers use it as they would a plain one.

use leptos::{html, prelude::*};

/// The field; `input` gives the form its chosen file.
#[component]
pub fn FilePicker(
    #[prop(into)] caption: String,
    #[prop(optional, into)] accept: Option<String>,
    input: NodeRef<html::Input>,
) -> impl IntoView {
    let chosen = RwSignal::new(None::<String>);
    let changed = move |_| {
        chosen.set(
            input
                .get_untracked()
                .and_then(|i| i.files())
                .and_then(|list| list.get(0))
                .map(|file| file.name()),
        );
    };
    view! {
        <label class="file-picker">
            <span class="file-picker-caption">{caption.clone()}</span>
            <input type="file" class="file-picker-input" aria-label=caption accept=accept
                node_ref=input on:change=changed/>
            <span class="file-picker-button" aria-hidden="true">"Выбрать файл"</span>
            <span class="file-picker-name" aria-hidden="true">
                {move || chosen.get().unwrap_or_else(|| "Файл не выбран".to_owned())}
            </span>
        </label>
    }
}
