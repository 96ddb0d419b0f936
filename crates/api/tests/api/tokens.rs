//! Token confusion: an access token works only for its own realm, signed by us, in its time
//! window, of the access type, with HS256.

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use portal_client::ClientError;
use serde_json::{Value, json};

use crate::helpers::{TEST_SECRET, TestApp, spawn_app};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn sign(claims: &Value, secret: &[u8], alg: Algorithm) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).expect("sign")
}

/// Decodes the claims of a real token so forged ones differ in exactly one thing.
fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("payload");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("json")
}

async fn status_of_portal_me(app: &TestApp, token: &str) -> (u16, String) {
    let client = app.client();
    client.set_access_token(Some(token.to_string()));
    match client.portal_me().await {
        Ok(_) => (200, String::new()),
        Err(ClientError::Api {
            status, problem, ..
        }) => (status, problem.code.clone()),
        Err(other) => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_portal_token_is_refused_on_issuer_endpoints_and_the_reverse() {
    let app = spawn_app().await;
    let portal = app.portal_client("acme").await;
    let issuer = app.issuer_client().await;
    let portal_token = portal.access_token();
    portal.set_access_token(issuer.access_token());
    issuer.set_access_token(portal_token);
    for result in [
        portal.portal_me().await.map(|_| ()),
        issuer.issuer_me().await.map(|_| ()),
    ] {
        let err = result.expect_err("cross-realm token must fail");
        assert_eq!(
            (err.status(), err.code()),
            (Some(401), Some("invalid_token"))
        );
    }
}

#[tokio::test]
async fn a_request_without_a_token_is_401_with_www_authenticate() {
    let app = spawn_app().await;
    let response = reqwest::get(format!("{}/api/v1/portal/me", app.address))
        .await
        .expect("send");
    assert_eq!(response.status(), 401);
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer error=\"invalid_token\"")
    );
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn forged_expired_and_malformed_tokens_are_401() {
    let app = spawn_app().await;
    let real = app
        .portal_client("acme")
        .await
        .access_token()
        .expect("token");
    let base = claims_of(&real);
    let secret = TEST_SECRET.as_bytes();
    let with = |key: &str, value: Value| {
        let mut c = base.clone();
        c[key] = value;
        c
    };
    let without = |key: &str| {
        let mut c = base.clone();
        c.as_object_mut().expect("object").remove(key);
        c
    };

    // The unmodified claims re-signed with our secret pass: the forgeries below differ only in
    // what their name says.
    assert_eq!(
        status_of_portal_me(&app, &sign(&base, secret, Algorithm::HS256))
            .await
            .0,
        200
    );

    let none_header =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let none_payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(base.to_string());
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "expired beyond the leeway",
            sign(&with("exp", json!(now() - 30)), secret, Algorithm::HS256),
            "token_expired",
        ),
        (
            "not yet valid",
            sign(&with("nbf", json!(now() + 120)), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "issued in the future",
            sign(&with("iat", json!(now() + 120)), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "wrong signature",
            sign(
                &base,
                b"another-secret-another-secret-0123456789",
                Algorithm::HS256,
            ),
            "invalid_token",
        ),
        (
            "alg none",
            format!("{none_header}.{none_payload}."),
            "invalid_token",
        ),
        (
            "HS512 with our secret",
            sign(&base, secret, Algorithm::HS512),
            "invalid_token",
        ),
        (
            "wrong audience",
            sign(&with("aud", json!("issuer")), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "wrong issuer",
            sign(&with("iss", json!("evil")), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "refresh-type token",
            sign(&with("typ", json!("refresh")), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "no token type",
            sign(&without("typ"), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "no expiry",
            sign(&without("exp"), secret, Algorithm::HS256),
            "invalid_token",
        ),
        (
            "no contractor",
            sign(&without("ctr"), secret, Algorithm::HS256),
            "invalid_token",
        ),
        ("garbage", "not.a.token".to_string(), "invalid_token"),
    ];
    for (name, token, code) in cases {
        let (status, got) = status_of_portal_me(&app, &token).await;
        assert_eq!((status, got.as_str()), (401, code), "{name}");
    }
}

#[tokio::test]
async fn a_token_expired_within_the_leeway_still_works_but_not_beyond() {
    let app = spawn_app().await;
    let real = app
        .portal_client("kunde")
        .await
        .access_token()
        .expect("token");
    let mut claims = claims_of(&real);
    claims["exp"] = json!(now() - 2);
    assert_eq!(
        status_of_portal_me(
            &app,
            &sign(&claims, TEST_SECRET.as_bytes(), Algorithm::HS256)
        )
        .await
        .0,
        200
    );
    claims["exp"] = json!(now() - 61);
    assert_eq!(
        status_of_portal_me(
            &app,
            &sign(&claims, TEST_SECRET.as_bytes(), Algorithm::HS256)
        )
        .await
        .0,
        401,
        "jsonwebtoken's default leeway of 60 s must not apply"
    );
}
