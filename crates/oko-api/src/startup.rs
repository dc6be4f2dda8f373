//! Building and running the HTTP server: the shared state (`state`) filled in,
//! body limits and error handlers, the `/api` routes, and the SPA for every
//! other path.

use std::{io, net::TcpListener, path::Path};

use actix_web::{App, HttpServer, dev::Server, middleware, web};
use oko_db::DatabaseConnection;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::{
    auth::{password, tokens},
    config::Config,
    error, file_store,
    input_guard::JSON_BODY_LIMIT,
    openapi, routes, spa,
    state::AppState,
};

/// Connections of the drafts' pool, beside the main pool's 32 (PostgreSQL) or 8
/// (SQLite): a save holds one for two short statements, and on two cores 16 saves
/// at once already keep the database busy (main pools of 4 to 32 measured alike).
const DRAFT_CONNECTIONS: usize = 16;

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

impl Application {
    /// Binds `config.listen` (port 0 picks a free port) and prepares the server on
    /// an already migrated database.
    pub fn build(config: &Config, db: DatabaseConnection) -> io::Result<Application> {
        let secret = signing_secret(config)?;
        let drafts_db = oko_db::held::HeldPool::new(&db, DRAFT_CONNECTIONS)
            .map_err(|e| io::Error::other(e.to_string()))?;
        let state = web::Data::new(AppState {
            db,
            drafts_db,
            keys: tokens::TokenKeys::new(&secret),
            secure_cookies: config.secure_cookies,
            trusted_proxies: config.trusted_proxies.clone(),
            data_dir: config.data_dir.clone(),
            min_free_bytes: config.min_free_bytes,
            users: oko_db::known_users::UserCache::new(config.auth_cache_ttl),
            board: oko_db::board::BoardCache::default(),
            forms: oko_db::forms::DefinitionCache::default(),
            collections: oko_db::collections::CollectionCache::default(),
            roster: oko_db::roster::RosterCache::default(),
            reached: oko_db::monitoring::ReachedCache::default(),
            draft_dates: oko_db::monitoring::DraftDatesCache::default(),
            references: crate::references::ReferenceCache::default(),
            files: file_store::FileStore::configured(config)?,
            max_upload_bytes: config.max_upload_bytes,
            max_form_upload_bytes: config.max_form_upload_bytes,
            jobs: crate::jobs::JobQueue::new(
                config.job_lease,
                config.report_ttl,
                config.data_dir.join("jobs"),
            ),
            analytics: oko_db::analytics::cache::StatsCache::default(),
            login_throttle: crate::auth::throttle::LoginThrottle::default(),
            metrics_token: config.metrics_token.clone(),
            announcements: oko_db::announcements::RecentCache::default(),
        });
        if config.metrics_token.is_some() || config.metrics_listen.is_some() {
            crate::metrics::keep_up(crate::metrics::install());
        }
        if let Some(address) = config.metrics_listen {
            tokio::spawn(crate::metrics::serve_alone(address, state.clone())?);
        }
        crate::jobs::start(state.clone());
        let following = state.clone();
        tokio::spawn(async move { following.users.follow_changes(&following.db).await });
        let stopping = state.clone();
        // Computed once, so the first unknown-login attempt is as slow as the rest.
        let _ = password::dummy_hash();
        let spa = web::Data::new(spa::SpaFiles::new(&config.spa_dir));
        let listener = TcpListener::bind(config.listen)?;
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .app_data(state.clone())
                .app_data(spa.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(JSON_BODY_LIMIT)
                        .error_handler(error::json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(error::query_error))
                .app_data(web::PathConfig::default().error_handler(error::path_error))
                // Innermost: a repeated request is answered before any handler
                // runs, and a kept answer is the handler's own, uncompressed.
                .wrap(middleware::from_fn(crate::idempotency::idempotent))
                .wrap(middleware::from_fn(crate::input_guard::refuse_nul))
                .wrap(middleware::Compress::default())
                .wrap(
                    middleware::DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("Referrer-Policy", "same-origin"))
                        .add(("X-Frame-Options", "DENY"))
                        // Pages set their own (crate::csp); everything else allows nothing.
                        .add(("Content-Security-Policy", crate::csp::API_POLICY)),
                )
                // Outermost: every answer, errors included, carries the request's id.
                .wrap(middleware::from_fn(crate::request_log::observe))
                .into_utoipa_app()
                .openapi(openapi::ApiDoc::openapi())
                .service(utoipa_actix_web::scope("/api").configure(routes::configure))
                .service(crate::metrics::get_metrics)
                .split_for_parts();
            app.default_service(web::to(spa::serve))
        })
        .listen(listener)?
        // SIGTERM and Ctrl+C are handled in `run_until_stopped`: the job worker
        // gives its job back before the server drains.
        .disable_signals()
        .run();
        Ok(Application {
            port,
            server,
            state: stopping,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the process is stopped. On SIGTERM or Ctrl+C the job worker
    /// stops claiming and gives its running job back to the queue at once, then
    /// the server drains the requests in flight.
    pub async fn run_until_stopped(self) -> io::Result<()> {
        let handle = self.server.handle();
        let state = self.state.clone();
        tokio::spawn(async move {
            stop_requested().await;
            tracing::info!("stopping: jobs given back, requests in flight drained");
            state.jobs.stop(&state.db).await;
            handle.stop(true).await;
        });
        self.server.await
    }
}

/// SIGTERM (an orchestrator, `systemctl stop`) or Ctrl+C.
async fn stop_requested() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

/// The access-token key: `OKO_JWT_SECRET`, else one made at first start and kept in
/// the data directory, so tokens survive a restart.
pub(crate) fn signing_secret(config: &Config) -> io::Result<Vec<u8>> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = config.data_dir.join("jwt-secret");
    read_or_create_secret(&path)
}

fn read_or_create_secret(path: &Path) -> io::Result<Vec<u8>> {
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().len() >= 32 => Ok(text.trim().as_bytes().to_vec()),
        _ => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            let secret = tokens::random_secret();
            std::fs::write(path, &secret)?;
            Ok(secret.into_bytes())
        }
    }
}
