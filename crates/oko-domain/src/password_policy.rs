//! What a password must be: long enough, not one of the passwords every attacker
//! tries first, not the login. The server refuses with these texts and the SPA
//! shows them as the user types.

use crate::api::FieldError;

/// Fewest characters.
pub const MIN_CHARS: usize = 8;
/// Fewest different characters («11111111» is not a password).
pub const MIN_DISTINCT: usize = 5;

/// Passwords tried first by every brute force (lower case), and the demo's own.
const COMMON: [&str; 40] = [
    "password",
    "password1",
    "password123",
    "12345678",
    "123456789",
    "1234567890",
    "qwerty123",
    "qwertyuiop",
    "11111111",
    "00000000",
    "iloveyou",
    "admin123",
    "administrator",
    "welcome1",
    "letmein1",
    "abc12345",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "qwerty12",
    "zaq12wsx",
    "passw0rd",
    "p@ssw0rd",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "superman",
    "trustno1",
    "dragon12",
    "monkey12",
    "пароль",
    "пароль123",
    "йцукенгш",
    "qazwsxedc",
    "87654321",
    "asdfghjk",
    "school2026",
    "oko-demo-2026",
    "fisoko2026",
    "obrnadzor",
];

/// Every reason `password` is not good enough for `login` (empty: fine).
pub fn problems(login: &str, password: &str, field: &str) -> Vec<FieldError> {
    let mut problems = Vec::new();
    let mut refuse = |code: &str, message: &str| {
        problems.push(FieldError::about_field(field, code, message));
    };
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        refuse(
            "too_short",
            &format!("Пароль должен быть не короче {MIN_CHARS} символов"),
        );
    }
    if chars > crate::login::MAX_PASSWORD_CHARS {
        refuse(
            "too_long",
            &format!(
                "Пароль должен быть не длиннее {} символов",
                crate::login::MAX_PASSWORD_CHARS
            ),
        );
    }
    let lower = password.to_lowercase();
    if COMMON.contains(&lower.as_str()) {
        refuse(
            "too_common",
            "Этот пароль слишком распространен: его подберут первым",
        );
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if chars >= MIN_CHARS && distinct.len() < MIN_DISTINCT {
        refuse(
            "too_simple",
            &format!("В пароле должно быть не меньше {MIN_DISTINCT} разных символов"),
        );
    }
    if !login.is_empty() && lower.contains(&login.to_lowercase()) {
        refuse("contains_login", "Пароль не должен содержать логин");
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(login: &str, password: &str) -> Vec<String> {
        problems(login, password, "password")
            .into_iter()
            .map(|p| p.code)
            .collect()
    }

    #[test]
    fn short_common_simple_and_login_passwords_are_refused() {
        assert_eq!(codes("sch240001", "kT7#mQ"), ["too_short"]);
        assert_eq!(codes("sch240001", "Password123"), ["too_common"]);
        assert_eq!(codes("sch240001", "aaaabbbb"), ["too_simple"]);
        assert_eq!(codes("sch240001", "sch240001!x"), ["contains_login"]);
        assert!(codes("sch240001", "Kedr-Lipa-42").is_empty());
    }
}
