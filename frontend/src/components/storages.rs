//! «Хранилище файлов» of a publication: its storages, files with download marks,
//! «Скачать всё.zip», «Раскрыть» / «Показать все» with search and pages, «Отчет» for
//! coordinators, and the operator's storage form and uploads.

use crate::api::{publications, storages};
use gloo_timers::future::TimeoutFuture;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    api::FieldError,
    moscow_time::{date_slash_time, short_date_time},
    role::Role,
    storages::{
        DownloadLink, DownloadRight, FileKind, FilePage, Storage, StorageInput, StoredFile,
    },
};
use uuid::Uuid;

use crate::{
    api::{Method, encode_query},
    components::{
        date_time_field::{DateTimeField, read_moment},
        error_summary::ErrorSummary,
        pager::Pager,
        upload::UploadForm,
    },
    session::Session,
};

/// Files shown before «Раскрыть» / «Показать все».
const COMPACT: u64 = 3;
/// Files per page once expanded.
const EXPANDED: u64 = 20;

/// Every storage of a publication.
#[component]
pub fn Storages(publication_id: Uuid) -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let storages = LocalResource::new(move || {
        reload.track();
        async move {
            session
                .get::<Vec<Storage>>(&publications::storages(publication_id))
                .await
        }
    });
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    view! {
        <section class="storages" aria-label="Хранилище файлов">
            {move || match storages.get() {
                None => view! { <p role="status">"Загрузка файлов…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Some(Ok(list)) => list
                    .into_iter()
                    .map(|storage| view! { <StoragePanel storage=storage/> })
                    .collect_view()
                    .into_any(),
            }}
            <Show when=is_operator>
                <NewStorage publication_id=publication_id saved=Callback::new(move |()| reload.update(|n| *n += 1))/>
            </Show>
        </section>
    }
}

/// One storage: heading, opening time, buttons and its files.
#[component]
fn StoragePanel(storage: Storage) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = storage.id;
    let expanded = RwSignal::new(false);
    let page = RwSignal::new(1u64);
    let search = RwSignal::new(String::new());
    let typed = RwSignal::new(String::new());
    let reload = RwSignal::new(0u32);
    let message = RwSignal::new(None::<String>);
    let files = LocalResource::new(move || {
        reload.track();
        let per_page = if expanded.get() { EXPANDED } else { COMPACT };
        let page = if expanded.get() { page.get() } else { 1 };
        let search = search.get();
        async move {
            let mut path = storages::files(id, &format!("page={page}&per_page={per_page}"));
            if !search.is_empty() {
                path.push_str(&format!("&search={}", encode_query(&search)));
            }
            session.get::<FilePage>(&path).await
        }
    });
    let role = move || session.me().map(|me| me.role);
    let reports = move || matches!(role(), Some(r) if r != Role::Organisation);
    let is_operator = move || role() == Some(Role::Operator);
    let refresh = Callback::new(move |()| reload.update(|n| *n += 1));
    let download_all = move |_| {
        spawn_local(async move {
            let link = session
                .save::<_, DownloadLink>(Method::Post, &storages::zip_link(id), &())
                .await;
            follow(link, message, refresh).await;
        })
    };
    let expand = move |_| {
        expanded.update(|e| *e = !*e);
        page.set(1);
    };
    let find = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        search.set(typed.get_untracked().trim().to_owned());
    };
    view! {
        <div class="storage card" data-storage=id.to_string()>
            <h3>{storage.title.clone()}</h3>
            <p class="opens">{format!("Файлы доступны для скачивания с {}", date_slash_time(storage.available_from))}</p>
            <div class="storage-actions">
                <button type="button" on:click=download_all>"Скачать всё.zip"</button>
                <button type="button" on:click=expand aria-expanded=move || expanded.get().to_string()>
                    {move || if expanded.get() { "Свернуть" } else { "Раскрыть" }}
                </button>
                <Show when=reports>
                    <ReportButton storage_id=id/>
                </Show>
            </div>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <Show when=move || expanded.get()>
                <form class="file-search" role="search" on:submit=find>
                    <input type="search" placeholder="Поиск по названию файла или логину" aria-label="Поиск по названию файла или логину" bind:value=typed/>
                    <button type="submit">"Искать"</button>
                </form>
            </Show>
            {move || match files.get() {
                None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Some(Ok(list)) => {
                    let more = !expanded.get_untracked() && list.total > list.items.len() as u64;
                    let empty = list.items.is_empty();
                    view! {
                        <ul class="files">
                            {list.items.into_iter().map(|file| view! { <FileRow file=file message=message refresh=refresh/> }).collect_view()}
                        </ul>
                        {empty.then(|| view! { <p class="muted">"Файлов нет"</p> })}
                        {more.then(|| view! {
                            <button type="button" class="show-all" on:click=move |_| { expanded.set(true); page.set(1); }>
                                {format!("Показать все ({})", list.total)}
                            </button>
                        })}
                        {(expanded.get_untracked() && list.total > EXPANDED).then(|| view! {
                            <Pager page=page current=list.page total=list.total per_page=EXPANDED/>
                        })}
                    }.into_any()
                }
            }}
            <Show when=is_operator>
                <UploadForm storage_id=id uploaded=refresh/>
            </Show>
        </div>
    }
}

/// One file: name, size, who it is for, download button or why not, and marks.
#[component]
fn FileRow(
    file: StoredFile,
    message: RwSignal<Option<String>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = file.id;
    let download = move |_| {
        spawn_local(async move {
            let link = session
                .save::<_, DownloadLink>(Method::Post, &storages::file_link(id), &())
                .await;
            follow(link, message, refresh).await;
        })
    };
    let name = StoredValue::new(file.name.clone());
    let delete = move |_| {
        let name = name.get_value();
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(&format!(
                    "Удалить файл «{name}»? Отметки о скачивании тоже будут удалены."
                ))
                .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match session
                .send(Method::Delete, &storages::file(id), None)
                .await
            {
                Ok(_) => refresh.run(()),
                Err(failure) => message.set(Some(failure.message)),
            }
        })
    };
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    let marks = download_marks(file.first_downloaded_at, file.last_downloaded_at);
    let right = file.download;
    view! {
        <li class="file" data-file=id.to_string()>
            <span class="file-name">{file.name.clone()}</span>
            <span class="file-size">{human_size(file.size)}</span>
            {(file.kind != FileKind::Common).then(|| view! { <span class="file-kind">{file.kind.title_ru()}</span> })}
            {file.owner.clone().map(|o| view! { <span class="file-owner">{format!("{} · {}", o.login, o.short_name)}</span> })}
            {match right {
                DownloadRight::Allowed => view! {
                    <button type="button" class="download" on:click=download>"Скачать"</button>
                }.into_any(),
                DownloadRight::NotYetAvailable => view! { <span class="muted">"Еще недоступен"</span> }.into_any(),
                DownloadRight::OrganisationsOnly => view! { <span class="muted">"Только для организаций"</span> }.into_any(),
            }}
            <span class="file-marks">{marks}</span>
            <Show when=is_operator>
                <button type="button" class="delete" on:click=delete>"Удалить"</button>
            </Show>
        </li>
    }
}

/// Sends the browser to a download link (its own download manager takes over and
/// can resume), then refreshes the marks.
async fn follow(
    link: Result<DownloadLink, crate::api::ApiFailure>,
    message: RwSignal<Option<String>>,
    refresh: Callback<()>,
) {
    match link {
        Ok(link) => {
            message.set(None);
            start_download(&link);
            // The mark is written when the download starts; show it shortly after.
            TimeoutFuture::new(800).await;
            refresh.run(());
        }
        Err(failure) => message.set(Some(failure.message)),
    }
}

/// Hands a download link to the browser, whose download manager takes over (the
/// answer is an attachment, so the page stays).
fn start_download(link: &DownloadLink) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(&link.url);
    }
}

/// «Отчет»: starts the report, waits for it, then offers «Загрузить отчет».
#[component]
fn ReportButton(storage_id: Uuid) -> impl IntoView {
    let session = expect_context::<Session>();
    let status = RwSignal::new(None::<Result<oko_domain::storages::ReportJob, String>>);
    let start = move |_| {
        spawn_local(async move {
            let mut job = match session
                .save::<_, oko_domain::storages::ReportJob>(
                    Method::Post,
                    &storages::reports(storage_id),
                    &(),
                )
                .await
            {
                Ok(job) => job,
                Err(failure) => return status.set(Some(Err(failure.message))),
            };
            status.set(Some(Ok(job.clone())));
            use oko_domain::storages::JobStatus;
            while matches!(job.status, JobStatus::Queued | JobStatus::Running) {
                TimeoutFuture::new(500).await;
                match session
                    .get::<oko_domain::storages::ReportJob>(&storages::report(job.id))
                    .await
                {
                    Ok(next) => job = next,
                    Err(failure) => return status.set(Some(Err(failure.message))),
                }
                status.set(Some(Ok(job.clone())));
            }
        })
    };
    let fetch = move |job_id: Uuid| {
        spawn_local(async move {
            match session
                .save::<_, DownloadLink>(Method::Post, &storages::report_link(job_id), &())
                .await
            {
                Ok(link) => start_download(&link),
                Err(failure) => status.set(Some(Err(failure.message))),
            }
        })
    };
    use oko_domain::storages::JobStatus;
    view! {
        <button type="button" on:click=start>"Отчет"</button>
        {move || status.get().map(|s| match s {
            Err(message) => view! { <span class="error" role="alert">{message}</span> }.into_any(),
            Ok(job) => match job.status {
                JobStatus::Queued | JobStatus::Running => view! { <span role="status">"Отчёт формируется…"</span> }.into_any(),
                JobStatus::Failed => view! { <span class="error" role="alert">{job.error.unwrap_or_default()}</span> }.into_any(),
                JobStatus::Ready => view! {
                    <button type="button" class="primary" on:click=move |_| fetch(job.id)>"Загрузить отчет"</button>
                }.into_any(),
            },
        })}
    }
}

/// The storage form's fields by the names the server gives its problems.
const STORAGE_FIELDS: &[(&str, &str)] = &[
    ("title", "storage-title"),
    ("available_from", "storage-opens"),
];

/// The operator's «Добавить хранилище».
#[component]
fn NewStorage(publication_id: Uuid, saved: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let title = RwSignal::new(String::new());
    let opens = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let available_from = read_moment(
            &opens.get_untracked(),
            "available_from",
            "с какого времени (мск) файлы доступны",
        );
        let input = StorageInput {
            title: title.get_untracked(),
            available_from: available_from.as_ref().ok().copied().unwrap_or_default(),
        };
        // Every problem at once: the server's rules, and the date it cannot read.
        let mut found = input.problems();
        found.extend(available_from.err());
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        spawn_local(async move {
            match session
                .save::<_, Storage>(
                    Method::Post,
                    &publications::storages(publication_id),
                    &input,
                )
                .await
            {
                Ok(_) => {
                    title.set(String::new());
                    problems.set(Vec::new());
                    saved.run(());
                }
                Err(failure) => problems.set(failure.problems()),
            }
        });
    };
    view! {
        <form class="card new-storage" on:submit=submit>
            <h3>"Добавить хранилище"</h3>
            <ErrorSummary problems=problems fields=STORAGE_FIELDS/>
            <label for="storage-title">"Название"</label>
            <input id="storage-title" bind:value=title placeholder="План-график ВПР СПО в 2021 году"/>
            <label for="storage-opens">"Файлы доступны для скачивания с (мск)"</label>
            <DateTimeField id="storage-opens" value=opens/>
            <button type="submit" class="primary">"Добавить хранилище"</button>
        </form>
    }
}

/// «Еще не скачивался», «Скачан 02.03.2026 17:29 (мск)», and the last download
/// when it falls in another minute.
fn download_marks(
    first: Option<chrono::DateTime<chrono::Utc>>,
    last: Option<chrono::DateTime<chrono::Utc>>,
) -> String {
    let Some(first) = first.map(short_date_time) else {
        return "Еще не скачивался".to_owned();
    };
    match last.map(short_date_time) {
        Some(last) if last != first => format!("Скачан {first}, последний раз {last}"),
        _ => format!("Скачан {first}"),
    }
}

/// «482 КБ», «1,2 МБ».
fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} Б")
    } else if b < KB * KB {
        format!("{:.0} КБ", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} МБ", b / KB / KB).replace('.', ",")
    } else {
        format!("{:.1} ГБ", b / KB / KB / KB).replace('.', ",")
    }
}
