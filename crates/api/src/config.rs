//! Server configuration: built by `main` from flags and environment, or by tests directly.

use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine;
use rand::RngCore;

use crate::auth::client_address::ClientAddressSource;
pub use portal_store::throttle::ThrottlePolicy;

/// Everything `startup::Application::build` needs. Its `Debug` output leaves out the signing
/// key and the database password, so a logged or printed `Settings` leaks neither.
#[derive(Clone)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free one (tests).
    pub addr: String,
    /// `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// Where the SQLite file, the generated signing key and stored files live.
    pub data_dir: PathBuf,
    /// HMAC key for access tokens (at least 32 bytes).
    pub jwt_secret: Vec<u8>,
    /// The `iss` claim of our tokens.
    pub token_issuer: String,
    /// Lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// Lifetime of refresh tokens.
    pub refresh_token_ttl: Duration,
    /// Served over TLS (directly or behind a proxy): Secure cookies with `__Secure-` names, HSTS.
    pub tls: bool,
    /// Where the client's address comes from: the TCP peer, or a forwarding header read from
    /// the right past our own proxies.
    pub client_address: ClientAddressSource,
    /// Login throttling.
    pub throttle: ThrottlePolicy,
    /// Concurrent argon2 computations (the rest wait, then get 503).
    pub hashing_concurrency: usize,
    /// A directory with built single-page apps (`portal.html`, `assets/`) to serve from disk
    /// instead of the ones embedded in the binary (development).
    pub static_dir: Option<PathBuf>,
    /// HTTP worker threads (0 = one per core).
    pub workers: usize,
    /// How long an idle client connection stays open (`PORTAL_KEEP_ALIVE_SECS`, default 75 s).
    /// Longer than the idle timeout of common clients and proxies (Node's 5 s, most load
    /// balancers' 60 s), so that the client, not the server, closes an idle connection: a
    /// server closing one as the client sends on it makes the client's request fail.
    pub keep_alive: Duration,
    /// The most connections of the database pool (`PORTAL_DATABASE_CONNECTIONS`; default 16 on
    /// PostgreSQL, 8 on SQLite). Every process on one PostgreSQL server takes up to this many
    /// plus [`Settings::read_connections`] of its `max_connections` slots.
    pub database_connections: Option<u32>,
    /// The grid's and session check's read connections in all (`PORTAL_READ_CONNECTIONS`;
    /// default four per core).
    pub read_connections: Option<usize>,
    /// The PDF renderer's version, part of the PDF cache key ([`portal_pdf::RENDER_VERSION`]).
    pub pdf_render_version: String,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// Anyone may create an organisation, confirmed by e-mail (`PORTAL_SIGNUP=open`).
    pub signup_open: bool,
    /// Where attachments are stored: `s3://bucket/prefix`, or the local disk under the data
    /// directory when unset.
    pub storage_url: Option<String>,
    /// Options of an S3-compatible store beyond the `AWS_*` variables, as `(aws_endpoint, url)`
    /// pairs (tests point the store at a local server with these).
    pub storage_options: Vec<(String, String)>,
    /// The largest attachment, in bytes.
    pub attachment_max_bytes: usize,
    /// The most attachments on one comment.
    pub attachments_per_comment: usize,
    /// Seals secrets kept in the database (payment providers' keys) with AES-256-GCM:
    /// `PORTAL_SECRETS_KEY` (32 bytes, base64), else a key generated in the data directory.
    pub secrets_key: [u8; 32],
    /// Stripe's API (`PORTAL_STRIPE_API_BASE`; tests and the demo point it at a fake).
    pub stripe_api_base: String,
    /// Webhooks may go to loopback and private addresses (`PORTAL_WEBHOOK_ALLOW_PRIVATE`;
    /// development and tests only).
    pub webhooks_allow_private: bool,
    /// Webhook deliveries this process makes at once (`PORTAL_WEBHOOK_WORKERS`; 0: none, when
    /// other processes deliver).
    pub webhook_workers: usize,
}

/// How mail leaves, and where its links point.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://host:port` (plain; `?tls=required` for STARTTLS) or `smtps://user:pass@host:465`;
    /// `None` writes each mail as an `.eml` file under `<data dir>/mail/` instead of sending it.
    pub smtp_url: Option<String>,
    /// The sender: `Customer portal <portal@example.com>`.
    pub from: String,
    /// The address users reach the portal at, for links in mails (`https://portal.example.com`).
    pub public_url: String,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_password))
            .field("from", &self.from)
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Destructured, so that a new field must be added here (and judged secret or not).
        let Settings {
            addr,
            database_url,
            data_dir,
            jwt_secret: _,
            token_issuer,
            access_token_ttl,
            refresh_token_ttl,
            tls,
            client_address,
            throttle,
            hashing_concurrency,
            static_dir,
            workers,
            keep_alive,
            database_connections,
            read_connections,
            pdf_render_version,
            mail,
            signup_open,
            storage_url,
            storage_options,
            attachment_max_bytes,
            attachments_per_comment,
            secrets_key: _,
            stripe_api_base,
            webhooks_allow_private,
            webhook_workers,
        } = self;
        // Option values may be credentials: only their keys are shown.
        let storage_keys: Vec<&str> = storage_options.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("Settings")
            .field("addr", addr)
            .field("database_url", &redact_password(database_url))
            .field("data_dir", data_dir)
            .field("jwt_secret", &"[redacted]")
            .field("token_issuer", token_issuer)
            .field("access_token_ttl", access_token_ttl)
            .field("refresh_token_ttl", refresh_token_ttl)
            .field("tls", tls)
            .field("client_address", client_address)
            .field("throttle", throttle)
            .field("hashing_concurrency", hashing_concurrency)
            .field("static_dir", static_dir)
            .field("workers", workers)
            .field("keep_alive", keep_alive)
            .field("database_connections", database_connections)
            .field("read_connections", read_connections)
            .field("pdf_render_version", pdf_render_version)
            .field("mail", mail)
            .field("signup_open", signup_open)
            .field("storage_url", storage_url)
            .field("storage_options", &storage_keys)
            .field("attachment_max_bytes", attachment_max_bytes)
            .field("attachments_per_comment", attachments_per_comment)
            .field("secrets_key", &"[redacted]")
            .field("stripe_api_base", stripe_api_base)
            .field("webhooks_allow_private", webhooks_allow_private)
            .field("webhook_workers", webhook_workers)
            .finish()
    }
}

/// The default of [`Settings::keep_alive`].
pub const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(75);

/// A URL with the password of its user part replaced: `postgres://app:[redacted]@db/portal`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:[redacted]@{host}{path}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

impl Settings {
    /// Defaults for a data directory: SQLite file inside it, key from `secret` or the key file.
    pub fn new(
        addr: String,
        database_url: Option<String>,
        data_dir: PathBuf,
        secret: Option<String>,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&data_dir)?;
        let database_url =
            database_url.unwrap_or_else(|| sqlite_url(&data_dir.join("portal.sqlite3")));
        let jwt_secret = match secret {
            Some(s) if s.len() >= 32 => s.into_bytes(),
            Some(_) => anyhow::bail!("PORTAL_JWT_SECRET must have at least 32 characters"),
            None => load_or_create_key(&data_dir.join("jwt-secret"))?,
        };
        let data_dir_for_key = data_dir.join("secrets-key");
        Ok(Settings {
            addr: addr.clone(),
            database_url,
            data_dir,
            jwt_secret,
            token_issuer: "customer-portal".to_string(),
            access_token_ttl: Duration::from_secs(10 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            tls: false,
            client_address: ClientAddressSource::Peer,
            throttle: ThrottlePolicy::default(),
            hashing_concurrency: std::thread::available_parallelism().map_or(2, |n| n.get()),
            static_dir: None,
            workers: 0,
            keep_alive: DEFAULT_KEEP_ALIVE,
            database_connections: None,
            read_connections: None,
            pdf_render_version: portal_pdf::RENDER_VERSION.to_string(),
            mail: MailSettings {
                smtp_url: None,
                from: "Customer portal <portal@localhost>".to_string(),
                public_url: format!("http://{addr}"),
            },
            signup_open: false,
            storage_url: None,
            storage_options: Vec::new(),
            attachment_max_bytes: 10 * 1024 * 1024,
            attachments_per_comment: 5,
            secrets_key: load_or_create_secrets_key(&data_dir_for_key)?,
            stripe_api_base: "https://api.stripe.com".to_string(),
            webhooks_allow_private: false,
            webhook_workers: crate::webhooks::worker::CONCURRENCY,
        })
    }
}

pub use portal_store::sqlite_url;

/// Reads the signing key kept in the data directory, creating it (0600) on first start.
fn load_or_create_key(path: &Path) -> anyhow::Result<Vec<u8>> {
    let engine = base64::engine::general_purpose::STANDARD;
    if let Ok(text) = std::fs::read_to_string(path) {
        let key = engine.decode(text.trim())?;
        anyhow::ensure!(
            key.len() >= 32,
            "{} holds a key shorter than 32 bytes",
            path.display()
        );
        return Ok(key);
    }
    let mut key = vec![0u8; 64];
    rand::rng().fill_bytes(&mut key);
    write_private(path, engine.encode(&key).as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new token signing key");
    Ok(key)
}

/// The key that seals stored secrets: `PORTAL_SECRETS_KEY` when set, else the one kept in the
/// data directory, created (0600) on first start. Losing it loses the sealed secrets (they are
/// entered again), nothing else.
fn load_or_create_secrets_key(path: &Path) -> anyhow::Result<[u8; 32]> {
    let engine = base64::engine::general_purpose::STANDARD;
    let decode = |text: &str, source: &str| -> anyhow::Result<[u8; 32]> {
        let bytes = engine.decode(text.trim())?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map_err(|_| anyhow::anyhow!("{source} must hold 32 bytes, base64-encoded"))
    };
    if let Ok(text) = std::env::var("PORTAL_SECRETS_KEY") {
        return decode(&text, "PORTAL_SECRETS_KEY");
    }
    if let Ok(text) = std::fs::read_to_string(path) {
        return decode(&text, &path.display().to_string());
    }
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    write_private(path, engine.encode(key).as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new key for stored secrets");
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_settings_show_neither_the_signing_key_nor_the_database_password() {
        let dir = std::env::temp_dir().join(format!("settings-{}", uuid::Uuid::new_v4().simple()));
        let secret = "a-signing-key-of-at-least-32-characters-0123";
        let settings = Settings::new(
            "127.0.0.1:0".into(),
            Some("postgres://portal:s3cr%40t-pass@db.internal:5432/portal?sslmode=require".into()),
            dir.clone(),
            Some(secret.into()),
        )
        .expect("settings");
        let printed = format!("{settings:?} {settings:#?}");
        std::fs::remove_dir_all(&dir).ok();
        assert!(!printed.contains("s3cr"), "{printed}");
        assert!(!printed.contains(secret), "{printed}");
        let bytes = format!("{:?}", secret.as_bytes());
        assert!(!printed.contains(&bytes[1..20]), "{printed}");
        assert!(
            printed
                .contains("postgres://portal:[redacted]@db.internal:5432/portal?sslmode=require"),
            "{printed}"
        );
    }

    #[test]
    fn urls_without_a_password_are_printed_as_they_are() {
        for url in [
            "sqlite://data/portal.sqlite3?mode=rwc",
            "postgres://portal@db/portal",
            "postgres://db/portal",
        ] {
            assert_eq!(redact_password(url), url);
        }
        assert_eq!(
            redact_password("smtps://mailer:p@ss:word@smtp.example:465"),
            "smtps://mailer:[redacted]@smtp.example:465"
        );
    }
}
