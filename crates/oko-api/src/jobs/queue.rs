//! The job queue as request handlers see it: this instance's lease settings,
//! the worker's wake-up, and stopping (the worker itself is `jobs`).

use std::{
    path::PathBuf,
    sync::atomic::{AtomicBool, Ordering},
    time::Duration,
};

use chrono::Utc;
use oko_db::{jobs, sync::Locked};
use tokio::sync::Notify;
use uuid::Uuid;

use super::Progress;

/// The queue as request handlers see it: settings and a wake-up for the worker.
pub struct JobQueue {
    /// This instance's name on the leases it holds.
    pub owner: String,
    pub lease: Duration,
    pub ttl: Duration,
    /// Where files are written before they are stored.
    pub work_dir: PathBuf,
    pub(super) wake: Notify,
    /// Set when the instance stops: no new job is claimed.
    pub(super) stopping: AtomicBool,
    /// The running job's progress, to cancel it when the instance stops.
    running: std::sync::Mutex<Option<Progress>>,
}

impl JobQueue {
    pub fn new(lease: Duration, ttl: Duration, work_dir: PathBuf) -> JobQueue {
        JobQueue {
            owner: format!("oko-{}-{}", std::process::id(), Uuid::new_v4().simple()),
            lease,
            ttl,
            work_dir,
            wake: Notify::new(),
            stopping: AtomicBool::new(false),
            running: std::sync::Mutex::new(None),
        }
    }

    /// The running job's progress (a poisoned lock still holds a valid slot).
    pub(super) fn running(&self) -> std::sync::MutexGuard<'_, Option<Progress>> {
        self.running.locked()
    }

    /// The instance stops: claim nothing more, cancel the running job, and give
    /// it back to the queue at once (another instance, or this one's next start,
    /// runs it again).
    pub async fn stop(&self, db: &oko_db::DatabaseConnection) {
        self.stopping.store(true, Ordering::SeqCst);
        if let Some(progress) = self.running().as_ref() {
            progress.cancelled.store(true, Ordering::SeqCst);
        }
        match jobs::release(db, &self.owner, Utc::now()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "running jobs given back to the queue"),
            Err(error) => tracing::warn!(%error, "could not give the running jobs back"),
        }
    }

    /// A job was queued: the worker looks at once.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}
