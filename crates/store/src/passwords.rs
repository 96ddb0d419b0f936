//! How passwords are stored: argon2id PHC strings with OWASP's parameters (m = 19456 KiB,
//! t = 2, p = 1). These functions do the work on the calling thread; the server runs them on its
//! bounded hashing pool, seeding and benchmarks call them directly.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::StoreError;

fn argon2() -> Result<Argon2<'static>, StoreError> {
    let params = Params::new(19_456, 2, 1, None).map_err(StoreError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of a new password (random salt).
pub fn hash(password: &[u8]) -> Result<String, StoreError> {
    Ok(argon2()?
        .hash_password(password)
        .map_err(StoreError::internal)?
        .to_string())
}

/// Whether `password` matches the stored PHC string; a malformed one is an error.
pub fn verify(password: &[u8], stored: &str) -> Result<bool, StoreError> {
    let parsed = PasswordHash::new(stored).map_err(StoreError::internal)?;
    Ok(argon2()?.verify_password(password, &parsed).is_ok())
}
