//! Argon2id password hashes with the OWASP parameters (19 MiB, 2 passes, 1 lane —
//! the `argon2` crate's defaults), computed off the async threads.

use std::sync::OnceLock;

use rand_core::OsRng;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};

/// Hashes a password into a PHC string.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters accepts any password")
        .to_string()
}

/// Checks a password against a PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a random password with the same parameters as real ones: verifying an
/// unknown login against it takes as long as verifying a real one, so the time to
/// answer does not tell whether a login exists.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()))
}

/// At most one hash per core at a time. Each takes 19 MiB and a core for ~50 ms;
/// running more at once only thrashes: a storm of 1,000 logins would otherwise ask
/// for 19 GiB. The rest wait their turn, in order.
fn hashing_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(1, |n| n.get()))
    })
}

/// Runs `work` on the blocking pool once a hashing permit is free.
async fn with_hashing_permit<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    let _permit = hashing_permits()
        .acquire()
        .await
        .expect("the semaphore is never closed");
    tokio::task::spawn_blocking(work)
        .await
        .expect("password hashing does not panic")
}

/// Verifies on the blocking pool; `None` (unknown login) verifies against the dummy
/// and fails.
pub async fn verify_off_thread(password: String, phc: Option<String>) -> bool {
    with_hashing_permit(move || match phc {
        Some(phc) => verify(&password, &phc),
        None => {
            verify(&password, dummy_hash());
            false
        }
    })
    .await
}

/// Hashes on the blocking pool.
pub async fn hash_off_thread(password: String) -> String {
    with_hashing_permit(move || hash(&password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_password_and_use_owasp_parameters() {
        let phc = hash("Пароль-2026");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("Пароль-2026", &phc));
        assert!(!verify("пароль-2026", &phc));
        assert!(!verify("Пароль-2026", "not a hash"));
    }
}
