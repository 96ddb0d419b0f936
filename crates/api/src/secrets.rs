//! Secrets kept in the database (a payment provider's keys) sealed with AES-256-GCM under the
//! server's secrets key. A sealed value is bound to what it is for (the associated data names
//! the organisation and the field), so one cannot be copied into another row or field.

use ring::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};

/// The format's version, the first byte of every sealed value.
const VERSION: u8 = 1;

/// Seals `plain` for `purpose` (e.g. `org:7:stripe_secret_key`).
pub fn seal(key: &[u8; 32], purpose: &str, plain: &str) -> Result<Vec<u8>, SecretError> {
    let sealing = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).map_err(|_| SecretError)?);
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| SecretError)?;
    let mut data = plain.as_bytes().to_vec();
    sealing
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(purpose.as_bytes()),
            &mut data,
        )
        .map_err(|_| SecretError)?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + data.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&data);
    Ok(out)
}

/// Opens what [`seal`] sealed for the same `purpose` under the same key.
pub fn open(key: &[u8; 32], purpose: &str, sealed: &[u8]) -> Result<String, SecretError> {
    let (&version, rest) = sealed.split_first().ok_or(SecretError)?;
    if version != VERSION || rest.len() < NONCE_LEN {
        return Err(SecretError);
    }
    let (nonce, data) = rest.split_at(NONCE_LEN);
    let opening = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).map_err(|_| SecretError)?);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SecretError)?;
    let mut data = data.to_vec();
    let plain = opening
        .open_in_place(nonce, Aad::from(purpose.as_bytes()), &mut data)
        .map_err(|_| SecretError)?;
    String::from_utf8(plain.to_vec()).map_err(|_| SecretError)
}

/// A sealed value that does not open: another key, another purpose, or tampered with.
#[derive(Debug, thiserror::Error)]
#[error("a stored secret could not be opened (was the secrets key changed?)")]
pub struct SecretError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let key = [7u8; 32];
        let sealed = seal(&key, "org:1:stripe_secret_key", "sk_test_abc").expect("sealed");
        assert!(!sealed.windows(11).any(|w| w == b"sk_test_abc"));
        assert_eq!(
            open(&key, "org:1:stripe_secret_key", &sealed).expect("opened"),
            "sk_test_abc"
        );
        assert!(open(&[8u8; 32], "org:1:stripe_secret_key", &sealed).is_err());
        assert!(open(&key, "org:2:stripe_secret_key", &sealed).is_err());
        let mut tampered = sealed.clone();
        *tampered.last_mut().expect("bytes") ^= 1;
        assert!(open(&key, "org:1:stripe_secret_key", &tampered).is_err());
        // Two seals of the same value differ (a fresh nonce each time).
        assert_ne!(
            sealed,
            seal(&key, "org:1:stripe_secret_key", "sk_test_abc").expect("sealed")
        );
    }
}
