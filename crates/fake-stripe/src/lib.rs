//! A stand-in for the part of Stripe the portal uses, speaking Stripe's wire format: Checkout
//! Sessions created from form-encoded bodies with bracketed names, read and expired; API keys
//! checked; `Idempotency-Key` replays and mismatches; Stripe's error JSON; and events delivered
//! to a webhook endpoint with a `Stripe-Signature` header. No registry ships Stripe's own mock
//! server, so the tests and the demo use this one; the tests also check it against the official
//! Python library.
//!
//! Test controls are methods (and, for the demo's browser, the hosted page at `/c/pay/{id}`):
//! [`FakeStripe::pay`] moves a session as a customer's payment would and returns the events
//! Stripe would send; [`FakeStripe::deliver`] delivers one, signed as told (duplicates, any
//! order, a stale timestamp, a wrong secret).

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use rand::RngCore;
use serde_json::{Map, Value, json};

/// What a customer does on the payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payment {
    /// Pays by card: `checkout.session.completed` with `payment_status=paid`.
    Paid,
    /// Starts a delayed method (SEPA debit): `completed` with `payment_status=unpaid`.
    AsyncPending,
    /// The delayed payment arrives: `checkout.session.async_payment_succeeded`.
    AsyncSucceeded,
    /// The delayed payment fails: `checkout.session.async_payment_failed`.
    AsyncFailed,
    /// Nobody pays before the session ends: `checkout.session.expired`.
    Expire,
}

/// How an event is delivered.
#[derive(Debug, Clone, Default)]
pub struct Delivery {
    /// Sign with this secret instead of the endpoint's (a wrong secret).
    pub secret: Option<String>,
    /// Sign with this timestamp instead of now (a stale one).
    pub timestamp: Option<i64>,
    /// Add this body byte-for-byte instead of the event's JSON (a tampered body).
    pub body: Option<Vec<u8>>,
}

/// The endpoint's answer to a delivery.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: String,
}

/// A request's parameters and the status and body it was answered.
type Answered = (Vec<(String, String)>, u16, Value);

/// Stripe's error answer, boxed (it is large).
type Refusal = Box<HttpResponse>;

#[derive(Default)]
struct State {
    sessions: HashMap<String, Value>,
    /// key → (the request's parameters, status, body).
    idempotency: HashMap<String, Answered>,
    /// Each create request's parameters, in order, for the tests to read.
    created_with: Vec<Vec<(String, String)>>,
    /// The next create requests answer this status and error instead (an outage).
    fail_creates: Vec<u16>,
}

struct Shared {
    api_key: String,
    base_url: String,
    webhook: Mutex<Option<(String, String)>>,
    state: Mutex<State>,
    http: reqwest::Client,
}

/// A running fake.
#[derive(Clone)]
pub struct FakeStripe {
    shared: Arc<Shared>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn random_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = [0u8; 24];
    rand::rng().fill_bytes(&mut bytes);
    let tail: String = bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("{prefix}{tail}")
}

fn error(
    status: u16,
    kind: &str,
    code: Option<&str>,
    param: Option<&str>,
    message: &str,
) -> HttpResponse {
    let mut object = Map::new();
    object.insert("type".into(), json!(kind));
    object.insert("message".into(), json!(message));
    if let Some(code) = code {
        object.insert("code".into(), json!(code));
        object.insert(
            "doc_url".into(),
            json!(format!(
                "https://stripe.com/docs/error-codes/{}",
                code.replace('_', "-")
            )),
        );
    }
    if let Some(param) = param {
        object.insert("param".into(), json!(param));
    }
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST))
        .insert_header(("Request-Id", random_id("req_")))
        .json(json!({ "error": object }))
}

/// `a[b][0][c]` → `["a", "b", "0", "c"]`; `None` when the brackets do not close.
fn path_of(name: &str) -> Option<Vec<String>> {
    let (head, mut rest) = match name.find('[') {
        Some(i) => (&name[..i], &name[i..]),
        None => return Some(vec![name.to_string()]),
    };
    let mut parts = vec![head.to_string()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        parts.push(inner[..end].to_string());
        rest = &inner[end + 1..];
    }
    Some(parts)
}

/// Nests bracketed form names as Stripe reads them; numeric keys make arrays.
fn nest(pairs: &[(String, String)]) -> Result<Value, String> {
    let mut root = Value::Object(Map::new());
    for (name, value) in pairs {
        let path = path_of(name).ok_or_else(|| format!("Invalid parameter name: {name}"))?;
        if !insert(&mut root, &path, value) {
            return Err(format!("Invalid parameter: {name}"));
        }
    }
    Ok(arrays(root))
}

fn insert(node: &mut Value, path: &[String], value: &str) -> bool {
    let Some(map) = node.as_object_mut() else {
        return false;
    };
    match path {
        [] => false,
        [last] => {
            map.insert(last.clone(), Value::String(value.to_string()));
            true
        }
        [head, rest @ ..] => insert(
            map.entry(head.clone())
                .or_insert_with(|| Value::Object(Map::new())),
            rest,
            value,
        ),
    }
}

/// Objects whose keys are all indices become arrays, in index order.
fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let all_indices = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
            if all_indices {
                let mut items: Vec<(usize, Value)> = map
                    .into_iter()
                    .map(|(k, v)| (k.parse::<usize>().unwrap_or(0), arrays(v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                Value::Array(items.into_iter().map(|(_, v)| v).collect())
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, arrays(v))).collect())
            }
        }
        other => other,
    }
}

impl FakeStripe {
    /// Starts the fake on a free port of 127.0.0.1, accepting `api_key`.
    pub async fn start(api_key: &str) -> std::io::Result<FakeStripe> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        Self::start_on(listener, api_key)
    }

    /// Starts the fake on `listener` (the demo's fixed port).
    pub fn start_on(listener: TcpListener, api_key: &str) -> std::io::Result<FakeStripe> {
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            api_key: api_key.to_string(),
            base_url: format!("http://127.0.0.1:{port}"),
            webhook: Mutex::new(None),
            state: Mutex::new(State::default()),
            http: reqwest::Client::new(),
        });
        let fake = FakeStripe { shared };
        let data = web::Data::new(fake.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(1024 * 1024))
                .route("/v1/checkout/sessions", web::post().to(create))
                .route("/v1/checkout/sessions/{id}", web::get().to(retrieve))
                .route("/v1/checkout/sessions/{id}/expire", web::post().to(expire))
                .route("/v1/balance", web::get().to(balance))
                .route("/c/pay/{id}", web::get().to(page))
                .route("/c/pay/{id}", web::post().to(page_submit))
                .default_service(web::to(unknown))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)?
        .run();
        tokio::spawn(server);
        Ok(fake)
    }

    /// Where the fake answers (`PORTAL_STRIPE_API_BASE`).
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    /// Where events go, signed with `secret` (the endpoint as registered in the dashboard).
    pub fn set_webhook(&self, url: &str, secret: &str) {
        *lock(&self.shared.webhook) = Some((url.to_string(), secret.to_string()));
    }

    /// The parameters of every session created, in order (as Stripe's dashboard logs them).
    pub fn created_with(&self) -> Vec<Vec<(String, String)>> {
        lock(&self.shared.state).created_with.clone()
    }

    /// A session as Stripe holds it.
    pub fn session(&self, id: &str) -> Option<Value> {
        lock(&self.shared.state).sessions.get(id).cloned()
    }

    /// Every session, newest last.
    pub fn sessions(&self) -> Vec<Value> {
        let state = lock(&self.shared.state);
        let mut all: Vec<Value> = state.sessions.values().cloned().collect();
        all.sort_by_key(|s| s["created_seq"].as_u64());
        all
    }

    /// The next create request answers `status` with Stripe's error JSON.
    pub fn fail_next_create(&self, status: u16) {
        lock(&self.shared.state).fail_creates.push(status);
    }

    /// Changes a session's amount as if Stripe had charged another sum (to test that a
    /// mismatch is not silently accepted).
    pub fn tamper_amount(&self, id: &str, amount_total: i64) {
        if let Some(s) = lock(&self.shared.state).sessions.get_mut(id) {
            s["amount_total"] = json!(amount_total);
        }
    }

    /// Moves session `id` as the customer's payment would and returns the events Stripe would
    /// send for it (not delivered: see [`FakeStripe::deliver`]). `None` for an unknown session.
    pub fn pay(&self, id: &str, payment: Payment) -> Option<Vec<Value>> {
        let mut state = lock(&self.shared.state);
        let session = state.sessions.get_mut(id)?;
        let mut events = Vec::new();
        let event = |kind: &str, s: &Value| envelope(kind, public(s));
        match payment {
            Payment::Paid | Payment::AsyncPending => {
                session["status"] = json!("complete");
                session["url"] = Value::Null;
                session["payment_intent"] = json!(random_id("pi_"));
                session["payment_status"] = json!(if payment == Payment::Paid {
                    "paid"
                } else {
                    "unpaid"
                });
                events.push(event("checkout.session.completed", session));
            }
            Payment::AsyncSucceeded => {
                session["payment_status"] = json!("paid");
                events.push(event("checkout.session.async_payment_succeeded", session));
            }
            Payment::AsyncFailed => {
                events.push(event("checkout.session.async_payment_failed", session));
            }
            Payment::Expire => {
                session["status"] = json!("expired");
                session["url"] = Value::Null;
                events.push(event("checkout.session.expired", session));
            }
        }
        Some(events)
    }

    /// Refunds a paid session in full, as the issuer would in Stripe's dashboard: the
    /// `charge.refunded` event Stripe sends (not delivered). `None` when it was not paid.
    pub fn refund(&self, id: &str) -> Option<Value> {
        let state = lock(&self.shared.state);
        let session = state.sessions.get(id)?;
        let intent = session["payment_intent"].as_str()?;
        let amount = session["amount_total"].as_i64()?;
        let charge = json!({
            "id": random_id("ch_"),
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": amount,
            "currency": session["currency"],
            "paid": true,
            "payment_intent": intent,
            "refunded": true,
            "status": "succeeded",
            "livemode": false,
            "created": now(),
        });
        Some(envelope("charge.refunded", charge))
    }

    /// Delivers `event` to the webhook endpoint, signed as `how` says.
    pub async fn deliver(&self, event: &Value, how: &Delivery) -> Result<Delivered, String> {
        let (url, secret) = lock(&self.shared.webhook)
            .clone()
            .ok_or("no webhook endpoint set")?;
        let body = match &how.body {
            Some(b) => b.clone(),
            None => serde_json::to_vec_pretty(event).map_err(|e| e.to_string())?,
        };
        let signed_body = serde_json::to_vec_pretty(event).map_err(|e| e.to_string())?;
        let timestamp = how.timestamp.unwrap_or_else(now);
        let header = signature(
            how.secret.as_deref().unwrap_or(&secret),
            timestamp,
            if how.body.is_some() {
                &signed_body
            } else {
                &body
            },
        );
        let response = self
            .shared
            .http
            .post(url)
            .header("Content-Type", "application/json; charset=utf-8")
            .header(
                "User-Agent",
                "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            )
            .header("Stripe-Signature", header)
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(|e| e.to_string())?;
        Ok(Delivered { status, body })
    }

    /// The `Stripe-Signature` Stripe would send with `body` now.
    pub fn signature_header(&self, body: &[u8]) -> Option<String> {
        let (_, secret) = lock(&self.shared.webhook).clone()?;
        Some(signature(&secret, now(), body))
    }

    /// Delivers each event once, in order, as Stripe would.
    pub async fn deliver_all(&self, events: &[Value]) -> Result<Vec<Delivered>, String> {
        let mut answers = Vec::new();
        for e in events {
            answers.push(self.deliver(e, &Delivery::default()).await?);
        }
        Ok(answers)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `t=…,v1=…`: HMAC-SHA256 of `t.body` keyed with the secret as written (`whsec_…`).
fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret.as_bytes());
    let mut context = ring::hmac::Context::with_key(&key);
    context.update(timestamp.to_string().as_bytes());
    context.update(b".");
    context.update(body);
    let tag = context.sign();
    let hex: String = tag.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("t={timestamp},v1={hex}")
}

/// The session as the API shows it (without the fake's own bookkeeping).
fn public(session: &Value) -> Value {
    let mut s = session.clone();
    if let Some(map) = s.as_object_mut() {
        map.remove("created_seq");
    }
    s
}

fn authorized(req: &HttpRequest, fake: &FakeStripe) -> Result<(), Refusal> {
    let header = req
        .headers()
        .get("Authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let key = if let Some(token) = header.strip_prefix("Bearer ") {
        token.to_string()
    } else if let Some(basic) = header.strip_prefix("Basic ") {
        use base64_decode as b64;
        b64(basic)
            .and_then(|s| s.split(':').next().map(str::to_string))
            .unwrap_or_default()
    } else {
        return Err(Box::new(error(
            401,
            "invalid_request_error",
            None,
            None,
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        )));
    };
    if key != fake.shared.api_key {
        let shown = format!(
            "{}****{}",
            &key.chars().take(8).collect::<String>(),
            key.chars()
                .rev()
                .take(4)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        );
        return Err(Box::new(error(
            401,
            "invalid_request_error",
            None,
            None,
            &format!("Invalid API Key provided: {shown}"),
        )));
    }
    Ok(())
}

/// Standard base64 (for HTTP Basic), without a crate for it.
fn base64_decode(text: &str) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.trim().bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c)? as u32;
        bits = (bits << 6) | v;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    String::from_utf8(out).ok()
}

fn form(body: &[u8]) -> Result<Vec<(String, String)>, Refusal> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).map_err(|_| {
        Box::new(error(
            400,
            "invalid_request_error",
            None,
            None,
            "Invalid request: the body is not application/x-www-form-urlencoded.",
        ))
    })
}

async fn create(req: HttpRequest, fake: web::Data<FakeStripe>, body: web::Bytes) -> HttpResponse {
    if let Err(r) = authorized(&req, &fake) {
        return *r;
    }
    let pairs = match form(&body) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let key = req
        .headers()
        .get("Idempotency-Key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(key) = &key {
        let state = lock(&fake.shared.state);
        if let Some((params, status, stored)) = state.idempotency.get(key) {
            if *params != pairs {
                return error(
                    400,
                    "idempotency_error",
                    None,
                    None,
                    &format!(
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."
                    ),
                );
            }
            return HttpResponse::build(StatusCode::from_u16(*status).unwrap_or(StatusCode::OK))
                .insert_header(("Idempotent-Replayed", "true"))
                .json(stored);
        }
    }
    let (status, answer) = {
        let mut state = lock(&fake.shared.state);
        state.created_with.push(pairs.clone());
        if !state.fail_creates.is_empty() {
            let status = state.fail_creates.remove(0);
            return error(status, "api_error", None, None, "An unknown error occurred");
        }
        drop(state);
        match new_session(&fake, &pairs) {
            Ok(session) => (200, session),
            Err(r) => return *r,
        }
    };
    let mut state = lock(&fake.shared.state);
    let id = answer["id"].as_str().unwrap_or_default().to_string();
    let seq = state.sessions.len() as u64;
    let mut stored = answer.clone();
    stored["created_seq"] = json!(seq);
    state.sessions.insert(id, stored);
    if let Some(key) = key {
        state
            .idempotency
            .insert(key, (pairs, status, answer.clone()));
    }
    HttpResponse::Ok().json(answer)
}

fn new_session(fake: &FakeStripe, pairs: &[(String, String)]) -> Result<Value, Refusal> {
    let params =
        nest(pairs).map_err(|m| Box::new(error(400, "invalid_request_error", None, None, &m)))?;
    let missing = |param: &str| -> Refusal {
        Box::new(error(
            400,
            "invalid_request_error",
            Some("parameter_missing"),
            Some(param),
            &format!("Missing required param: {param}."),
        ))
    };
    let invalid = |param: &str, message: &str| -> Refusal {
        Box::new(error(
            400,
            "invalid_request_error",
            Some("parameter_invalid"),
            Some(param),
            message,
        ))
    };
    let mode = params["mode"].as_str().ok_or_else(|| missing("mode"))?;
    if !matches!(mode, "payment" | "setup" | "subscription") {
        return Err(invalid(
            "mode",
            "Invalid mode: must be one of payment, setup, or subscription",
        ));
    }
    let success_url = params["success_url"]
        .as_str()
        .ok_or_else(|| missing("success_url"))?;
    let items = params["line_items"]
        .as_array()
        .ok_or_else(|| missing("line_items"))?;
    let mut total: i64 = 0;
    let mut currency: Option<String> = None;
    for (i, item) in items.iter().enumerate() {
        let price = &item["price_data"];
        let c = price["currency"]
            .as_str()
            .ok_or_else(|| missing(&format!("line_items[{i}][price_data][currency]")))?;
        if c.len() != 3 || c.chars().any(|ch| !ch.is_ascii_lowercase()) {
            return Err(invalid(
                &format!("line_items[{i}][price_data][currency]"),
                &format!("Invalid currency: {c}."),
            ));
        }
        if currency.as_deref().is_some_and(|prev| prev != c) {
            return Err(invalid(
                "line_items",
                "All line items must be in the same currency.",
            ));
        }
        currency = Some(c.to_string());
        let unit: i64 = price["unit_amount"]
            .as_str()
            .ok_or_else(|| missing(&format!("line_items[{i}][price_data][unit_amount]")))?
            .parse()
            .map_err(|_| {
                invalid(
                    &format!("line_items[{i}][price_data][unit_amount]"),
                    "Invalid integer",
                )
            })?;
        if unit < 0 {
            return Err(invalid(
                &format!("line_items[{i}][price_data][unit_amount]"),
                "This value must be greater than or equal to 0.",
            ));
        }
        if price["product_data"]["name"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            return Err(missing(&format!(
                "line_items[{i}][price_data][product_data][name]"
            )));
        }
        let quantity: i64 = item["quantity"]
            .as_str()
            .ok_or_else(|| missing(&format!("line_items[{i}][quantity]")))?
            .parse()
            .map_err(|_| invalid(&format!("line_items[{i}][quantity]"), "Invalid integer"))?;
        total += unit * quantity;
    }
    let created = now();
    let expires_at = match params["expires_at"].as_str() {
        Some(text) => {
            let at: i64 = text
                .parse()
                .map_err(|_| invalid("expires_at", "Invalid integer"))?;
            if at < created + 30 * 60 - 5 || at > created + 24 * 3600 {
                return Err(invalid(
                    "expires_at",
                    "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
                ));
            }
            at
        }
        None => created + 24 * 3600,
    };
    let id = random_id("cs_test_");
    Ok(json!({
        "id": id,
        "object": "checkout.session",
        "amount_subtotal": total,
        "amount_total": total,
        "cancel_url": params["cancel_url"],
        "client_reference_id": params["client_reference_id"],
        "created": created,
        "currency": currency,
        "customer": null,
        "customer_email": params["customer_email"],
        "expires_at": expires_at,
        "livemode": false,
        "metadata": params.get("metadata").cloned().unwrap_or_else(|| json!({})),
        "mode": mode,
        "payment_intent": null,
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "status": "open",
        "success_url": success_url,
        "url": format!("{}/c/pay/{id}", fake.shared.base_url),
    }))
}

fn missing_session(id: &str) -> HttpResponse {
    error(
        404,
        "invalid_request_error",
        Some("resource_missing"),
        Some("session"),
        &format!("No such checkout.session: '{id}'"),
    )
}

async fn retrieve(
    req: HttpRequest,
    fake: web::Data<FakeStripe>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(r) = authorized(&req, &fake) {
        return *r;
    }
    let mut state = lock(&fake.shared.state);
    match state.sessions.get_mut(id.as_str()) {
        Some(s) => {
            // A session past its time has expired, as Stripe's would.
            if s["status"] == "open" && s["expires_at"].as_i64().is_some_and(|at| at < now()) {
                s["status"] = json!("expired");
                s["url"] = Value::Null;
            }
            HttpResponse::Ok().json(public(s))
        }
        None => missing_session(&id),
    }
}

async fn expire(
    req: HttpRequest,
    fake: web::Data<FakeStripe>,
    id: web::Path<String>,
) -> HttpResponse {
    if let Err(r) = authorized(&req, &fake) {
        return *r;
    }
    let events = {
        let state = lock(&fake.shared.state);
        match state.sessions.get(id.as_str()) {
            None => return missing_session(&id),
            Some(s) if s["status"] != "open" => {
                return error(
                    400,
                    "invalid_request_error",
                    None,
                    None,
                    &format!(
                        "Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of \"{}\".",
                        s["status"].as_str().unwrap_or("")
                    ),
                );
            }
            Some(_) => {}
        }
        drop(state);
        fake.pay(&id, Payment::Expire).unwrap_or_default()
    };
    // Stripe sends `checkout.session.expired` for a session expired through the API too.
    let deliverer = fake.get_ref().clone();
    tokio::spawn(async move {
        let _ = deliverer.deliver_all(&events).await;
    });
    let state = lock(&fake.shared.state);
    match state.sessions.get(id.as_str()) {
        Some(s) => HttpResponse::Ok().json(public(s)),
        None => missing_session(&id),
    }
}

/// `GET /v1/balance`: an empty test-mode balance (what a key check reads).
async fn balance(req: HttpRequest, fake: web::Data<FakeStripe>) -> HttpResponse {
    if let Err(r) = authorized(&req, &fake) {
        return *r;
    }
    HttpResponse::Ok().json(json!({
        "object": "balance",
        "available": [{ "amount": 0, "currency": "eur", "source_types": { "card": 0 } }],
        "livemode": false,
        "pending": [{ "amount": 0, "currency": "eur", "source_types": { "card": 0 } }],
    }))
}

/// The hosted payment page (the demo's): the amount, Pay and Cancel.
async fn page(fake: web::Data<FakeStripe>, id: web::Path<String>) -> HttpResponse {
    let Some(s) = fake.session(&id) else {
        return HttpResponse::NotFound().body("No such payment page");
    };
    let amount = s["amount_total"].as_i64().unwrap_or(0);
    let currency = s["currency"].as_str().unwrap_or("").to_uppercase();
    let open = s["status"] == "open";
    let html = format!(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Test payment</title>\
         <style>body{{font-family:sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}}\
         button{{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem}}</style></head><body>\
         <p><strong>Test mode</strong>: a stand-in for Stripe Checkout. No money moves.</p>\
         <h1>Pay {currency} {amount} <small>(in Stripe's smallest unit)</small></h1>\
         {}</body></html>",
        if open {
            "<form method=post><button name=action value=pay>Pay</button>\
             <button name=action value=cancel>Cancel</button></form>"
        } else {
            "<p>This payment page is closed.</p>"
        }
    );
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html)
}

async fn page_submit(
    fake: web::Data<FakeStripe>,
    id: web::Path<String>,
    body: web::Bytes,
) -> HttpResponse {
    let Some(s) = fake.session(&id) else {
        return HttpResponse::NotFound().body("No such payment page");
    };
    let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body).unwrap_or_default();
    let pay = pairs.iter().any(|(k, v)| k == "action" && v == "pay");
    if s["status"] != "open" {
        return HttpResponse::SeeOther()
            .insert_header(("Location", format!("/c/pay/{id}")))
            .finish();
    }
    let target = if pay {
        let events = fake.pay(&id, Payment::Paid).unwrap_or_default();
        let _ = fake.deliver_all(&events).await;
        s["success_url"]
            .as_str()
            .unwrap_or("/")
            .replace("{CHECKOUT_SESSION_ID}", &id)
    } else {
        s["cancel_url"].as_str().unwrap_or("/").to_string()
    };
    HttpResponse::SeeOther()
        .insert_header(("Location", target))
        .finish()
}

async fn unknown(req: HttpRequest) -> HttpResponse {
    error(
        404,
        "invalid_request_error",
        None,
        None,
        &format!(
            "Unrecognized request URL ({} {}).",
            req.method(),
            req.path()
        ),
    )
}

/// An event as Stripe wraps an object it reports (`data.object`) for a webhook.
fn envelope(kind: &str, object: Value) -> Value {
    json!({
        "id": random_id("evt_"),
        "object": "event",
        "api_version": "2025-09-30.clover",
        "created": now(),
        "data": { "object": object },
        "livemode": false,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bracketed_names_nest_as_stripe_reads_them() {
        let pairs: Vec<(String, String)> = [
            ("mode", "payment"),
            ("line_items[1][quantity]", "2"),
            ("line_items[0][quantity]", "1"),
            ("line_items[0][price_data][currency]", "eur"),
            ("metadata[payment_attempt_id]", "pa_1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let v = nest(&pairs).expect("nests");
        assert_eq!(v["line_items"][0]["quantity"], "1");
        assert_eq!(v["line_items"][1]["quantity"], "2");
        assert_eq!(v["line_items"][0]["price_data"]["currency"], "eur");
        assert_eq!(v["metadata"]["payment_attempt_id"], "pa_1");
        assert!(nest(&[("a[b".into(), "1".into())]).is_err());
    }

    #[test]
    fn basic_auth_decodes() {
        // "sk_test_x:" in base64.
        assert_eq!(
            base64_decode("c2tfdGVzdF94Og==").as_deref(),
            Some("sk_test_x:")
        );
    }
}
