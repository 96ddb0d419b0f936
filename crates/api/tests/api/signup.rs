//! Public sign-up (`PORTAL_SIGNUP=open`): a new issuer asks for an organisation, a link goes to
//! the owner's address through the outbox, and only following it creates the organisation and
//! its owner, signed in. Closed by default; an address that already signs in gets a mail
//! instead of a second account, with the same answer; sign-ups are throttled per address.

use portal_types::SignupRequest;
use sea_orm::ConnectionTrait;

use crate::helpers::{TestApp, api_error, spawn_app, spawn_app_with};
use crate::smtp_sink::SmtpSink;

const PASSWORD: &str = "a long and private passphrase";

async fn open_app() -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url.clone();
    let app = spawn_app_with(move |s| {
        s.mail.smtp_url = Some(url);
        s.mail.public_url = "https://portal.test".into();
        s.signup_open = true;
    })
    .await;
    (app, sink)
}

fn request(slug: &str, email: &str) -> SignupRequest {
    SignupRequest {
        name: "Müller & Söhne GmbH".into(),
        slug: slug.into(),
        owner_name: "Greta Müller".into(),
        owner_email: email.into(),
        password: PASSWORD.into(),
        locale: Some("de".into()),
    }
}

fn token_in(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_string()
}

async fn organizations(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) AS n FROM organizations").await
}

/// Signs up and returns the token of the link mailed for it (the `n`th mail of the sink).
async fn signed_up(app: &TestApp, sink: &SmtpSink, slug: &str, email: &str, n: usize) -> String {
    let accepted = app
        .client()
        .signup(&request(slug, email))
        .await
        .expect("sign-up");
    assert_eq!((accepted.email.as_str(), accepted.valid_hours), (email, 24));
    let mails = sink.wait_for(n).await;
    let link = mails[n - 1]
        .link("/admin/signup/confirm?token=")
        .expect("a confirmation link");
    token_in(&link)
}

#[tokio::test]
async fn sign_up_is_closed_unless_the_operator_opens_it() {
    let app = spawn_app().await;
    let client = app.client();
    assert!(!client.signup_status().await.expect("status").open);
    let (status, code, _) = api_error(client.signup(&request("newco", "new@newco.example")).await);
    assert_eq!((status, code.as_str()), (404, "not_found"));
    let (status, _, _) = api_error(client.confirm_signup("whatever").await);
    assert_eq!(status, 404);
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM signups").await, 0);
}

#[tokio::test]
async fn an_organisation_exists_only_once_its_owner_follows_the_mailed_link() {
    let (app, sink) = open_app().await;
    let client = app.client();
    assert!(client.signup_status().await.expect("status").open);
    let before = organizations(&app).await;

    // Every invalid field at once; a taken slug; nothing stored, nothing mailed.
    let (status, _, mut fields) = api_error(
        client
            .signup(&SignupRequest {
                name: String::new(),
                slug: "No Slug!".into(),
                owner_name: String::new(),
                owner_email: "not an address".into(),
                password: "short".into(),
                locale: Some("fr".into()),
            })
            .await,
    );
    fields.sort();
    assert_eq!(status, 422);
    assert_eq!(
        fields,
        [
            "locale",
            "name",
            "owner_email",
            "owner_name",
            "password",
            "slug"
        ]
        .map(String::from)
    );
    let (status, _, fields) = api_error(
        client
            .signup(&request("demo", "greta@mueller.example"))
            .await,
    );
    assert_eq!((status, fields), (409, vec!["slug".to_string()]));
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM signups").await, 0);

    let token = signed_up(&app, &sink, "mueller", "greta@mueller.example", 1).await;
    let mail = &sink.messages()[0];
    assert_eq!(mail.to, ["greta@mueller.example"]);
    assert_eq!(
        mail.subject(),
        "Bestätigen Sie die Registrierung von Müller & Söhne GmbH"
    );
    assert!(
        mail.text().starts_with("Guten Tag Greta Müller,"),
        "{}",
        mail.text()
    );
    assert!(mail.html().contains(&format!(
        "https://portal.test/admin/signup/confirm?token={token}"
    )));
    assert!(
        mail.html().contains("Müller &amp; Söhne GmbH"),
        "escaped in the HTML part"
    );
    // Nothing exists yet: the slug is free, the address cannot sign in, the password is not
    // stored in the clear.
    assert_eq!(organizations(&app).await, before);
    let (status, _, _) = api_error(
        app.client()
            .issuer_login("greta@mueller.example", PASSWORD)
            .await,
    );
    assert_eq!(status, 401);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM signups WHERE password_hash LIKE '$argon2id$%' AND password_hash NOT LIKE '%{PASSWORD}%'"
        ))
        .await,
        1
    );

    // A wrong token creates nothing.
    let (status, _, fields) = api_error(client.confirm_signup("not-the-token").await);
    assert_eq!((status, fields), (422, vec!["token".to_string()]));
    assert_eq!(organizations(&app).await, before);

    // The link: the organisation, its owner signed in, in German.
    let granted = client.confirm_signup(&token).await.expect("confirmed");
    assert_eq!(
        (
            granted.realm.as_str(),
            granted.organization.as_str(),
            granted.locale.as_str()
        ),
        ("issuer", "mueller", "de")
    );
    let me = client.issuer_me().await.expect("me");
    assert_eq!(
        (
            me.email.as_str(),
            me.name.as_str(),
            me.role.as_str(),
            me.organization_name.as_str()
        ),
        (
            "greta@mueller.example",
            "Greta Müller",
            "owner",
            "Müller & Söhne GmbH"
        )
    );
    let profile = client.organization().await.expect("profile");
    assert_eq!(
        (
            profile.slug.as_str(),
            profile.address.country.as_deref(),
            profile.default_locale.as_str()
        ),
        ("mueller", Some("DE"), "de")
    );
    assert_eq!(organizations(&app).await, before + 1);
    // Its owner signs in with the password chosen at sign-up, and sees none of the demo's data.
    let again = app.client();
    again
        .issuer_login("greta@mueller.example", PASSWORD)
        .await
        .expect("the owner signs in");
    let contractors = again.contractors(&[]).await.expect("contractors");
    assert_eq!(contractors.total, 0);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) AS n FROM events e JOIN organizations o ON o.id = e.organization_id
             WHERE o.slug = 'mueller' AND e.kind = 'organization_created'"
        )
        .await,
        1
    );

    // The link works once.
    let (status, _, fields) = api_error(app.client().confirm_signup(&token).await);
    assert_eq!((status, fields), (422, vec!["token".to_string()]));
    assert_eq!(organizations(&app).await, before + 1);
}

#[tokio::test]
async fn an_address_that_already_signs_in_gets_a_mail_instead_of_a_second_account() {
    let (app, sink) = open_app().await;
    let accepted = app
        .client()
        .signup(&SignupRequest {
            locale: Some("en".into()),
            ..request("second-demo", "owner@demo.example")
        })
        .await
        .expect("the same answer as for a new address");
    assert_eq!(accepted.email, "owner@demo.example");
    let mails = sink.wait_for(1).await;
    assert_eq!(
        mails[0].subject(),
        "You already have an account in the customer portal"
    );
    assert_eq!(mails[0].link("/signup/confirm"), None, "no link to confirm");
    assert_eq!(
        mails[0].link("/admin/login").as_deref(),
        Some("https://portal.test/admin/login")
    );
    assert_eq!(app.scalar("SELECT COUNT(*) AS n FROM signups").await, 0);
    app.client()
        .issuer_login("owner@demo.example", "demo-owner-pass")
        .await
        .expect("the existing account is untouched");
}

#[tokio::test]
async fn a_link_is_confirmed_once_and_a_slug_taken_meanwhile_is_named() {
    let (app, sink) = open_app().await;
    let first = signed_up(&app, &sink, "twins", "one@twins.example", 1).await;
    let second = signed_up(&app, &sink, "twins", "two@twins.example", 2).await;

    // Two tabs confirm the same link at once: one organisation.
    let (a, b) = (app.client(), app.client());
    let (ra, rb) = tokio::join!(a.confirm_signup(&first), b.confirm_signup(&first));
    assert_eq!(
        [ra.is_ok(), rb.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{ra:?} {rb:?}"
    );
    let failed = if ra.is_ok() { rb } else { ra };
    assert_eq!(api_error(failed).0, 422);

    // The other sign-up asked for the same slug: its link now says so, and creates nothing.
    let (status, code, fields) = api_error(app.client().confirm_signup(&second).await);
    assert_eq!(
        (status, code.as_str(), fields),
        (409, "conflict", vec!["slug".to_string()])
    );
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) AS n FROM staff_users WHERE email_lower LIKE '%@twins.example'"
        )
        .await,
        1
    );

    // An expired link creates nothing either.
    let third = signed_up(&app, &sink, "triplets", "three@twins.example", 3).await;
    app.db
        .execute_unprepared("UPDATE signups SET expires_at = created_at")
        .await
        .expect("expire");
    let (status, _, fields) = api_error(app.client().confirm_signup(&third).await);
    assert_eq!((status, fields), (422, vec!["token".to_string()]));
    assert_eq!(
        app.scalar("SELECT COUNT(*) AS n FROM organizations WHERE slug = 'triplets'")
            .await,
        0
    );
}

#[tokio::test]
async fn sign_ups_for_one_address_are_throttled_like_sign_ins() {
    let (app, sink) = open_app().await;
    for i in 0..5 {
        app.client()
            .signup(&request(&format!("flood-{i}"), "victim@example.org"))
            .await
            .expect("within the limit");
    }
    let (status, code, _) = api_error(
        app.client()
            .signup(&request("flood-5", "victim@example.org"))
            .await,
    );
    assert_eq!((status, code.as_str()), (429, "too_many_requests"));
    assert_eq!(sink.wait_for(5).await.len(), 5);
    // Another address is not held up by it.
    app.client()
        .signup(&request("someone-else", "other@example.org"))
        .await
        .expect("another address");
}
