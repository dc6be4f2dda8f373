//! «Экспорт результатов» / «Экспорт статусов» / «Список для обзвона» of a collection and the user's
//! reports: «Отчёт #446 формируется (40%)», then «готов к загрузке» with
//! «Загрузить отчёт». The list is polled while something is being made.

use crate::api::collections;
use crate::api::notifications;
use gloo_timers::future::TimeoutFuture;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::jobs::{ExportFormat, ExportKind, ExportRequest, JobList, JobStatus, JobView};

use crate::{components::one_at_a_time::OneAtATime, download::download, session::Session};

/// How often the list is asked again while a report is being made.
const POLL_MS: u32 = 1_000;

/// The user's reports as a live list: read at once, then again every second while
/// any is queued or running.
#[derive(Clone, Copy)]
pub struct JobFeed {
    session: Session,
    pub jobs: RwSignal<Vec<JobView>>,
    alive: StoredValue<bool>,
    polling: StoredValue<bool>,
}

impl JobFeed {
    /// A feed that stops with the component that made it.
    pub fn new(session: Session) -> JobFeed {
        let feed = JobFeed {
            session,
            jobs: RwSignal::new(Vec::new()),
            alive: StoredValue::new(true),
            polling: StoredValue::new(false),
        };
        on_cleanup(move || feed.alive.set_value(false));
        feed.poll();
        feed
    }

    /// Reads the list, and keeps reading while something is being made.
    pub fn poll(self) {
        if self.polling.get_value() {
            return;
        }
        self.polling.set_value(true);
        spawn_local(async move {
            while self.alive.get_value() {
                if let Ok(list) = self.session.get::<JobList>(notifications::JOBS).await {
                    let busy = list
                        .items
                        .iter()
                        .any(|j| matches!(j.status, JobStatus::Queued | JobStatus::Running));
                    self.jobs.set(list.items);
                    if !busy {
                        break;
                    }
                }
                TimeoutFuture::new(POLL_MS).await;
            }
            self.polling.set_value(false);
        });
    }

    /// A job just queued: shown at once, followed until it is done.
    pub fn started(self, job: JobView) {
        self.jobs.update(|all| all.insert(0, job));
        self.poll();
    }
}

/// The latest reports of a feed.
#[component]
pub fn JobItems(feed: JobFeed) -> impl IntoView {
    view! {
        <ul class="job-list" aria-live="polite">
            {move || feed.jobs.get().into_iter().take(10).map(|job| view! { <JobLine job=job/> }).collect_view()}
        </ul>
    }
}

/// The formats a report can be made in, as the select offers them.
pub const FORMATS: [(ExportFormat, &str); 3] = [
    (ExportFormat::Xlsx, "Excel (XLSX)"),
    (ExportFormat::Csv, "CSV (UTF-8)"),
    (ExportFormat::Jsonl, "JSON lines"),
];

/// The format select bound to `format`.
#[component]
pub fn FormatSelect(format: RwSignal<ExportFormat>) -> impl IntoView {
    view! {
        <label>"Формат "
            <select on:change=move |ev| {
                let chosen = event_target_value(&ev);
                if let Some((f, _)) = FORMATS.iter().find(|(f, _)| f.extension() == chosen) {
                    format.set(*f);
                }
            }>
                {FORMATS.iter().map(|(f, title)| view! { <option value=f.extension()>{*title}</option> }).collect_view()}
            </select>
        </label>
    }
}

/// The export buttons of collection `collection` and the user's reports.
#[component]
pub fn Exports(collection: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let format = RwSignal::new(ExportFormat::Xlsx);
    let problem = RwSignal::new(None::<String>);
    let feed = JobFeed::new(session);
    let path = collections::exports(collection);
    let sending = OneAtATime::new();
    let start = move |kind: ExportKind| {
        let (path, request) = (
            path.clone(),
            ExportRequest {
                kind,
                format: format.get_untracked(),
            },
        );
        sending.run(
            move |key| async move { session.create::<_, JobView>(&path, &request, &key).await },
            move |answer| match answer {
                Ok(job) => {
                    problem.set(None);
                    feed.started(job);
                }
                Err(failure) => problem.set(Some(failure.message)),
            },
        )
    };
    view! {
        <section class="exports card" aria-labelledby="exports-title">
            <h2 id="exports-title">"Отчёты"</h2>
            <div class="export-controls">
                <FormatSelect format=format/>
                {[ExportKind::Results, ExportKind::Statuses, ExportKind::CallList].into_iter().enumerate().map(|(at, kind)| {
                    let start = start.clone();
                    view! {
                        <button type="button" class=if at == 0 { "" } else { "secondary" } disabled=move || sending.busy()
                            on:click=move |_| start(kind)>{kind.title_ru()}</button>
                    }
                }).collect_view()}
            </div>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <JobItems feed=feed/>
        </section>
    }
}

/// One report: its line, its progress, and «Загрузить отчёт» once ready.
#[component]
fn JobLine(job: JobView) -> impl IntoView {
    let session = expect_context::<Session>();
    let failed = RwSignal::new(None::<String>);
    let path = notifications::job_file(job.id);
    let name = job.file_name.clone();
    let fetch_as = move |query: &'static str| {
        let (path, name) = (format!("{path}{query}"), name.clone());
        move |_| {
            let (path, name) = (path.clone(), name.clone());
            spawn_local(async move {
                if let Err(failure) = download(session, &path, &name).await {
                    failed.set(Some(failure.message));
                }
            })
        }
    };
    let fetch = fetch_as("");
    // Old systems read nothing but Windows-1251.
    let fetch_cp1251 = job
        .file_name
        .ends_with(".csv")
        .then(|| fetch_as("?encoding=cp1251"));
    let running = job.status == JobStatus::Running;
    // What, when (Moscow time) and in which format, as the seeds list reports.
    let format = job
        .file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_uppercase())
        .unwrap_or_default();
    let ordered = oko_domain::moscow_time::short_date_time(job.created_at);
    view! {
        <li class="job">
            <span class="job-title">{job.title.clone()}</span>
            " " <span class="job-format">{format}</span>
            " " <span class="muted job-when">{format!("заказан {ordered}")}</span>
            " — "
            <span class="job-status">{job.status_line.clone()}</span>
            {running.then(|| view! { <progress max="100" value=job.progress aria-label=job.status_line.clone()></progress> })}
            {(job.status == JobStatus::Ready).then(|| view! {
                <button type="button" class="secondary" on:click=fetch>"Загрузить отчёт"</button>
                {fetch_cp1251.map(|fetch| view! {
                    " " <button type="button" class="secondary" on:click=fetch>"CSV в Windows-1251"</button>
                })}
            })}
            {job.error.clone().map(|e| view! { <span class="error">{e}</span> })}
            {move || failed.get().map(|m| view! { <span class="error" role="alert">{m}</span> })}
        </li>
    }
}
