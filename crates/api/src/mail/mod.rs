//! Outgoing mail: rendered in the recipient's language when it is decided ([`templates`]),
//! queued in the outbox in the same transaction, delivered by the [`worker`] through SMTP — or,
//! with no SMTP server configured, written as `.eml` files under `<data dir>/mail/` so that
//! nothing is sent by accident.

pub mod templates;
pub mod worker;

use std::path::PathBuf;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portal_store::outbox::Email;

use crate::config::Settings;

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in this directory.
    Files(PathBuf),
}

impl Transport {
    /// The transport `settings` name: SMTP when a URL is configured, files otherwise.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Transport> {
        match &settings.mail.smtp_url {
            Some(url) => Ok(Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("PORTAL_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build(),
            )),
            None => Ok(Transport::Files(settings.data_dir.join("mail"))),
        }
    }

    /// Delivers one mail from `from`. The error is a message for the outbox's `last_error`.
    pub async fn send(&self, from: &Mailbox, email: &Email, id: i64) -> Result<(), String> {
        let message = build(from, email)?;
        match self {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| e.to_string())?;
                let path = dir.join(format!("{id:08}.eml"));
                tokio::fs::write(&path, message.formatted())
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::info!(path = %path.display(), to = %email.to, "mail written to a file (no SMTP server configured)");
                Ok(())
            }
        }
    }
}

/// The MIME message: plain text and HTML alternatives, the language declared.
fn build(from: &Mailbox, email: &Email) -> Result<Message, String> {
    let address = email.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let to = Mailbox::new(email.to_name.clone(), address);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .header(ContentLanguage(email.language.clone()))
        .multipart(MultiPart::alternative_plain_html(
            email.text.clone(),
            email.html.clone(),
        ))
        .map_err(|e| e.to_string())
}

/// `Content-Language` (RFC 3282): mail clients offer translation and pick fonts by it.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ContentLanguage(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}
