//! Authentication: password hashing, access tokens, refresh tokens, throttling and the
//! extractors that hand handlers the caller's scope.

pub mod api_key;
pub mod client_address;
pub mod jwt;
pub mod password;
pub mod session;
pub mod signin;

pub use jwt::{Realm, TokenKeys};
pub use password::PasswordPool;
pub use session::{IssuerCaller, IssuerSession, PortalSession, client_info};

use chrono::{DateTime, Utc};
use portal_store::throttle::{self, ThrottleKey};
use sea_orm::ConnectionTrait;

use crate::error::ApiError;

/// Refuses with 429 and `Retry-After` when any of `keys` is locked.
pub async fn check_throttle(
    db: &impl ConnectionTrait,
    keys: &[ThrottleKey],
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    match throttle::locked(db, keys, now).await? {
        Some(retry_after_secs) => Err(ApiError::TooManyRequests { retry_after_secs }),
        None => Ok(()),
    }
}

/// The 401 for a refresh token that is missing, unknown, expired or revoked.
pub fn invalid_refresh() -> ApiError {
    ApiError::Unauthorized {
        code: "invalid_refresh_token",
        detail: "the session has ended; sign in again",
    }
}

/// The 401 for a refresh token presented a second time: the session has just been ended.
pub fn refresh_token_reused() -> ApiError {
    ApiError::Unauthorized {
        code: "refresh_token_reused",
        detail: "this refresh token was already used; the session has been ended",
    }
}

/// The 401 for an access token whose login session has ended (logout, password change, token
/// reuse, or the user disabled, deleted or moved).
pub fn session_ended() -> ApiError {
    ApiError::Unauthorized {
        code: "session_ended",
        detail: "the session has ended; sign in again",
    }
}
