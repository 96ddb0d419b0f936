//! Drains the outbox inside `portal serve`: claims one due message at a time
//! (`portal_store::outbox::claim`, exactly one process gets each), delivers it and records the
//! outcome, with back-off on failure. It wakes when this process queues a message and otherwise
//! looks every second, so messages queued by another process go out too.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use portal_store::events::{self, Actor, NewEvent};
use portal_store::issuer::IssuerScope;
use portal_store::issuer::profile;
use portal_store::outbox::{self, Claimed, Email, MailAbout};
use portal_store::sessions::ClientInfo;
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;

use super::{Picture, Transport};

/// How often an idle worker looks for due messages queued by other processes.
const POLL: Duration = Duration::from_secs(1);

/// A handle to wake the worker after queuing a message.
#[derive(Clone, Default)]
pub struct OutboxSignal(Arc<Notify>);

impl OutboxSignal {
    /// Wakes the worker (call after the queuing transaction committed).
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// The outbox worker of one process.
pub struct Worker {
    /// The database.
    pub db: DatabaseConnection,
    /// Where mail goes.
    pub transport: Transport,
    /// The sender of every mail.
    pub from: Mailbox,
    /// Wakes the worker early.
    pub signal: OutboxSignal,
}

impl Worker {
    /// Runs until the process ends.
    pub async fn run(self) {
        loop {
            match self.deliver_due().await {
                Ok(()) => {}
                Err(e) => tracing::warn!(error = %e, "outbox: cannot reach the database"),
            }
            tokio::select! {
                () = self.signal.0.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Delivers every message that is due now.
    pub async fn deliver_due(&self) -> Result<(), portal_store::StoreError> {
        while let Some(claimed) = outbox::claim(&self.db, portal_store::now()).await? {
            let outcome = self.deliver(&claimed).await;
            let now = portal_store::now();
            match outcome {
                Ok(about) => {
                    // Marked sent and recorded in the trail together: a crash leaves both or
                    // neither (then the mail goes again, as any unmarked delivery does).
                    let txn = portal_store::begin_write(&self.db).await?;
                    outbox::mark_sent(&txn, claimed.id, now).await?;
                    if let Some((about, to)) = about {
                        events::record(
                            &txn,
                            NewEvent {
                                organization_id: about.organization_id,
                                contractor_id: Some(about.contractor_id),
                                document_id: Some(about.document_id),
                                actor: Actor::System,
                                kind: "mailed",
                                client: &ClientInfo::default(),
                                details: Some(serde_json::json!({ "to": to })),
                            },
                        )
                        .await?;
                    }
                    txn.commit().await?;
                }
                Err(error) => {
                    tracing::warn!(id = claimed.id, attempts = claimed.attempts, %error, "outbox: delivery failed");
                    outbox::mark_failed_attempt(&self.db, &claimed, &error, now).await?;
                }
            }
        }
        Ok(())
    }

    /// Delivers one message; for a mail about a document, answers which and to whom.
    async fn deliver(&self, claimed: &Claimed) -> Result<Option<(MailAbout, String)>, String> {
        match claimed.kind.as_str() {
            "email" => {
                let email: Email = serde_json::from_str(&claimed.payload)
                    .map_err(|e| format!("unreadable payload: {e}"))?;
                let logo = match email.logo {
                    Some(l) => {
                        profile::logo(&self.db, IssuerScope::new(l.organization_id), l.logo_id)
                            .await
                            .map_err(|e| format!("the logo cannot be read: {e}"))?
                            .map(|found| Picture {
                                media_type: found.media_type,
                                bytes: found.bytes,
                            })
                    }
                    None => None,
                };
                self.transport
                    .send(&self.from, &email, logo.as_ref(), claimed.id)
                    .await?;
                Ok(email.about.map(|about| (about, email.to)))
            }
            other => Err(format!("no delivery for outbox messages of kind {other}")),
        }
    }
}
