//! Stripe Checkout over plain HTTP: create, read and expire a Checkout Session, and verify the
//! `Stripe-Signature` of a webhook. Three form-encoded calls do not justify an SDK crate; the
//! wire format is Stripe's (`../shared/reference/payments.md`), checked in the tests against a
//! fake that the official Python library accepts.

use std::time::Duration;

use ring::hmac;
use serde::Deserialize;

/// How far a webhook's timestamp may be from now (Stripe's libraries' default).
pub const SIGNATURE_TOLERANCE_SECS: i64 = 300;

/// A Checkout Session, the fields we read.
#[derive(Debug, Clone, Deserialize)]
pub struct Session {
    /// `cs_…`.
    pub id: String,
    /// The hosted page (absent once complete or expired).
    #[serde(default)]
    pub url: Option<String>,
    /// `open`, `complete` or `expired`.
    pub status: Option<String>,
    /// `paid`, `unpaid` or `no_payment_required`.
    pub payment_status: String,
    /// In the currency's smallest unit as Stripe counts it.
    #[serde(default)]
    pub amount_total: Option<i64>,
    /// Lower-case ISO code.
    #[serde(default)]
    pub currency: Option<String>,
    /// Our attempt's public id.
    #[serde(default)]
    pub client_reference_id: Option<String>,
    /// Our attempt's public id again, under `payment_attempt_id`.
    #[serde(default)]
    pub metadata: std::collections::HashMap<String, String>,
    /// Unix seconds.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// `pi_…`, once the customer confirmed.
    #[serde(default)]
    pub payment_intent: Option<String>,
}

impl Session {
    /// The attempt it was made for.
    pub fn attempt_public_id(&self) -> Option<&str> {
        self.client_reference_id
            .as_deref()
            .or(self.metadata.get("payment_attempt_id").map(String::as_str))
    }
}

/// What went wrong talking to Stripe.
#[derive(Debug, thiserror::Error)]
pub enum StripeError {
    /// Stripe answered with an error object.
    #[error("Stripe refused the request ({status} {kind}: {message})")]
    Api {
        /// HTTP status.
        status: u16,
        /// `error.type`.
        kind: String,
        /// `error.code`, when given.
        code: Option<String>,
        /// `error.message`.
        message: String,
    },
    /// No answer, or one that is not Stripe's.
    #[error("Stripe could not be reached: {0}")]
    Transport(String),
}

/// A client for one account's secret key.
pub struct Client<'a> {
    http: &'a reqwest::Client,
    base: &'a str,
    secret_key: &'a str,
}

impl<'a> Client<'a> {
    /// A client of `base` (`https://api.stripe.com`) with `secret_key`.
    pub fn new(http: &'a reqwest::Client, base: &'a str, secret_key: &'a str) -> Self {
        Client {
            http,
            base: base.trim_end_matches('/'),
            secret_key,
        }
    }

    /// `POST /v1/checkout/sessions` with `params` (bracket-encoded names) under
    /// `idempotency_key`: a retry with the same key and parameters gets the same session.
    pub async fn create_session(
        &self,
        idempotency_key: &str,
        params: &[(String, String)],
    ) -> Result<Session, StripeError> {
        let body = serde_urlencoded::to_string(params)
            .map_err(|e| StripeError::Transport(e.to_string()))?;
        let request = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.base))
            .header("Idempotency-Key", idempotency_key)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(request).await
    }

    /// `GET /v1/checkout/sessions/{id}`.
    pub async fn get_session(&self, id: &str) -> Result<Session, StripeError> {
        let request = self.http.get(format!(
            "{}/v1/checkout/sessions/{}",
            self.base,
            path_segment(id)?
        ));
        self.send(request).await
    }

    /// `POST /v1/checkout/sessions/{id}/expire`: the page stops taking payments. Stripe refuses
    /// for a session no longer open (paid or already expired).
    pub async fn expire_session(&self, id: &str) -> Result<Session, StripeError> {
        let request = self.http.post(format!(
            "{}/v1/checkout/sessions/{}/expire",
            self.base,
            path_segment(id)?
        ));
        self.send(request).await
    }

    /// `GET /v1/balance`: whether Stripe takes the key (the admin's connection test); its
    /// `livemode`.
    pub async fn check_key(&self) -> Result<bool, StripeError> {
        #[derive(Deserialize)]
        struct Balance {
            livemode: bool,
        }
        let request = self.http.get(format!("{}/v1/balance", self.base));
        let balance: Balance = self.send(request).await?;
        Ok(balance.livemode)
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, StripeError> {
        let response = request
            .bearer_auth(self.secret_key)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .map_err(|e| StripeError::Transport(e.without_url().to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| StripeError::Transport(e.without_url().to_string()))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| StripeError::Transport(format!("unexpected answer: {e}")));
        }
        #[derive(Deserialize)]
        struct Envelope {
            error: ErrorObject,
        }
        #[derive(Deserialize)]
        struct ErrorObject {
            #[serde(rename = "type")]
            kind: String,
            code: Option<String>,
            #[serde(default)]
            message: String,
        }
        match serde_json::from_slice::<Envelope>(&bytes) {
            Ok(Envelope { error }) => Err(StripeError::Api {
                status: status.as_u16(),
                kind: error.kind,
                code: error.code,
                message: error.message,
            }),
            Err(_) => Err(StripeError::Transport(format!("HTTP {status}"))),
        }
    }
}

/// Stripe's ids are `[A-Za-z0-9_]`; anything else never reaches a URL.
fn path_segment(id: &str) -> Result<&str, StripeError> {
    if !id.is_empty()
        && id.len() <= 255
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        Ok(id)
    } else {
        Err(StripeError::Transport(format!("not a Stripe id: {id:?}")))
    }
}

/// Why a webhook's signature is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Stripe-Signature` header, or one without `t` or `v1`.
    #[error("the Stripe-Signature header is missing or malformed")]
    Malformed,
    /// The timestamp is more than the tolerance away from now (a replay).
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    /// No `v1` matches: another secret, or the body was changed.
    #[error("no signature matches the body")]
    Mismatch,
}

/// Verifies `header` (`t=…,v1=…[,v1=…]`) over the raw `body` with the endpoint's signing secret
/// (used as it is, `whsec_` and all, as Stripe does), at `now` (unix seconds). Any `v1` may
/// match (several appear while a secret is rolled); the comparison takes constant time.
pub fn verify_signature(
    header: &str,
    body: &[u8],
    secret: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((name, value)) = part.trim().split_once('=') else {
            continue;
        };
        match name {
            "t" => timestamp = value.parse::<i64>().ok(),
            "v1" => {
                if let Some(bytes) = hex(value) {
                    signatures.push(bytes);
                }
            }
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > SIGNATURE_TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = Vec::with_capacity(body.len() + 12);
    signed.extend_from_slice(timestamp.to_string().as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    if signatures
        .iter()
        .any(|s| hmac::verify(&key, &signed, s).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The `Stripe-Signature` header for `body` at `timestamp` (what Stripe sends; the tests' fake
/// and the demo's use it).
pub fn sign(body: &[u8], secret: &str, timestamp: i64) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let mut signed = timestamp.to_string().into_bytes();
    signed.push(b'.');
    signed.extend_from_slice(body);
    let tag = hmac::sign(&key, &signed);
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

fn hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Stripe's zero-decimal currencies (<https://docs.stripe.com/currencies#zero-decimal>).
const ZERO_DECIMAL: &[&str] = &[
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
];

/// Stripe's three-decimal currencies: amounts must end in 0 (card payments round to 0.010).
const THREE_DECIMAL: &[&str] = &["BHD", "JOD", "KWD", "OMR", "TND"];

/// Why an amount cannot be charged through Stripe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UnitError {
    /// Finer than Stripe charges in this currency (e.g. 5.125 KWD: Stripe takes 0.010 steps).
    #[error("Stripe charges {currency} in steps of {step}")]
    TooPrecise {
        /// The currency.
        currency: &'static str,
        /// The smallest step, as text.
        step: &'static str,
    },
}

/// The exponent Stripe counts `currency` in.
fn stripe_exponent(currency: &str) -> u32 {
    if ZERO_DECIMAL.contains(&currency) {
        0
    } else if THREE_DECIMAL.contains(&currency) {
        3
    } else {
        2
    }
}

/// `minor` (in units of 10^-`exponent`, ours) as the integer Stripe expects for `currency`.
pub fn to_stripe(minor: i64, currency: &str, exponent: u32) -> Result<i64, UnitError> {
    let theirs = stripe_exponent(currency);
    let amount = if theirs >= exponent {
        minor * 10i64.pow(theirs - exponent)
    } else {
        let factor = 10i64.pow(exponent - theirs);
        if minor % factor != 0 {
            return Err(UnitError::TooPrecise {
                currency: "this currency",
                step: "1",
            });
        }
        minor / factor
    };
    if theirs == 3 && amount % 10 != 0 {
        return Err(UnitError::TooPrecise {
            currency: "three-decimal currencies",
            step: "0.010",
        });
    }
    Ok(amount)
}

/// Stripe's integer for `currency` back in our minor units; `None` when it does not map
/// exactly (which the caller treats as a mismatch).
pub fn from_stripe(amount: i64, currency: &str, exponent: u32) -> Option<i64> {
    let theirs = stripe_exponent(currency);
    if exponent >= theirs {
        amount.checked_mul(10i64.pow(exponent - theirs))
    } else {
        let factor = 10i64.pow(theirs - exponent);
        (amount % factor == 0).then_some(amount / factor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_in_stripe_units() {
        // Two decimals: cents as they are.
        assert_eq!(to_stripe(12_345, "EUR", 2), Ok(12_345));
        // Zero-decimal: yen as they are.
        assert_eq!(to_stripe(5_000, "JPY", 0), Ok(5_000));
        // ISK has no minor unit in ISO 4217; Stripe counts it in hundredths.
        assert_eq!(to_stripe(1_500, "ISK", 0), Ok(150_000));
        assert_eq!(from_stripe(150_000, "ISK", 0), Some(1_500));
        // Three decimals, in 0.010 steps.
        assert_eq!(to_stripe(5_120, "KWD", 3), Ok(5_120));
        assert!(to_stripe(5_125, "KWD", 3).is_err());
        assert_eq!(from_stripe(5_120, "KWD", 3), Some(5_120));
        assert_eq!(from_stripe(12_345, "EUR", 2), Some(12_345));
    }

    #[test]
    fn signatures_verify_and_refuse() {
        let body = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;
        let secret = "whsec_test_secret";
        let header = sign(body, secret, 1_700_000_000);
        // Computed independently: Python's hmac.new(b"whsec_test_secret",
        // b"1700000000." + body, hashlib.sha256).hexdigest().
        assert_eq!(
            header,
            "t=1700000000,v1=a13d4b1f9003bc2fb6c06224e878b6056185eaa50d40e1e7dc05517f8af41d7b"
        );
        assert!(verify_signature(&header, body, secret, 1_700_000_100).is_ok());
        // A second v1 (a rolled secret) may be the one that matches.
        let rolled = format!("t=1700000000,v1={},{}", "00".repeat(32), &header[13..]);
        assert!(verify_signature(&rolled, body, secret, 1_700_000_000).is_ok());
        assert_eq!(
            verify_signature(&header, body, "whsec_other", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(&header, b"{}", secret, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify_signature(&header, body, secret, 1_700_000_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_signature(&header, body, secret, 1_699_999_699),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify_signature("v1=abc", body, secret, 1_700_000_000),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature("t=1700000000", body, secret, 1_700_000_000),
            Err(SignatureError::Malformed)
        );
    }
}
