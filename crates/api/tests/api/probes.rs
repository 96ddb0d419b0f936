//! Cross-tenant probes generated from the OpenAPI document. For every operation whose path
//! holds an id, four callers that do not own the demo organisation's objects — another
//! organisation's owner, that organisation's key with every scope, a customer of another
//! contractor of the same organisation and a customer of the other organisation — try every id
//! of every kind the demo organisation has in every id slot (all but the ids of that slot's
//! kind they own themselves), and each answer must be a 404. Nothing may change: the demo
//! organisation's rows and every table's row count are the same afterwards. Then every
//! operation is called once with ids its caller does own, and must not be a 404: the probes
//! were requests the server understood, not noise that any endpoint would turn away.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::{StreamExt, stream};
use portal_client::{Client, FileUpload, Realm};
use portal_store::demo;
use portal_store::entities as e;
use portal_types::{NewApiKey, NewWebhookEndpoint};
use reqwest::Method;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::online_payments::{invoice, pay, setup_with};

/// Paths with an id that no caller owns, and why the probes leave them out.
const EXEMPT: [(&str, &str); 1] = [(
    "/api/v1/payments/stripe/webhook/{organization}",
    "Stripe's webhook is public by design: a body not signed with that organisation's secret \
     is refused before anything is read (online_payments tests)",
)];

/// What an id in a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    ApiKey,
    Contractor,
    Document,
    Attachment,
    Payment,
    PortalUser,
    Staff,
    Webhook,
    Delivery,
    /// An online payment attempt (`pa_…`), the one kind named by a string.
    Attempt,
}

impl Kind {
    const ALL: [Kind; 10] = [
        Kind::ApiKey,
        Kind::Contractor,
        Kind::Document,
        Kind::Attachment,
        Kind::Payment,
        Kind::PortalUser,
        Kind::Staff,
        Kind::Webhook,
        Kind::Delivery,
        Kind::Attempt,
    ];

    fn table(self) -> &'static str {
        match self {
            Kind::ApiKey => "api_keys",
            Kind::Contractor => "contractors",
            Kind::Document => "documents",
            Kind::Attachment => "attachments",
            Kind::Payment => "payments",
            Kind::PortalUser => "portal_users",
            Kind::Staff => "staff_users",
            Kind::Webhook => "webhook_endpoints",
            Kind::Delivery => "webhook_deliveries",
            Kind::Attempt => "payment_attempts",
        }
    }

    fn column(self) -> &'static str {
        if self == Kind::Attempt {
            "public_id"
        } else {
            "id"
        }
    }

    /// The kind of the id in `{slot}` of `template`, from the path segment before it.
    fn of(template: &str, slot: &str) -> Kind {
        let before = template
            .split(&format!("/{{{slot}}}"))
            .next()
            .expect("a prefix");
        let segment = before.rsplit('/').next().expect("a segment");
        let portal = template.starts_with("/api/v1/portal/");
        match (portal, segment) {
            (false, "api-keys") => Kind::ApiKey,
            (false, "contractors") => Kind::Contractor,
            (_, "documents") => Kind::Document,
            (_, "attachments") => Kind::Attachment,
            (false, "payments") => Kind::Payment,
            (true, "payments") => Kind::Attempt,
            (false, "portal-users") => Kind::PortalUser,
            (false, "staff") => Kind::Staff,
            (false, "webhooks") => Kind::Webhook,
            (false, "deliveries") => Kind::Delivery,
            other => {
                panic!("{template}: what does {{{slot}}} after {other:?} name? Teach `Kind::of`")
            }
        }
    }
}

/// Ids by kind.
type Ids = BTreeMap<Kind, BTreeSet<String>>;

/// One operation of the OpenAPI document with ids in its path.
#[derive(Debug, Clone)]
struct Op {
    method: Method,
    template: String,
    /// The path's id slots, outermost first, with their kinds.
    slots: Vec<(String, Kind)>,
    portal: bool,
}

impl Op {
    fn path(&self, values: &[&str]) -> String {
        let mut path = self.template.clone();
        for ((slot, _), value) in self.slots.iter().zip(values) {
            path = path.replace(&format!("{{{slot}}}"), value);
        }
        path
    }

    fn name(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

/// Every operation of the document whose path holds an id, except [`EXEMPT`].
fn operations(document: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for (template, item) in document["paths"].as_object().expect("paths") {
        if !template.contains('{') || EXEMPT.iter().any(|(p, _)| p == template) {
            continue;
        }
        let portal = template.starts_with("/api/v1/portal/");
        assert!(
            portal || template.starts_with("/api/v1/issuer/"),
            "{template}: neither the portal's nor the issuer's: probe it or exempt it with a reason"
        );
        let slots: Vec<(String, Kind)> = template
            .split('{')
            .skip(1)
            .map(|rest| {
                let slot = rest.split('}').next().expect("a closing brace").to_string();
                let kind = Kind::of(template, &slot);
                (slot, kind)
            })
            .collect();
        for (verb, operation) in item.as_object().expect("operations") {
            let method = match verb.as_str() {
                "get" => Method::GET,
                "post" => Method::POST,
                "put" => Method::PUT,
                "patch" => Method::PATCH,
                "delete" => Method::DELETE,
                _ => continue,
            };
            let op = Op {
                method,
                template: template.clone(),
                slots: slots.clone(),
                portal,
            };
            assert!(
                operation.get("requestBody").is_none() || body(&op).is_some(),
                "{}: takes a body; give it one in `body`",
                op.name()
            );
            ops.push(op);
        }
    }
    ops
}

/// A body the operation would take for ids its caller owns.
fn body(op: &Op) -> Option<Value> {
    let path = op.template.trim_start_matches("/api/v1");
    Some(match (op.method.as_str(), path) {
        ("PATCH", "/issuer/api-keys/{id}") => json!({ "name": "probe" }),
        ("PATCH", "/issuer/contractors/{id}") => json!({ "name": "Probe Ltd" }),
        ("POST", "/issuer/contractors/{id}/portal-users") => {
            json!({
                "username": "probe",
                "first_name": "Pro",
                "last_name": "Be",
                "email": "probe@example.com"
            })
        }
        ("PATCH", "/issuer/documents/{id}") => json!({ "notes": "probe" }),
        ("POST", "/issuer/documents/{id}/comments" | "/portal/documents/{id}/comments") => {
            json!({ "body": "probe" })
        }
        ("POST", "/issuer/documents/{id}/convert") => json!({ "type": "invoice" }),
        ("POST", "/issuer/documents/{id}/payments") => {
            json!({ "amount": "1.00", "method": "bank_transfer" })
        }
        ("PATCH", "/issuer/portal-users/{id}") => json!({ "first_name": "Probe" }),
        ("PATCH", "/issuer/staff/{id}") => json!({ "name": "Probe" }),
        ("PATCH", "/issuer/webhooks/{id}") => json!({ "description": "probe" }),
        ("POST", "/portal/documents/{id}/accept" | "/portal/documents/{id}/reject") => json!({}),
        _ => return None,
    })
}

/// The rows `sql` answers.
async fn query(app: &TestApp, sql: &str) -> Vec<sea_orm::QueryResult> {
    app.db
        .query_all_raw(Statement::from_string(
            app.db.get_database_backend(),
            sql.to_string(),
        ))
        .await
        .expect("query")
}

/// The first column of every row `sql` answers, as text.
async fn column(app: &TestApp, sql: &str) -> Vec<String> {
    let rows = query(app, sql).await;
    rows.iter()
        .map(|row| match row.try_get_by_index::<i64>(0) {
            Ok(n) => n.to_string(),
            Err(_) => row.try_get_by_index::<String>(0).expect("an id"),
        })
        .collect()
}

/// Every id of every kind an organisation has.
async fn ids_of_organization(app: &TestApp, org: i64) -> Ids {
    let mut ids = Ids::new();
    for kind in Kind::ALL {
        let found = column(
            app,
            &format!(
                "SELECT {} FROM {} WHERE organization_id = {org}",
                kind.column(),
                kind.table()
            ),
        )
        .await;
        ids.insert(kind, found.into_iter().collect());
    }
    ids
}

/// What a customer owns: the documents its portal lists, their attachments, its payments.
async fn ids_of_customer(app: &TestApp, customer: &Client) -> Ids {
    let me = customer.portal_me().await.expect("me");
    let mut documents = BTreeSet::new();
    for page in 1.. {
        let page = page.to_string();
        let listed = customer
            .portal_documents(&[("per_page", "100"), ("page", page.as_str())])
            .await
            .expect("grid");
        documents.extend(listed.items.iter().map(|row| row.id.to_string()));
        if listed.items.is_empty() || documents.len() as u64 >= listed.total {
            break;
        }
    }
    let list = documents.iter().cloned().collect::<Vec<_>>().join(",");
    let attachments = column(
        app,
        &format!(
            "SELECT a.id FROM attachments a JOIN comments c ON c.id = a.comment_id
             WHERE c.document_id IN ({list})"
        ),
    )
    .await;
    let attempts = column(
        app,
        &format!(
            "SELECT public_id FROM payment_attempts WHERE contractor_id = {}",
            me.contractor_id
        ),
    )
    .await;
    Ids::from([
        (Kind::Document, documents),
        (Kind::Attachment, attachments.into_iter().collect()),
        (Kind::Attempt, attempts.into_iter().collect()),
    ])
}

/// A caller and what it owns.
struct Caller {
    name: &'static str,
    client: Client,
    owns: Ids,
    portal: bool,
    key: bool,
}

impl Caller {
    /// The answer for an id this caller does not own: a 404 — or, for a key on what only
    /// people may do, the refusal every id gets alike (which says nothing about the id).
    fn expected(&self, op: &Op) -> (u16, &'static str) {
        if self.key && op.template.starts_with("/api/v1/issuer/staff/") {
            (403, "api_key_not_allowed")
        } else {
            (404, "not_found")
        }
    }
}

/// One request of a probe.
struct Probe {
    caller: usize,
    op: Op,
    path: String,
}

/// The requests that try `victim`'s ids on `op` as `caller`.
fn probes(index: usize, caller: &Caller, op: &Op, victim: &Ids, parents: &ParentsOf) -> Vec<Probe> {
    let everything: BTreeSet<&String> = victim.values().flatten().collect();
    let candidates = |kind: Kind| -> Vec<String> {
        let owned = caller.owns.get(&kind);
        everything
            .iter()
            .filter(|id| !owned.is_some_and(|o| o.contains(id.as_str())))
            .map(|id| id.to_string())
            .collect()
    };
    let probe = |values: &[&str]| Probe {
        caller: index,
        op: op.clone(),
        path: op.path(values),
    };
    match op.slots.as_slice() {
        [(_, kind)] => candidates(*kind).iter().map(|v| probe(&[v])).collect(),
        [(_, parent), (_, child)] => {
            let mut out = Vec::new();
            // The victim's own pairs: the child where it really is.
            for (c, p) in parents.get(child).into_iter().flatten() {
                if !caller.owns.get(child).is_some_and(|o| o.contains(c)) {
                    out.push(probe(&[p, c]));
                }
            }
            // Under a parent the caller owns, every child id it does not.
            if let Some(own) = caller.owns.get(parent).and_then(|o| o.iter().next()) {
                for c in candidates(*child) {
                    out.push(probe(&[own, &c]));
                }
            }
            // Every parent id it does not own, with a real child of the victim's.
            if let Some((c, _)) = parents.get(child).and_then(|pairs| pairs.first()) {
                for p in candidates(*parent) {
                    out.push(probe(&[&p, c]));
                }
            }
            out
        }
        other => panic!("{}: {} id slots", op.name(), other.len()),
    }
}

/// For the kinds that live under another: (child, parent) pairs of the victim organisation.
type ParentsOf = BTreeMap<Kind, Vec<(String, String)>>;

async fn pairs(app: &TestApp, sql: &str) -> Vec<(String, String)> {
    let rows = query(app, sql).await;
    rows.iter()
        .map(|row| {
            let child: i64 = row.try_get_by_index(0).expect("child");
            let parent: i64 = row.try_get_by_index(1).expect("parent");
            (child.to_string(), parent.to_string())
        })
        .collect()
}

/// Sends `probe` and answers its status and the start of its body.
async fn send(caller: &Caller, probe: &Probe) -> (u16, String) {
    let mut request = caller.client.request(probe.op.method.clone(), &probe.path);
    if let Some(body) = body(&probe.op) {
        request = request.json(&body);
    }
    let response = request.send().await.expect("an answer");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    (status, text.chars().take(200).collect())
}

/// The demo organisation's rows as they are, and how many rows every table has.
async fn snapshot(app: &TestApp, org: i64) -> String {
    let mut out = String::new();
    macro_rules! rows {
        ($entity:ident) => {{
            let rows = e::$entity::Entity::find()
                .filter(e::$entity::Column::OrganizationId.eq(org))
                .order_by_asc(e::$entity::Column::Id)
                .all(&app.db)
                .await
                .expect("rows");
            out.push_str(&format!("{}: {rows:?}\n", stringify!($entity)));
        }};
    }
    rows!(api_key);
    rows!(attachment);
    rows!(comment);
    rows!(contractor);
    rows!(document);
    rows!(payment);
    rows!(payment_attempt);
    rows!(portal_user);
    rows!(staff_user);
    rows!(webhook_endpoint);
    let deliveries = column(
        app,
        &format!(
            "SELECT id || ' ' || status || ' ' || attempts FROM webhook_deliveries
             WHERE organization_id = {org} ORDER BY id"
        ),
    )
    .await;
    out.push_str(&format!("webhook_deliveries: {deliveries:?}\n"));
    let tables =
        match app.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => column(
                app,
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
            )
            .await,
            _ => {
                column(
                    app,
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1",
                )
                .await
            }
        };
    for table in tables {
        let n = app
            .scalar(&format!("SELECT count(*) AS n FROM \"{table}\""))
            .await;
        out.push_str(&format!("{table}: {n} rows\n"));
    }
    out
}

fn png() -> FileUpload {
    FileUpload {
        name: "receipt.png".into(),
        bytes: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"
            .to_vec(),
    }
}

/// An endpoint of the signed-in owner's organisation with one delivery (which waits: the
/// server runs no delivery workers here).
async fn webhook_with_delivery(owner: &Client) {
    let created = owner
        .create_webhook(&NewWebhookEndpoint {
            url: "http://127.0.0.1:9/hook".into(),
            events: vec!["document.issued".into()],
            description: None,
        })
        .await
        .expect("endpoint");
    owner
        .test_webhook(created.endpoint.id)
        .await
        .expect("a delivery");
}

/// An issued document of the signed-in owner's organisation with an attachment.
async fn attached(owner: &Client) -> i64 {
    let issued = owner
        .issuer_documents(&[("state", "issued"), ("per_page", "1")])
        .await
        .expect("documents");
    let id = issued.items.first().expect("an issued document").id;
    owner
        .post_comment(Realm::Issuer, id, "See attached", &[png()])
        .await
        .expect("comment with a file");
    id
}

#[tokio::test]
async fn no_caller_reaches_an_id_it_does_not_own_on_any_path_of_the_openapi_document() {
    let s = setup_with(|settings| {
        settings.webhooks_allow_private = true;
        settings.webhook_workers = 0;
    })
    .await;
    let app = &s.app;
    let org = |slug: &'static str| async move {
        column(
            app,
            &format!("SELECT id FROM organizations WHERE slug = '{slug}'"),
        )
        .await
        .pop()
        .expect("organisation")
        .parse::<i64>()
        .expect("an id")
    };
    let demo_org = org("demo").await;

    // The demo organisation has one of every kind: a key, an endpoint with a delivery, a
    // payment, an online payment attempt, a customer's attachment.
    let key = NewApiKey {
        name: "Accounting".into(),
        scopes: crate::api_keys::every_scope_but(None),
        expires_at: None,
        rate_limit_per_minute: Some(10_000),
    };
    s.owner.create_api_key(&key).await.expect("demo key");
    webhook_with_delivery(&s.owner).await;
    let paid = invoice(&s, "EUR", "30.00", "0", 5).await;
    s.owner
        .record_payment(
            paid,
            &serde_json::from_value(json!({ "amount": "5.00", "method": "cash" }))
                .expect("payment"),
            None,
        )
        .await
        .expect("payment");
    let open = invoice(&s, "EUR", "40.00", "0", 5).await;
    s.customer
        .checkout(&pay(&[open], None))
        .await
        .expect("checkout");
    s.customer
        .post_comment(Realm::Portal, open, "Our transfer", &[png()])
        .await
        .expect("customer's attachment");

    // The other organisation, with the same.
    let rival = app.rival_owner().await;
    let rival_org = org("rival").await;
    let created = rival.create_api_key(&key).await.expect("rival key");
    let rival_key = app.client();
    rival_key.set_access_token(Some(created.token));
    webhook_with_delivery(&rival).await;
    let rival_doc = attached(&rival).await;
    let rival_acme = app.client();
    rival_acme
        .portal_login("rival", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("rival's customer");
    let kunde = app.portal_client("kunde").await;

    let rival_ids = ids_of_organization(app, rival_org).await;
    let callers = [
        Caller {
            name: "another organisation's owner",
            client: rival,
            owns: rival_ids.clone(),
            portal: false,
            key: false,
        },
        Caller {
            name: "another organisation's key with every scope",
            client: rival_key,
            owns: rival_ids,
            portal: false,
            key: true,
        },
        Caller {
            name: "a customer of another contractor",
            owns: ids_of_customer(app, &kunde).await,
            client: kunde,
            portal: true,
            key: false,
        },
        Caller {
            name: "a customer of another organisation",
            owns: ids_of_customer(app, &rival_acme).await,
            client: rival_acme,
            portal: true,
            key: false,
        },
    ];

    let victim = ids_of_organization(app, demo_org).await;
    for kind in Kind::ALL {
        assert!(
            !victim[&kind].is_empty(),
            "the demo organisation has no {kind:?}"
        );
    }
    let parents = ParentsOf::from([
        (
            Kind::Attachment,
            pairs(
                app,
                &format!(
                    "SELECT a.id, c.document_id FROM attachments a JOIN comments c ON c.id = a.comment_id
                     WHERE a.organization_id = {demo_org}"
                ),
            )
            .await,
        ),
        (
            Kind::Delivery,
            pairs(
                app,
                &format!(
                    "SELECT id, endpoint_id FROM webhook_deliveries WHERE organization_id = {demo_org}"
                ),
            )
            .await,
        ),
    ]);

    let document = app.client().openapi().await.expect("the OpenAPI document");
    let ops = operations(&document);
    let mut all = Vec::new();
    for (index, caller) in callers.iter().enumerate() {
        for op in ops.iter().filter(|op| op.portal == caller.portal) {
            all.extend(probes(index, caller, op, &victim, &parents));
        }
    }
    let before = snapshot(app, demo_org).await;
    let callers_ref = &callers;
    let answers: Vec<(usize, u16, String)> = stream::iter(all.iter().enumerate())
        .map(|(i, probe)| async move {
            let (status, body) = send(&callers_ref[probe.caller], probe).await;
            (i, status, body)
        })
        .buffer_unordered(8)
        .collect()
        .await;
    let mut per_op: BTreeMap<String, usize> = BTreeMap::new();
    let mut wrong = Vec::new();
    for (i, status, body) in &answers {
        let probe = &all[*i];
        *per_op.entry(probe.op.name()).or_default() += 1;
        let (want, code) = callers[probe.caller].expected(&probe.op);
        if *status != want || !body.contains(&format!("\"code\":\"{code}\"")) {
            wrong.push(format!(
                "{}: {} {} → {status} {body}",
                callers[probe.caller].name, probe.op.method, probe.path
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} probes were not the refusal expected:\n{}",
        wrong.len(),
        answers.len(),
        wrong.join("\n")
    );
    // Every operation was probed, and probed with every kind of id.
    let probed_ops: BTreeSet<String> = ops.iter().map(Op::name).collect();
    assert_eq!(per_op.keys().cloned().collect::<BTreeSet<_>>(), probed_ops);
    assert_eq!(
        snapshot(app, demo_org).await,
        before,
        "a probe changed something"
    );

    // The same operations with ids the caller owns are not 404s: the paths, methods and
    // bodies of the probes were ones the server acts on.
    let demo_customer = Caller {
        name: "the demo customer",
        owns: ids_of_customer(app, &s.customer).await,
        client: app.portal_client("acme").await,
        portal: true,
        key: false,
    };
    let rival_hook = first(&callers[0].owns, Kind::Webhook);
    let issuer_own = {
        let mut own = mine(app, &callers[0], rival_doc).await;
        let delivery = column(
            app,
            &format!("SELECT id FROM webhook_deliveries WHERE endpoint_id = {rival_hook}"),
        )
        .await;
        own.insert(
            Kind::Delivery,
            delivery.first().expect("a delivery").clone(),
        );
        own
    };
    let portal_own = mine(app, &demo_customer, open).await;
    let mut controls: Vec<&Op> = ops.iter().collect();
    // Deletions last, so that what they remove is not needed by another control.
    controls.sort_by_key(|op| op.method == Method::DELETE);
    let mut refused = Vec::new();
    for op in controls {
        let (caller, own) = if op.portal {
            (&demo_customer, &portal_own)
        } else {
            (&callers[0], &issuer_own)
        };
        let values: Vec<&str> = op
            .slots
            .iter()
            .map(|(_, kind)| own[kind].as_str())
            .collect();
        let probe = Probe {
            caller: 0,
            op: op.clone(),
            path: op.path(&values),
        };
        let (status, body) = send(caller, &probe).await;
        if status == 404 || status >= 500 {
            refused.push(format!("{} {} → {status} {body}", op.method, probe.path));
        }
    }
    assert!(
        refused.is_empty(),
        "with the caller's own ids:\n{}",
        refused.join("\n")
    );
}

/// The ids a control call uses: the smallest of each kind the caller owns, `document`, and
/// an attachment on it.
async fn mine(app: &TestApp, caller: &Caller, document: i64) -> BTreeMap<Kind, String> {
    let mut own: BTreeMap<Kind, String> = caller
        .owns
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(kind, _)| (*kind, first(&caller.owns, *kind)))
        .collect();
    own.insert(Kind::Document, document.to_string());
    let under = column(
        app,
        &format!(
            "SELECT a.id FROM attachments a JOIN comments c ON c.id = a.comment_id
             WHERE c.document_id = {document}"
        ),
    )
    .await;
    own.insert(
        Kind::Attachment,
        under.first().expect("an attachment").clone(),
    );
    own
}

/// The smallest id of `kind` in `owns`.
fn first(owns: &Ids, kind: Kind) -> String {
    owns.get(&kind)
        .and_then(|ids| ids.iter().min_by_key(|id| (id.len(), (*id).clone())))
        .unwrap_or_else(|| panic!("the caller owns no {kind:?}"))
        .clone()
}
