//! Access tokens (short-lived HS256 JWTs) and refresh tokens (random, stored hashed).

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long an access token lives: short, because it is checked without the database
/// knowing about logouts; the refresh token is what logout and blocking revoke.
pub const ACCESS_TTL_SECONDS: i64 = 15 * 60;
/// How long a refresh token lives if unused.
pub const REFRESH_TTL_DAYS: i64 = 30;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    iat: i64,
    exp: i64,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    /// Keys from a shared secret.
    pub fn new(secret: &[u8]) -> TokenKeys {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 5;
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    /// A signed access token for `user_id`.
    pub fn issue_access(&self, user_id: Uuid, now: DateTime<Utc>) -> String {
        let claims = Claims {
            sub: user_id,
            iat: now.timestamp(),
            exp: now.timestamp() + ACCESS_TTL_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The user of a valid, unexpired access token.
    pub fn verify_access(&self, token: &str) -> Option<Uuid> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims.sub)
    }
}

/// A new refresh token: what the client gets, and what the database keeps.
pub struct RefreshToken {
    /// Sent to the client once.
    pub token: String,
    /// Stored.
    pub hash: String,
    /// When it dies unused.
    pub expires_at: DateTime<Utc>,
}

/// Draws 256 random bits for a refresh token.
pub fn new_refresh_token(now: DateTime<Utc>) -> RefreshToken {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    RefreshToken {
        hash: hash_refresh_token(&token),
        token,
        expires_at: now + Duration::days(REFRESH_TTL_DAYS),
    }
}

/// The stored form of a refresh token (SHA-256, hex). A fast hash is enough: the token
/// has 256 bits of entropy, unlike a password.
pub fn hash_refresh_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh random secret for signing, base64url.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 48];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_verify_only_with_their_key_and_until_expiry() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::new(b"fedcba9876543210fedcba9876543210");
        let user = Uuid::new_v4();
        let token = keys.issue_access(user, Utc::now());
        assert_eq!(keys.verify_access(&token), Some(user));
        assert_eq!(other.verify_access(&token), None);
        let old = keys.issue_access(
            user,
            Utc::now() - Duration::seconds(ACCESS_TTL_SECONDS + 60),
        );
        assert_eq!(keys.verify_access(&old), None);
        assert_eq!(keys.verify_access("garbage"), None);
    }

    #[test]
    fn refresh_tokens_are_random_and_stored_hashed() {
        let a = new_refresh_token(Utc::now());
        let b = new_refresh_token(Utc::now());
        assert_ne!(a.token, b.token);
        assert_eq!(a.hash, hash_refresh_token(&a.token));
        assert_eq!(a.hash.len(), 64);
        assert!(!a.hash.contains(&a.token));
    }
}
