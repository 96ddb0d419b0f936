//! Outgoing mail: rendered in the recipient's language when it is decided ([`templates`]),
//! queued in the outbox in the same transaction, delivered by the [`worker`] through SMTP — or,
//! with no SMTP server configured, written as `.eml` files under `<data dir>/mail/` so that
//! nothing is sent by accident.

pub mod templates;
pub mod worker;

use std::path::PathBuf;

use lettre::message::header::ContentType;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use portal_store::outbox::{Email, LOGO_MARK};

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
    pub async fn send(
        &self,
        from: &Mailbox,
        email: &Email,
        logo: Option<&Picture>,
        id: i64,
    ) -> Result<(), String> {
        let message = build(from, email, logo, &message_id(from, id, email))?;
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

/// A picture shown in a mail: its media type and bytes.
pub struct Picture {
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// The file.
    pub bytes: Vec<u8>,
}

/// The Content-ID of the logo's inline part.
const LOGO_CID: &str = "logo@portal";

/// The `Message-ID` of outbox message `id`: the same at every attempt, so that a mail sent
/// again after a crash (sent, but not yet marked sent) is one message to the recipient's mail
/// program, which shows it once. The row's number with a digest of its content keeps it unique
/// beyond this database.
fn message_id(from: &Mailbox, id: i64, email: &Email) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("{}\n{}\n{}", email.to, email.subject, email.text).as_bytes(),
    );
    let hex: String = digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("<outbox.{id}.{hex}@{}>", from.email.domain())
}

/// The MIME message: plain text and HTML alternatives, the language declared; with a logo, the
/// HTML shows it from an inline part (no remote image for the mail client to fetch).
fn build(
    from: &Mailbox,
    email: &Email,
    logo: Option<&Picture>,
    message_id: &str,
) -> Result<Message, String> {
    let address = email.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let to = Mailbox::new(email.to_name.clone(), address);
    let builder = Message::builder()
        .message_id(Some(message_id.to_string()))
        .from(from.clone())
        .to(to)
        .subject(email.subject.clone())
        .header(ContentLanguage(email.language.clone()));
    let Some(logo) = logo.filter(|_| email.html.contains(LOGO_MARK)) else {
        return builder
            .multipart(MultiPart::alternative_plain_html(
                email.text.clone(),
                email.html.clone(),
            ))
            .map_err(|e| e.to_string());
    };
    let html = email.html.replacen(
        LOGO_MARK,
        &format!(
            "<p><img src=\"cid:{LOGO_CID}\" alt=\"\" style=\"max-width:200px;max-height:60px\"></p>"
        ),
        1,
    );
    let media_type = ContentType::parse(&logo.media_type).map_err(|e| e.to_string())?;
    builder
        .multipart(
            MultiPart::related()
                .multipart(MultiPart::alternative_plain_html(email.text.clone(), html))
                .singlepart(
                    Attachment::new_inline(LOGO_CID.to_string())
                        .body(logo.bytes.clone(), media_type),
                ),
        )
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
