//! «Экспорт результатов» / «Экспорт статусов» of a collection and the user's
//! reports: «Отчёт #446 формируется (40%)», then «готов к загрузке» with
//! «Загрузить отчёт». The list is polled while something is being made.

use gloo_timers::future::TimeoutFuture;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::jobs::{ExportFormat, ExportKind, ExportRequest, JobList, JobStatus, JobView};

use crate::{api::Method, download::download, session::Session};

/// How often the list is asked again while a report is being made.
const POLL_MS: u32 = 1_000;

/// The export buttons of collection `collection` and the user's reports.
#[component]
pub fn Exports(collection: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let format = RwSignal::new(ExportFormat::Xlsx);
    let jobs = RwSignal::new(Vec::<JobView>::new());
    let problem = RwSignal::new(None::<String>);
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    // Reads the list; keeps reading while anything is queued or running.
    let polling = StoredValue::new(false);
    let poll = move || {
        if polling.get_value() {
            return;
        }
        polling.set_value(true);
        spawn_local(async move {
            while alive.get_value() {
                if let Ok(list) = session.get::<JobList>("/api/jobs").await {
                    let busy = list
                        .items
                        .iter()
                        .any(|j| matches!(j.status, JobStatus::Queued | JobStatus::Running));
                    jobs.set(list.items);
                    if !busy {
                        break;
                    }
                }
                TimeoutFuture::new(POLL_MS).await;
            }
            polling.set_value(false);
        });
    };
    poll();
    let path = format!("/api/collections/{collection}/exports");
    let start = move |kind: ExportKind| {
        let (path, request) = (
            path.clone(),
            ExportRequest {
                kind,
                format: format.get_untracked(),
            },
        );
        spawn_local(async move {
            match session
                .save::<_, JobView>(Method::Post, &path, &request)
                .await
            {
                Ok(job) => {
                    problem.set(None);
                    jobs.update(|all| all.insert(0, job));
                    poll();
                }
                Err(failure) => problem.set(Some(failure.message)),
            }
        })
    };
    let start_results = {
        let start = start.clone();
        move |_| start(ExportKind::Results)
    };
    let start_statuses = move |_| start(ExportKind::Statuses);
    let formats = [
        (ExportFormat::Xlsx, "Excel (XLSX)"),
        (ExportFormat::Csv, "CSV (UTF-8)"),
        (ExportFormat::Jsonl, "JSON lines"),
    ];
    view! {
        <section class="exports card" aria-labelledby="exports-title">
            <h2 id="exports-title">"Отчёты"</h2>
            <div class="export-controls">
                <label>"Формат "
                    <select on:change=move |ev| {
                        let chosen = event_target_value(&ev);
                        if let Some((f, _)) = formats.iter().find(|(f, _)| f.extension() == chosen) {
                            format.set(*f);
                        }
                    }>
                        {formats.iter().map(|(f, title)| view! { <option value=f.extension()>{*title}</option> }).collect_view()}
                    </select>
                </label>
                <button type="button" on:click=start_results>"Экспорт результатов"</button>
                <button type="button" class="secondary" on:click=start_statuses>"Экспорт статусов"</button>
            </div>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <ul class="job-list" aria-live="polite">
                {move || jobs.get().into_iter().take(10).map(|job| view! { <JobLine job=job/> }).collect_view()}
            </ul>
        </section>
    }
}

/// One report: its line, its progress, and «Загрузить отчёт» once ready.
#[component]
fn JobLine(job: JobView) -> impl IntoView {
    let session = expect_context::<Session>();
    let failed = RwSignal::new(None::<String>);
    let path = format!("/api/jobs/{}/file", job.id);
    let name = job.file_name.clone();
    let fetch = move |_| {
        let (path, name) = (path.clone(), name.clone());
        spawn_local(async move {
            if let Err(failure) = download(session, &path, &name).await {
                failed.set(Some(failure.message));
            }
        })
    };
    let running = job.status == JobStatus::Running;
    view! {
        <li class="job">
            <span class="job-title">{job.title.clone()}</span>
            " — "
            <span class="job-status">{job.status_line.clone()}</span>
            {running.then(|| view! { <progress max="100" value=job.progress aria-label=job.status_line.clone()></progress> })}
            {(job.status == JobStatus::Ready).then(|| view! {
                <button type="button" class="secondary" on:click=fetch>"Загрузить отчёт"</button>
            })}
            {job.error.clone().map(|e| view! { <span class="error">{e}</span> })}
            {move || failed.get().map(|m| view! { <span class="error" role="alert">{m}</span> })}
        </li>
    }
}
