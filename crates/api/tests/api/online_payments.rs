//! Paying online through Stripe Checkout, against a fake Stripe that speaks its wire format:
//! the settings' secrets are write-only and sealed; the amount is the server's; a paid session
//! records its payments exactly once however the news arrives (duplicated, replayed, out of
//! order, the customer's return first); signatures are checked; a newer attempt closes the
//! older page; partial and multi-document payments are bounded and allocated oldest due first;
//! an amount that differs is kept for the issuer; another customer reaches nothing.

use chrono::{Days, Utc};
use fake_stripe::{Delivery, FakeStripe, Payment};
use portal_client::Client;
use portal_types::{
    AttemptStatus, CheckoutRequest, CheckoutStarted, DocumentType, LineInput, NewDocument,
    OnlineFor, PaymentSettingsUpdate,
};
use sea_orm::ConnectionTrait;

use crate::helpers::{TestApp, api_error};

const KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";
const HOOK: &str = "whsec_0123456789abcdefghijABCDEFGHIJ";

pub(crate) struct Setup {
    pub(crate) app: TestApp,
    fake: FakeStripe,
    pub(crate) owner: Client,
    pub(crate) customer: Client,
    contractor: i64,
}

async fn setup() -> Setup {
    setup_with(|_| {}).await
}

pub(crate) async fn setup_with(adjust: impl FnOnce(&mut portal_api::config::Settings)) -> Setup {
    let fake = FakeStripe::start(KEY).await.expect("fake Stripe");
    let base = fake.url().to_string();
    let app = crate::helpers::spawn_app_with(move |s| {
        s.stripe_api_base = base;
        adjust(s);
    })
    .await;
    let owner = app.issuer_client().await;
    let settings = owner
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some(KEY.into()),
            stripe_webhook_secret: Some(HOOK.into()),
            ..Default::default()
        })
        .await
        .expect("Stripe connected");
    assert!(settings.stripe.configured);
    assert!(
        !owner
            .test_stripe()
            .await
            .expect("Stripe takes the key")
            .livemode
    );
    fake.set_webhook(
        &format!("{}{}", app.address, path_of(&settings.stripe.webhook_url)),
        HOOK,
    );
    let customer = app.portal_client("acme").await;
    let contractor = customer.portal_me().await.expect("me").contractor_id;
    Setup {
        app,
        fake,
        owner,
        customer,
        contractor,
    }
}

/// Starts paying `ids` as the customer: the attempt, and the Checkout Session Stripe made.
async fn start(s: &Setup, ids: &[i64], amount: Option<&str>) -> (CheckoutStarted, String) {
    let started = s
        .customer
        .checkout(&pay(ids, amount))
        .await
        .expect("checkout");
    (started, last_session(s))
}

/// The customer goes through session `id` as `how` says, and Stripe delivers what it sends.
async fn paid(s: &Setup, id: &str, how: Payment) {
    let events = s.fake.pay(id, how).expect("a session of ours");
    s.fake.deliver_all(&events).await.expect("delivered");
}

/// Where attempt `id` stands, as the customer is told.
async fn status_of(s: &Setup, id: &str) -> AttemptStatus {
    s.customer
        .payment_attempt(id)
        .await
        .expect("attempt")
        .status
}

/// The id of the Checkout Session Stripe created last.
fn last_session(s: &Setup) -> String {
    s.fake.sessions().pop().expect("session")["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// The path of the webhook address the settings show (they show the public address).
fn path_of(url: &str) -> String {
    let at = url.find("/api/").expect("an API path");
    url[at..].to_string()
}

/// An issued invoice of `price` (one line, quantity 1, `vat` %) due in `due_days`.
pub(crate) async fn invoice(
    s: &Setup,
    currency: &str,
    price: &str,
    vat: &str,
    due_days: u64,
) -> i64 {
    let today = Utc::now().date_naive();
    let doc = s
        .owner
        .create_document(&NewDocument {
            contractor_id: s.contractor,
            doc_type: DocumentType::Invoice,
            currency: Some(currency.into()),
            issue_date: Some(today - Days::new(10)),
            due_date: Some(today + Days::new(due_days)),
            lines: vec![LineInput {
                description: "Consulting".into(),
                quantity: "1".into(),
                unit: "pcs".into(),
                unit_price: price.into(),
                discount_percent: None,
                vat_rate: vat.into(),
            }],
            notes: None,
            related_document_id: None,
        })
        .await
        .expect("draft invoice");
    s.owner
        .document_action(doc.row.id, "issue")
        .await
        .expect("issued")
        .row
        .id
}

pub(crate) fn pay(ids: &[i64], amount: Option<&str>) -> CheckoutRequest {
    CheckoutRequest {
        document_ids: ids.to_vec(),
        amount: amount.map(str::to_string),
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

async fn payments_of(app: &TestApp, document: i64) -> i64 {
    app.scalar(&format!(
        "SELECT count(*) AS n FROM payments WHERE document_id = {document}"
    ))
    .await
}

async fn remaining(customer: &Client, id: i64) -> String {
    customer
        .portal_document(id)
        .await
        .expect("document")
        .row
        .remaining
        .expect("payable")
}

#[tokio::test]
async fn stripe_keys_are_write_only_sealed_and_checked() {
    // Stripe's address: a port nothing listens on.
    let app =
        crate::helpers::spawn_app_with(|s| s.stripe_api_base = "http://127.0.0.1:9".into()).await;
    let owner = app.issuer_client().await;
    let before = owner.payment_settings().await.expect("settings");
    assert!(!before.stripe.configured);
    assert!(
        before
            .stripe
            .webhook_url
            .contains("/api/v1/payments/stripe/webhook/")
    );

    // Malformed keys, one secret without the other, a clerk: refused, nothing stored.
    let bad = owner
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some("pk_test_abcdefghijkl".into()),
            stripe_webhook_secret: Some("secret".into()),
            ..Default::default()
        })
        .await;
    let (status, _, fields) = api_error(bad);
    assert_eq!(status, 422);
    assert_eq!(fields, ["stripe_secret_key", "stripe_webhook_secret"]);
    let half = owner
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some(KEY.into()),
            ..Default::default()
        })
        .await;
    assert_eq!(api_error(half).2, ["stripe_webhook_secret"]);
    let clerk = app.staff_client("accountant").await;
    let refused = clerk
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some(KEY.into()),
            stripe_webhook_secret: Some(HOOK.into()),
            ..Default::default()
        })
        .await;
    assert_eq!(api_error(refused).0, 403);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM payment_settings")
            .await,
        0
    );

    let saved = owner
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some(KEY.into()),
            stripe_webhook_secret: Some(HOOK.into()),
            allow_partial: Some(true),
            partial_minimum: Some(10),
            online_for: Some(OnlineFor::Selected),
        })
        .await
        .expect("saved");
    assert!(saved.stripe.configured && saved.stripe.test_mode);
    assert_eq!(saved.stripe.key_hint.as_deref(), Some("sk_test_…p7dc"));
    assert!(
        (saved.allow_partial, saved.partial_minimum, saved.online_for)
            == (true, 10, OnlineFor::Selected)
    );
    // Neither secret is in what the API answers, nor readable in the database.
    let shown =
        serde_json::to_string(&owner.payment_settings().await.expect("settings")).expect("json");
    assert!(!shown.contains(KEY) && !shown.contains(HOOK));
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            "SELECT stripe_secret_key, stripe_webhook_secret FROM payment_settings".to_string(),
        ))
        .await
        .expect("query")
        .expect("row");
    for column in ["stripe_secret_key", "stripe_webhook_secret"] {
        let sealed: Vec<u8> = row.try_get("", column).expect("bytes");
        assert!(sealed.len() > 28, "{column} is stored sealed");
        for secret in [KEY, HOOK] {
            assert!(!sealed.windows(secret.len()).any(|w| w == secret.as_bytes()));
        }
    }
    // Another organisation has its own settings.
    let rival = app.rival_owner().await;
    assert!(
        !rival
            .payment_settings()
            .await
            .expect("rival")
            .stripe
            .configured
    );
    // Nothing at this organisation's Stripe address (here: none listening): a clear 502.
    let (status, code, _) = api_error(owner.test_stripe().await);
    assert_eq!((status, code.as_str()), (502, "payment_provider_error"));
    // Disconnecting forgets the keys; then there is nothing to test.
    let off = owner.disconnect_stripe().await.expect("disconnected");
    let (status, code, _) = api_error(owner.test_stripe().await);
    assert_eq!((status, code.as_str()), (409, "not_configured"));
    assert!(!off.stripe.configured && off.stripe.key_hint.is_none());
}

#[tokio::test]
async fn a_paid_invoice_is_recorded_exactly_once_however_the_news_arrives() {
    let s = setup().await;
    // 250.00 + 20 % VAT = 300.00 EUR, 30000 cents.
    let id = invoice(&s, "EUR", "250.00", "20", 14).await;
    let started = s
        .customer
        .checkout(&pay(&[id], None))
        .await
        .expect("checkout");
    assert!(started.checkout_url.starts_with(s.fake.url()));
    assert_eq!(
        (started.amount.as_str(), started.currency.as_str()),
        ("300.00", "EUR")
    );
    // What Stripe was asked for: the server's amount in cents, in lower-case currency, naming
    // the attempt, and returning to the document.
    let params = s.fake.created_with().pop().expect("a session was created");
    assert_eq!(param(&params, "mode"), Some("payment"));
    assert_eq!(
        param(&params, "line_items[0][price_data][currency]"),
        Some("eur")
    );
    assert_eq!(
        param(&params, "line_items[0][price_data][unit_amount]"),
        Some("30000")
    );
    assert_eq!(param(&params, "line_items[0][quantity]"), Some("1"));
    assert_eq!(
        param(&params, "client_reference_id"),
        Some(started.attempt_id.as_str())
    );
    assert_eq!(
        param(&params, "metadata[payment_attempt_id]"),
        Some(started.attempt_id.as_str())
    );
    assert!(
        param(&params, "success_url").is_some_and(|u| u.ends_with(&format!(
            "/p/demo/documents/{id}?payment={}",
            started.attempt_id
        )))
    );
    let session = s.fake.sessions().pop().expect("session");
    let session_id = session["id"].as_str().expect("id").to_string();

    // Paid: the event arrives 50 times at once, and the customer is back at the same time.
    let events = s.fake.pay(&session_id, Payment::Paid).expect("paid");
    let event = events[0].clone();
    let plain = Delivery::default();
    let deliveries =
        futures_util::future::join_all((0..50).map(|_| s.fake.deliver(&event, &plain)));
    let (answers, back) =
        tokio::join!(deliveries, s.customer.payment_attempt(&started.attempt_id),);
    for answer in answers {
        assert_eq!(answer.expect("delivered").status, 200);
    }
    assert_eq!(back.expect("attempt").status, AttemptStatus::Succeeded);
    assert_eq!(payments_of(&s.app, id).await, 1);
    assert_eq!(remaining(&s.customer, id).await, "0.00");
    let detail = s.customer.portal_document(id).await.expect("document");
    assert_eq!(detail.row.paid.as_deref(), Some("300.00"));
    assert_eq!(detail.payments.len(), 1);
    // A late `expired` (out of order) and a replay later change nothing.
    let late = s
        .fake
        .pay(&session_id, Payment::Expire)
        .expect("expire event");
    s.fake.deliver_all(&late).await.expect("delivered");
    s.fake
        .deliver(&event, &Delivery::default())
        .await
        .expect("replayed");
    let after = s
        .customer
        .payment_attempt(&started.attempt_id)
        .await
        .expect("attempt");
    assert_eq!(after.status, AttemptStatus::Succeeded);
    assert_eq!(payments_of(&s.app, id).await, 1);
    assert_eq!(
        s.app
            .scalar(&format!(
                "SELECT count(*) AS n FROM events WHERE kind = 'payment_recorded' AND document_id = {id}"
            ))
            .await,
        1
    );
    // Nor was anything counted as paid twice (an overpayment left for the issuer).
    assert_eq!(
        s.app
            .scalar("SELECT count(*) AS n FROM payment_attempts WHERE unallocated_minor <> 0 OR status <> 'succeeded'")
            .await,
        0
    );
    assert_eq!(
        s.app
            .scalar("SELECT count(*) AS n FROM events WHERE kind = 'payment_unallocated'")
            .await,
        0
    );
    // A refund made in Stripe's dashboard is recorded for the issuer (once), the payment stays.
    let refund = s.fake.refund(&session_id).expect("refunded");
    for _ in 0..2 {
        let answer = s
            .fake
            .deliver(&refund, &Delivery::default())
            .await
            .expect("delivered");
        assert_eq!(answer.status, 200);
    }
    assert_eq!(
        s.app
            .scalar(&format!(
                "SELECT count(*) AS n FROM events WHERE kind = 'payment_refunded' AND document_id = {id}"
            ))
            .await,
        1
    );
    assert_eq!(payments_of(&s.app, id).await, 1);
    // Nothing open remains to pay.
    let again = s.customer.checkout(&pay(&[id], None)).await;
    assert_eq!(api_error(again).2, ["document_ids[0]"]);
}

#[tokio::test]
async fn webhooks_are_refused_unless_signed_fresh_and_unchanged() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "100.00", "0", 14).await;
    let (started, session_id) = start(&s, &[id], None).await;
    let event = s.fake.pay(&session_id, Payment::Paid).expect("paid")[0].clone();
    let wrong_secret = Delivery {
        secret: Some("whsec_someoneelse0123456789".into()),
        ..Default::default()
    };
    let stale = Delivery {
        timestamp: Some(Utc::now().timestamp() - 301),
        ..Default::default()
    };
    let mut tampered_event = event.clone();
    tampered_event["data"]["object"]["amount_total"] = serde_json::json!(1);
    let tampered = Delivery {
        body: Some(serde_json::to_vec_pretty(&tampered_event).expect("json")),
        ..Default::default()
    };
    for how in [wrong_secret, stale, tampered] {
        let answer = s.fake.deliver(&event, &how).await.expect("delivered");
        assert_eq!(answer.status, 400, "{how:?}");
        assert!(answer.body.contains("invalid_signature"), "{}", answer.body);
    }
    assert_eq!(
        s.app
            .scalar("SELECT count(*) AS n FROM provider_events")
            .await,
        0
    );
    assert_eq!(payments_of(&s.app, id).await, 0);
    // Another organisation's endpoint does not take this organisation's events.
    let url = format!("{}/api/v1/payments/stripe/webhook/999999", s.app.address);
    let response = reqwest::Client::new()
        .post(url)
        .header("Stripe-Signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 404);
    // Signed properly, it settles.
    s.fake
        .deliver(&event, &Delivery::default())
        .await
        .expect("delivered");
    assert_eq!(
        status_of(&s, &started.attempt_id).await,
        AttemptStatus::Succeeded
    );
}

#[tokio::test]
async fn the_return_page_settles_before_the_webhook_and_the_webhook_adds_nothing() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "80.00", "25", 7).await;
    let (started, session_id) = start(&s, &[id], None).await;
    let events = s.fake.pay(&session_id, Payment::Paid).expect("paid");
    // Back before any webhook: the server asks Stripe and records the payment.
    let back = s
        .customer
        .payment_attempt(&started.attempt_id)
        .await
        .expect("attempt");
    assert_eq!(back.status, AttemptStatus::Succeeded);
    assert_eq!(remaining(&s.customer, id).await, "0.00");
    let answers = s.fake.deliver_all(&events).await.expect("delivered");
    assert!(
        answers[0].body.contains("already_settled"),
        "{}",
        answers[0].body
    );
    assert_eq!(payments_of(&s.app, id).await, 1);
}

#[tokio::test]
async fn a_newer_payment_closes_the_older_page_and_async_methods_settle_later() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "40.00", "0", 7).await;
    let (first, first_session) = start(&s, &[id], None).await;
    let (second, second_session) = start(&s, &[id], None).await;
    assert_ne!(first.attempt_id, second.attempt_id);
    assert_eq!(
        s.fake.session(&first_session).expect("session")["status"],
        "expired"
    );
    assert_eq!(
        status_of(&s, &first.attempt_id).await,
        AttemptStatus::Expired
    );

    // A SEPA debit: completed but unpaid, then the money arrives days later.
    paid(&s, &second_session, Payment::AsyncPending).await;
    assert_eq!(
        status_of(&s, &second.attempt_id).await,
        AttemptStatus::Processing
    );
    assert_eq!(payments_of(&s.app, id).await, 0);
    let waiting = s
        .owner
        .online_payments(&[("status", "processing")])
        .await
        .expect("list");
    assert_eq!(waiting.items.len(), 1);
    assert_eq!(waiting.items[0].id, second.attempt_id);
    // The document says so, and no second payment of it starts meanwhile.
    let detail = s.customer.portal_document(id).await.expect("document");
    assert_eq!(detail.payment_processing.as_deref(), Some("40.00"));
    assert_eq!(detail.row.remaining.as_deref(), Some("40.00"));
    let (status, _, fields) = api_error(s.customer.checkout(&pay(&[id], None)).await);
    assert_eq!((status, fields), (422, vec!["document_ids[0]".to_string()]));
    paid(&s, &second_session, Payment::AsyncSucceeded).await;
    assert_eq!(
        status_of(&s, &second.attempt_id).await,
        AttemptStatus::Succeeded
    );
    assert_eq!(payments_of(&s.app, id).await, 1);
    let detail = s.customer.portal_document(id).await.expect("document");
    assert_eq!(detail.payment_processing, None);
}

#[tokio::test]
async fn a_failed_debit_is_failed_and_records_nothing() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "40.00", "0", 7).await;
    let (started, session) = start(&s, &[id], None).await;
    paid(&s, &session, Payment::AsyncPending).await;
    paid(&s, &session, Payment::AsyncFailed).await;
    assert_eq!(
        status_of(&s, &started.attempt_id).await,
        AttemptStatus::Failed
    );
    assert_eq!(payments_of(&s.app, id).await, 0);
    assert_eq!(remaining(&s.customer, id).await, "40.00");
}

#[tokio::test]
async fn partial_payments_are_bounded_and_several_invoices_are_paid_oldest_due_first() {
    let s = setup().await;
    let later = invoice(&s, "EUR", "100.00", "0", 30).await;
    let sooner = invoice(&s, "EUR", "60.00", "0", 5).await;
    let both = [later, sooner];
    // Partial payments are off: only the whole 160.00.
    let (_, code, fields) = api_error(s.customer.checkout(&pay(&both, Some("100.00"))).await);
    assert_eq!(
        (code.as_str(), fields),
        ("validation_failed", vec!["amount".to_string()])
    );
    s.owner
        .update_payment_settings(&PaymentSettingsUpdate {
            allow_partial: Some(true),
            partial_minimum: Some(20),
            ..Default::default()
        })
        .await
        .expect("partial allowed");
    for (amount, why) in [
        ("19.99", "below_minimum"),
        ("160.01", "exceeds_remaining"),
        ("0", "not_positive"),
        ("1.001", "too_precise"),
    ] {
        let refused = s.customer.checkout(&pay(&both, Some(amount))).await;
        match refused {
            Err(portal_client::ClientError::Api {
                status, problem, ..
            }) => {
                assert_eq!(status, 422, "{amount}");
                assert_eq!(problem.errors[0].field, "amount", "{amount}");
                if why != "too_precise" {
                    assert_eq!(problem.errors[0].code, why, "{amount}");
                }
            }
            other => panic!("{amount}: expected a refusal, got {other:?}"),
        }
    }
    // 100.00 of 160.00: the invoice due sooner (60.00) in full, 40.00 of the other.
    let started = s
        .customer
        .checkout(&pay(&both, Some("100.00")))
        .await
        .expect("checkout");
    let params = s.fake.created_with().pop().expect("created");
    assert_eq!(
        param(&params, "line_items[0][price_data][unit_amount]"),
        Some("10000")
    );
    assert_eq!(param(&params, "line_items[1][quantity]"), None);
    let session = last_session(&s);
    paid(&s, &session, Payment::Paid).await;
    let attempt = s
        .customer
        .payment_attempt(&started.attempt_id)
        .await
        .expect("attempt");
    assert_eq!(attempt.status, AttemptStatus::Succeeded);
    assert_eq!(
        attempt
            .documents
            .iter()
            .map(|d| (d.document_id, d.amount.as_str()))
            .collect::<Vec<_>>(),
        [(sooner, "60.00"), (later, "40.00")]
    );
    assert_eq!(remaining(&s.customer, sooner).await, "0.00");
    assert_eq!(remaining(&s.customer, later).await, "60.00");
    // Currencies cannot be mixed in one payment.
    let dollars = invoice(&s, "USD", "10.00", "0", 5).await;
    let (_, _, fields) = api_error(s.customer.checkout(&pay(&[later, dollars], None)).await);
    assert_eq!(fields, ["document_ids"]);
}

#[tokio::test]
async fn yen_and_dinar_are_charged_in_stripes_units() {
    let s = setup().await;
    // 1000 JPY + 10 % = 1100 yen: Stripe counts yen as they are.
    let yen = invoice(&s, "JPY", "1000", "10", 5).await;
    s.customer.checkout(&pay(&[yen], None)).await.expect("yen");
    let params = s.fake.created_with().pop().expect("created");
    assert_eq!(
        param(&params, "line_items[0][price_data][currency]"),
        Some("jpy")
    );
    assert_eq!(
        param(&params, "line_items[0][price_data][unit_amount]"),
        Some("1100")
    );
    let session = last_session(&s);
    paid(&s, &session, Payment::Paid).await;
    assert_eq!(remaining(&s.customer, yen).await, "0");
    // 5.120 KWD: 5120 fils, in Stripe's 0.010 steps.
    let dinar = invoice(&s, "KWD", "5.120", "0", 5).await;
    s.customer
        .checkout(&pay(&[dinar], None))
        .await
        .expect("dinar");
    let params = s.fake.created_with().pop().expect("created");
    assert_eq!(
        param(&params, "line_items[0][price_data][unit_amount]"),
        Some("5120")
    );
    // 5.125 KWD cannot be charged by card (Stripe takes 0.010 steps): refused, not rounded.
    let odd = invoice(&s, "KWD", "5.125", "0", 5).await;
    let (status, _, fields) = api_error(s.customer.checkout(&pay(&[odd], None)).await);
    assert_eq!((status, fields), (422, vec!["amount".to_string()]));
}

#[tokio::test]
async fn a_different_amount_is_kept_for_the_issuer_not_recorded() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "50.00", "0", 5).await;
    let (started, session) = start(&s, &[id], None).await;
    s.fake.tamper_amount(&session, 4_999);
    paid(&s, &session, Payment::Paid).await;
    assert_eq!(
        status_of(&s, &started.attempt_id).await,
        AttemptStatus::Mismatch
    );
    assert_eq!(payments_of(&s.app, id).await, 0);
    assert_eq!(
        s.app
            .scalar("SELECT count(*) AS n FROM events WHERE kind = 'payment_mismatch'")
            .await,
        1
    );
    // The issuer finds it among the payments to check, with what Stripe reported.
    let to_check = s
        .owner
        .online_payments(&[("status", "mismatch")])
        .await
        .expect("list");
    assert_eq!(to_check.total, 1);
    let found = &to_check.items[0];
    assert_eq!(found.id, started.attempt_id);
    assert_eq!(
        (found.amount.as_str(), found.received.as_deref()),
        ("50.00", Some("49.99"))
    );
    assert_eq!(found.documents[0].document_id, id);
    assert!(found.detail.as_deref().is_some_and(|d| d.contains("4999")));
    // Another organisation sees none of it; a made-up status is a 422 naming it.
    let rival = s.app.rival_owner().await;
    assert_eq!(rival.online_payments(&[]).await.expect("rival").total, 0);
    assert_eq!(
        api_error(s.owner.online_payments(&[("status", "paid")]).await).2,
        ["status"]
    );
}

#[tokio::test]
async fn another_customer_reaches_no_payment_and_no_document() {
    let s = setup().await;
    // A key Stripe does not take: the connection test says what Stripe said.
    s.owner
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some("sk_test_notTheAccountsKey0".into()),
            ..Default::default()
        })
        .await
        .expect("saved");
    let (status, code, _) = api_error(s.owner.test_stripe().await);
    assert_eq!((status, code.as_str()), (502, "stripe_refused"));
    s.owner
        .update_payment_settings(&PaymentSettingsUpdate {
            stripe_secret_key: Some(KEY.into()),
            ..Default::default()
        })
        .await
        .expect("saved");
    let id = invoice(&s, "EUR", "30.00", "0", 5).await;
    let started = s
        .customer
        .checkout(&pay(&[id], None))
        .await
        .expect("checkout");
    let other = s.app.portal_client("kunde").await;
    assert_eq!(
        api_error(other.payment_attempt(&started.attempt_id).await).0,
        404
    );
    assert_eq!(api_error(other.checkout(&pay(&[id], None)).await).0, 404);
    // A Stripe outage: a clear 502, and the attempt is not left open.
    s.fake.fail_next_create(500);
    let (status, code, _) = api_error(s.customer.checkout(&pay(&[id], None)).await);
    assert_eq!((status, code.as_str()), (502, "payment_provider_error"));
    // Without Stripe set up, the portal takes no payment.
    s.owner.disconnect_stripe().await.expect("disconnected");
    let (status, code, _) = api_error(s.customer.checkout(&pay(&[id], None)).await);
    assert_eq!((status, code.as_str()), (403, "online_payment_disabled"));
    assert!(!s.customer.portal_me().await.expect("me").permissions.pay);
}

/// Stripe's own Python library (PyPI `stripe`) reads the fake's answers as Stripe objects,
/// verifies the fake's signatures, and signs a webhook our verifier accepts: the fake and our
/// verifier are checked against Stripe's code, not against each other.
#[tokio::test]
async fn the_official_stripe_library_accepts_the_fake_and_signs_what_we_verify() {
    let python = std::env::var("PORTAL_TEST_STRIPE_PYTHON").expect(
        "PORTAL_TEST_STRIPE_PYTHON names a Python with the `stripe` package: run the tests \
         through ./scripts/cargo-test, which installs it",
    );
    let s = setup().await;
    let id = invoice(&s, "EUR", "99.99", "0", 5).await;
    s.customer
        .checkout(&pay(&[id], None))
        .await
        .expect("checkout");
    let session = last_session(&s);
    let event = s.fake.pay(&session, Payment::Paid).expect("paid").remove(0);
    let body = serde_json::to_string(&event).expect("json");
    let dir = std::env::temp_dir().join(format!("stripe-check-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let event_file = dir.join("event.json");
    std::fs::write(&event_file, &body).expect("event written");
    let settings = s.owner.payment_settings().await.expect("settings");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/stripe-sdk-check.py"
    );
    let mut command = std::process::Command::new(python);
    command
        .arg(script)
        .env("STRIPE_FAKE", s.fake.url())
        .env("STRIPE_KEY", KEY)
        .env("EVENT_FILE", &event_file)
        .env(
            "FAKE_HEADER",
            s.fake.signature_header(body.as_bytes()).expect("signed"),
        )
        .env(
            "WEBHOOK_URL",
            format!("{}{}", s.app.address, path_of(&settings.stripe.webhook_url)),
        )
        .env("WHSEC", HOOK);
    // Off the runtime's thread: the server the script calls runs on it.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("joined")
        .expect("python runs");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "stripe-sdk-check.py failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "ok");
    assert_eq!(payments_of(&s.app, id).await, 1);
    assert_eq!(remaining(&s.customer, id).await, "0.00");
}

/// A payment mails a receipt to the customer's user who paid, in the customer's language, and a
/// notice to its salesperson; a mismatch tells the issuer that nothing was recorded.
#[tokio::test]
async fn a_payment_mails_a_receipt_and_tells_the_issuer() {
    let sink = crate::smtp_sink::SmtpSink::start().await;
    let url = sink.url.clone();
    let s = setup_with(move |settings| {
        settings.mail.smtp_url = Some(url);
        settings.mail.public_url = "https://portal.test".into();
    })
    .await;
    let id = invoice(&s, "EUR", "120.00", "0", 5).await;
    let (started, session) = start(&s, &[id], None).await;
    let events = s.fake.pay(&session, Payment::Paid).expect("paid");
    s.fake.deliver_all(&events).await.expect("delivered");
    s.fake.deliver_all(&events).await.expect("delivered again");
    let number = s
        .customer
        .portal_document(id)
        .await
        .expect("document")
        .row
        .number;
    let receipt = mails_to(&sink, "office@acme.example", |m| {
        m.subject().starts_with("Получено плащане")
    })
    .await;
    assert_eq!(
        receipt.len(),
        1,
        "one receipt, however often the event came"
    );
    let text = receipt[0].text();
    assert!(text.contains(&number), "{text}");
    assert!(text.contains("120,00"), "{text}");
    assert!(
        receipt[0]
            .link("/p/demo/documents/")
            .is_some_and(|l| l.ends_with(&format!("/documents/{id}"))),
        "{text}"
    );
    let notice = mails_to(&sink, "owner@demo.example", |m| m.subject().contains("120")).await;
    assert_eq!(notice.len(), 1);
    assert!(notice[0].text().contains(&number));
    let _ = started;

    // Another amount than asked: the issuer hears that nothing was recorded.
    let other = invoice(&s, "EUR", "70.00", "0", 5).await;
    s.customer
        .checkout(&pay(&[other], None))
        .await
        .expect("checkout");
    let session = last_session(&s);
    s.fake.tamper_amount(&session, 100);
    paid(&s, &session, Payment::Paid).await;
    let warning = mails_to(&sink, "owner@demo.example", |m| m.subject().contains("70")).await;
    let text = warning[0].text();
    assert!(text.contains("1.00 EUR") || text.contains("1,00"), "{text}");
    assert!(
        !sink
            .to("office@acme.example")
            .iter()
            .any(|m| m.subject().contains("70"))
    );
}

/// The mails to `to` that `wanted` picks, once there are any (at most 10 s).
async fn mails_to(
    sink: &crate::smtp_sink::SmtpSink,
    to: &str,
    wanted: impl Fn(&crate::smtp_sink::Received) -> bool,
) -> Vec<crate::smtp_sink::Received> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let found: Vec<_> = sink.to(to).into_iter().filter(|m| wanted(m)).collect();
        if !found.is_empty() {
            // A duplicate would be queued in the same transaction: give it a moment to show.
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            return sink.to(to).into_iter().filter(|m| wanted(m)).collect();
        }
        assert!(std::time::Instant::now() < deadline, "no such mail to {to}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Online payment for selected customers only: a customer not marked may not pay (and its
/// portal offers no Pay), one marked may; whether part payments are allowed shows too.
#[tokio::test]
async fn only_selected_customers_pay_online_when_the_issuer_says_so() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "60.00", "0", 5).await;
    let me = s.customer.portal_me().await.expect("me");
    assert!(me.permissions.pay);
    assert_eq!(me.permissions.pay_partial_minimum, None);
    s.owner
        .update_payment_settings(&PaymentSettingsUpdate {
            online_for: Some(OnlineFor::Selected),
            allow_partial: Some(true),
            partial_minimum: Some(25),
            ..Default::default()
        })
        .await
        .expect("saved");
    assert!(!s.customer.portal_me().await.expect("me").permissions.pay);
    let (status, code, _) = api_error(s.customer.checkout(&pay(&[id], None)).await);
    assert_eq!((status, code.as_str()), (403, "online_payment_disabled"));
    let marked = s
        .owner
        .update_contractor(
            s.contractor,
            &portal_types::ContractorUpdate {
                pay_online: Some(true),
                ..Default::default()
            },
        )
        .await
        .expect("marked");
    assert!(marked.pay_online);
    let me = s.customer.portal_me().await.expect("me");
    assert!(me.permissions.pay);
    assert_eq!(me.permissions.pay_partial_minimum, Some(25));
    s.customer
        .checkout(&pay(&[id], Some("25.00")))
        .await
        .expect("part payment");
    // Another customer, not marked, still may not.
    let other = s.app.portal_client("kunde").await;
    assert!(!other.portal_me().await.expect("me").permissions.pay);
}

/// Webhooks lost (or never configured): the operator's `portal reconcile-payments` asks Stripe
/// about the open payments and records the paid one, once, and closes the expired one.
#[tokio::test]
async fn reconciliation_records_a_payment_whose_webhook_never_came() {
    let s = setup().await;
    let paid = invoice(&s, "EUR", "45.00", "0", 5).await;
    let (paid_attempt, paid_session) = start(&s, &[paid], None).await;
    let left = invoice(&s, "EUR", "15.00", "0", 5).await;
    let (left_attempt, left_session) = start(&s, &[left], None).await;
    // Paid and expired at Stripe; no event is delivered.
    s.fake.pay(&paid_session, Payment::Paid).expect("paid");
    s.fake.pay(&left_session, Payment::Expire).expect("expired");
    let run = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_portal"));
        command
            .arg("reconcile-payments")
            .arg("--data-dir")
            .arg(&s.app.settings.data_dir)
            .arg("--database-url")
            .arg(&s.app.database_url)
            .arg("--stripe-api-base")
            .arg(s.fake.url())
            .env("PORTAL_LOG", "warn")
            .env_remove("PORTAL_SECRETS_KEY");
        command
    };
    let mut first = run();
    let output = tokio::task::spawn_blocking(move || first.output())
        .await
        .expect("joined")
        .expect("portal runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "2");
    assert_eq!(
        status_of(&s, &paid_attempt.attempt_id).await,
        AttemptStatus::Succeeded
    );
    assert_eq!(
        status_of(&s, &left_attempt.attempt_id).await,
        AttemptStatus::Expired
    );
    assert_eq!(payments_of(&s.app, paid).await, 1);
    assert_eq!(payments_of(&s.app, left).await, 0);
    // Run again: nothing is open, nothing more is recorded.
    let mut second = run();
    let output = tokio::task::spawn_blocking(move || second.output())
        .await
        .expect("joined")
        .expect("portal runs");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "0");
    assert_eq!(payments_of(&s.app, paid).await, 1);
}

/// Two tabs: the first tab's page is paid while the second tab starts its own payment (so the
/// first cannot be expired any more), then the second is paid too. The invoice is paid once;
/// the second payment is kept whole, as money beyond what was open, for the issuer — never lost.
#[tokio::test]
async fn a_second_tab_paying_the_same_invoice_is_kept_for_the_issuer_never_lost() {
    let s = setup().await;
    let id = invoice(&s, "EUR", "90.00", "0", 5).await;
    let (first, first_session) = start(&s, &[id], None).await;
    let first_paid = s.fake.pay(&first_session, Payment::Paid).expect("paid");
    let (second, second_session) = start(&s, &[id], None).await;
    assert_eq!(
        s.fake.session(&first_session).expect("first")["status"],
        "complete",
        "a paid page is not expired"
    );
    s.fake.deliver_all(&first_paid).await.expect("delivered");
    let second_paid = s.fake.pay(&second_session, Payment::Paid).expect("paid");
    s.fake.deliver_all(&second_paid).await.expect("delivered");
    assert_eq!(payments_of(&s.app, id).await, 1);
    assert_eq!(remaining(&s.customer, id).await, "0.00");
    let check = s.owner.online_payments(&[]).await.expect("list");
    let kept = check
        .items
        .iter()
        .find(|p| p.id == second.attempt_id)
        .expect("the second payment");
    assert_eq!(kept.status, AttemptStatus::Succeeded);
    assert_eq!(kept.unallocated.as_deref(), Some("90.00"));
    let paid = check
        .items
        .iter()
        .find(|p| p.id == first.attempt_id)
        .expect("the first");
    assert_eq!(paid.unallocated, None);
    assert_eq!(
        s.app
            .scalar("SELECT count(*) AS n FROM events WHERE kind = 'payment_unallocated'")
            .await,
        1
    );
}
