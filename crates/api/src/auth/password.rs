//! Password hashing (`portal_store::passwords`) on threads of its own, one per permit of a
//! semaphore, so that a storm of sign-ins cannot take every thread: the excess waits briefly,
//! then gets a 503. The threads run at a lower priority than the HTTP workers (nice 10): when the
//! processor is busy, sign-ins wait for it rather than the grid and everything else
//! (`just bench login-storm` measures the grid beside a storm).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use portal_store::passwords;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// How long a request may wait for a hashing slot before it is told to come back.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// The nice value of the hashing threads (0 is the workers', 19 the lowest priority): CFS gives
/// a thread at 10 about a tenth of the processor time of one at 0 when both want it.
pub const HASHING_NICE: i32 = 10;

/// A hash to compute, and where its answer goes.
type Job = Box<dyn FnOnce() + Send>;

/// A bounded pool for password hashing.
#[derive(Clone)]
pub struct PasswordPool {
    permits: Arc<Semaphore>,
    /// The hashing threads' queue; they end when the last pool handle is dropped.
    jobs: mpsc::Sender<Job>,
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
        let concurrency = concurrency.max(1);
        Ok(PasswordPool {
            permits: Arc::new(Semaphore::new(concurrency)),
            jobs: hashing_threads(concurrency)?,
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
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _permit = permit;
            // A panic is answered as an error (the receiver sees the sender dropped), and the
            // thread lives on for the next sign-in.
            if let Ok(result) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)) {
                let _ = answer.send(result);
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| ApiError::internal("the hashing threads have ended"))?;
        answered
            .await
            .map_err(|_| ApiError::internal("a password hash panicked"))?
    }
}

/// Starts `n` hashing threads at [`HASHING_NICE`], taking jobs from one queue.
fn hashing_threads(n: usize) -> Result<mpsc::Sender<Job>, ApiError> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for i in 0..n {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("portal-argon2-{i}"))
            .spawn(move || {
                lower_priority();
                loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        // every pool handle is gone
                        Err(_) => return,
                    }
                }
            })
            .map_err(ApiError::internal)?;
    }
    Ok(jobs)
}

/// Lowers the calling thread's priority to [`HASHING_NICE`]; where the system refuses, the
/// thread hashes at the workers' priority (and says so once in the log).
fn lower_priority() {
    use thread_priority::{
        NormalThreadSchedulePolicy, ThreadPriority, ThreadPriorityValue, ThreadSchedulePolicy,
        set_thread_priority_and_policy, thread_native_id,
    };
    // thread-priority maps 0..=99 onto nice 19..=-20: 22 is nice 10 (a test reads it back).
    let lowered = ThreadPriorityValue::try_from(22u8)
        .map_err(|e| e.to_string())
        .and_then(|p| {
            set_thread_priority_and_policy(
                thread_native_id(),
                ThreadPriority::Crossplatform(p),
                ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Other),
            )
            .map_err(|e| format!("{e:?}"))
        });
    if let Err(error) = lowered {
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| tracing::warn!(%error, "password hashing runs at normal priority"));
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

    /// The hashing threads run at nice 10, as the kernel reports it (`/proc/self/task/*/stat`,
    /// field 19), and the rest of the process at the nice value it started with.
    #[tokio::test]
    async fn the_hashing_threads_run_at_a_lower_priority() {
        let pool = PasswordPool::new(2).expect("pool");
        // a hash, so both threads have surely started and lowered themselves
        pool.hash("x").await.expect("hash");
        pool.hash("y").await.expect("hash");
        let mut nice_of = std::collections::BTreeMap::new();
        for task in std::fs::read_dir("/proc/self/task").expect("tasks") {
            let path = task.expect("task").path();
            let Ok(stat) = std::fs::read_to_string(path.join("stat")) else {
                continue;
            };
            let (name, rest) = stat
                .split_once(" (")
                .and_then(|(_, s)| s.rsplit_once(')'))
                .expect("stat");
            // fields after the name start at field 3 (state); nice is field 19
            let nice: i32 = rest
                .split_whitespace()
                .nth(19 - 3)
                .and_then(|v| v.parse().ok())
                .expect("nice");
            nice_of.insert(format!("{name} {}", path.display()), nice);
        }
        let hashing: Vec<i32> = nice_of
            .iter()
            .filter(|(k, _)| k.starts_with("portal-argon2"))
            .map(|(_, v)| *v)
            .collect();
        // The rest of the process keeps the nice value it was started with (0, unless the
        // whole run was started niced); a thread cannot be raised above its start by us.
        let others: Vec<i32> = nice_of
            .iter()
            .filter(|(k, _)| !k.starts_with("portal-argon2"))
            .map(|(_, v)| *v)
            .collect();
        let base = others.iter().copied().min().expect("other threads");
        assert!(hashing.len() >= 2, "{nice_of:?}");
        assert!(
            hashing.iter().all(|n| *n == HASHING_NICE.max(base)),
            "{nice_of:?}"
        );
        assert!(others.iter().all(|n| *n == base), "{nice_of:?}");
        assert!(
            base < HASHING_NICE,
            "the run itself is niced to {base}: nothing to tell"
        );
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
