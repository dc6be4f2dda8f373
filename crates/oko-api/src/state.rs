//! What every handler shares: the database pools, the caches, the file store,
//! the job queue and the settings read at start (filled in by `startup`).

use oko_db::DatabaseConnection;

use crate::{auth::tokens, file_store};

/// What every handler shares.
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Connections for autosave and upload: the draft read and written on one, given
    /// back without sqlx's round trip.
    pub drafts_db: oko_db::held::HeldPool,
    /// Signs and checks access tokens.
    pub keys: tokens::TokenKeys,
    /// Whether the refresh cookie is marked `Secure` (it also is whenever the
    /// request came over HTTPS).
    pub secure_cookies: bool,
    /// `OKO_DATA_DIR`, whose volume keeps `min_free_bytes` free.
    pub data_dir: std::path::PathBuf,
    /// Room uploads and exports leave on the data volume.
    pub min_free_bytes: u64,
    /// The reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Who the tokens' subjects are, briefly remembered.
    pub users: oko_db::known_users::UserCache,
    /// The publications in memory, reloaded when they change.
    pub board: oko_db::board::BoardCache,
    /// Parsed form definitions by version id (versions never change).
    pub forms: oko_db::forms::DefinitionCache,
    /// Collections, briefly remembered (every save reads its collection).
    pub collections: oko_db::collections::CollectionCache,
    /// Every organisation, for monitoring's counts and lists.
    pub roster: oko_db::roster::RosterCache,
    /// Which organisations each collection reaches under each coordinator.
    pub reached: oko_db::monitoring::ReachedCache,
    /// Drafts' dates per collection for monitoring, kept current with own writes.
    pub draft_dates: oko_db::monitoring::DraftDatesCache,
    /// What each organisation's unusual values are compared with.
    pub references: crate::references::ReferenceCache,
    /// Uploaded files and built reports.
    pub files: file_store::FileStore,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: u64,
    /// The largest filled template or CSV accepted, in bytes.
    pub max_form_upload_bytes: u64,
    /// Background jobs: the worker's settings and wake-up.
    pub jobs: crate::jobs::JobQueue,
    /// Failed logins per account and address: the back-off.
    pub login_throttle: crate::auth::throttle::LoginThrottle,
    /// «Аналитика»: every work's statistics per organisation and their sums.
    pub analytics: oko_db::analytics::cache::StatsCache,
    /// The announcements of the last weeks, briefly remembered (every bell asks).
    pub announcements: oko_db::announcements::RecentCache,
    /// What a scraper of `GET /metrics` on the main listener must send.
    pub metrics_token: Option<String>,
}
