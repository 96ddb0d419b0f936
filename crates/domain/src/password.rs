//! Password policy (NIST SP 800-63B style: length over composition rules, and a block list
//! of passwords attackers try first).

/// Fewest characters a new password may have.
pub const MIN_LENGTH: usize = 10;
/// Most characters a new password may have (argon2 takes any length; this bounds the work).
pub const MAX_LENGTH: usize = 128;

/// Why a new password is refused. `code()` is the stable machine code for the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Shorter than [`MIN_LENGTH`].
    #[error("the password must have at least {MIN_LENGTH} characters")]
    TooShort,
    /// Longer than [`MAX_LENGTH`].
    #[error("the password must have at most {MAX_LENGTH} characters")]
    TooLong,
    /// On the list of commonly used passwords, or one character repeated.
    #[error("the password is too common")]
    TooCommon,
    /// Contains the username.
    #[error("the password must not contain the username")]
    ContainsUsername,
}

impl PasswordPolicyError {
    /// Stable machine code.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordPolicyError::TooShort => "too_short",
            PasswordPolicyError::TooLong => "too_long",
            PasswordPolicyError::TooCommon => "too_common",
            PasswordPolicyError::ContainsUsername => "contains_username",
        }
    }
}

/// Frequently breached passwords of ten or more characters (lower-cased); shorter ones are
/// already refused by length.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "123456789a",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "0123456789",
    "1111111111",
    "0987654321",
    "qwertyuiop",
    "q1w2e3r4t5",
    "password123",
    "password12",
    "password1234",
    "password01",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "qwertyuiop1",
    "asdfghjkl1",
    "asdfghjkl;",
    "zxcvbnm123",
    "1q2w3e4r5t6y",
    "abcdefghij",
    "abcd123456",
    "abc1234567",
    "aa12345678",
    "a123456789",
    "football123",
    "baseball123",
    "welcome123",
    "welcome1234",
    "letmein123",
    "sunshine123",
    "princess123",
    "dragon1234",
    "monkey1234",
    "trustno1234",
    "superman123",
    "starwars123",
    "administrator",
    "admin12345",
    "admin123456",
    "changeme123",
    "changeme1234",
    "secret1234",
    "masterkey1",
    "passwordpassword",
    "qazwsxedcrfv",
    "1qazxsw23edc",
    "zaq12wsxcde3",
    "iloveyou123",
    "michael123",
    "jennifer123",
    "computer123",
    "internet123",
    "samsung123",
    "google1234",
    "facebook123",
    "parola1234",
    "parola12345",
    "passwort123",
    "passwort1234",
    "hallo12345",
    "contraseña",
    "contrasena",
    "contraseña123",
    "contrasena123",
    "123456789abc",
    "qwertzuiop",
    "demo-portal-pass",
    "demo-owner-pass",
    "portal1234",
    "customer123",
];

/// Checks a new password against the policy. `username` may be empty.
pub fn check(password: &str, username: &str) -> Result<(), PasswordPolicyError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordPolicyError::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordPolicyError::TooLong);
    }
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    if COMMON.contains(&lower.as_str()) || chars.all(|c| Some(c) == first) {
        return Err(PasswordPolicyError::TooCommon);
    }
    let user = username.trim().to_lowercase();
    if user.chars().count() >= 3 && lower.contains(&user) {
        return Err(PasswordPolicyError::ContainsUsername);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_a_long_unusual_password() {
        assert_eq!(check("correct horse battery staple", "acme"), Ok(()));
        assert_eq!(check("Жълт-кон-2026", "acme"), Ok(()));
    }

    #[test]
    fn refuses_short_long_common_and_username() {
        assert_eq!(check("short", ""), Err(PasswordPolicyError::TooShort));
        assert_eq!(
            check("ĉĉĉĉĉĉĉĉĉ", ""),
            Err(PasswordPolicyError::TooShort),
            "counts characters, not bytes"
        );
        assert_eq!(
            check(&"x".repeat(129), ""),
            Err(PasswordPolicyError::TooLong)
        );
        assert_eq!(
            check("Password123", ""),
            Err(PasswordPolicyError::TooCommon)
        );
        assert_eq!(
            check("aaaaaaaaaaaa", ""),
            Err(PasswordPolicyError::TooCommon)
        );
        assert_eq!(
            check("my-acme-secret-77", "ACME"),
            Err(PasswordPolicyError::ContainsUsername)
        );
    }
}
