//! The background worker of one `oko` instance: claims jobs from the database queue
//! (`oko_db::jobs`) with a lease, runs them off the request threads, renews the
//! lease with the progress while they run, stores the file, and deletes finished
//! files when they expire. Several instances on one PostgreSQL share the queue; a
//! job of an instance that died is picked up again once its lease runs out.

mod analytics_report;
mod announce;
mod credentials;
mod download_report;
mod export;
mod group_report;
mod queue;

pub use queue::JobQueue;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU8, Ordering},
    },
    time::Duration,
};

use actix_web::web;
use chrono::Utc;
use oko_db::{
    entities::job,
    jobs,
    notifications::{self, Notice},
};
use oko_domain::{
    jobs::{JobSpec, JobStatus, failure_ru, status_line_ru},
    notifications::NotificationKind,
};
use uuid::Uuid;

use crate::state::AppState;

/// How often an idle worker looks for work other instances queued.
const IDLE_POLL: Duration = Duration::from_secs(1);

/// How a running job tells how far it is, and learns it should stop.
#[derive(Clone, Default)]
pub struct Progress {
    percent: Arc<AtomicU8>,
    cancelled: Arc<AtomicBool>,
}

impl Progress {
    /// `done` of `total` steps.
    pub fn set(&self, done: usize, total: usize) {
        let percent = (done * 100).checked_div(total).unwrap_or(0).min(99);
        self.percent.store(percent as u8, Ordering::Relaxed);
    }

    /// Whether another instance holds the job now.
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }
}

/// Starts the worker of this instance.
pub fn start(state: web::Data<AppState>) {
    tokio::spawn(async move {
        let _ = std::fs::create_dir_all(&state.jobs.work_dir);
        loop {
            if state.jobs.stopping.load(Ordering::SeqCst) {
                return;
            }
            let now = Utc::now();
            let lease = chrono::Duration::from_std(state.jobs.lease).unwrap_or_default();
            match jobs::claim(&state.db, &state.jobs.owner, lease, now).await {
                Ok(Some((job, spec))) => {
                    run(&state, job, spec).await;
                    continue;
                }
                Ok(None) => {
                    sweep(&state).await;
                    announce::due(&state).await;
                }
                Err(error) => tracing::warn!(%error, "could not look for jobs"),
            }
            let _ = tokio::time::timeout(IDLE_POLL, state.jobs.wake.notified()).await;
        }
    });
}

/// Runs one claimed job to its end: the file stored and the job ready, or failed
/// with why. A lost lease (another instance took over) drops our result.
async fn run(state: &web::Data<AppState>, job: job::Model, spec: JobSpec) {
    let owner = state.jobs.owner.clone();
    let progress = Progress::default();
    *state.jobs.running() = Some(progress.clone());
    let heartbeat = {
        let (state, owner, progress, id) = (state.clone(), owner.clone(), progress.clone(), job.id);
        tokio::spawn(async move {
            let every = state.jobs.lease / 3;
            loop {
                tokio::time::sleep(every).await;
                let until =
                    Utc::now() + chrono::Duration::from_std(state.jobs.lease).unwrap_or_default();
                let percent = progress.percent.load(Ordering::Relaxed);
                match jobs::heartbeat(&state.db, id, &owner, percent, until).await {
                    Ok(true) => {}
                    Ok(false) => {
                        progress.cancelled.store(true, Ordering::Relaxed);
                        return;
                    }
                    Err(error) => tracing::warn!(%error, "job heartbeat failed"),
                }
            }
        })
    };
    let path = state
        .jobs
        .work_dir
        .join(format!("job-{}", Uuid::new_v4().simple()));
    let room = crate::disk::ensure_room(state, 0).map_err(|e| e.detail().to_owned());
    let outcome = match &spec {
        _ if room.is_err() => room,
        JobSpec::Export(export) => export::run(state, &job, export, &path, progress.clone()).await,
        JobSpec::GroupReport(report) => {
            let (collections, format) = (&report.collections, report.format);
            group_report::run(state, &job, collections, format, &path, progress.clone()).await
        }
        JobSpec::DownloadReport(report) => {
            download_report::run(state, &job, report.storage_id, &path).await
        }
        JobSpec::AnalyticsReport(report) => {
            analytics_report::run(state, &job, report, &path, progress.clone()).await
        }
        JobSpec::Credentials(credentials) => {
            credentials::run(state, &job, credentials, &path, progress.clone()).await
        }
    };
    heartbeat.abort();
    state.jobs.running().take();
    let now = Utc::now();
    let stored = match outcome {
        Ok(()) => state.files.put_file(&path).await.map_err(|e| e.to_string()),
        Err(message) => Err(message),
    };
    let _ = tokio::fs::remove_file(&path).await;
    match stored {
        Ok(key) => {
            let expires = now + chrono::Duration::from_std(state.jobs.ttl).unwrap_or_default();
            match jobs::finish(&state.db, job.id, &owner, &key, expires, now).await {
                Ok(true) => {
                    tracing::info!(job = job.number, kind = %job.kind, "job ready");
                    tell(state, &job, &spec, JobStatus::Ready, &job.title).await;
                }
                Ok(false) | Err(_) => state.files.remove(&key).await,
            }
        }
        Err(message) if progress.cancelled() => {
            tracing::info!(job = job.number, %message, "job taken over by another instance");
        }
        Err(message) => {
            tracing::warn!(job = job.number, %message, "job failed");
            let shown = failure_ru(job.number, &message);
            match jobs::fail(&state.db, job.id, &owner, &shown, now).await {
                Ok(()) => tell(state, &job, &spec, JobStatus::Failed, &shown).await,
                Err(error) => tracing::warn!(%error, "could not record a job failure"),
            }
        }
    }
}

/// «Отчёт #446 готов к загрузке» (or «…: не удалось сформировать», with why) for
/// the job's owner.
async fn tell(state: &AppState, job: &job::Model, spec: &JobSpec, status: JobStatus, body: &str) {
    let title = status_line_ru(job.number, status, 100);
    // A ready report's notification leads to its file («Скачать», as the seeds
    // show); a failed one to the page it was ordered from.
    let page = match spec {
        JobSpec::Export(export) => format!("/collections/{}/monitoring", export.collection_id),
        JobSpec::GroupReport(_) => "/reports/group".to_owned(),
        JobSpec::DownloadReport(report) => format!("/publications/{}", report.publication_id),
        JobSpec::AnalyticsReport(_) => "/analytics".to_owned(),
        JobSpec::Credentials(_) => "/passport".to_owned(),
    };
    let link = match status {
        JobStatus::Failed => page,
        _ => format!("/api/jobs/{}/file", job.id),
    };
    let kind = match status {
        JobStatus::Failed => NotificationKind::ReportFailed,
        _ => NotificationKind::ReportReady,
    };
    let notice = Notice {
        kind,
        title: &title,
        body,
        link: Some(&link),
    };
    if let Err(error) = notifications::notify(&state.db, &[job.user_id], &notice, Utc::now()).await
    {
        tracing::warn!(%error, "could not tell that a report is ready");
    }
}

/// Where the user who asked for `job` stands now: jobs act with that scope.
async fn owner_reach(state: &AppState, job: &job::Model) -> Result<oko_db::reach::Reach, String> {
    let owner = oko_db::principal::load(&state.db, job.user_id)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("Пользователь, заказавший отчёт, не найден")?;
    oko_db::reach::Reach::of(&state.db, owner.scope)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "Территория пользователя не найдена".to_owned())
}

/// Deletes expired jobs and their files.
async fn sweep(state: &web::Data<AppState>) {
    match jobs::remove_expired(&state.db, Utc::now()).await {
        Ok(keys) => {
            for key in keys {
                state.files.remove(&key).await;
            }
        }
        Err(error) => tracing::warn!(%error, "could not remove expired jobs"),
    }
}
