//! The operator's upload of one file into a storage, with a progress bar: the bytes
//! go straight from the chosen file to the server (XMLHttpRequest, because fetch
//! reports no upload progress).

use crate::api::storages;
use leptos::{html, prelude::*};
use oko_domain::{api::Problem, storages::FileKind};
use uuid::Uuid;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{ProgressEvent, XmlHttpRequest};

use crate::{api::encode_query, components::file_picker::FilePicker, session::Session};

/// What the upload is doing.
#[derive(Clone, Debug, PartialEq)]
enum Progress {
    Idle,
    /// Share sent, 0–1.
    Sending(f64),
    Done(String),
    Failed(String),
}

/// «Загрузить файл» for one storage.
#[component]
pub fn UploadForm(storage_id: Uuid, uploaded: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let input = NodeRef::<html::Input>::new();
    let kind = RwSignal::new(FileKind::Common.as_str().to_owned());
    let organisation = RwSignal::new(String::new());
    let progress = RwSignal::new(Progress::Idle);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(file) = input
            .get()
            .and_then(|i| i.files())
            .and_then(|list| list.get(0))
        else {
            progress.set(Progress::Failed("Выберите файл".to_owned()));
            return;
        };
        let Some(token) = session.token() else {
            progress.set(Progress::Failed("Требуется вход в систему".to_owned()));
            return;
        };
        let mut url = storages::files(
            storage_id,
            &format!(
                "name={}&kind={}",
                encode_query(&file.name()),
                kind.get_untracked()
            ),
        );
        let login = organisation.get_untracked();
        if kind.get_untracked() == FileKind::Personal.as_str() {
            url.push_str(&format!("&organisation={}", encode_query(login.trim())));
        }
        if let Err(message) = send(&url, &token, &file, progress, uploaded) {
            progress.set(Progress::Failed(message));
        }
    };
    view! {
        <form class="upload" on:submit=submit>
            <FilePicker caption="Файл" input=input/>
            <label>"Кому "
                <select on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                    <option value="common">{FileKind::Common.title_ru()}</option>
                    <option value="organisations">{FileKind::Organisations.title_ru()}</option>
                    <option value="personal">{FileKind::Personal.title_ru()}</option>
                </select>
            </label>
            <Show when=move || kind.get() == FileKind::Personal.as_str()>
                <label>"Логин организации " <input bind:value=organisation placeholder="sch240001"/></label>
            </Show>
            <button type="submit">"Загрузить файл"</button>
            {move || match progress.get() {
                Progress::Idle => ().into_any(),
                Progress::Sending(share) => view! {
                    <progress max="100" value=(share * 100.0).round().to_string() aria-label="Загрузка файла"></progress>
                    <span role="status">{format!("{:.0}%", share * 100.0)}</span>
                }.into_any(),
                Progress::Done(message) => view! { <span role="status">{message}</span> }.into_any(),
                Progress::Failed(message) => view! { <span class="error" role="alert">{message}</span> }.into_any(),
            }}
        </form>
    }
}

/// Starts the request; progress and the outcome arrive through `progress`.
fn send(
    url: &str,
    token: &str,
    file: &web_sys::File,
    progress: RwSignal<Progress>,
    uploaded: Callback<()>,
) -> Result<(), String> {
    let failed = |_| "Не удалось начать загрузку".to_owned();
    let xhr = XmlHttpRequest::new().map_err(failed)?;
    xhr.open("POST", url).map_err(failed)?;
    xhr.set_request_header("Authorization", &format!("Bearer {token}"))
        .map_err(failed)?;
    xhr.set_request_header("Content-Type", "application/octet-stream")
        .map_err(failed)?;
    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |e: ProgressEvent| {
        if e.length_computable() && e.total() > 0.0 {
            progress.set(Progress::Sending(e.loaded() / e.total()));
        }
    });
    xhr.upload()
        .map_err(failed)?
        .set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    // Lives as long as the request; one small closure per upload.
    on_progress.forget();
    let done = xhr.clone();
    let on_end = Closure::once_into_js(move || {
        let status = done.status().unwrap_or(0);
        let text = done.response_text().ok().flatten().unwrap_or_default();
        if status == 201 {
            progress.set(Progress::Done("Файл загружен".to_owned()));
            uploaded.run(());
        } else {
            let message = serde_json::from_str::<Problem>(&text)
                .map(|p| p.detail)
                .unwrap_or_else(|_| format!("Загрузка не удалась ({status})"));
            progress.set(Progress::Failed(message));
        }
    });
    xhr.set_onloadend(Some(on_end.unchecked_ref()));
    progress.set(Progress::Sending(0.0));
    xhr.send_with_opt_blob(Some(file)).map_err(failed)
}
