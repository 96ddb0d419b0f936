//! Outgoing webhooks, end to end: a real receiver (scripts/webhook-receiver.py) verifies each
//! delivery with the Standard Webhooks reference library from PyPI, not with our code; the
//! payloads are compared with amounts computed here by hand.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{DateTime, Days, Utc};
use portal_client::Client;
use portal_types::{
    DocumentType, LineInput, NewDocument, NewPayment, NewWebhookEndpoint, PaymentMethod,
    WebhookEndpointUpdate,
};
use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, api_error, spawn_app, spawn_app_with};

/// The receiver, stopped with the test.
struct Receiver {
    child: Child,
    url: String,
    http: reqwest::Client,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Receiver {
    fn start() -> Receiver {
        let python = std::env::var("PORTAL_TEST_STRIPE_PYTHON").expect(
            "PORTAL_TEST_STRIPE_PYTHON names a Python with the `standardwebhooks` package: run \
             the tests through ./scripts/cargo-test, which installs it",
        );
        let mut child = Command::new(python)
            .arg(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../scripts/webhook-receiver.py"
            ))
            .stdout(Stdio::piped())
            .spawn()
            .expect("the receiver starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the receiver's port");
        Receiver {
            url: format!("http://127.0.0.1:{}", line.trim()),
            child,
            http: reqwest::Client::new(),
        }
    }

    async fn configure(&self, config: Value) {
        self.http
            .put(format!("{}/_config", self.url))
            .json(&config)
            .send()
            .await
            .expect("configured");
    }

    async fn received(&self) -> Vec<Value> {
        self.http
            .get(format!("{}/_received", self.url))
            .send()
            .await
            .expect("asked")
            .json()
            .await
            .expect("json")
    }

    /// Waits until the receiver has had `n` requests (at most 20 s).
    async fn wait_for(&self, n: usize) -> Vec<Value> {
        for _ in 0..200 {
            let got = self.received().await;
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the receiver got {:?}", self.received().await);
    }
}

async fn private_app() -> TestApp {
    spawn_app_with(|s| s.webhooks_allow_private = true).await
}

fn events(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_owned()).collect()
}

async fn endpoint(owner: &Client, receiver: &Receiver, names: &[&str]) -> (i64, String) {
    let created = owner
        .create_webhook(&NewWebhookEndpoint {
            url: format!("{}/hook", receiver.url),
            events: events(names),
            description: Some("Accounting".into()),
        })
        .await
        .expect("registered");
    receiver
        .configure(json!({ "secrets": [created.secret.clone()] }))
        .await;
    (created.endpoint.id, created.secret)
}

async fn acme(owner: &Client) -> i64 {
    let page = owner
        .contractors(&[("q", "Acme")])
        .await
        .expect("contractors");
    page.items[0].id
}

/// A draft of 3 × 333.33 at 19 % VAT (total 1,189.99: 999.99 + 190.00), issued.
async fn issued_invoice(owner: &Client, contractor_id: i64) -> (i64, String) {
    let today = Utc::now().date_naive();
    let draft = owner
        .create_document(&NewDocument {
            contractor_id,
            doc_type: DocumentType::Invoice,
            currency: Some("EUR".into()),
            issue_date: Some(today),
            due_date: Some(today + Days::new(14)),
            lines: vec![LineInput {
                description: "Consulting".into(),
                quantity: "3".into(),
                unit: "h".into(),
                unit_price: "333.33".into(),
                discount_percent: None,
                vat_rate: "19".into(),
            }],
            notes: None,
            related_document_id: None,
        })
        .await
        .expect("draft");
    let issued = owner
        .document_action(draft.row.id, "issue")
        .await
        .expect("issued");
    (issued.row.id, issued.row.number.expect("a number"))
}

/// The status and the `field:code` of each field error of a refused request.
fn refused(result: Result<impl std::fmt::Debug, portal_client::ClientError>) -> (u16, Vec<String>) {
    match result {
        Err(portal_client::ClientError::Api {
            status, problem, ..
        }) => (
            status,
            problem
                .errors
                .into_iter()
                .map(|e| format!("{}:{}", e.field, e.code))
                .collect(),
        ),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn body(delivery: &Value) -> Value {
    serde_json::from_str(delivery["body"].as_str().expect("body")).expect("json body")
}

#[tokio::test]
async fn issued_paid_and_viewed_documents_reach_the_receiver_signed_as_the_reference_library_verifies()
 {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, _) = endpoint(
        &owner,
        &receiver,
        &["document.issued", "payment.recorded", "document.viewed"],
    )
    .await;
    let contractor = acme(&owner).await;
    let (doc, number) = issued_invoice(&owner, contractor).await;
    owner
        .record_payment(
            doc,
            &NewPayment {
                amount: "189.99".into(),
                date: None,
                method: PaymentMethod::BankTransfer,
                reference: None,
            },
            None,
        )
        .await
        .expect("paid in part");
    app.portal_client("acme")
        .await
        .portal_document(doc)
        .await
        .expect("viewed");
    let got = receiver.wait_for(3).await;
    let mut types: Vec<String> = Vec::new();
    for delivery in &got {
        assert_eq!(delivery["verified_with"], json!([0]), "{delivery}");
        assert_eq!(delivery["answered"], 200);
        let event = body(delivery);
        // The body is what the OpenAPI document says it is.
        let typed: portal_types::WebhookEvent =
            serde_json::from_value(event.clone()).expect("a WebhookEvent");
        assert_eq!(typed.data.document.map(|d| d.id), Some(doc));
        assert_eq!(event["version"], 1);
        assert_eq!(event["data"]["document"]["number"], number.as_str());
        assert_eq!(event["data"]["document"]["total"], "1189.99");
        assert_eq!(event["data"]["contractor_id"], contractor);
        let t = event["type"].as_str().expect("type").to_owned();
        match t.as_str() {
            "document.issued" => {
                assert_eq!(event["data"]["actor"]["type"], "staff_user");
            }
            "payment.recorded" => {
                assert_eq!(event["data"]["payment"]["amount"], "189.99");
                assert_eq!(event["data"]["payment"]["currency"], "EUR");
                assert_eq!(event["data"]["document"]["remaining"], "1000.00");
            }
            "document.viewed" => {
                assert_eq!(event["data"]["actor"]["type"], "portal_user");
            }
            other => panic!("unexpected {other}"),
        }
        types.push(t);
    }
    types.sort();
    assert_eq!(
        types,
        ["document.issued", "document.viewed", "payment.recorded"]
    );
    let ids: std::collections::HashSet<&str> =
        got.iter().map(|d| d["id"].as_str().expect("id")).collect();
    assert_eq!(ids.len(), 3, "each message has its own webhook-id");

    // The log says what the receiver saw.
    let log = owner
        .webhook_deliveries(hook, 1, 50)
        .await
        .expect("the log");
    assert_eq!(log.total, 3);
    for d in &log.items {
        assert_eq!(
            (d.status.as_str(), d.attempts, d.last_status),
            ("succeeded", 1, Some(200))
        );
        assert!(ids.contains(d.message_id.as_str()));
    }
    let detail = owner
        .webhook_delivery(hook, log.items[0].id)
        .await
        .expect("one delivery");
    let sent = got
        .iter()
        .find(|d| d["id"] == detail.delivery.message_id.as_str())
        .expect("received");
    assert_eq!(detail.payload, sent["body"].as_str().expect("body"));
    assert_eq!(detail.attempt_log.len(), 1);
    assert_eq!(detail.attempt_log[0].response_status, Some(200));
    assert_eq!(
        detail.attempt_log[0].response_body.as_deref(),
        Some("receiver says 200")
    );

    // An event the endpoint does not subscribe to is not sent: a second invoice's issue is,
    // its cancellation is not.
    let (second, _) = issued_invoice(&owner, contractor).await;
    owner
        .document_action(second, "cancel")
        .await
        .expect("cancelled");
    receiver.wait_for(4).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got = receiver.received().await;
    assert_eq!(got.len(), 4);
    assert_eq!(body(&got[3])["type"], "document.issued");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM webhook_messages")
            .await,
        4
    );
}

#[tokio::test]
async fn a_failing_receiver_is_retried_on_the_schedule_and_every_attempt_is_logged() {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, _) = endpoint(&owner, &receiver, &["document.issued"]).await;
    receiver.configure(json!({ "fail_first": 2 })).await;
    let queued = owner.test_webhook(hook).await.expect("test queued");
    assert_eq!(queued.event_type, "webhook.test");

    // The first attempt fails; the next is due 5 s later (±10 %).
    receiver.wait_for(1).await;
    let first = wait_attempts(&owner, hook, queued.id, 1).await;
    assert_eq!(first.delivery.status, "pending");
    assert_eq!(first.delivery.last_status, Some(500));
    let gap = gap_secs(&first);
    assert!((4.4..=5.6).contains(&gap), "{gap}");

    // The second fails after about 5 s; the next is due 5 min later (±10 %).
    receiver.wait_for(2).await;
    let second = wait_attempts(&owner, hook, queued.id, 2).await;
    let gap = gap_secs(&second);
    assert!((269.0..=331.0).contains(&gap), "{gap}");
    let waited =
        (second.attempt_log[1].started_at - second.attempt_log[0].started_at).num_milliseconds();
    assert!((4_400..=7_000).contains(&waited), "{waited} ms");

    // Five minutes pass (the test moves the due time), and the third is accepted.
    app.db
        .execute_unprepared("UPDATE webhook_deliveries SET next_attempt_at = created_at")
        .await
        .expect("due now");
    let got = receiver.wait_for(3).await;
    let third = wait_attempts(&owner, hook, queued.id, 3).await;
    assert_eq!(third.delivery.status, "succeeded");
    assert_eq!(third.delivery.next_attempt_at, None);
    let statuses: Vec<Option<i32>> = third
        .attempt_log
        .iter()
        .map(|a| a.response_status)
        .collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
    // One message: the same webhook-id every time, a fresh timestamp and signature each.
    assert!(got.iter().all(|d| d["id"] == got[0]["id"]));
    assert!(got.iter().all(|d| d["verified_with"] == json!([0])));
    assert_eq!(body(&got[2])["type"], "webhook.test");

    // A resend is a new delivery of the same message.
    let resent = owner
        .resend_webhook_delivery(hook, queued.id)
        .await
        .expect("resent");
    assert_ne!(resent.id, queued.id);
    assert_eq!(resent.message_id, third.delivery.message_id);
    let got = receiver.wait_for(4).await;
    assert_eq!(got[3]["id"], got[0]["id"]);
    assert_eq!(got[3]["answered"], 200);
}

async fn wait_attempts(
    owner: &Client,
    hook: i64,
    delivery: i64,
    n: usize,
) -> portal_types::WebhookDeliveryDetail {
    for _ in 0..100 {
        let d = owner
            .webhook_delivery(hook, delivery)
            .await
            .expect("delivery");
        if d.attempt_log.len() >= n && d.delivery.attempts as usize >= n {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no attempt {n}");
}

/// Seconds from the last attempt's start to the next one's due time.
fn gap_secs(d: &portal_types::WebhookDeliveryDetail) -> f64 {
    let last: DateTime<Utc> = d.attempt_log.last().expect("an attempt").started_at;
    let next = d.delivery.next_attempt_at.expect("due again");
    (next - last).num_milliseconds() as f64 / 1000.0
}

#[tokio::test]
async fn a_receiver_that_answers_gone_is_disabled_its_owner_told_and_it_waits_until_enabled() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let smtp = sink.url.clone();
    let app = spawn_app_with(move |s| {
        s.webhooks_allow_private = true;
        s.mail.smtp_url = Some(smtp);
    })
    .await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, _) = endpoint(&owner, &receiver, &["document.issued"]).await;
    receiver.configure(json!({ "status": 410 })).await;
    let queued = owner.test_webhook(hook).await.expect("queued");
    receiver.wait_for(1).await;
    let detail = wait_attempts(&owner, hook, queued.id, 1).await;
    assert_eq!(detail.delivery.status, "failed");
    let listed = owner.webhooks().await.expect("list");
    assert_eq!(listed.items[0].status, "disabled");
    assert_eq!(listed.items[0].disabled_reason.as_deref(), Some("gone"));
    // The owner is told, in the organisation's language, with the address and the reason.
    let mails = sink.wait_for(1).await;
    let told: Vec<_> = mails
        .iter()
        .filter(|m| m.text().contains(&receiver.url) && m.text().contains("410 Gone"))
        .collect();
    assert_eq!(
        told.len(),
        1,
        "{:?}",
        mails.iter().map(|m| m.subject()).collect::<Vec<_>>()
    );
    assert_eq!(told[0].to, [portal_store::demo::OWNER_EMAIL]);
    // Disabled: a new test waits, nothing goes out.
    receiver.configure(json!({ "status": null })).await;
    let waiting = owner.test_webhook(hook).await.expect("queued");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(receiver.received().await.len(), 1);
    // Enabled again, what waited goes at once.
    let enabled = owner
        .update_webhook(
            hook,
            &WebhookEndpointUpdate {
                enabled: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("enabled");
    assert_eq!(
        (enabled.status.as_str(), enabled.disabled_reason),
        ("enabled", None)
    );
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1]["answered"], 200);
    let done = wait_attempts(&owner, hook, waiting.id, 1).await;
    assert_eq!(done.delivery.status, "succeeded");
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_for_a_day() {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, old) = endpoint(&owner, &receiver, &["document.issued"]).await;
    let rotated = owner.rotate_webhook_secret(hook).await.expect("rotated");
    assert_ne!(rotated.secret, old);
    let day = (rotated.previous_secret_expires_at - Utc::now()).num_minutes();
    assert!((1435..=1440).contains(&day), "{day}");
    receiver
        .configure(json!({ "secrets": [old, rotated.secret] }))
        .await;
    owner.test_webhook(hook).await.expect("queued");
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0]["signatures"].as_array().expect("list").len(), 2);
    assert_eq!(got[0]["verified_with"], json!([0, 1]));
    // The secret is stored sealed, not as text.
    let listed = owner.webhooks().await.expect("list");
    assert_eq!(
        listed.items[0].previous_secret_expires_at,
        Some(rotated.previous_secret_expires_at)
    );
    let leaked = app
        .scalar(&format!(
            "SELECT COUNT(*) AS n FROM webhook_endpoints WHERE {} LIKE '%whsec_%'",
            match app.db.get_database_backend() {
                sea_orm::DbBackend::Postgres => "encode(secret, 'escape')",
                _ => "CAST(secret AS TEXT)",
            }
        ))
        .await;
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn internal_addresses_are_refused_unless_private_targets_are_allowed() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    for (url, code) in [
        ("https://127.0.0.1/hook", "forbidden_address"),
        ("https://10.0.0.1/hook", "forbidden_address"),
        (
            "https://169.254.169.254/latest/meta-data/",
            "forbidden_address",
        ),
        ("https://[::ffff:a9fe:a9fe]/", "forbidden_address"),
        ("https://2130706433/hook", "forbidden_address"),
        ("https://localhost/hook", "forbidden_address"),
        ("http://203.0.114.1/hook", "invalid_url"),
        ("https://user:pw@203.0.114.1/hook", "invalid_url"),
        ("nonsense", "invalid_url"),
    ] {
        let result = owner
            .create_webhook(&NewWebhookEndpoint {
                url: url.into(),
                events: events(&["document.issued"]),
                description: None,
            })
            .await;
        let (status, fields) = refused(result);
        assert_eq!(status, 422, "{url}");
        assert_eq!(fields, [format!("url:{code}")], "{url}");
    }
    assert_eq!(owner.webhooks().await.expect("list").total, 0);
    // Unknown and missing events name their field.
    let (status, fields) = refused(
        owner
            .create_webhook(&NewWebhookEndpoint {
                url: "https://203.0.114.1/hook".into(),
                events: events(&["document.issued", "invoice.paid"]),
                description: None,
            })
            .await,
    );
    assert_eq!(
        (status, fields),
        (422, vec!["events[1]:invalid_value".to_owned()])
    );
}

#[tokio::test]
async fn endpoints_and_deliveries_stay_inside_their_organisation_and_role() {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, _) = endpoint(&owner, &receiver, &["document.issued"]).await;
    let queued = owner.test_webhook(hook).await.expect("queued");
    receiver.wait_for(1).await;
    let rival = app.rival_owner().await;
    assert_eq!(rival.webhooks().await.expect("their list").total, 0);
    let d = queued.id;
    for (method, path) in [
        (Method::GET, format!("/webhooks/{hook}")),
        (Method::PATCH, format!("/webhooks/{hook}")),
        (Method::DELETE, format!("/webhooks/{hook}")),
        (Method::POST, format!("/webhooks/{hook}/rotate-secret")),
        (Method::POST, format!("/webhooks/{hook}/test")),
        (Method::GET, format!("/webhooks/{hook}/deliveries")),
        (Method::GET, format!("/webhooks/{hook}/deliveries/{d}")),
        (
            Method::POST,
            format!("/webhooks/{hook}/deliveries/{d}/resend"),
        ),
    ] {
        let mut request = rival.request(method.clone(), &format!("/api/v1/issuer{path}"));
        if method == Method::PATCH {
            request = request.json(&json!({ "enabled": false }));
        }
        let status = request.send().await.expect("sent").status().as_u16();
        assert_eq!(status, 404, "{method} {path}");
    }
    // Nothing of theirs changed, and no second test went out.
    assert_eq!(
        owner.webhooks().await.expect("list").items[0].status,
        "enabled"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(receiver.received().await.len(), 1);
    // Roles without settings rights, and customers, are kept out.
    for role in ["accountant", "sales"] {
        let staff = app.staff_client(role).await;
        let (status, _, _) = api_error(staff.webhooks().await);
        assert_eq!(status, 403, "{role}");
    }
    let customer = app.portal_client("acme").await;
    let status = customer
        .request(Method::GET, "/api/v1/issuer/webhooks")
        .send()
        .await
        .expect("sent")
        .status()
        .as_u16();
    assert_eq!(status, 401);
}

#[tokio::test]
async fn an_endpoint_failing_for_two_days_is_disabled_when_a_delivery_is_given_up() {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, _) = endpoint(&owner, &receiver, &["document.issued"]).await;
    receiver.configure(json!({ "status": 500 })).await;
    let queued = owner.test_webhook(hook).await.expect("queued");
    receiver.wait_for(1).await;
    let first = wait_attempts(&owner, hook, queued.id, 1).await;
    assert_eq!(first.delivery.status, "pending");
    assert!(
        owner.webhooks().await.expect("list").items[0]
            .failing_since
            .is_some()
    );
    // Three days on: the endpoint has failed since then and this delivery is at its last try.
    let backend = app.db.get_database_backend();
    app.db
        .execute_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            "UPDATE webhook_endpoints SET failing_since = $1",
            [(Utc::now() - chrono::Duration::days(3)).into()],
        ))
        .await
        .expect("failing for three days");
    app.db
        .execute_unprepared(
            "UPDATE webhook_deliveries SET attempts = 11, next_attempt_at = created_at",
        )
        .await
        .expect("at the last try");
    receiver.wait_for(2).await;
    let last = wait_attempts(&owner, hook, queued.id, 2).await;
    assert_eq!(
        (last.delivery.status.as_str(), last.delivery.attempts),
        ("failed", 12)
    );
    let listed = owner.webhooks().await.expect("list");
    assert_eq!(
        (
            listed.items[0].status.as_str(),
            listed.items[0].disabled_reason.as_deref()
        ),
        ("disabled", Some("failing"))
    );
}

/// Runs the guide's verification code in `program` (`python3` or `node`) on one delivery.
fn guide_says(program: &str, file: &str, secret: &str, delivery: &Value, body: &str) -> String {
    let headers = json!({
        "webhook-id": delivery["id"],
        "webhook-timestamp": delivery["timestamp"],
        "webhook-signature": delivery["signatures"]
            .as_array()
            .expect("signatures")
            .iter()
            .map(|s| s.as_str().expect("text"))
            .collect::<Vec<_>>()
            .join(" "),
    });
    let dir = std::env::temp_dir().join(format!("guide-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let input = dir.join("delivery.json");
    let data = json!({ "secret": secret, "headers": headers, "body": body });
    std::fs::write(&input, data.to_string()).expect("written");
    let script = format!("{}/../../openapi/guide/{file}", env!("CARGO_MANIFEST_DIR"));
    let output = Command::new(program)
        .arg(&script)
        .arg(&input)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs ({e}): the tests need python3 and node"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "{program} {file}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The guide's code (Python, JavaScript, and the client crate's `verify` for Rust) accepts
/// real deliveries — with one signature, and with two after a rotation, by either secret — and
/// refuses a changed body or another secret.
#[tokio::test]
async fn the_guides_verification_code_accepts_real_deliveries_and_refuses_changed_ones() {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, old) = endpoint(&owner, &receiver, &["document.issued"]).await;
    owner.test_webhook(hook).await.expect("queued");
    receiver.wait_for(1).await;
    let new = owner
        .rotate_webhook_secret(hook)
        .await
        .expect("rotated")
        .secret;
    owner.test_webhook(hook).await.expect("queued");
    let got = receiver.wait_for(2).await;
    let other = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
    let cases = [
        (&got[0], old.as_str(), true),
        (&got[0], new.as_str(), false),
        (&got[1], new.as_str(), true),
        (&got[1], old.as_str(), true),
        (&got[1], other, false),
    ];
    for (delivery, secret, accepted) in cases {
        let body = delivery["body"].as_str().expect("body");
        let changed = body.replacen("webhook.test", "webhook.tost", 1);
        for (text, expected) in [(body, accepted), (changed.as_str(), false)] {
            let want = if expected { "ok" } else { "refused" };
            assert_eq!(
                guide_says("python3", "verify_webhook.py", secret, delivery, text),
                want
            );
            assert_eq!(
                guide_says("node", "verify_webhook.mjs", secret, delivery, text),
                want
            );
            let signatures = delivery["signatures"]
                .as_array()
                .expect("signatures")
                .iter()
                .map(|s| s.as_str().expect("text"))
                .collect::<Vec<_>>()
                .join(" ");
            let rust = portal_client::webhooks::verify(
                secret,
                delivery["id"].as_str().expect("id"),
                delivery["timestamp"].as_str().expect("timestamp"),
                &signatures,
                text.as_bytes(),
                Utc::now().timestamp(),
            );
            assert_eq!(rust.is_ok(), expected, "{rust:?}");
        }
    }
}

/// `portal serve` processes of this build, killed with the test.
struct Servers(Vec<Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// 10,000 events, delivered by two `portal serve` processes (four delivery loops each) sharing
/// the database, to a receiver that fails 30 % of its requests at random (no event more than
/// five times, so that none exhausts its twelve attempts by chance): every event is
/// accepted exactly once — none lost, none accepted twice — every attempt is in the log, and
/// every request verifies. The test moves retries due in minutes or hours to now (only rows no
/// worker holds), so the schedule's later steps run in seconds.
#[tokio::test]
async fn ten_thousand_events_through_two_server_processes_reach_a_flaky_receiver_exactly_once() {
    use base64::Engine;
    const EVENTS: i64 = 10_000;
    let app = spawn_app_with(|s| {
        s.webhooks_allow_private = true;
        s.webhook_workers = 0;
    })
    .await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    let (hook, _) = endpoint(&owner, &receiver, &["document.issued"]).await;
    receiver
        .configure(json!({ "fail_ratio": 0.3, "seed": 7 }))
        .await;
    let org = app
        .scalar("SELECT organization_id AS n FROM webhook_endpoints")
        .await;
    let txn = sea_orm::TransactionTrait::begin(&app.db)
        .await
        .expect("txn");
    let now = Utc::now();
    for n in 0..EVENTS {
        portal_store::webhooks::enqueue(
            &txn,
            org,
            "document.issued",
            portal_types::WebhookEventData {
                organization_id: org,
                contractor_id: None,
                document_id: None,
                actor: portal_types::WebhookActor {
                    actor_type: "system".into(),
                    id: None,
                },
                details: json!({ "n": n }),
                document: None,
                payment: None,
                contractor: None,
            },
            &[hook],
            now,
        )
        .await
        .expect("queued");
    }
    txn.commit().await.expect("committed");

    let key = base64::engine::general_purpose::STANDARD.encode(app.settings.secrets_key);
    let started = std::time::Instant::now();
    let servers = Servers(
        (0..2)
            .map(|n| {
                let dir = app.settings.data_dir.join(format!("process-{n}"));
                std::fs::create_dir_all(&dir).expect("dir");
                Command::new(env!("CARGO_BIN_EXE_portal"))
                    .args(["serve", "--addr", "127.0.0.1:0", "--data-dir"])
                    .arg(&dir)
                    .env("DATABASE_URL", &app.database_url)
                    .env("PORTAL_SECRETS_KEY", &key)
                    .env("PORTAL_WEBHOOK_ALLOW_PRIVATE", "true")
                    .envs(crate::helpers::test_pool_env())
                    .env("PORTAL_LOG", "error")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("portal serve starts")
            })
            .collect(),
    );

    let backend = app.db.get_database_backend();
    let db = app.db.clone();
    let mover = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = Utc::now();
            let _ = db
                .execute_raw(sea_orm::Statement::from_sql_and_values(
                    backend,
                    "UPDATE webhook_deliveries SET next_attempt_at = $1
                     WHERE status = 'pending' AND next_attempt_at > $2
                       AND attempts = (SELECT COUNT(*) FROM webhook_attempts a
                                       WHERE a.delivery_id = webhook_deliveries.id)",
                    [now.into(), (now + chrono::Duration::seconds(10)).into()],
                ))
                .await;
        }
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    loop {
        let left = app
            .scalar("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status <> 'succeeded'")
            .await;
        if left == 0 {
            break;
        }
        assert_eq!(
            app.scalar("SELECT COUNT(*) AS n FROM webhook_deliveries WHERE status = 'failed'")
                .await,
            0,
            "a delivery was given up"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "{left} deliveries still open"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let took = started.elapsed();
    mover.abort();
    drop(servers);

    let summary: Value = receiver
        .http
        .get(format!("{}/_summary", receiver.url))
        .send()
        .await
        .expect("asked")
        .json()
        .await
        .expect("json");
    let accepted = summary["accepted"].as_object().expect("accepted");
    crate::helpers::record_figure("deliveries_checked", EVENTS as u64);
    crate::helpers::record_figure(
        "duplicate_deliveries",
        accepted
            .values()
            .map(|n| n.as_u64().unwrap_or(1).saturating_sub(1))
            .sum(),
    );
    crate::helpers::record_figure(
        "lost_deliveries",
        (EVENTS - accepted.len() as i64).max(0) as u64,
    );
    assert_eq!(accepted.len() as i64, EVENTS, "every event accepted");
    assert!(
        accepted.values().all(|n| n == 1),
        "an event accepted twice: {:?}",
        accepted
            .iter()
            .filter(|(_, n)| **n != 1)
            .take(5)
            .collect::<Vec<_>>()
    );
    let ids: std::collections::HashSet<String> = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT msg_id FROM webhook_messages",
        ))
        .await
        .expect("ids")
        .iter()
        .map(|r| r.try_get::<String>("", "msg_id").expect("msg_id"))
        .collect();
    assert!(accepted.keys().all(|k| ids.contains(k)));
    assert_eq!(summary["unverified"], 0);
    let requests = summary["requests"].as_i64().expect("requests");
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM webhook_attempts")
            .await,
        requests,
        "every request is in the log"
    );
    assert_eq!(
        app.scalar("SELECT SUM(attempts) AS n FROM webhook_deliveries")
            .await,
        requests
    );
    let failed = (requests - EVENTS) as f64 / requests as f64;
    assert!((0.27..=0.33).contains(&failed), "{failed}");
    println!(
        "{EVENTS} events, {requests} requests ({:.1} % failed) in {:.1} s: {:.0} requests/s",
        failed * 100.0,
        took.as_secs_f64(),
        requests as f64 / took.as_secs_f64()
    );
}

/// Events about customers, their portal users and conversations carry the changed object and
/// the right actor; an endpoint gets only what it subscribed to, each event once.
#[tokio::test]
async fn customer_user_and_comment_events_carry_what_changed() {
    let app = private_app().await;
    let receiver = Receiver::start();
    let owner = app.issuer_client().await;
    endpoint(
        &owner,
        &receiver,
        &[
            "contractor.created",
            "portal_user.invited",
            "comment.created",
        ],
    )
    .await;
    let made = owner
        .create_contractor(&portal_types::NewContractor {
            name: "Nordwind GmbH".into(),
            kind: None,
            tax_id: None,
            vat_number: Some("DE123456789".into()),
            address: None,
            email: Some("buch@nordwind.example".into()),
            phone: None,
            iban: None,
            bic: None,
            locale: Some("de".into()),
            salesperson_id: None,
            payment_terms_days: None,
            portal_access: Some(true),
        })
        .await
        .expect("customer");
    let user = owner
        .create_portal_user(
            made.id,
            &portal_types::NewPortalUser {
                username: "nordwind".into(),
                first_name: "Nora".into(),
                last_name: "Wind".into(),
                email: Some("nora@nordwind.example".into()),
                password: None,
                must_change_password: None,
            },
        )
        .await
        .expect("invited");
    let contractor = acme(&owner).await;
    let (doc, _) = issued_invoice(&owner, contractor).await;
    let customer = app.portal_client("acme").await;
    let comment = customer
        .post_comment(portal_client::Realm::Portal, doc, "Is the VAT right?", &[])
        .await
        .expect("commented");
    let got = receiver.wait_for(3).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        receiver.received().await.len(),
        3,
        "document.issued is not subscribed"
    );
    let by_type = |t: &str| {
        got.iter()
            .map(body)
            .find(|e| e["type"] == t)
            .unwrap_or_else(|| panic!("no {t}"))
    };
    let created = by_type("contractor.created");
    assert_eq!(created["data"]["contractor"]["name"], "Nordwind GmbH");
    assert_eq!(created["data"]["contractor"]["vat_number"], "DE123456789");
    assert_eq!(created["data"]["contractor"]["locale"], "de");
    assert_eq!(created["data"]["actor"]["type"], "staff_user");
    let invited = by_type("portal_user.invited");
    assert_eq!(invited["data"]["contractor_id"], made.id);
    assert_eq!(invited["data"]["details"]["portal_user_id"], user.id);
    let commented = by_type("comment.created");
    assert_eq!(commented["data"]["actor"]["type"], "portal_user");
    assert_eq!(commented["data"]["details"]["comment_id"], comment.id);
    assert_eq!(commented["data"]["document"]["id"], doc);
    for event in got.iter().map(body) {
        serde_json::from_value::<portal_types::WebhookEvent>(event).expect("a WebhookEvent");
    }
}
