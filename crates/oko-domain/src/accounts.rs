//! Bodies of the account endpoints: changing one's own password, a new password
//! issued by a coordinator, blocking.

use serde::{Deserialize, Serialize};

/// `POST /api/me/password`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"old_password": "Kedr-Lipa-42", "new_password": "Sosna-Ель-73"})))]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// A new password, shown once: nobody can read it back later.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"login": "sch240001", "password": "kTr7mQ4pXz9w"})))]
pub struct IssuedPassword {
    pub login: String,
    pub password: String,
}

/// An account's access after blocking or unblocking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"login": "sch240001", "blocked": true})))]
pub struct AccountAccess {
    pub login: String,
    pub blocked: bool,
}

/// Letters and digits that cannot be misread (no 0/O, 1/l/I).
pub const PASSWORD_ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters of an issued password (≈ 70 bits).
pub const ISSUED_CHARS: usize = 12;

/// An issued password from random bytes (one byte per character; the slight bias
/// of `% 56` costs a fraction of a bit).
pub fn password_from(random: &[u8; ISSUED_CHARS]) -> String {
    random
        .iter()
        .map(|b| PASSWORD_ALPHABET[*b as usize % PASSWORD_ALPHABET.len()] as char)
        .collect()
}

/// `POST /api/credentials`: new passwords for a whole territory.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({"unit": null})))]
pub struct CredentialsRequest {
    /// `region:<id>` or `municipality:<id>` within the caller's territory; the
    /// caller's own territory when absent.
    #[serde(default)]
    pub unit: Option<String>,
}
