//! Integrators' API keys: shown once, kept hashed, within their scopes and their limit, never
//! on the portal's side, revoked at the next request, and every action recorded as the key.

use portal_client::Client;
use portal_types::{ApiKeyUpdate, NewApiKey, NewContractor};
use reqwest::Method;
use sea_orm::ConnectionTrait;

use crate::helpers::{TestApp, api_error as error, spawn_app};

/// Every scope there is, spelled out here rather than taken from the server's list.
const RESOURCES: [&str; 9] = [
    "contractors",
    "portal_users",
    "documents",
    "payments",
    "comments",
    "settings",
    "events",
    "webhooks",
    "api_keys",
];

fn scopes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

pub(crate) fn every_scope_but(resource: Option<&str>) -> Vec<String> {
    RESOURCES
        .iter()
        .filter(|r| Some(**r) != resource)
        .flat_map(|r| [format!("{r}:read"), format!("{r}:write")])
        .collect()
}

/// A client that sends `token` as its bearer.
fn keyed(app: &TestApp, token: &str) -> Client {
    let client = app.client();
    client.set_access_token(Some(token.to_owned()));
    client
}

async fn key(owner: &Client, name: &str, scopes: Vec<String>) -> String {
    owner
        .create_api_key(&NewApiKey {
            name: name.into(),
            scopes,
            ..NewApiKey::default()
        })
        .await
        .expect("create key")
        .token
}

/// Status, problem code and detail of a raw request.
async fn call(client: &Client, method: Method, path: &str) -> (u16, String, String) {
    let mut request = client.request(method.clone(), path);
    if method != Method::GET && method != Method::DELETE {
        request = request.json(&serde_json::json!({}));
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap_or_default();
    let text = |k: &str| body[k].as_str().unwrap_or_default().to_owned();
    (status, text("code"), text("detail"))
}

#[tokio::test]
async fn a_key_is_shown_once_kept_hashed_and_acts_as_itself_in_the_trail() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let created = owner
        .create_api_key(&NewApiKey {
            name: "Accounting sync".into(),
            scopes: scopes(&["contractors:write", "events:read"]),
            ..NewApiKey::default()
        })
        .await
        .expect("create");
    let token = created.token.clone();
    // cpk_live_ + 12 + _ + 32 + 6, letters and digits.
    assert_eq!(token.len(), 9 + 12 + 1 + 32 + 6, "{token}");
    assert!(token.starts_with("cpk_live_"));
    assert!(
        token[9..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    );
    assert_eq!(created.key.hint, format!("{}…", &token[..21]));
    assert_eq!(created.key.rate_limit_per_minute, 600);
    assert_eq!(created.key.status, "active");
    assert_eq!(created.key.created_by.as_deref(), Some("Olivia Owner"));

    // Neither the list nor the database holds the secret.
    let listed = serde_json::to_string(&owner.api_keys().await.expect("list")).expect("json");
    let secret = &token[22..54];
    assert!(!listed.contains(secret));
    let stored = app
        .scalar(&format!(
            "SELECT count(*) AS n FROM api_keys WHERE scopes LIKE '%{secret}%' OR name LIKE '%{secret}%' OR key_id LIKE '%{secret}%'"
        ))
        .await;
    assert_eq!(stored, 0);

    // The key works as its organisation, and the trail names it.
    let integrator = keyed(&app, &token);
    let made = integrator
        .create_contractor(
            &serde_json::from_value::<NewContractor>(
                serde_json::json!({ "name": "Pushed from the ERP" }),
            )
            .expect("contractor"),
        )
        .await
        .expect("contractor by key");
    let events = integrator
        .events(&[("kind", "contractor_created")])
        .await
        .expect("events");
    let event = events
        .items
        .iter()
        .find(|e| e.contractor_id == Some(made.id))
        .expect("the contractor's event");
    assert_eq!(event.actor_type, "api_key");
    assert_eq!(event.actor_id, Some(created.key.id));
    assert_eq!(event.actor_name.as_deref(), Some("Accounting sync"));
    // Used: when and from where.
    let listed = owner.api_keys().await.expect("list");
    let row = listed
        .items
        .iter()
        .find(|k| k.id == created.key.id)
        .expect("row");
    assert!(row.last_used_at.is_some());
    assert_eq!(row.last_used_ip.as_deref(), Some("127.0.0.1"));
}

#[tokio::test]
async fn revoked_expired_mistyped_and_unknown_keys_are_refused_and_keys_never_reach_the_portal() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let token = key(&owner, "ERP", scopes(&["documents:read"])).await;
    let integrator = keyed(&app, &token);
    integrator.issuer_documents(&[]).await.expect("works");

    // One character changed: the checksum says so, before any lookup.
    let mut typo = token.clone().into_bytes();
    typo[30] = if typo[30] == b'x' { b'y' } else { b'x' };
    let typo = String::from_utf8(typo).expect("ascii");
    let (status, code, detail) =
        call(&keyed(&app, &typo), Method::GET, "/api/v1/issuer/documents").await;
    assert_eq!((status, code.as_str()), (401, "api_key_invalid"));
    assert!(detail.contains("checksum"), "{detail}");
    // Well formed, checksum right, but not ours: made with the same format, another secret.
    let forged = forge_like(&token);
    let (status, code, detail) = call(
        &keyed(&app, &forged),
        Method::GET,
        "/api/v1/issuer/documents",
    )
    .await;
    assert_eq!(
        (status, code.as_str(), detail.as_str()),
        (401, "api_key_invalid", "no such API key")
    );

    // A key is not a portal token.
    let (status, _, _) = call(&integrator, Method::GET, "/api/v1/portal/documents").await;
    assert_eq!(status, 401);

    // Expired (moved into the past in the database): refused.
    let expiring = key(&owner, "Old", scopes(&["documents:read"])).await;
    app.db
        .execute_unprepared(&format!(
            "UPDATE api_keys SET expires_at = created_at WHERE key_id = '{}'",
            &expiring[9..21]
        ))
        .await
        .expect("expire");
    let (status, code, _) = call(
        &keyed(&app, &expiring),
        Method::GET,
        "/api/v1/issuer/documents",
    )
    .await;
    assert_eq!((status, code.as_str()), (401, "api_key_expired"));

    // Revoked: the next request is refused; it stays listed, as revoked.
    let id = owner
        .api_keys()
        .await
        .expect("list")
        .items
        .iter()
        .find(|k| k.name == "ERP")
        .expect("erp")
        .id;
    owner.revoke_api_key(id).await.expect("revoke");
    let (status, code, _) = call(&integrator, Method::GET, "/api/v1/issuer/documents").await;
    assert_eq!((status, code.as_str()), (401, "api_key_revoked"));
    let listed = owner.api_keys().await.expect("list");
    let row = listed
        .items
        .iter()
        .find(|k| k.id == id)
        .expect("still listed");
    assert_eq!(row.status, "revoked");
    // An expiry in the past is refused at creation.
    let refused = owner
        .create_api_key(&NewApiKey {
            name: "Never".into(),
            scopes: scopes(&["documents:read"]),
            expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(1)),
            ..NewApiKey::default()
        })
        .await;
    assert_eq!(
        error(refused),
        (422, "validation_failed".into(), vec!["expires_at".into()])
    );
}

/// A key of the same shape as `token` with another secret and a correct checksum: the CRC-32
/// written out here from its definition (reflected 0xEDB88320), not the server's.
fn forge_like(token: &str) -> String {
    let body = format!("{}{}", &token[..22], "Z".repeat(32));
    let mut crc = !0u32;
    for b in body.bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    let mut n = !crc;
    let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut sum = [b'0'; 6];
    for d in sum.iter_mut().rev() {
        *d = alphabet[(n % 62) as usize];
        n /= 62;
    }
    body + std::str::from_utf8(&sum).expect("ascii")
}

/// Every issuer operation and the scope it needs (`None`: no key may use it), written out
/// here; the test checks that the OpenAPI document has no operation this table lacks.
const MATRIX: &[(&str, &str, Option<&str>)] = &[
    ("GET", "/comments/unread", Some("comments:read")),
    ("GET", "/contractors", Some("contractors:read")),
    ("POST", "/contractors", Some("contractors:write")),
    ("POST", "/contractors/import", Some("contractors:write")),
    ("GET", "/contractors/{id}", Some("contractors:read")),
    ("PATCH", "/contractors/{id}", Some("contractors:write")),
    (
        "POST",
        "/contractors/{id}/archive",
        Some("contractors:write"),
    ),
    ("GET", "/contractors/{id}/changes", Some("contractors:read")),
    (
        "GET",
        "/contractors/{id}/portal-users",
        Some("portal_users:read"),
    ),
    (
        "POST",
        "/contractors/{id}/portal-users",
        Some("portal_users:write"),
    ),
    (
        "POST",
        "/contractors/{id}/restore",
        Some("contractors:write"),
    ),
    ("GET", "/documents", Some("documents:read")),
    ("POST", "/documents", Some("documents:write")),
    ("POST", "/documents/mark-sent", Some("documents:write")),
    ("GET", "/documents/pdf-archive", Some("documents:read")),
    ("GET", "/documents/{id}", Some("documents:read")),
    ("DELETE", "/documents/{id}", Some("documents:write")),
    ("PATCH", "/documents/{id}", Some("documents:write")),
    (
        "GET",
        "/documents/{id}/attachments/{attachment_id}",
        Some("comments:read"),
    ),
    ("POST", "/documents/{id}/cancel", Some("documents:write")),
    ("GET", "/documents/{id}/comments", Some("comments:read")),
    ("POST", "/documents/{id}/comments", Some("comments:write")),
    ("POST", "/documents/{id}/convert", Some("documents:write")),
    (
        "POST",
        "/documents/{id}/credit-note",
        Some("documents:write"),
    ),
    ("POST", "/documents/{id}/issue", Some("documents:write")),
    ("GET", "/documents/{id}/payments", Some("payments:read")),
    ("POST", "/documents/{id}/payments", Some("payments:write")),
    ("GET", "/documents/{id}/pdf", Some("documents:read")),
    ("GET", "/events", Some("events:read")),
    ("GET", "/me", None),
    ("GET", "/organization", Some("settings:read")),
    ("PATCH", "/organization", Some("settings:write")),
    ("GET", "/organization/logo", Some("settings:read")),
    ("PUT", "/organization/logo", Some("settings:write")),
    ("DELETE", "/organization/logo", Some("settings:write")),
    ("GET", "/payments/online", Some("payments:read")),
    ("DELETE", "/payments/{id}", Some("payments:write")),
    ("GET", "/portal-users/{id}", Some("portal_users:read")),
    ("DELETE", "/portal-users/{id}", Some("portal_users:write")),
    ("PATCH", "/portal-users/{id}", Some("portal_users:write")),
    (
        "POST",
        "/portal-users/{id}/invitation",
        Some("portal_users:write"),
    ),
    ("GET", "/settings", Some("settings:read")),
    ("PATCH", "/settings", Some("settings:write")),
    ("GET", "/settings/payments", Some("settings:read")),
    ("PATCH", "/settings/payments", Some("settings:write")),
    (
        "DELETE",
        "/settings/payments/stripe",
        Some("settings:write"),
    ),
    ("POST", "/settings/payments/test", Some("settings:write")),
    (
        "POST",
        "/settings/portal/apply-to-all",
        Some("settings:write"),
    ),
    ("GET", "/staff", Some("settings:read")),
    ("POST", "/staff", None),
    ("PATCH", "/staff/{id}", None),
    ("GET", "/api-keys", Some("api_keys:read")),
    ("POST", "/api-keys", Some("api_keys:write")),
    ("PATCH", "/api-keys/{id}", Some("api_keys:write")),
    ("DELETE", "/api-keys/{id}", Some("api_keys:write")),
    ("GET", "/webhooks", Some("webhooks:read")),
    ("POST", "/webhooks", Some("webhooks:write")),
    ("GET", "/webhooks/{id}", Some("webhooks:read")),
    ("PATCH", "/webhooks/{id}", Some("webhooks:write")),
    ("DELETE", "/webhooks/{id}", Some("webhooks:write")),
    (
        "POST",
        "/webhooks/{id}/rotate-secret",
        Some("webhooks:write"),
    ),
    ("POST", "/webhooks/{id}/test", Some("webhooks:write")),
    ("GET", "/webhooks/{id}/deliveries", Some("webhooks:read")),
    (
        "GET",
        "/webhooks/{id}/deliveries/{delivery_id}",
        Some("webhooks:read"),
    ),
    (
        "POST",
        "/webhooks/{id}/deliveries/{delivery_id}/resend",
        Some("webhooks:write"),
    ),
];

#[tokio::test]
async fn every_issuer_endpoint_needs_its_scope_and_a_key_without_it_is_told_which() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;

    // The table covers the document: every issuer operation but signing in and out.
    let spec = app.client().openapi().await.expect("openapi");
    let mut documented = Vec::new();
    for (path, ops) in spec["paths"].as_object().expect("paths") {
        let Some(rest) = path.strip_prefix("/api/v1/issuer") else {
            continue;
        };
        if rest.starts_with("/auth/") {
            continue;
        }
        for method in ops.as_object().expect("ops").keys() {
            documented.push((method.to_uppercase(), rest.to_owned()));
        }
    }
    documented.sort();
    let mut tabled: Vec<(String, String)> = MATRIX
        .iter()
        .map(|(m, p, _)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    tabled.sort();
    assert_eq!(
        documented, tabled,
        "each issuer operation needs a row in MATRIX"
    );

    let all = keyed(&app, &key(&owner, "All", every_scope_but(None)).await);
    for resource in RESOURCES {
        let without = keyed(
            &app,
            &key(&owner, "Without", every_scope_but(Some(resource))).await,
        );
        let read = keyed(
            &app,
            &key(&owner, "Read", vec![format!("{resource}:read")]).await,
        );
        let write = keyed(
            &app,
            &key(&owner, "Write", vec![format!("{resource}:write")]).await,
        );
        for (method, path, scope) in MATRIX {
            let Some(scope) = scope else { continue };
            if !scope.starts_with(&format!("{resource}:")) {
                continue;
            }
            let path = format!(
                "/api/v1/issuer{}",
                path.replace("{id}", "987654")
                    .replace("{attachment_id}", "987654")
                    .replace("{delivery_id}", "987654")
            );
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            let (status, code, detail) = call(&without, method.clone(), &path).await;
            assert_eq!(
                (status, code.as_str()),
                (403, "insufficient_scope"),
                "{method} {path} without {resource}"
            );
            assert!(
                detail.contains(&format!("`{scope}`")),
                "{method} {path}: {detail}"
            );
            // Write implies read; read is not write.
            let (status, code, _) = call(&write, method.clone(), &path).await;
            assert!(
                status != 403 && status != 401,
                "{method} {path} with {resource}:write: {status} {code}"
            );
            let (status, code, _) = call(&read, method.clone(), &path).await;
            if scope.ends_with(":read") {
                assert!(
                    status != 403 && status != 401,
                    "{method} {path} with {resource}:read: {status} {code}"
                );
            } else {
                assert_eq!(
                    (status, code.as_str()),
                    (403, "insufficient_scope"),
                    "{method} {path} with read only"
                );
            }
        }
    }
    // What is for people only: no key, whatever its scopes.
    for (method, path, scope) in MATRIX {
        if scope.is_some() {
            continue;
        }
        let path = format!("/api/v1/issuer{}", path.replace("{id}", "1"));
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        let (status, code, _) = call(&all, method.clone(), &path).await;
        assert_eq!(
            (status, code.as_str()),
            (403, "api_key_not_allowed"),
            "{method} {path}"
        );
    }
}

#[tokio::test]
async fn keys_give_no_more_than_they_hold_and_only_owners_and_admins_make_them() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let manager = keyed(
        &app,
        &key(
            &owner,
            "Key manager",
            scopes(&["api_keys:write", "documents:read"]),
        )
        .await,
    );
    // A key may pass on what it holds…
    let child = manager
        .create_api_key(&NewApiKey {
            name: "Child".into(),
            scopes: scopes(&["documents:read"]),
            ..NewApiKey::default()
        })
        .await
        .expect("child");
    assert_eq!(child.key.created_by.as_deref(), Some("Key manager"));
    // …and nothing more.
    let more = manager
        .create_api_key(&NewApiKey {
            name: "Escalation".into(),
            scopes: scopes(&["documents:read", "payments:write"]),
            ..NewApiKey::default()
        })
        .await;
    assert_eq!(
        error(more),
        (422, "validation_failed".into(), vec!["scopes[1]".into()])
    );
    let unknown = owner
        .create_api_key(&NewApiKey {
            name: "Typo".into(),
            scopes: scopes(&["documents:admin"]),
            ..NewApiKey::default()
        })
        .await;
    assert_eq!(
        error(unknown),
        (422, "validation_failed".into(), vec!["scopes[0]".into()])
    );
    for role in ["accountant", "sales"] {
        let member = app.staff_client(role).await;
        let refused = member
            .create_api_key(&NewApiKey {
                name: "Mine".into(),
                scopes: scopes(&["documents:read"]),
                ..NewApiKey::default()
            })
            .await;
        assert_eq!(error(refused).0, 403, "{role}");
        assert_eq!(error(member.api_keys().await).0, 403, "{role}");
    }
    // Renamed and re-limited; the trail records what changed.
    let renamed = owner
        .update_api_key(
            child.key.id,
            &ApiKeyUpdate {
                name: Some("Child (renamed)".into()),
                rate_limit_per_minute: Some(5),
            },
        )
        .await
        .expect("rename");
    assert_eq!(
        (renamed.name.as_str(), renamed.rate_limit_per_minute),
        ("Child (renamed)", 5)
    );
    let zero = owner
        .update_api_key(
            child.key.id,
            &ApiKeyUpdate {
                name: None,
                rate_limit_per_minute: Some(0),
            },
        )
        .await;
    assert_eq!(
        error(zero),
        (
            422,
            "validation_failed".into(),
            vec!["rate_limit_per_minute".into()]
        )
    );
}

#[tokio::test]
async fn a_key_over_its_limit_gets_429_with_retry_after_and_the_ratelimit_headers() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let created = owner
        .create_api_key(&NewApiKey {
            name: "Busy".into(),
            scopes: scopes(&["documents:read"]),
            rate_limit_per_minute: Some(3),
            ..NewApiKey::default()
        })
        .await
        .expect("create");
    let integrator = keyed(&app, &created.token);
    // The limit counts per clock minute: start early in one, so the four requests share it.
    let second = chrono::Utc::now().timestamp() % 60;
    if second > 50 {
        tokio::time::sleep(std::time::Duration::from_secs((61 - second) as u64)).await;
    }
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    for remaining in ["2", "1", "0"] {
        let r = integrator
            .request(Method::GET, "/api/v1/issuer/documents")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(header(&r, "ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(
            header(&r, "ratelimit-remaining").as_deref(),
            Some(remaining)
        );
        let reset: u64 = header(&r, "ratelimit-reset")
            .expect("reset")
            .parse()
            .expect("number");
        assert!((1..=60).contains(&reset));
    }
    let r = integrator
        .request(Method::GET, "/api/v1/issuer/documents")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 429);
    let retry: u64 = header(&r, "retry-after")
        .expect("retry-after")
        .parse()
        .expect("number");
    assert!((1..=60).contains(&retry));
    assert_eq!(header(&r, "ratelimit-remaining").as_deref(), Some("0"));
    let problem: serde_json::Value = r.json().await.expect("json");
    assert_eq!(problem["code"], "rate_limited");
    // Staff tokens have no such limit and no such headers; another key has its own.
    let r = owner
        .request(Method::GET, "/api/v1/issuer/documents")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status().as_u16(), 200);
    assert!(header(&r, "ratelimit-limit").is_none());
    let other = keyed(
        &app,
        &key(&owner, "Quiet", scopes(&["documents:read"])).await,
    );
    assert!(other.issuer_documents(&[]).await.is_ok());
}

#[tokio::test]
async fn a_key_sees_only_its_own_organisation() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let rival = app.rival_owner().await;
    let rival_key = keyed(&app, &key(&rival, "Rival ERP", every_scope_but(None)).await);
    let ours = owner.issuer_documents(&[]).await.expect("ours");
    let id = ours.items.first().expect("a document").id;
    let (status, _, _) = call(
        &rival_key,
        Method::GET,
        &format!("/api/v1/issuer/documents/{id}"),
    )
    .await;
    assert_eq!(status, 404);
    // Nor its keys.
    let our_key = owner.api_keys().await.expect("list").total;
    assert_eq!(our_key, 0);
    let theirs = rival_key.api_keys().await.expect("theirs");
    assert!(theirs.items.iter().all(|k| k.name == "Rival ERP"));
    let mine = keyed(&app, &key(&owner, "Ours", every_scope_but(None)).await);
    let their_id = theirs.items[0].id;
    let (status, _, _) = call(
        &mine,
        Method::DELETE,
        &format!("/api/v1/issuer/api-keys/{their_id}"),
    )
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_key_writes_to_the_conversation_under_its_own_name_and_the_customer_reads_it() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let integrator = keyed(
        &app,
        &key(&owner, "Helpdesk bot", scopes(&["comments:write"])).await,
    );
    let customer = app.portal_client("kunde").await;
    let id = customer
        .portal_documents(&[])
        .await
        .expect("documents")
        .items
        .first()
        .expect("a document")
        .id;
    let posted = integrator
        .post_comment(
            portal_client::Realm::Issuer,
            id,
            "Your copy is attached to the mail.",
            &[],
        )
        .await
        .expect("comment by key");
    assert_eq!(posted.author, "Helpdesk bot");
    assert_eq!(posted.side, portal_types::CommentSide::Issuer);
    // The customer sees it as the issuer's word, and unread.
    let unread = customer
        .unread_comments(portal_client::Realm::Portal)
        .await
        .expect("unread");
    assert!(unread.items.iter().any(|d| d.document_id == id));
    let thread = customer
        .comments(portal_client::Realm::Portal, id)
        .await
        .expect("thread");
    let seen = thread
        .items
        .iter()
        .find(|c| c.id == posted.id)
        .expect("in the thread");
    assert_eq!(
        (seen.author.as_str(), seen.side),
        ("Helpdesk bot", portal_types::CommentSide::Issuer)
    );
    // Reading the thread as the key marks it read for the key only.
    integrator
        .comments(portal_client::Realm::Issuer, id)
        .await
        .expect("thread as the key");
    let readers = app
        .scalar(&format!(
            "SELECT count(*) AS n FROM comment_reads WHERE document_id = {id} AND reader LIKE 'k:%'"
        ))
        .await;
    assert_eq!(readers, 1);
}
