//! «Формы сбора данных» (operator): every form with its latest version, a new form
//! or a next version from a description spreadsheet (docs/forms.md, «Описание формы
//! в Excel»), and each form's description to download and edit.

use crate::api::forms;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    collections::{FormList, FormVersion},
    moscow_time::short_date_time,
    role::Role,
};
use uuid::Uuid;

use crate::{
    components::{shared_lists::SharedLists, spreadsheet_upload::SpreadsheetUpload},
    download::download,
    session::Session,
};

/// The operator's list of forms.
#[component]
pub fn FormsPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let forms = LocalResource::new(move || {
        reload.track();
        async move { session.get::<FormList>(forms::LIST).await }
    });
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    let changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        <h1 class="page-title">"Формы сбора данных"</h1>
        <Show when=is_operator fallback=|| view! { <p class="error" role="alert">"Формы ведет федеральный оператор"</p> }>
            <SpreadsheetUpload path=forms::IMPORT.to_owned() label="Новая форма из Excel" accept=".xlsx" describe=saved_form uploaded=changed/>
            {move || match forms.get() {
                None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Some(Ok(list)) if list.items.is_empty() => view! { <p class="muted">"Форм пока нет"</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="forms">
                        {list.items.into_iter().map(|form| view! {
                            <li class="form-item card">
                                <h2>{form.title.clone()}</h2>
                                <p class="muted">{format!("Версия {} · создана {}", form.latest_version, short_date_time(form.created_at))}</p>
                                <DescriptionDownload form_id=form.id title=form.title.clone()/>
                                <SpreadsheetUpload path=forms::import_version(form.id)
                                    label="Новая версия из Excel" accept=".xlsx" describe=saved_form uploaded=changed/>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <SharedLists/>
        </Show>
    }
}

/// «Скачать описание (Excel)».
#[component]
fn DescriptionDownload(form_id: Uuid, title: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let message = RwSignal::new(None::<String>);
    let title = StoredValue::new(title);
    let fetch = move |_| {
        spawn_local(async move {
            let name = format!("{} (описание).xlsx", title.get_value());
            if let Err(failure) = download(session, &forms::description(form_id), &name).await {
                message.set(Some(failure.message));
            }
        })
    };
    view! {
        <button type="button" class="secondary" on:click=fetch>"Скачать описание (Excel)"</button>
        {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
    }
}

/// «Сохранена форма «…», версия N».
fn saved_form(version: FormVersion) -> String {
    format!(
        "Сохранена форма «{}», версия {}",
        version.definition.title, version.version
    )
}
