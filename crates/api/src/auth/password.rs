//! Password hashing (`portal_store::passwords`) on the blocking thread pool, behind a semaphore so that a storm
//! of logins cannot take every thread: the excess waits briefly, then gets a 503.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use portal_store::passwords;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// How long a request may wait for a hashing slot before it is told to come back.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// A bounded pool for password hashing.
#[derive(Clone)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    /// A hash of a random password, verified when the user does not exist so that an unknown
    /// username costs as much time as a wrong password.
    dummy_hash: Arc<str>,
    /// Full argon2 verifications run so far; lets tests see that every sign-in attempt, with
    /// or without a user behind it, paid for one.
    verifications: Arc<AtomicU64>,
}

impl PasswordPool {
    /// A pool running at most `concurrency` hashes at once.
    pub fn new(concurrency: usize) -> Result<Self, ApiError> {
        let mut random = [0u8; 24];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut random);
        let dummy = hash_blocking(&random)?;
        Ok(PasswordPool {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
            dummy_hash: dummy.into(),
            verifications: Arc::new(AtomicU64::new(0)),
        })
    }

    /// Hashes a new password to a PHC string.
    pub async fn hash(&self, password: &str) -> Result<String, ApiError> {
        let password = password.as_bytes().to_vec();
        self.run(move || hash_blocking(&password)).await
    }

    /// Verifies `password` against a stored hash, or against the dummy hash when there is no
    /// user (always false then). Takes the same time either way.
    pub async fn verify(&self, password: &str, stored: Option<&str>) -> Result<bool, ApiError> {
        let known = stored.is_some();
        let hash = stored.map_or_else(|| self.dummy_hash.to_string(), str::to_string);
        let password = password.as_bytes().to_vec();
        let counter = self.verifications.clone();
        let matches = self
            .run(move || {
                let matches = passwords::verify(&password, &hash)?;
                counter.fetch_add(1, Ordering::Relaxed);
                Ok(matches)
            })
            .await?;
        Ok(known && matches)
    }

    /// A stored hash no password anybody knows verifies against: for users invited but without a
    /// password yet.
    pub fn unusable_hash(&self) -> String {
        self.dummy_hash.to_string()
    }

    /// How many argon2 verifications this pool has run.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = tokio::time::timeout(QUEUE_WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Unavailable {
                retry_after_secs: 2,
            })?
            .map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(ApiError::internal)?
    }
}

fn hash_blocking(password: &[u8]) -> Result<String, ApiError> {
    Ok(passwords::hash(password)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_the_right_password_only() {
        let pool = PasswordPool::new(2).expect("pool");
        let hash = pool.hash("correct horse").await.expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(
            pool.verify("correct horse", Some(&hash))
                .await
                .expect("verify")
        );
        assert!(
            !pool
                .verify("wrong horse", Some(&hash))
                .await
                .expect("verify")
        );
        assert!(!pool.verify("correct horse", None).await.expect("verify"));
        assert_eq!(pool.verifications(), 3);
    }

    /// An unknown user is checked against a hash with exactly the parameters of a real one, so
    /// the verification costs the same memory and passes: the time cannot tell them apart.
    #[tokio::test]
    async fn the_dummy_hash_costs_what_a_real_hash_costs() {
        let pool = PasswordPool::new(1).expect("pool");
        let real = pool.hash("some password").await.expect("hash");
        let params = |phc: &str| phc.rsplitn(3, '$').nth(2).map(str::to_string);
        assert_eq!(params(&pool.dummy_hash), params(&real));
        assert_eq!(
            params(&real).as_deref(),
            Some("$argon2id$v=19$m=19456,t=2,p=1")
        );
    }
}
