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

/// How long a download link works: long enough to resume a broken download of a
/// large file, short enough that a copied link soon stops working.
pub const TICKET_TTL_SECONDS: i64 = 60 * 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    iat: i64,
    exp: i64,
    /// When it was signed, in Unix milliseconds (`iat` has whole seconds only: a
    /// token signed just after a password change must outlive it, one just before
    /// must not). Absent in tokens signed before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    ims: Option<i64>,
    /// Set on download tickets only (`file:<id>`, `zip:<id>`, `report:<id>`): a
    /// ticket opens that one resource and is never an access token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    res: Option<String>,
}

/// Who a verified token speaks for, and since when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bearer {
    /// The user.
    pub user_id: Uuid,
    /// Unix milliseconds the token was signed: one signed before the user's
    /// `sessions_since` (a password change) is refused. `None` for API tokens,
    /// which a reset revokes in the database instead.
    pub issued_at_ms: Option<i64>,
}

impl Bearer {
    fn of(claims: Claims) -> Bearer {
        Bearer {
            user_id: claims.sub,
            issued_at_ms: Some(claims.ims.unwrap_or(claims.iat * 1000)),
        }
    }
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
        self.issue_access_for(user_id, now, ACCESS_TTL_SECONDS)
    }

    /// An access token living `seconds` (`oko seed-surge` hands out tokens that
    /// outlive a long benchmark; sessions use [`TokenKeys::issue_access`]).
    pub fn issue_access_for(&self, user_id: Uuid, now: DateTime<Utc>, seconds: i64) -> String {
        self.sign(user_id, now, now + Duration::seconds(seconds), None)
    }

    /// The signed claims of `user_id` from `now` to `expires`, for `resource` when
    /// a ticket.
    fn sign(
        &self,
        user_id: Uuid,
        now: DateTime<Utc>,
        expires: DateTime<Utc>,
        resource: Option<&str>,
    ) -> String {
        let claims = Claims {
            sub: user_id,
            iat: now.timestamp(),
            exp: expires.timestamp(),
            ims: Some(now.timestamp_millis()),
            res: resource.map(str::to_owned),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing cannot fail")
    }

    /// The user of a valid, unexpired access token.
    pub fn verify_access(&self, token: &str) -> Option<Bearer> {
        self.decode(token)
            .filter(|claims| claims.res.is_none())
            .map(Bearer::of)
    }

    /// A download ticket of `user_id` for `resource`, and when it expires.
    pub fn issue_ticket(
        &self,
        user_id: Uuid,
        resource: &str,
        now: DateTime<Utc>,
    ) -> (String, DateTime<Utc>) {
        self.issue_ticket_for(user_id, resource, now, TICKET_TTL_SECONDS)
    }

    /// A ticket living `seconds` (the notification stream's: a minute, it is
    /// opened at once).
    pub fn issue_ticket_for(
        &self,
        user_id: Uuid,
        resource: &str,
        now: DateTime<Utc>,
        seconds: i64,
    ) -> (String, DateTime<Utc>) {
        let expires = now + Duration::seconds(seconds);
        let token = self.sign(user_id, now, expires, Some(resource));
        (token, expires)
    }

    /// The user of a valid, unexpired ticket for exactly `resource`.
    pub fn verify_ticket(&self, token: &str, resource: &str) -> Option<Bearer> {
        self.decode(token)
            .filter(|claims| claims.res.as_deref() == Some(resource))
            .map(Bearer::of)
    }

    fn decode(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|data| data.claims)
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

/// A new personal API token's secret: `oko_` and 256 random bits, base64url. It is
/// stored hashed like a refresh token ([`hash_refresh_token`]).
pub fn new_api_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "{}{}",
        oko_domain::api_tokens::TOKEN_PREFIX,
        URL_SAFE_NO_PAD.encode(bytes)
    )
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
        assert_eq!(keys.verify_access(&token).map(|b| b.user_id), Some(user));
        assert_eq!(other.verify_access(&token), None);
        let old = keys.issue_access(
            user,
            Utc::now() - Duration::seconds(ACCESS_TTL_SECONDS + 60),
        );
        assert_eq!(keys.verify_access(&old), None);
        assert_eq!(keys.verify_access("garbage"), None);
    }

    #[test]
    fn a_ticket_opens_its_one_resource_and_is_no_access_token() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let user = Uuid::new_v4();
        let (ticket, expires) = keys.issue_ticket(user, "file:1", Utc::now());
        assert!(expires > Utc::now());
        assert_eq!(
            keys.verify_ticket(&ticket, "file:1").map(|b| b.user_id),
            Some(user)
        );
        assert_eq!(keys.verify_ticket(&ticket, "file:2"), None);
        assert_eq!(keys.verify_access(&ticket), None);
        let access = keys.issue_access(user, Utc::now());
        assert_eq!(keys.verify_ticket(&access, "file:1"), None);
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
