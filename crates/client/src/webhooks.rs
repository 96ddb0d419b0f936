//! Verifying the portal's webhooks (Standard Webhooks 1.0) in a receiver written in Rust.
//!
//! ```
//! use portal_client::webhooks::{verify, WebhookError};
//!
//! // What the receiver got: three headers and the body, byte for byte as sent.
//! let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
//! let id = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
//! let timestamp = "1649367553";
//! let signature = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";
//! let body = br#"{"email":"test@example.com","username":"test_user"}"#;
//! let now = 1_649_367_553; // seconds since 1970: the receiver's clock
//!
//! verify(secret, id, timestamp, signature, body, now)?;
//! // Tampered with, or replayed ten minutes later: refused.
//! assert_eq!(verify(secret, id, timestamp, signature, b"{}", now), Err(WebhookError::Signature));
//! assert_eq!(verify(secret, id, timestamp, signature, body, now + 600), Err(WebhookError::Timestamp));
//! # Ok::<(), WebhookError>(())
//! ```
//!
//! Then deduplicate on `webhook-id`: a retry carries the same id.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

/// How far a delivery's timestamp may be from the receiver's clock, in seconds.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a delivery is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The secret is not `whsec_` and base64.
    #[error("the secret is not a webhook secret")]
    Secret,
    /// The timestamp is not a number, or more than five minutes from now (a replay).
    #[error("the timestamp is missing or too far from now")]
    Timestamp,
    /// No `v1` signature matches: the body or headers were changed, or another secret signed.
    #[error("no signature matches")]
    Signature,
}

/// Checks one delivery: `id`, `timestamp` and `signatures` are the `webhook-id`,
/// `webhook-timestamp` and `webhook-signature` headers, `body` the raw body, `now` the
/// receiver's clock in Unix seconds. Any one matching `v1,` signature accepts it (after a secret
/// rotation, two are sent); the comparison takes constant time.
pub fn verify(
    secret: &str,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: i64,
) -> Result<(), WebhookError> {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| WebhookError::Secret)?;
    let sent: i64 = timestamp.parse().map_err(|_| WebhookError::Timestamp)?;
    if (now - sent).abs() > TOLERANCE_SECS {
        return Err(WebhookError::Timestamp);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, &key);
    let mut signed = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    signed.extend_from_slice(id.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    let matches = signatures
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .filter_map(|s| STANDARD.decode(s).ok())
        .any(|tag| hmac::verify(&key, &signed, &tag).is_ok());
    if matches {
        Ok(())
    } else {
        Err(WebhookError::Signature)
    }
}
