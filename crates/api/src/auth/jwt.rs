//! Access tokens: short-lived HS256 JWTs, validated tightly — algorithm pinned, audience and
//! issuer checked, five seconds of leeway, and a token-type claim so that nothing else we sign
//! can pass for an access token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Clock skew tolerated on `exp`, `nbf` and `iat`.
pub const LEEWAY_SECS: u64 = 5;
/// The `typ` claim of access tokens.
pub const ACCESS_TOKEN_TYPE: &str = "access";

pub use portal_store::sessions::Realm;

/// The claims of an access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Our issuer name.
    pub iss: String,
    /// `portal` or `issuer`.
    pub aud: String,
    /// The user id (portal user or staff user).
    pub sub: String,
    /// Expiry, seconds since the epoch.
    pub exp: u64,
    /// Not before.
    pub nbf: u64,
    /// Issued at.
    pub iat: u64,
    /// Token type; always `access`.
    pub typ: String,
    /// Organisation id.
    pub org: i64,
    /// Contractor id (portal tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ctr: Option<i64>,
    /// Staff role (issuer tokens only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The refresh-token family (login session) this token belongs to.
    pub sid: String,
}

/// Signs and checks access tokens.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    ttl_secs: u64,
    verified: Arc<Mutex<VerifiedTokens>>,
}

/// At most this many verified tokens are remembered.
const VERIFIED_CAPACITY: usize = 4096;

/// Tokens that passed [`TokenKeys::verify`], with their claims: a client presents the same
/// access token on every request for its ten minutes, and verifying it again (base64, two JSON
/// parses, HMAC) was a fifteenth of a grid request's instructions. Keyed by the exact token
/// text, so only a string that itself passed verification can hit; on a hit the expiry is
/// checked again against the clock (`nbf` and `iat` were checked when it was first seen). The
/// session behind the token is still checked in the database on every request.
#[derive(Default)]
struct VerifiedTokens {
    by_token: HashMap<String, (Realm, Claims)>,
}

impl VerifiedTokens {
    fn get(&self, token: &str, realm: Realm) -> Option<&Claims> {
        self.by_token
            .get(token)
            .filter(|(r, _)| *r == realm)
            .map(|(_, claims)| claims)
    }

    fn insert(&mut self, token: &str, realm: Realm, claims: &Claims, now: u64) {
        if self.by_token.len() >= VERIFIED_CAPACITY {
            self.by_token.retain(|_, (_, c)| c.exp + LEEWAY_SECS >= now);
            if self.by_token.len() >= VERIFIED_CAPACITY {
                self.by_token.clear();
            }
        }
        self.by_token
            .insert(token.to_string(), (realm, claims.clone()));
    }
}

impl TokenKeys {
    /// Keys from an HMAC secret.
    pub fn new(secret: &[u8], issuer: &str, ttl_secs: u64) -> Self {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: issuer.to_string(),
            ttl_secs,
            verified: Arc::default(),
        }
    }

    /// Lifetime of new tokens.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    /// Signs a new access token.
    pub fn issue(
        &self,
        realm: Realm,
        user_id: i64,
        organization_id: i64,
        contractor_id: Option<i64>,
        role: Option<String>,
        session: &str,
    ) -> Result<String, ApiError> {
        let now = now_secs();
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: realm.as_str().to_string(),
            sub: user_id.to_string(),
            exp: now + self.ttl_secs,
            nbf: now,
            iat: now,
            typ: ACCESS_TOKEN_TYPE.to_string(),
            org: organization_id,
            ctr: contractor_id,
            role,
            sid: session.to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    /// Checks signature, algorithm, audience, issuer, time claims and token type.
    pub fn verify(&self, token: &str, realm: Realm) -> Result<Claims, ApiError> {
        self.verify_at(token, realm, now_secs())
    }

    /// [`TokenKeys::verify`] with the clock at `now`: a token verified before is only checked
    /// for expiry again.
    fn verify_at(&self, token: &str, realm: Realm, now: u64) -> Result<Claims, ApiError> {
        let cached = self.remembered().get(token, realm).cloned();
        if let Some(claims) = cached {
            // the same test as jsonwebtoken's: expired once `exp` is more than the leeway ago
            if claims.exp + LEEWAY_SECS < now {
                return Err(token_expired());
            }
            return Ok(claims);
        }
        let claims = self.verify_signed(token, realm)?;
        self.remembered().insert(token, realm, &claims, now);
        Ok(claims)
    }

    /// The remembered tokens. A panic while the lock was held cannot leave them half-updated in
    /// a way that matters (an entry is inserted whole or not at all), so a poisoned lock is
    /// taken over rather than turning the memory off.
    fn remembered(&self) -> std::sync::MutexGuard<'_, VerifiedTokens> {
        self.verified
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The full check of a token not seen before.
    fn verify_signed(&self, token: &str, realm: Realm) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        validation.set_audience(&[realm.as_str()]);
        validation.set_issuer(&[self.issuer.as_str()]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "aud", "iss", "sub"]);
        let data = decode::<Claims>(token, &self.decoding, &validation).map_err(|e| {
            tracing::debug!(error = %e, "access token refused");
            match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => token_expired(),
                _ => invalid_token(),
            }
        })?;
        let claims = data.claims;
        let iat_in_future = claims.iat > now_secs() + LEEWAY_SECS;
        if claims.typ != ACCESS_TOKEN_TYPE || iat_in_future {
            return Err(invalid_token());
        }
        if matches!(realm, Realm::Portal) != claims.ctr.is_some() {
            return Err(invalid_token());
        }
        Ok(claims)
    }
}

/// The 401 for an access token past its expiry.
fn token_expired() -> ApiError {
    ApiError::Unauthorized {
        code: "token_expired",
        detail: "the access token has expired; refresh it",
    }
}

/// The 401 for any token that is not a valid access token of this realm.
pub fn invalid_token() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_token",
        detail: "the access token is missing or invalid",
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(&[7u8; 32], "customer-portal", 600)
    }

    #[test]
    fn a_token_is_valid_only_in_its_own_realm() {
        let k = keys();
        let portal = k
            .issue(Realm::Portal, 1, 2, Some(3), None, "s")
            .expect("sign");
        let claims = k.verify(&portal, Realm::Portal).expect("valid");
        assert_eq!((claims.org, claims.ctr), (2, Some(3)));
        assert!(k.verify(&portal, Realm::Issuer).is_err());
        let issuer = k
            .issue(Realm::Issuer, 1, 2, None, Some("owner".into()), "s")
            .expect("sign");
        assert!(k.verify(&issuer, Realm::Issuer).is_ok());
        assert!(k.verify(&issuer, Realm::Portal).is_err());
    }

    #[test]
    fn a_remembered_token_still_expires_and_stays_in_its_realm() {
        let k = keys();
        let token = k
            .issue(Realm::Portal, 1, 2, Some(3), None, "s")
            .expect("sign");
        let now = now_secs();
        let exp = k.verify_at(&token, Realm::Portal, now).expect("valid").exp;
        // remembered now: the same answer without the signature check, the other realm refused
        assert_eq!(
            k.verify_at(&token, Realm::Portal, now).expect("valid").sid,
            "s"
        );
        assert!(k.verify_at(&token, Realm::Issuer, now).is_err());
        // within the leeway after expiry still valid, then expired with the same code as a
        // token checked from scratch
        assert!(
            k.verify_at(&token, Realm::Portal, exp + LEEWAY_SECS)
                .is_ok()
        );
        match k.verify_at(&token, Realm::Portal, exp + LEEWAY_SECS + 1) {
            Err(ApiError::Unauthorized { code, .. }) => assert_eq!(code, "token_expired"),
            other => panic!("expected token_expired, got {other:?}"),
        }
        // a tampered copy (first character of the signature changed) is not the remembered
        // string: checked, and refused
        let at = token.rfind('.').expect("three parts") + 1;
        let first = if token[at..].starts_with('A') {
            "B"
        } else {
            "A"
        };
        let tampered = format!("{}{first}{}", &token[..at], &token[at + 1..]);
        assert!(k.verify_at(&tampered, Realm::Portal, now).is_err());
    }

    #[test]
    fn the_memory_of_verified_tokens_is_bounded() {
        let k = keys();
        let now = now_secs();
        for i in 0..(VERIFIED_CAPACITY + 10) {
            let token = k
                .issue(Realm::Portal, i as i64, 2, Some(3), None, "s")
                .expect("sign");
            assert!(k.verify_at(&token, Realm::Portal, now).is_ok());
        }
        let remembered = k.remembered().by_token.len();
        assert!(remembered <= VERIFIED_CAPACITY, "{remembered}");
    }

    #[test]
    fn another_key_or_issuer_is_refused() {
        let token = keys()
            .issue(Realm::Portal, 1, 2, Some(3), None, "s")
            .expect("sign");
        assert!(
            TokenKeys::new(&[8u8; 32], "customer-portal", 600)
                .verify(&token, Realm::Portal)
                .is_err()
        );
        assert!(
            TokenKeys::new(&[7u8; 32], "someone-else", 600)
                .verify(&token, Realm::Portal)
                .is_err()
        );
    }
}
