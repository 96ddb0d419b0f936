//! The role matrix: every issuer endpoint against every role, a portal user's token and
//! another organisation's owner. Each change is tried on a fresh object the owner made for it,
//! and allowed exactly where `portal_domain::access` grants its permission; every read is open
//! to every role; a portal token gets 401; another organisation gets 404 (or, for a list, only
//! its own rows).

use portal_client::Client;
use portal_domain::access::{Permission, allows};
use portal_types::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

/// One endpoint: how to call it on a fresh object, and what it needs.
struct Endpoint {
    name: &'static str,
    method: Method,
    /// The path, with `{id}` for the object [`Endpoint::fixture`] makes.
    path: &'static str,
    body: Option<Value>,
    /// `None`: a read, open to every role.
    needs: Option<Permission>,
    fixture: Fixture,
}

#[derive(Clone, Copy)]
enum Fixture {
    None,
    Contractor,
    PortalUser,
    Draft,
    Issued,
    Payment,
    StaffMember,
}

async fn json(client: &Client, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = client.request(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Makes the object an endpoint works on, as the owner; its id.
async fn make(owner: &Client, fixture: Fixture, n: usize) -> i64 {
    let contractor = || async {
        let (status, body) = json(
            owner,
            Method::POST,
            "/api/v1/issuer/contractors",
            Some(json!({"name": format!("Fixture {n}")})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().expect("id")
    };
    let draft = |contractor: i64| async move {
        let (status, body) = json(
            owner,
            Method::POST,
            "/api/v1/issuer/documents",
            Some(json!({"contractor_id": contractor, "type": "invoice",
                "lines": [{"description": "Fixture", "quantity": "1", "unit_price": "100", "vat_rate": "20"}]})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_i64().expect("id")
    };
    match fixture {
        Fixture::None => 0,
        Fixture::Contractor => contractor().await,
        Fixture::PortalUser => {
            let c = contractor().await;
            let (status, body) = json(
                owner,
                Method::POST,
                &format!("/api/v1/issuer/contractors/{c}/portal-users"),
                Some(
                    json!({"username": format!("fixture-{n}"), "first_name": "F", "last_name": "X",
                    "email": format!("f{n}@fixture.example")}),
                ),
            )
            .await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().expect("id")
        }
        Fixture::Draft => draft(contractor().await).await,
        Fixture::Issued | Fixture::Payment => {
            let id = draft(contractor().await).await;
            let (status, body) = json(
                owner,
                Method::POST,
                &format!("/api/v1/issuer/documents/{id}/issue"),
                None,
            )
            .await;
            assert_eq!(status, 200, "{body}");
            if let Fixture::Issued = fixture {
                return id;
            }
            let (status, body) = json(
                owner,
                Method::POST,
                &format!("/api/v1/issuer/documents/{id}/payments"),
                Some(json!({"amount": "10", "method": "cash"})),
            )
            .await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().expect("id")
        }
        Fixture::StaffMember => {
            let (status, body) = json(
                owner,
                Method::POST,
                "/api/v1/issuer/staff",
                Some(json!({"email": format!("member{n}@demo.example"), "name": "Member", "role": "sales"})),
            )
            .await;
            assert_eq!(status, 201, "{body}");
            body["id"].as_i64().expect("id")
        }
    }
}

fn endpoints() -> Vec<Endpoint> {
    use Fixture as F;
    use Permission as P;
    let e = |name, method, path, body, needs, fixture| Endpoint {
        name,
        method,
        path,
        body,
        needs,
        fixture,
    };
    vec![
        e(
            "list staff",
            Method::GET,
            "/api/v1/issuer/staff",
            None,
            None,
            F::None,
        ),
        e(
            "invite staff",
            Method::POST,
            "/api/v1/issuer/staff",
            Some(json!({"email": "new-{n}@demo.example", "name": "New", "role": "sales"})),
            Some(P::ManageStaff),
            F::None,
        ),
        e(
            "change staff",
            Method::PATCH,
            "/api/v1/issuer/staff/{id}",
            Some(json!({"name": "Renamed"})),
            Some(P::ManageStaff),
            F::StaffMember,
        ),
        e(
            "list contractors",
            Method::GET,
            "/api/v1/issuer/contractors",
            None,
            None,
            F::None,
        ),
        e(
            "read contractor",
            Method::GET,
            "/api/v1/issuer/contractors/{id}",
            None,
            None,
            F::Contractor,
        ),
        e(
            "create contractor",
            Method::POST,
            "/api/v1/issuer/contractors",
            Some(json!({"name": "New Ltd"})),
            Some(P::ManageContractors),
            F::None,
        ),
        e(
            "change contractor",
            Method::PATCH,
            "/api/v1/issuer/contractors/{id}",
            Some(json!({"phone": "+1 555"})),
            Some(P::ManageContractors),
            F::Contractor,
        ),
        e(
            "archive contractor",
            Method::POST,
            "/api/v1/issuer/contractors/{id}/archive",
            None,
            Some(P::ManageContractors),
            F::Contractor,
        ),
        e(
            "restore contractor",
            Method::POST,
            "/api/v1/issuer/contractors/{id}/restore",
            None,
            Some(P::ManageContractors),
            F::Contractor,
        ),
        e(
            "list portal users",
            Method::GET,
            "/api/v1/issuer/contractors/{id}/portal-users",
            None,
            None,
            F::Contractor,
        ),
        e(
            "create portal user",
            Method::POST,
            "/api/v1/issuer/contractors/{id}/portal-users",
            Some(
                json!({"username": "user-{n}", "first_name": "A", "last_name": "B", "password": "typed-by-the-issuer"}),
            ),
            Some(P::ManagePortalUsers),
            F::Contractor,
        ),
        e(
            "read portal user",
            Method::GET,
            "/api/v1/issuer/portal-users/{id}",
            None,
            None,
            F::PortalUser,
        ),
        e(
            "change portal user",
            Method::PATCH,
            "/api/v1/issuer/portal-users/{id}",
            Some(json!({"last_name": "C"})),
            Some(P::ManagePortalUsers),
            F::PortalUser,
        ),
        e(
            "re-invite portal user",
            Method::POST,
            "/api/v1/issuer/portal-users/{id}/invitation",
            None,
            Some(P::ManagePortalUsers),
            F::PortalUser,
        ),
        e(
            "delete portal user",
            Method::DELETE,
            "/api/v1/issuer/portal-users/{id}",
            None,
            Some(P::ManagePortalUsers),
            F::PortalUser,
        ),
        e(
            "list documents",
            Method::GET,
            "/api/v1/issuer/documents",
            None,
            None,
            F::None,
        ),
        e(
            "read document",
            Method::GET,
            "/api/v1/issuer/documents/{id}",
            None,
            None,
            F::Issued,
        ),
        e(
            "document PDF",
            Method::GET,
            "/api/v1/issuer/documents/{id}/pdf",
            None,
            None,
            F::Issued,
        ),
        e(
            "create document",
            Method::POST,
            "/api/v1/issuer/documents",
            Some(
                json!({"contractor_id": 2, "type": "offer", "lines": [{"description": "X", "quantity": "1", "unit_price": "1", "vat_rate": "0"}]}),
            ),
            Some(P::ManageDocuments),
            F::None,
        ),
        e(
            "change draft",
            Method::PATCH,
            "/api/v1/issuer/documents/{id}",
            Some(json!({"notes": "Note"})),
            Some(P::ManageDocuments),
            F::Draft,
        ),
        e(
            "delete draft",
            Method::DELETE,
            "/api/v1/issuer/documents/{id}",
            None,
            Some(P::ManageDocuments),
            F::Draft,
        ),
        e(
            "issue",
            Method::POST,
            "/api/v1/issuer/documents/{id}/issue",
            None,
            Some(P::ManageDocuments),
            F::Draft,
        ),
        e(
            "cancel",
            Method::POST,
            "/api/v1/issuer/documents/{id}/cancel",
            None,
            Some(P::ManageDocuments),
            F::Issued,
        ),
        e(
            "credit note",
            Method::POST,
            "/api/v1/issuer/documents/{id}/credit-note",
            None,
            Some(P::ManageDocuments),
            F::Issued,
        ),
        e(
            "list payments",
            Method::GET,
            "/api/v1/issuer/documents/{id}/payments",
            None,
            None,
            F::Issued,
        ),
        e(
            "record payment",
            Method::POST,
            "/api/v1/issuer/documents/{id}/payments",
            Some(json!({"amount": "1", "method": "cash"})),
            Some(P::ManagePayments),
            F::Issued,
        ),
        e(
            "delete payment",
            Method::DELETE,
            "/api/v1/issuer/payments/{id}",
            None,
            Some(P::ManagePayments),
            F::Payment,
        ),
        e(
            "read settings",
            Method::GET,
            "/api/v1/issuer/settings",
            None,
            None,
            F::None,
        ),
        e(
            "change settings",
            Method::PATCH,
            "/api/v1/issuer/settings",
            Some(json!({"portal": {"email_new_documents": false}})),
            Some(P::ManageSettings),
            F::None,
        ),
        e(
            "apply access to all",
            Method::POST,
            "/api/v1/issuer/settings/portal/apply-to-all",
            None,
            Some(P::ManageSettings),
            F::None,
        ),
        e(
            "activity",
            Method::GET,
            "/api/v1/issuer/events",
            None,
            None,
            F::None,
        ),
        e(
            "who am I",
            Method::GET,
            "/api/v1/issuer/me",
            None,
            None,
            F::None,
        ),
    ]
}

fn fill(text: &str, id: i64, n: usize) -> String {
    text.replace("{id}", &id.to_string())
        .replace("{n}", &n.to_string())
}

#[tokio::test]
async fn every_issuer_endpoint_against_every_role_a_portal_token_and_another_organisation() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let mut callers: Vec<(Role, Client)> = vec![(Role::Owner, app.issuer_client().await)];
    for role in [Role::Admin, Role::Accountant, Role::Sales] {
        callers.push((role, app.staff_client(role.as_str()).await));
    }
    let portal = app.portal_client("acme").await;
    let rival = app.rival_owner().await;
    let mut n = 0;
    let mut checked = 0;
    for endpoint in endpoints() {
        for (role, client) in &callers {
            n += 1;
            let id = make(&owner, endpoint.fixture, n).await;
            let body = endpoint
                .body
                .as_ref()
                .map(|b| serde_json::from_str(&fill(&b.to_string(), id, n)).expect("json"));
            let (status, answer) = json(
                client,
                endpoint.method.clone(),
                &fill(endpoint.path, id, n),
                body,
            )
            .await;
            let allowed = endpoint.needs.is_none_or(|p| allows(*role, p));
            if allowed {
                assert!(
                    (200..300).contains(&status),
                    "{} as {role}: {status} {answer}",
                    endpoint.name
                );
            } else {
                assert_eq!(status, 403, "{} as {role}: {answer}", endpoint.name);
                assert_eq!(answer["code"], "insufficient_role");
            }
            checked += 1;
        }
        n += 1;
        let id = make(&owner, endpoint.fixture, n).await;
        let path = fill(endpoint.path, id, n);
        let body = endpoint
            .body
            .as_ref()
            .map(|b| serde_json::from_str::<Value>(&fill(&b.to_string(), id, n)).expect("json"));
        let (status, _) = json(&portal, endpoint.method.clone(), &path, body.clone()).await;
        assert_eq!(status, 401, "{} with a portal token", endpoint.name);
        if id != 0 {
            let (status, answer) = json(&rival, endpoint.method.clone(), &path, body).await;
            assert_eq!(
                status, 404,
                "{} by another organisation: {answer}",
                endpoint.name
            );
        }
    }
    assert!(checked >= 32 * 4);
}
