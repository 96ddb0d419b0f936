//! Bad input of every kind gets problem+json with a stable code, never a 500.

use std::io::{Read, Write};

use serde_json::Value;

use crate::helpers::spawn_app;

async fn post_raw(
    address: &str,
    path: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, String, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{address}{path}"))
        .body(body.to_string());
    if let Some(ct) = content_type {
        request = request.header("content-type", ct);
    }
    let response = request.send().await.expect("send");
    let status = response.status().as_u16();
    let ct = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (status, ct, body)
}

const LOGIN: &str = "/api/v1/portal/auth/login";

#[tokio::test]
async fn malformed_json_is_400() {
    let app = spawn_app().await;
    for body in ["{", "{\"organization\": }", "null x", ""] {
        let (status, ct, problem) =
            post_raw(&app.address, LOGIN, Some("application/json"), body).await;
        assert_eq!(
            (status, ct.as_str()),
            (400, "application/problem+json"),
            "{body:?}"
        );
        assert_eq!(problem["code"], "malformed_json");
        assert_eq!(problem["status"], 400);
    }
}

#[tokio::test]
async fn field_errors_name_the_field() {
    let app = spawn_app().await;
    let cases = [
        (
            r#"{"organization":"demo","username":["acme"],"password":"x"}"#,
            "username",
            "invalid_type",
        ),
        (
            r#"{"organization":"demo","username":"acme"}"#,
            "password",
            "required",
        ),
        (
            r#"{"organization":"demo","username":"acme","password":"x","role":"admin"}"#,
            "role",
            "unknown_field",
        ),
        (
            r#"{"organization":"demo","username":"acme","password":""}"#,
            "password",
            "required",
        ),
        (
            r#"{"organization":true,"username":"acme","password":"x"}"#,
            "organization",
            "invalid_type",
        ),
        (r#"[]"#, "body", "invalid_type"),
    ];
    for (body, field, code) in cases {
        let (status, _, problem) =
            post_raw(&app.address, LOGIN, Some("application/json"), body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM login_throttle").await,
        0,
        "bad input changes nothing"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let body = r#"{"organization":"demo","username":"acme","password":"x"}"#;
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let (status, _, problem) = post_raw(&app.address, LOGIN, ct, body).await;
        assert_eq!(
            (status, problem["code"].as_str()),
            (415, Some("unsupported_media_type")),
            "{ct:?}"
        );
    }
}

#[tokio::test]
async fn an_oversized_body_is_413_with_or_without_content_length() {
    let app = spawn_app().await;
    let big = format!(
        r#"{{"organization":"{}","username":"a","password":"b"}}"#,
        "x".repeat(200_000)
    );
    let (status, _, problem) = post_raw(&app.address, LOGIN, Some("application/json"), &big).await;
    assert_eq!(
        (status, problem["code"].as_str()),
        (413, Some("payload_too_large"))
    );

    // Chunked, so the server cannot know the size in advance and must stop reading.
    let addr = app.address.trim_start_matches("http://").to_string();
    let status_line = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
        let head = format!(
            "POST {LOGIN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).expect("head");
        let chunk = "a".repeat(16 * 1024);
        for _ in 0..8 {
            if stream.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.lines().next().unwrap_or_default().to_string()
    })
    .await
    .expect("join");
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");
}

#[tokio::test]
async fn unknown_routes_are_404_and_wrong_methods_405_as_problems() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let response = http
        .get(format!("{}/api/v1/no/such/thing", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("json");
    assert_eq!(problem["code"], "not_found");

    let response = http
        .get(format!("{}{LOGIN}", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let problem: Value = response.json().await.expect("json");
    assert_eq!(problem["code"], "method_not_allowed");

    let response = http
        .delete(format!("{}/api/v1/portal/me", app.address))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "GET, HEAD, PATCH");

    // A path written out in full that `/documents/{id}` also matches: still 405 for another
    // method; a malformed id stays a 404.
    let token = app.issuer_client().await.access_token().expect("token");
    let response = http
        .patch(format!("{}/api/v1/issuer/documents/mark-sent", app.address))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let response = http
        .patch(format!("{}/api/v1/issuer/documents/abc", app.address))
        .bearer_auth(&token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn hostile_input_never_causes_a_500() {
    let app = spawn_app().await;
    let bodies = [
        "\u{0}",
        "{\"organization\":\"\\ud800\",\"username\":\"a\",\"password\":\"b\"}",
        "{\"organization\":\"demo\",\"username\":\"acme\",\"password\":\"x\",\"password\":\"y\"}",
        &format!(
            "{{\"organization\":\"{}\",\"username\":\"a\",\"password\":\"b\"}}",
            "'; DROP TABLE documents; --"
        ),
        &"[".repeat(10_000),
        "{\"organization\":1e999,\"username\":\"a\",\"password\":\"b\"}",
    ];
    for body in bodies {
        let (status, ct, _) = post_raw(&app.address, LOGIN, Some("application/json"), body).await;
        assert!((400..500).contains(&status), "{status} for {body:.40}");
        assert!(
            ct.starts_with("application/problem+json"),
            "{ct} for {body:.40}"
        );
    }
    assert!(
        app.scalar("SELECT count(*) AS n FROM documents").await > 0,
        "still there"
    );
}

/// Text no database column can hold (NUL), or longer than any account's name, is a 422 that
/// names the field — on PostgreSQL it would otherwise fail in the database as a 500.
#[tokio::test]
async fn nul_characters_and_overlong_names_are_422_naming_the_field() {
    let app = spawn_app().await;
    let long = "é".repeat(3000);
    let cases = [
        (
            LOGIN,
            r#"{"organization":"demo\u0000","username":"acme","password":"x"}"#.to_string(),
            "organization",
            "invalid_character",
        ),
        (
            LOGIN,
            r#"{"organization":"demo","username":"ac\u0000me","password":"x"}"#.to_string(),
            "username",
            "invalid_character",
        ),
        (
            LOGIN,
            format!(r#"{{"organization":"demo","username":"{long}","password":"x"}}"#),
            "username",
            "too_long",
        ),
        (
            LOGIN,
            format!(r#"{{"organization":"{long}","username":"acme","password":"x"}}"#),
            "organization",
            "too_long",
        ),
        (
            "/api/v1/issuer/auth/login",
            format!(r#"{{"email":"{long}@demo.example","password":"x"}}"#),
            "email",
            "too_long",
        ),
        (
            "/api/v1/issuer/auth/login",
            r#"{"email":"owner@demo.example\u0000","password":"x"}"#.to_string(),
            "email",
            "invalid_character",
        ),
    ];
    for (path, body, field, code) in cases {
        let (status, _, problem) =
            post_raw(&app.address, path, Some("application/json"), &body).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM login_throttle").await,
        0,
        "nothing was recorded"
    );

    let client = app.portal_client("acme").await;
    for (key, value) in [("q", "\u{0}"), ("number", "ab\u{0}c")] {
        let err = client
            .portal_documents(&[(key, value)])
            .await
            .expect_err("422");
        let (status, problem) = match err {
            portal_client::ClientError::Api {
                status, problem, ..
            } => (status, problem),
            other => panic!("{other:?}"),
        };
        assert_eq!(status, 422, "{key}");
        assert_eq!(problem.errors[0].field, key);
        assert_eq!(problem.errors[0].code, "invalid_character");
    }
}
