//! Uploading a spreadsheet the server reads as a whole (form and work
//! descriptions, bulk results) and showing what it stored or every mistake.

use leptos::{html, prelude::*, task::spawn_local};
use serde::de::DeserializeOwned;

use crate::{api::ApiFailure, components::file_picker::FilePicker, session::Session};

/// A spreadsheet sent to `path`; what the server stored (`describe`d) or its list
/// of mistakes, each with its worksheet, row and column, is shown as it comes.
#[component]
pub fn SpreadsheetUpload<T: DeserializeOwned + 'static>(
    path: String,
    label: &'static str,
    accept: &'static str,
    describe: fn(T) -> String,
    uploaded: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let input = NodeRef::<html::Input>::new();
    let outcome = RwSignal::new(None::<Result<String, ApiFailure>>);
    let path = StoredValue::new(path);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|l| l.get(0)) else {
            return;
        };
        spawn_local(async move {
            let saved = session.post_file::<T>(&path.get_value(), file.into()).await;
            outcome.set(Some(saved.map(describe)));
            if matches!(outcome.get_untracked(), Some(Ok(_))) {
                uploaded.run(());
            }
        })
    };
    view! {
        <form class="description-upload" on:submit=submit>
            <FilePicker caption=label accept=accept input=input/>
            <button type="submit">"Загрузить"</button>
            {move || match outcome.get() {
                None => ().into_any(),
                Some(Ok(done)) => view! { <p role="status" class="issued">{done}</p> }.into_any(),
                Some(Err(failure)) => view! {
                    <div class="error" role="alert">
                        <p>{failure.message.clone()}</p>
                        <ul>{failure.errors.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}</ul>
                    </div>
                }.into_any(),
            }}
        </form>
    }
}
