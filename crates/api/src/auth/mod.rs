//! Authentication: password hashing, access tokens, refresh tokens, throttling and the
//! extractors that hand handlers the caller's scope.

pub mod client_address;
pub mod jwt;
pub mod password;
pub mod refresh;
pub mod session;
pub mod throttle;

pub use jwt::{Realm, TokenKeys};
pub use password::PasswordPool;
pub use session::{IssuerSession, PortalSession, client_info};
