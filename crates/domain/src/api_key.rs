//! API keys as integrators see them: `cpk_live_<id>_<secret><checksum>`.
//!
//! - `cpk_live_`: what the string is, so a secret scanner (and a person) recognises it. Not
//!   `pk_live_`, which scanners know as Stripe's *publishable* keys, which are not secret.
//! - `<id>`: 12 base62 characters, public: the row to look up, shown in lists and logs.
//! - `<secret>`: 32 base62 characters (about 190 bits), stored only as a keyed hash.
//! - `<checksum>`: 6 base62 characters of the CRC-32 of everything before it, so a mistyped or
//!   made-up key is refused without asking the database, as GitHub's tokens are.

/// What every key starts with.
pub const PREFIX: &str = "cpk_live_";
/// Characters of the public id.
pub const ID_LEN: usize = 12;
/// Characters of the secret.
pub const SECRET_LEN: usize = 32;
/// Characters of the checksum.
pub const CHECKSUM_LEN: usize = 6;
/// Characters of a whole key.
pub const KEY_LEN: usize = PREFIX.len() + ID_LEN + 1 + SECRET_LEN + CHECKSUM_LEN;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A key's parts, once its shape and checksum hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyParts<'a> {
    /// The public id.
    pub id: &'a str,
    /// The secret.
    pub secret: &'a str,
}

/// Why a string is not a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Not the shape of one (prefix, lengths, characters).
    #[error("not an API key")]
    Shape,
    /// The shape of one, but the checksum fails: a typo, or not one we made.
    #[error("the API key's checksum does not match (a typo?)")]
    Checksum,
}

/// Whether `token` claims to be an API key (rather than an access token).
pub fn is_key(token: &str) -> bool {
    token.starts_with("cpk_")
}

/// The key made of `id` and `secret` (both base62 of the right lengths), checksum added.
pub fn compose(id: &str, secret: &str) -> String {
    let body = format!("{PREFIX}{id}_{secret}");
    let sum = checksum(&body);
    body + &sum
}

/// Splits and checks `token`, without any lookup.
pub fn parse(token: &str) -> Result<KeyParts<'_>, KeyError> {
    let base62 = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric());
    let rest = token.strip_prefix(PREFIX).ok_or(KeyError::Shape)?;
    if token.len() != KEY_LEN || !token.is_ascii() {
        return Err(KeyError::Shape);
    }
    let (id, rest) = rest.split_at(ID_LEN);
    let rest = rest.strip_prefix('_').ok_or(KeyError::Shape)?;
    let (secret, sum) = rest.split_at(SECRET_LEN);
    if !base62(id) || !base62(secret) || !base62(sum) {
        return Err(KeyError::Shape);
    }
    if checksum(&token[..KEY_LEN - CHECKSUM_LEN]) != sum {
        return Err(KeyError::Checksum);
    }
    Ok(KeyParts { id, secret })
}

/// The first characters of a key that lists show (`cpk_live_7Fq2Lm9xAb3Z…`).
pub fn hint(id: &str) -> String {
    format!("{PREFIX}{id}…")
}

/// `count` base62 characters drawn from `random` bytes (rejection sampling, so each character
/// is equally likely): `random` is asked for more bytes while it has given too few usable ones.
pub fn base62_from(count: usize, mut random: impl FnMut(&mut [u8])) -> String {
    let mut out = String::with_capacity(count);
    let mut buf = [0u8; 64];
    while out.len() < count {
        random(&mut buf);
        for b in buf {
            // 248 = 4 × 62: the bytes above it would favour the first characters.
            if b < 248 && out.len() < count {
                out.push(BASE62[usize::from(b % 62)] as char);
            }
        }
    }
    out
}

/// Six base62 characters of the CRC-32 (IEEE) of `text`, most significant first.
fn checksum(text: &str) -> String {
    let mut n = crc32(text.as_bytes());
    let mut digits = [b'0'; CHECKSUM_LEN];
    for d in digits.iter_mut().rev() {
        *d = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// CRC-32 as zip, PNG and Ethernet compute it (reflected polynomial 0xEDB88320).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        // The "check" value of CRC-32/ISO-HDLC in the CRC catalogue.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn a_composed_key_parses_back_and_any_typo_is_caught_by_the_checksum() {
        let id = "7Fq2Lm9xAb3Z";
        let secret = "s".repeat(SECRET_LEN);
        let key = compose(id, &secret);
        assert_eq!(key.len(), KEY_LEN);
        assert!(key.starts_with("cpk_live_7Fq2Lm9xAb3Z_sss"));
        assert_eq!(
            parse(&key),
            Ok(KeyParts {
                id,
                secret: &secret
            })
        );
        // Every single-character change in the id or the secret.
        let bytes = key.as_bytes();
        for i in PREFIX.len()..KEY_LEN - CHECKSUM_LEN {
            if bytes[i] == b'_' {
                continue;
            }
            let mut typo = bytes.to_vec();
            typo[i] = if bytes[i] == b'a' { b'b' } else { b'a' };
            let typo = String::from_utf8(typo).expect("ascii");
            assert_eq!(parse(&typo), Err(KeyError::Checksum), "{typo}");
        }
        assert_eq!(parse(&key[..KEY_LEN - 1]), Err(KeyError::Shape));
        assert_eq!(parse(&format!("{key}x")), Err(KeyError::Shape));
        assert_eq!(
            parse(&key.replace("cpk_live_", "cpk_test_")),
            Err(KeyError::Shape)
        );
        assert_eq!(parse(&key.replacen('s', "-", 1)), Err(KeyError::Shape));
        assert_eq!(parse("cpk_live_ä"), Err(KeyError::Shape));
        let mut wide = key.clone();
        wide.replace_range(30..32, "ä");
        assert_eq!(parse(&wide), Err(KeyError::Shape));
        assert!(is_key(&key) && !is_key("eyJhbGciOi"));
    }

    #[test]
    fn random_characters_are_base62_and_all_of_them_occur() {
        let mut state = 1u32;
        let s = base62_from(10_000, |buf| {
            for b in buf.iter_mut() {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                *b = (state >> 16) as u8;
            }
        });
        assert_eq!(s.len(), 10_000);
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()));
        let distinct: std::collections::BTreeSet<char> = s.chars().collect();
        assert_eq!(distinct.len(), 62);
    }
}
