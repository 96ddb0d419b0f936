//! Outgoing webhooks, Standard Webhooks 1.0: each delivery carries `webhook-id`,
//! `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
//! `id.timestamp.body` under the endpoint's secret), is sent by the worker in [`worker`] with
//! retries, and only ever reaches the addresses [`guard`] allows.

pub mod guard;
pub mod worker;

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use tokio::sync::Notify;

/// What a signing secret starts with.
pub const SECRET_PREFIX: &str = "whsec_";
/// Random bytes in a new secret (the specification asks for 24 to 64).
const SECRET_BYTES: usize = 24;

/// A new signing secret: `whsec_` and base64 of 24 random bytes.
pub fn new_secret() -> Result<String, ring::error::Unspecified> {
    let mut bytes = [0u8; SECRET_BYTES];
    SystemRandom::new().fill(&mut bytes)?;
    Ok(format!("{SECRET_PREFIX}{}", STANDARD.encode(bytes)))
}

/// Why a secret cannot sign.
#[derive(Debug, thiserror::Error)]
#[error("not a webhook secret (`whsec_` and base64)")]
pub struct BadSecret;

/// The signature of one attempt: `v1,` and base64 of HMAC-SHA256 over
/// `"{msg_id}.{timestamp}.{body}"`, keyed with the base64-decoded part of the secret.
pub fn sign(secret: &str, msg_id: &str, timestamp: i64, body: &[u8]) -> Result<String, BadSecret> {
    let key = STANDARD
        .decode(secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret))
        .map_err(|_| BadSecret)?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, &key);
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(msg_id.as_bytes());
    ctx.update(b".");
    ctx.update(timestamp.to_string().as_bytes());
    ctx.update(b".");
    ctx.update(body);
    Ok(format!("v1,{}", STANDARD.encode(ctx.sign().as_ref())))
}

/// What the sealed secrets of an endpoint are sealed for.
pub fn purpose(organization_id: i64, endpoint_id: i64) -> String {
    format!("org:{organization_id}:webhook:{endpoint_id}")
}

/// What the API shares with the webhook worker: the guarded HTTP client and a way to wake
/// the worker when a transaction queued a delivery.
#[derive(Clone)]
pub struct Webhooks {
    /// Sends deliveries: resolves through [`guard::Guarded`], follows no redirect.
    pub client: reqwest::Client,
    /// Private and loopback targets allowed (`PORTAL_WEBHOOK_ALLOW_PRIVATE`; development).
    pub allow_private: bool,
    signal: Arc<Notify>,
}

impl Webhooks {
    /// The client and signal for a server.
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        Ok(Webhooks {
            client: guard::client(allow_private)?,
            allow_private,
            signal: Arc::default(),
        })
    }

    /// Wakes the worker (after the queuing transaction committed).
    pub fn wake(&self) {
        self.signal.notify_waiters();
    }

    /// Waits for [`Webhooks::wake`].
    pub async fn woken(&self) {
        self.signal.notified().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specifications_test_vector() {
        // From the Standard Webhooks reference libraries' tests.
        assert_eq!(
            sign(
                "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                1_649_367_553,
                br#"{"email":"test@example.com","username":"test_user"}"#,
            )
            .expect("signed"),
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        );
    }

    #[test]
    fn new_secrets_are_24_random_bytes() {
        let a = new_secret().expect("random");
        let b = new_secret().expect("random");
        assert_ne!(a, b);
        let bytes = STANDARD
            .decode(a.strip_prefix(SECRET_PREFIX).expect("prefixed"))
            .expect("base64");
        assert_eq!(bytes.len(), 24);
        assert!(sign("whsec_not base64!", "m", 1, b"").is_err());
    }
}
