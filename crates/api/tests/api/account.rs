//! The portal user's own account: names, e-mail and password.

use portal_client::{Client, ClientError};
use portal_store::demo;
use portal_types::{PasswordChange, PortalMe};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::spawn_app;

async fn send(client: &Client, method: Method, path: &str, body: Value) -> (u16, Value) {
    let response = client
        .request(method, path)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn field_codes(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e["field"].as_str().unwrap_or_default().to_string(),
                        e["code"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn names_and_email_can_be_changed_but_not_the_customer_or_username() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let (code, body) = send(
        &client,
        Method::PATCH,
        "/api/v1/portal/me",
        json!({"first_name": "  Anne ", "last_name": "Schäfer", "email": "anne@kunde.example"}),
    )
    .await;
    assert_eq!(code, 200, "{body}");
    let me: PortalMe = serde_json::from_value(body).expect("me");
    assert_eq!(
        (me.first_name.as_str(), me.last_name.as_str()),
        ("Anne", "Schäfer")
    );
    assert_eq!(me.email.as_deref(), Some("anne@kunde.example"));
    assert_eq!(
        (me.username.as_str(), me.contractor_name.as_str()),
        ("kunde", "Kunde GmbH")
    );
    assert_eq!(
        client.portal_me().await.expect("me").last_name,
        "Schäfer",
        "saved"
    );
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'changed_data'")
            .await,
        1
    );

    for (body, field, code) in [
        (json!({"username": "boss"}), "username", "unknown_field"),
        (
            json!({"contractor_name": "Other GmbH"}),
            "contractor_name",
            "unknown_field",
        ),
        (json!({"first_name": "   "}), "first_name", "required"),
        (
            json!({"last_name": "x".repeat(101)}),
            "last_name",
            "too_long",
        ),
        (json!({"email": "not-an-address"}), "email", "invalid_email"),
        (json!({"first_name": 7}), "first_name", "invalid_type"),
    ] {
        let (status, problem) =
            send(&client, Method::PATCH, "/api/v1/portal/me", body.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            field_codes(&problem)[0],
            (field.to_string(), code.to_string()),
            "{body}"
        );
    }
    let me = client.portal_me().await.expect("me");
    assert_eq!(
        (me.first_name.as_str(), me.username.as_str()),
        ("Anne", "kunde"),
        "bad input changed nothing"
    );
}

#[tokio::test]
async fn password_change_explains_each_refusal() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let change = |current: &str, new: &str, repeat: &str| {
        serde_json::to_value(PasswordChange {
            current_password: current.into(),
            new_password: new.into(),
            new_password_repeat: repeat.into(),
        })
        .expect("json")
    };
    let cases = [
        (
            change(
                demo::PORTAL_PASSWORD,
                "a-good-new-password",
                "a-good-new-passw0rd",
            ),
            ("new_password_repeat", "mismatch"),
        ),
        (
            change(
                "wrong-current-password",
                "a-good-new-password",
                "a-good-new-password",
            ),
            ("current_password", "invalid_password"),
        ),
        (
            change(demo::PORTAL_PASSWORD, "short", "short"),
            ("new_password", "too_short"),
        ),
        (
            change(demo::PORTAL_PASSWORD, "password123", "password123"),
            ("new_password", "too_common"),
        ),
        (
            change(
                demo::PORTAL_PASSWORD,
                "acme-is-my-company",
                "acme-is-my-company",
            ),
            ("new_password", "contains_username"),
        ),
    ];
    for (body, (field, code)) in cases {
        let (status, problem) =
            send(&client, Method::POST, "/api/v1/portal/me/password", body).await;
        assert_eq!(status, 422);
        assert_eq!(
            field_codes(&problem)[0],
            (field.to_string(), code.to_string())
        );
    }
    app.client()
        .portal_login("demo", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("old password still works");
}

#[tokio::test]
async fn a_new_password_works_the_old_one_does_not_and_other_sessions_end() {
    let app = spawn_app().await;
    let other_device = app.portal_client("cliente").await;
    let client = app.portal_client("cliente").await;
    let body = json!({"current_password": demo::PORTAL_PASSWORD, "new_password": "ein sehr gutes Passwort", "new_password_repeat": "ein sehr gutes Passwort"});
    let (status, _) = send(&client, Method::POST, "/api/v1/portal/me/password", body).await;
    assert_eq!(status, 204);

    client.portal_me().await.expect("this session goes on");
    client.refresh().await.expect("and can refresh");
    let err = other_device
        .portal_me()
        .await
        .expect_err("the other session ended");
    assert_eq!(err.code(), Some("session_ended"));
    assert!(matches!(
        other_device.refresh().await,
        Err(ClientError::Api { status: 401, .. })
    ));

    let err = app
        .client()
        .portal_login("demo", "cliente", demo::PORTAL_PASSWORD)
        .await
        .expect_err("old password");
    assert_eq!(err.code(), Some("invalid_credentials"));
    app.client()
        .portal_login("demo", "cliente", "ein sehr gutes Passwort")
        .await
        .expect("new password");
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'password_changed'")
            .await,
        1
    );
}

/// A failure after the new password was written (here: its event cannot be recorded) changes
/// nothing: the old password still signs in and the other sessions are still alive — never a
/// new password with the old sessions left open.
#[tokio::test]
async fn a_password_change_that_fails_half_way_changes_nothing() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let other_session = app.portal_client("kunde").await;
    let change = PasswordChange {
        current_password: demo::PORTAL_PASSWORD.into(),
        new_password: "a-much-better-passphrase".into(),
        new_password_repeat: "a-much-better-passphrase".into(),
    };
    app.refuse_events("password_changed").await;
    let failed = client.change_portal_password(&change).await;
    assert_eq!(
        failed.as_ref().err().and_then(|e| e.status()),
        Some(500),
        "{failed:?}"
    );
    other_session
        .portal_me()
        .await
        .expect("the other session lives on");
    app.client()
        .portal_login("demo", "kunde", demo::PORTAL_PASSWORD)
        .await
        .expect("the old password still works");

    app.accept_events().await;
    client
        .change_portal_password(&change)
        .await
        .expect("change");
    assert_eq!(
        other_session
            .portal_me()
            .await
            .err()
            .and_then(|e| e.status()),
        Some(401)
    );
    app.client()
        .portal_login("demo", "kunde", "a-much-better-passphrase")
        .await
        .expect("the new password works");
}
