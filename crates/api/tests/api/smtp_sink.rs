//! A real SMTP server on loopback for the tests: it speaks enough of RFC 5321 for a real client
//! (the server's lettre) to deliver to it, keeps every message, and lets a test wait for them.
//! Messages are read back with mail-parser, a parser independent of the code that wrote them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// `MAIL FROM`.
    pub from: String,
    /// `RCPT TO`, each.
    pub to: Vec<String>,
    /// The message (after dot-unstuffing).
    pub data: Vec<u8>,
}

impl Received {
    /// The header `name`, decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        let message = mail_parser::MessageParser::default().parse(&self.data)?;
        message
            .header(name)
            .and_then(|h| h.as_text().map(str::to_string))
    }

    /// The subject, decoded.
    pub fn subject(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .and_then(|m| m.subject().map(str::to_string))
            .unwrap_or_default()
    }

    /// The plain-text body, decoded.
    pub fn text(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }

    /// The HTML body, decoded.
    pub fn html(&self) -> String {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .and_then(|m| m.body_html(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }

    /// The first link in the text body that starts with `prefix`'s path (any host).
    pub fn link(&self, path: &str) -> Option<String> {
        self.text()
            .split_whitespace()
            .find(|w| w.starts_with("http") && w.contains(path))
            .map(str::to_string)
    }
}

/// The running server.
#[derive(Clone)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `PORTAL_SMTP_URL`.
    pub url: String,
    messages: Arc<Mutex<Vec<Received>>>,
    arrived: Arc<Notify>,
    /// Messages still to turn away with a temporary failure (451).
    refuse: Arc<std::sync::atomic::AtomicUsize>,
}

impl SmtpSink {
    /// Listens on a free loopback port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let sink = SmtpSink {
            url: format!("smtp://127.0.0.1:{port}"),
            messages: Arc::default(),
            arrived: Arc::default(),
            refuse: Arc::default(),
        };
        let server = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let server = server.clone();
                tokio::spawn(async move {
                    let _ = server.session(socket).await;
                });
            }
        });
        sink
    }

    async fn session(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        write.write_all(b"220 sink ESMTP\r\n").await?;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let command = line.trim_end().to_string();
            let verb = command
                .split([' ', ':'])
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            match verb.as_str() {
                "EHLO" => write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?,
                "HELO" | "NOOP" => write.write_all(b"250 OK\r\n").await?,
                "RSET" => {
                    (from, to) = (String::new(), Vec::new());
                    write.write_all(b"250 OK\r\n").await?;
                }
                "MAIL" => {
                    from = address(&command);
                    write.write_all(b"250 OK\r\n").await?;
                }
                "RCPT" => {
                    to.push(address(&command));
                    write.write_all(b"250 OK\r\n").await?;
                }
                "DATA" => {
                    write.write_all(b"354 go ahead\r\n").await?;
                    let mut data = Vec::new();
                    loop {
                        let mut raw = Vec::new();
                        if lines.read_until(b'\n', &mut raw).await? == 0 {
                            return Ok(());
                        }
                        if raw == b".\r\n" || raw == b".\n" {
                            break;
                        }
                        let unstuffed = raw.strip_prefix(b".").unwrap_or(&raw);
                        data.extend_from_slice(unstuffed);
                    }
                    let refused = self
                        .refuse
                        .fetch_update(
                            std::sync::atomic::Ordering::SeqCst,
                            std::sync::atomic::Ordering::SeqCst,
                            |n| n.checked_sub(1),
                        )
                        .is_ok();
                    if refused {
                        (from, to) = (String::new(), Vec::new());
                        write.write_all(b"451 4.3.0 try again later\r\n").await?;
                        continue;
                    }
                    self.messages.lock().expect("lock").push(Received {
                        from: std::mem::take(&mut from),
                        to: std::mem::take(&mut to),
                        data,
                    });
                    self.arrived.notify_waiters();
                    write.write_all(b"250 queued\r\n").await?;
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => write.write_all(b"502 not implemented\r\n").await?,
            }
        }
    }

    /// Turns away the next `n` messages with a temporary failure, as a busy server does.
    pub fn refuse_next(&self, n: usize) {
        self.refuse.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().expect("lock").clone()
    }

    /// Waits (up to ten seconds) until at least `n` messages arrived, and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let notified = self.arrived.notified();
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("expected {n} mails, got {}: {got:#?}", got.len());
            }
        }
    }

    /// The messages sent to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect()
    }
}

fn address(command: &str) -> String {
    command
        .split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(a, _)| a.to_string())
        .unwrap_or_default()
}
