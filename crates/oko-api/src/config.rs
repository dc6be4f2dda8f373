//! Configuration from the environment, read in this one place. Every variable has a
//! default for the embedded case; a bad value stops the start with its name.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

/// Everything `oko` needs to know to run.
#[derive(Clone, Debug)]
pub struct Config {
    /// `OKO_DATABASE_URL`: `sqlite://…` (default `sqlite://./data/oko.db?mode=rwc`) or `postgres://…`.
    pub database_url: String,
    /// `OKO_LISTEN`: address and port to serve on (default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// `OKO_DATA_DIR`: where files live (default `./data`).
    pub data_dir: PathBuf,
    /// `OKO_SPA_DIR`: the built SPA (default `./frontend/dist`).
    pub spa_dir: PathBuf,
    /// `OKO_JWT_SECRET`: key that signs access tokens, at least 32 bytes. Several
    /// instances behind one proxy must share it; when unset, a random key is kept in
    /// `OKO_DATA_DIR/jwt-secret`.
    pub jwt_secret: Option<String>,
    /// `OKO_SECURE_COOKIES`: mark the refresh cookie `Secure` (set `true` behind HTTPS).
    pub secure_cookies: bool,
    /// `OKO_AUTH_CACHE_SECONDS`: how often the user cache looks for blocked and
    /// unblocked accounts (default 1, at most 60, 0 turns the cache off). Blocking a
    /// user reaches their access tokens within this time; refresh tokens at once.
    pub auth_cache_ttl: Duration,
    /// `OKO_MAX_UPLOAD_MB`: the largest file the operator may upload, in MiB
    /// (default 512). Files live in `OKO_DATA_DIR/files`.
    pub max_upload_bytes: u64,
    /// `OKO_MAX_FORM_UPLOAD_MB`: the largest filled template or CSV an organisation
    /// may upload, in MiB (default 20).
    pub max_form_upload_bytes: u64,
    /// `OKO_S3_BUCKET` (with `OKO_S3_ENDPOINT`, `OKO_S3_REGION` and the standard
    /// `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`): keep files in an
    /// S3-compatible bucket instead of `OKO_DATA_DIR/files`.
    pub s3: Option<S3Settings>,
    /// `OKO_JOB_LEASE_SECONDS` (default 30): how long a claimed job is held without
    /// a heartbeat; a job of a killed instance is picked up again after it.
    pub job_lease: Duration,
    /// `OKO_REPORT_TTL_SECONDS` (default 86400, a day): how long finished exports
    /// and reports are kept.
    pub report_ttl: Duration,
    /// `OKO_MIN_FREE_MB` (default 1024, 0 turns it off): uploads and exports are
    /// refused with 507 when they would leave less than this on the volume of
    /// `OKO_DATA_DIR`, kept for the database.
    pub min_free_bytes: u64,
    /// `OKO_TRUSTED_PROXIES`: comma-separated addresses of the reverse proxies in
    /// front of `oko`; only from them is `X-Forwarded-For` believed (default none).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `OKO_METRICS_TOKEN` (at least 16 characters): `GET /metrics` (Prometheus)
    /// on the main listener, for a scraper sending `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// `OKO_METRICS_LISTEN`: address:port of a listener that serves only
    /// `GET /metrics`, without a token (keep it on an internal network). Metrics
    /// are kept only when this or `OKO_METRICS_TOKEN` is set.
    pub metrics_listen: Option<SocketAddr>,
}

/// Where the bucket is. Credentials come from the standard `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY` variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Settings {
    /// `OKO_S3_BUCKET`.
    pub bucket: String,
    /// `OKO_S3_ENDPOINT`: for S3-compatible services (`https://storage.yandexcloud.net`).
    pub endpoint: Option<String>,
    /// `OKO_S3_REGION` (default `us-east-1`).
    pub region: String,
}

/// Whole seconds from `variable` within `range`, `default` when unset.
fn seconds(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<Duration, ConfigError> {
    let text = lookup(variable).unwrap_or_else(|| default.to_string());
    match text.parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(Duration::from_secs(n)),
        _ => Err(ConfigError {
            variable,
            problem: format!(
                "expected whole seconds from {} to {}, got `{text}`",
                range.start(),
                range.end()
            ),
        }),
    }
}

/// A size in whole MiB (1 to 1048576) from `variable`, `default` when unset, in bytes.
fn mebibytes(
    lookup: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
) -> Result<u64, ConfigError> {
    let text = lookup(variable).unwrap_or_else(|| default.to_string());
    match text.parse::<u64>() {
        Ok(mib) if (1..=1024 * 1024).contains(&mib) => Ok(mib * 1024 * 1024),
        _ => Err(ConfigError {
            variable,
            problem: format!("expected whole MiB from 1 to 1048576, got `{text}`"),
        }),
    }
}

/// A variable with a value that cannot be used.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The variable's name.
    pub variable: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// How the log is written (`OKO_LOG_FORMAT`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Lines for a person at a terminal (the default).
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

impl LogFormat {
    /// Reads `OKO_LOG_FORMAT` through `lookup`: `text` (or unset) or `json`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<LogFormat, ConfigError> {
        match lookup("OKO_LOG_FORMAT").as_deref().map(str::trim) {
            None | Some("" | "text") => Ok(LogFormat::Text),
            Some("json") => Ok(LogFormat::Json),
            Some(other) => Err(ConfigError {
                variable: "OKO_LOG_FORMAT",
                problem: format!("expected `text` or `json`, got `{other}`"),
            }),
        }
    }

    /// Sends the process's log to stderr in this format, at INFO, written by a
    /// thread of its own: a request (a line each) never waits for a slow log
    /// reader, and past 128,000 lines waiting the newest are dropped rather than
    /// the server slowed. Keep the guard for the process's life: dropping it
    /// writes what is left.
    pub fn init(self) -> tracing_appender::non_blocking::WorkerGuard {
        let (writer, guard) = tracing_appender::non_blocking(std::io::stderr());
        let log = tracing_subscriber::fmt()
            .with_writer(writer)
            .with_max_level(tracing::Level::INFO);
        match self {
            LogFormat::Text => log.init(),
            LogFormat::Json => log
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .with_span_list(false)
                .init(),
        }
        guard
    }
}

/// The embedded default database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://./data/oko.db?mode=rwc";

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads variables through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url =
            lookup("OKO_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError {
                variable: "OKO_DATABASE_URL",
                problem: format!("expected sqlite://… or postgres://…, got `{database_url}`"),
            });
        }
        let listen_text = lookup("OKO_LISTEN").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let listen = listen_text.parse().map_err(|_| ConfigError {
            variable: "OKO_LISTEN",
            problem: format!("expected address:port such as 127.0.0.1:8080, got `{listen_text}`"),
        })?;
        let jwt_secret = lookup("OKO_JWT_SECRET");
        if let Some(secret) = &jwt_secret
            && secret.len() < 32
        {
            return Err(ConfigError {
                variable: "OKO_JWT_SECRET",
                problem: "must be at least 32 bytes long".to_owned(),
            });
        }
        let secure_cookies = match lookup("OKO_SECURE_COOKIES").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(ConfigError {
                    variable: "OKO_SECURE_COOKIES",
                    problem: format!("expected true or false, got `{other}`"),
                });
            }
        };
        let cache_text = lookup("OKO_AUTH_CACHE_SECONDS").unwrap_or_else(|| "1".to_owned());
        let auth_cache_ttl = match cache_text.parse::<u64>() {
            Ok(seconds) if seconds <= 60 => Duration::from_secs(seconds),
            _ => {
                return Err(ConfigError {
                    variable: "OKO_AUTH_CACHE_SECONDS",
                    problem: format!("expected whole seconds from 0 to 60, got `{cache_text}`"),
                });
            }
        };
        let max_upload_bytes = mebibytes(&lookup, "OKO_MAX_UPLOAD_MB", 512)?;
        let max_form_upload_bytes = mebibytes(&lookup, "OKO_MAX_FORM_UPLOAD_MB", 20)?;
        let s3 = lookup("OKO_S3_BUCKET")
            .filter(|b| !b.trim().is_empty())
            .map(|bucket| S3Settings {
                bucket,
                endpoint: lookup("OKO_S3_ENDPOINT").filter(|e| !e.trim().is_empty()),
                region: lookup("OKO_S3_REGION")
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or_else(|| "us-east-1".to_owned()),
            });
        if let Some(endpoint) = s3.as_ref().and_then(|s| s.endpoint.as_deref())
            && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
        {
            return Err(ConfigError {
                variable: "OKO_S3_ENDPOINT",
                problem: format!("expected http://… or https://…, got `{endpoint}`"),
            });
        }
        let trusted_proxies = lookup("OKO_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse().map_err(|_| ConfigError {
                    variable: "OKO_TRUSTED_PROXIES",
                    problem: format!("expected IP addresses separated by commas, got `{part}`"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let free_text = lookup("OKO_MIN_FREE_MB").unwrap_or_else(|| "1024".to_owned());
        let min_free_bytes = match free_text.parse::<u64>() {
            Ok(mib) if mib <= 1024 * 1024 * 1024 => mib * 1024 * 1024,
            _ => {
                return Err(ConfigError {
                    variable: "OKO_MIN_FREE_MB",
                    problem: format!("expected whole MiB from 0 to 1073741824, got `{free_text}`"),
                });
            }
        };
        let metrics_token = lookup("OKO_METRICS_TOKEN").filter(|t| !t.trim().is_empty());
        if let Some(token) = &metrics_token
            && token.trim().len() < 16
        {
            return Err(ConfigError {
                variable: "OKO_METRICS_TOKEN",
                problem: "expected at least 16 characters".to_owned(),
            });
        }
        let metrics_listen = match lookup("OKO_METRICS_LISTEN").filter(|a| !a.trim().is_empty()) {
            None => None,
            Some(text) => Some(text.trim().parse().map_err(|_| ConfigError {
                variable: "OKO_METRICS_LISTEN",
                problem: format!("expected address:port such as 10.0.0.5:9464, got `{text}`"),
            })?),
        };
        let job_lease = seconds(&lookup, "OKO_JOB_LEASE_SECONDS", 30, 2..=3600)?;
        let report_ttl = seconds(&lookup, "OKO_REPORT_TTL_SECONDS", 86_400, 1..=2_592_000)?;
        Ok(Config {
            metrics_token: metrics_token.map(|t| t.trim().to_owned()),
            metrics_listen,
            min_free_bytes,
            trusted_proxies,
            job_lease,
            report_ttl,
            auth_cache_ttl,
            max_upload_bytes,
            max_form_upload_bytes,
            s3,
            database_url,
            listen,
            data_dir: lookup("OKO_DATA_DIR")
                .unwrap_or_else(|| "./data".to_owned())
                .into(),
            spa_dir: lookup("OKO_SPA_DIR")
                .unwrap_or_else(|| "./frontend/dist".to_owned())
                .into(),
            jwt_secret,
            secure_cookies,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn read(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_setup() {
        let config = read(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.data_dir, PathBuf::from("./data"));
        assert_eq!(config.max_upload_bytes, 512 * 1024 * 1024);
        assert_eq!(config.s3, None);
    }

    #[test]
    fn metrics_are_off_unless_asked_for_and_a_short_token_is_refused() {
        let config = read(&[]).unwrap();
        assert_eq!((config.metrics_token, config.metrics_listen), (None, None));
        let on = read(&[
            ("OKO_METRICS_TOKEN", "a-scraper-secret-42"),
            ("OKO_METRICS_LISTEN", "10.0.0.5:9464"),
        ])
        .unwrap();
        assert_eq!(on.metrics_token.as_deref(), Some("a-scraper-secret-42"));
        assert_eq!(on.metrics_listen.unwrap().port(), 9464);
        for bad in [
            ("OKO_METRICS_TOKEN", "short"),
            ("OKO_METRICS_LISTEN", "9464"),
        ] {
            assert_eq!(read(&[bad]).unwrap_err().variable, bad.0);
        }
        let json = |v: &str| LogFormat::from_lookup(|_| Some(v.to_owned()));
        assert_eq!(json("json"), Ok(LogFormat::Json));
        assert_eq!(json("text"), Ok(LogFormat::Text));
        assert_eq!(json("xml").unwrap_err().variable, "OKO_LOG_FORMAT");
    }

    #[test]
    fn a_bucket_turns_s3_on() {
        let config = read(&[
            ("OKO_S3_BUCKET", "oko-files"),
            ("OKO_S3_ENDPOINT", "https://storage.yandexcloud.net"),
            ("OKO_S3_REGION", "ru-central1"),
        ])
        .unwrap();
        let s3 = config.s3.unwrap();
        assert_eq!(s3.bucket, "oko-files");
        assert_eq!(s3.region, "ru-central1");
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(
            read(&[("OKO_LISTEN", "eighty")]).unwrap_err().variable,
            "OKO_LISTEN"
        );
        assert_eq!(
            read(&[("OKO_DATABASE_URL", "mysql://x")])
                .unwrap_err()
                .variable,
            "OKO_DATABASE_URL"
        );
        assert_eq!(
            read(&[("OKO_JWT_SECRET", "short")]).unwrap_err().variable,
            "OKO_JWT_SECRET"
        );
        assert_eq!(
            read(&[("OKO_SECURE_COOKIES", "yes")]).unwrap_err().variable,
            "OKO_SECURE_COOKIES"
        );
        assert_eq!(
            read(&[("OKO_MAX_UPLOAD_MB", "0")]).unwrap_err().variable,
            "OKO_MAX_UPLOAD_MB"
        );
        assert_eq!(
            read(&[
                ("OKO_S3_BUCKET", "oko"),
                ("OKO_S3_ENDPOINT", "storage.local")
            ])
            .unwrap_err()
            .variable,
            "OKO_S3_ENDPOINT"
        );
    }
}
