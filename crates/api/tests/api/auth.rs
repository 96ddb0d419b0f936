//! Signing in, refreshing and signing out, on both sides.

use portal_client::{ClientError, Realm};
use portal_store::demo;
use reqwest::Method;
use sea_orm::ConnectionTrait;

use crate::helpers::{shared, spawn_app, spawn_app_with};

fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String, Option<u64>) {
    match result {
        Err(ClientError::Api {
            status,
            problem,
            retry_after,
        }) => (status, problem.code.clone(), retry_after),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn portal_user_signs_in_and_sees_their_customer() {
    let app = spawn_app().await;
    let client = app.client();
    let token = client
        .portal_login("demo", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("login");
    assert_eq!(token.token_type, "Bearer");
    assert_eq!(token.realm, "portal");
    assert_eq!(token.locale, "bg");
    assert!(
        token.expires_in > 60 && token.expires_in <= 900,
        "{}",
        token.expires_in
    );
    let me = client.portal_me().await.expect("me");
    assert_eq!(me.username, "acme");
    assert_eq!(me.contractor_name, "Акме ООД");
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'logged_in'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM portal_users WHERE last_login_at IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn username_is_case_insensitive() {
    let app = spawn_app().await;
    app.client()
        .portal_login("DEMO", "  AcMe ", demo::PORTAL_PASSWORD)
        .await
        .expect("login");
}

#[tokio::test]
async fn refresh_cookie_is_http_only_strict_and_scoped_to_the_auth_path() {
    let app = spawn_app().await;
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/portal/auth/login", app.address))
        .json(&serde_json::json!({"organization": "demo", "username": "kunde", "password": demo::PORTAL_PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get("set-cookie")
        .expect("a cookie")
        .to_str()
        .expect("ascii")
        .to_string();
    assert!(cookie.starts_with("portal_refresh="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/portal/auth"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing in {cookie}"
        );
    }
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(
        body.get("refresh_token").is_none(),
        "the refresh token must only travel in the cookie"
    );
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM refresh_tokens").await,
        1
    );
    let stored = app
        .scalar("SELECT count(*) AS n FROM refresh_tokens WHERE length(token_hash) = 64")
        .await;
    assert_eq!(stored, 1, "stored as a SHA-256 hex digest");
    let raw = cookie
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("value");
    let sql = format!("SELECT count(*) AS n FROM refresh_tokens WHERE token_hash = '{raw}'");
    assert_eq!(app.scalar(&sql).await, 0, "the raw token is never stored");
}

#[tokio::test]
async fn wrong_password_unknown_user_and_unknown_organisation_get_the_same_401() {
    let app = spawn_app().await;
    let client = app.client();
    let attempts = [
        ("demo", "acme", "wrong-password"),
        ("demo", "nobody", "wrong-password"),
        ("nowhere", "acme", "x"),
    ];
    let mut bodies = Vec::new();
    for (org, user, pass) in attempts {
        let err = client
            .portal_login(org, user, pass)
            .await
            .expect_err("must fail");
        match err {
            ClientError::Api {
                status, problem, ..
            } => {
                assert_eq!(status, 401);
                bodies.push((problem.code.clone(), problem.detail.clone()));
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_eq!(bodies[0].0, "invalid_credentials");
}

/// Equal time is shown by equal work, not by a stopwatch on a shared CI machine: every failed
/// sign-in — known user, unknown user, unknown organisation, unknown staff e-mail — runs exactly
/// one full argon2id verification (and the dummy hash has a real hash's parameters, see the
/// unit test beside `PasswordPool`). `just bench` measures the times themselves.
#[tokio::test]
async fn unknown_user_costs_one_argon2_verification_like_a_wrong_password() {
    let app = spawn_app_with(|s| s.throttle.account_failures = 100).await;
    let client = app.client();
    let attempts: [(&str, &str); 4] = [
        ("demo", "acme"),
        ("demo", "no-such-user"),
        ("no-such-org", "acme"),
        ("demo", "kunde"),
    ];
    for (org, user) in attempts {
        let before = app.passwords.verifications();
        let _ = client.portal_login(org, user, "wrong-password").await;
        assert_eq!(app.passwords.verifications() - before, 1, "{org}/{user}");
    }
    let before = app.passwords.verifications();
    let _ = client
        .issuer_login("nobody@demo.example", "wrong-password")
        .await;
    let _ = client
        .issuer_login(demo::OWNER_EMAIL, "wrong-password")
        .await;
    assert_eq!(app.passwords.verifications() - before, 2);
}

#[tokio::test]
async fn staff_sign_in_with_email() {
    let app = spawn_app().await;
    let client = app.client();
    let token = client
        .issuer_login("Owner@Demo.example", demo::OWNER_PASSWORD)
        .await
        .expect("login");
    assert_eq!(token.realm, "issuer");
    let me = client.issuer_me().await.expect("me");
    assert_eq!(
        (
            me.email.as_str(),
            me.role.as_str(),
            me.organization.as_str()
        ),
        ("owner@demo.example", "owner", "demo")
    );
    let (status, code, _) = api_error(
        app.client()
            .issuer_login(demo::OWNER_EMAIL, "wrong-password")
            .await,
    );
    assert_eq!((status, code.as_str()), (401, "invalid_credentials"));
}

#[tokio::test]
async fn disabled_users_and_customers_without_portal_access_cannot_sign_in() {
    let app = spawn_app().await;
    app.db
        .execute_unprepared("UPDATE portal_users SET state = 'disabled' WHERE username = 'acme'")
        .await
        .expect("disable");
    app.db
        .execute_unprepared(
            "UPDATE contractors SET portal_access = false WHERE name = 'Kunde GmbH'",
        )
        .await
        .expect("revoke access");
    for user in ["acme", "kunde"] {
        let (status, code, _) = api_error(
            app.client()
                .portal_login("demo", user, demo::PORTAL_PASSWORD)
                .await,
        );
        assert_eq!(
            (status, code.as_str()),
            (401, "invalid_credentials"),
            "{user}"
        );
    }
    app.client()
        .portal_login("demo", "cliente", demo::PORTAL_PASSWORD)
        .await
        .expect("cliente still can");
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_token_ends_the_session() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let first = client.refresh_token().expect("refresh token");
    let renewed = client.refresh().await.expect("refresh");
    assert_eq!(renewed.realm, "portal");
    let second = client.refresh_token().expect("rotated");
    assert_ne!(first, second, "rotation hands out a new token");
    client.portal_me().await.expect("new access token works");

    // An attacker replays the first token: refused, and the whole session ends.
    let thief = app.client();
    thief.set_refresh_token(Realm::Portal, Some(first));
    let (status, code, _) = api_error(thief.refresh().await);
    assert_eq!((status, code.as_str()), (401, "refresh_token_reused"));
    let (status, code, _) = api_error(client.refresh().await);
    assert_eq!(
        (status, code.as_str()),
        (401, "invalid_refresh_token"),
        "the legitimate token died with its family"
    );
    let (status, code, _) = api_error(client.portal_me().await);
    assert_eq!(
        (status, code.as_str()),
        (401, "session_ended"),
        "access tokens of the session stop at once"
    );
}

#[tokio::test]
async fn twenty_concurrent_refreshes_with_one_token_succeed_exactly_once() {
    let app = spawn_app().await;
    let login = app.portal_client("cliente").await;
    let token = login.refresh_token().expect("token");
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = shared(app.client());
        client.set_refresh_token(Realm::Portal, Some(token.clone()));
        tasks.push(tokio::spawn(
            async move { client.refresh().await.map(|_| ()) },
        ));
    }
    let mut ok = 0;
    for task in tasks {
        match task.await.expect("join") {
            Ok(()) => ok += 1,
            Err(e) => assert_eq!(e.status(), Some(401), "{e:?}"),
        }
    }
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let app = spawn_app().await;
    let client = app.issuer_client().await;
    let token = client.access_token();
    let refresh = client.refresh_token();
    let response = client
        .request(Method::POST, "/api/v1/issuer/auth/logout")
        .header(
            "cookie",
            format!("issuer_refresh={}", refresh.clone().unwrap_or_default()),
        )
        .send()
        .await
        .expect("logout");
    assert_eq!(response.status(), 204);
    let cleared = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        cleared.starts_with("issuer_refresh=;") && cleared.contains("Max-Age=0"),
        "{cleared}"
    );

    client.set_access_token(token);
    let (status, code, _) = api_error(client.issuer_me().await);
    assert_eq!((status, code.as_str()), (401, "session_ended"));
    client.set_refresh_token(Realm::Issuer, refresh);
    let (status, _, _) = api_error(client.refresh().await);
    assert_eq!(status, 401);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'logged_out'")
            .await,
        1
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_account_with_retry_after() {
    let app = spawn_app().await;
    let client = app.client();
    for _ in 0..5 {
        let (status, _, _) =
            api_error(client.portal_login("demo", "kunde", "wrong-password").await);
        assert_eq!(status, 401);
    }
    let (status, code, retry) =
        api_error(client.portal_login("demo", "kunde", "wrong-password").await);
    assert_eq!((status, code.as_str()), (429, "too_many_requests"));
    let retry = retry.expect("Retry-After");
    assert!((850..=900).contains(&retry), "{retry}");
    // Even the right password waits: the lock does not reveal whether it was right.
    let (status, _, _) = api_error(
        client
            .portal_login("demo", "kunde", demo::PORTAL_PASSWORD)
            .await,
    );
    assert_eq!(status, 429);
    // Other accounts from elsewhere are not affected.
    app.client()
        .portal_login("demo", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("acme unaffected");
}

#[tokio::test]
async fn the_throttle_holds_across_server_processes() {
    let app = spawn_app_with(|s| s.throttle.account_failures = 3).await;
    let second = portal_client::Client::new(&app.second_server().await);
    let first = app.client();
    for client in [&first, &second, &first] {
        let (status, _, _) = api_error(
            client
                .portal_login("demo", "cliente", "wrong-password")
                .await,
        );
        assert_eq!(status, 401);
    }
    let (status, _, _) = api_error(
        second
            .portal_login("demo", "cliente", demo::PORTAL_PASSWORD)
            .await,
    );
    assert_eq!(
        status, 429,
        "the second process sees the failures counted by the first"
    );
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled() {
    let app = spawn_app_with(|s| s.throttle.address_failures = 4).await;
    let client = app.client();
    for user in ["a1", "a2", "a3", "a4"] {
        let (status, _, _) = api_error(client.portal_login("demo", user, "guess-guess").await);
        assert_eq!(status, 401);
    }
    let (status, _, retry) = api_error(
        client
            .portal_login("demo", "acme", demo::PORTAL_PASSWORD)
            .await,
    );
    assert_eq!(status, 429);
    assert!(retry.is_some());
}

#[tokio::test]
async fn a_successful_login_resets_the_account_counter() {
    let app = spawn_app_with(|s| s.throttle.account_failures = 3).await;
    let client = app.client();
    for _ in 0..2 {
        let _ = client.portal_login("demo", "acme", "wrong-password").await;
    }
    client
        .portal_login("demo", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("right password");
    for _ in 0..2 {
        let (status, _, _) = api_error(client.portal_login("demo", "acme", "wrong-password").await);
        assert_eq!(status, 401, "the counter started again");
    }
}

/// Behind a proxy that appends to `X-Forwarded-For`, the entries to the left of its own are
/// the client's to write: sixty failed sign-ins, each claiming another address, still come from
/// the one address the proxy saw, and the per-address limit (50) holds.
#[tokio::test]
async fn a_client_behind_a_proxy_cannot_escape_the_address_throttle_by_forging_x_forwarded_for() {
    use portal_api::auth::client_address::{ClientAddressSource, ProxyHeader};
    let app = spawn_app_with(|s| {
        s.client_address = ClientAddressSource::behind(1, ProxyHeader::XForwardedFor);
    })
    .await;
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for i in 0..60 {
        let response = http
            .post(format!("{}/api/v1/portal/auth/login", app.address))
            .header("x-forwarded-for", format!("203.0.113.{i}, 198.51.100.7"))
            .json(&serde_json::json!({
                "organization": "demo",
                "username": format!("nobody-{i}"),
                "password": "wrong-password",
            }))
            .send()
            .await
            .expect("send");
        statuses.push(response.status().as_u16());
    }
    assert!(statuses[..50].iter().all(|s| *s == 401), "{statuses:?}");
    assert!(statuses[50..].iter().all(|s| *s == 429), "{statuses:?}");
    // the address recorded is the one the proxy saw, never one the client wrote
    assert_eq!(
        app.scalar(
            "SELECT count(*) AS n FROM login_throttle WHERE key LIKE 'addr:%' AND key <> 'addr:198.51.100.7'"
        )
        .await,
        0
    );
}

/// `last_login_at` is the sign-in before this session, written as RFC 3339 UTC with `Z` like
/// every other instant: absent on a first sign-in, and a later session shows the earlier one.
#[tokio::test]
async fn last_login_at_is_the_sign_in_before_this_session() {
    let app = spawn_app().await;
    let first = app.portal_client("kunde").await;
    assert_eq!(first.portal_me().await.expect("me").last_login_at, None);
    let first_sign_in = app
        .scalar(
            "SELECT count(*) AS n FROM events WHERE kind = 'logged_in' AND actor_type = 'portal_user'",
        )
        .await;
    assert_eq!(first_sign_in, 1);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = app.portal_client("kunde").await;
    let raw: serde_json::Value = second
        .request(Method::GET, "/api/v1/portal/me")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let text = raw["last_login_at"]
        .as_str()
        .expect("an instant")
        .to_string();
    assert!(text.ends_with('Z'), "{text}");
    let at: chrono::DateTime<chrono::Utc> = text.parse().expect("RFC 3339");
    let logged: Vec<chrono::DateTime<chrono::Utc>> = {
        use portal_store::entities::event;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
        event::Entity::find()
            .filter(event::Column::Kind.eq("logged_in"))
            .order_by_asc(event::Column::Id)
            .all(&app.db)
            .await
            .expect("events")
            .into_iter()
            .map(|e| e.created_at)
            .collect()
    };
    assert_eq!(logged.len(), 2);
    assert_eq!(at, logged[0], "the first sign-in, not this one");
    // the first session, still open, still has no sign-in before it
    assert_eq!(first.portal_me().await.expect("me").last_login_at, None);
}

/// `WWW-Authenticate: Bearer` answers a failed bearer token only: a bad refresh cookie or a
/// wrong password is not a bearer failure and gets no Bearer challenge.
#[tokio::test]
async fn only_bearer_token_failures_carry_a_bearer_challenge() {
    let app = spawn_app().await;
    let http = reqwest::Client::new();
    let challenge = |r: &reqwest::Response| {
        r.headers()
            .get("www-authenticate")
            .map(|v| v.to_str().expect("ascii").to_string())
    };
    for (request, bearer) in [
        (
            http.get(format!("{}/api/v1/portal/me", app.address))
                .bearer_auth("not-a-token"),
            true,
        ),
        (http.get(format!("{}/api/v1/portal/me", app.address)), true),
        (
            http.post(format!("{}/api/v1/portal/auth/refresh", app.address))
                .header("cookie", "portal_refresh=not-a-refresh-token"),
            false,
        ),
        (
            http.post(format!("{}/api/v1/issuer/auth/refresh", app.address)),
            false,
        ),
        (
            http.post(format!("{}/api/v1/portal/auth/login", app.address))
                .json(&serde_json::json!({"organization": "demo", "username": "acme", "password": "wrong-password"})),
            false,
        ),
    ] {
        let response = request.send().await.expect("send");
        assert_eq!(response.status(), 401);
        let got = challenge(&response);
        if bearer {
            assert_eq!(got.as_deref(), Some("Bearer error=\"invalid_token\""));
        } else {
            assert_eq!(got, None, "{}", response.url());
        }
    }
}
