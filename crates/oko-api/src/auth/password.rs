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

/// Verifies on the blocking pool; `None` (unknown login) verifies against the dummy
/// and fails.
pub async fn verify_off_thread(password: String, phc: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify(&password, &phc),
        None => {
            verify(&password, dummy_hash());
            false
        }
    })
    .await
    .unwrap_or(false)
}

/// Hashes on the blocking pool.
pub async fn hash_off_thread(password: String) -> String {
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .expect("hashing does not panic")
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
