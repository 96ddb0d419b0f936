//! A real S3-compatible server on loopback for a test: moto's server mode (PyPI `moto[server]`,
//! installed by `scripts/cargo-test` into a virtual environment; its path in
//! `PORTAL_TEST_MOTO`). Used when `PORTAL_TEST_STORAGE=s3`; stopped with the test.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running moto server with one empty bucket.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// The bucket made for the test.
    pub bucket: String,
}

/// Whether this run stores attachments in S3 (`PORTAL_TEST_STORAGE=s3`) or on the local disk.
pub fn wanted() -> bool {
    match std::env::var("PORTAL_TEST_STORAGE").as_deref() {
        Ok("s3") => true,
        Ok("local") | Err(_) => false,
        Ok(other) => panic!("PORTAL_TEST_STORAGE must be local or s3, not {other}"),
    }
}

impl S3Server {
    /// Starts moto on a free port and creates a bucket; panics with what to do when moto is
    /// not installed (never skips).
    pub async fn start() -> S3Server {
        let moto = std::env::var("PORTAL_TEST_MOTO").unwrap_or_else(|_| {
            panic!("PORTAL_TEST_STORAGE=s3 needs moto: run through scripts/cargo-test (it installs it) or set PORTAL_TEST_MOTO to moto_server")
        });
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            listener.local_addr().expect("address").port()
        };
        let child = Command::new(&moto)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {moto}: {e}"));
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
            bucket: format!("portal-{}", uuid::Uuid::new_v4().simple()),
        };
        let http = reqwest::Client::new();
        let started = Instant::now();
        loop {
            // moto takes any credentials and needs no signature for this.
            match http
                .put(format!("{}/{}", server.endpoint, server.bucket))
                .send()
                .await
            {
                Ok(r) if r.status().is_success() => break,
                Ok(r) => panic!("moto refused to create the bucket: {}", r.status()),
                Err(_) if started.elapsed() < Duration::from_secs(30) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("moto did not start within 30 s: {e}"),
            }
        }
        server
    }

    /// The storage settings that point a server at this bucket.
    pub fn configure(&self, settings: &mut portal_api::config::Settings) {
        point_at(settings, &self.endpoint, &self.bucket);
    }
}

/// Settings that keep attachments in `bucket` of the S3-compatible server at `endpoint`.
pub fn point_at(settings: &mut portal_api::config::Settings, endpoint: &str, bucket: &str) {
    settings.storage_url = Some(format!("s3://{bucket}/attachments-test"));
    settings.storage_options = [
        ("aws_endpoint", endpoint),
        ("aws_allow_http", "true"),
        ("aws_access_key_id", "test"),
        ("aws_secret_access_key", "test"),
        ("aws_region", "us-east-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
