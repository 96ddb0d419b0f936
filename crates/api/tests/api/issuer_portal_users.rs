//! Portal users on the issuer side and the customer's own password links: a typed password
//! (Prim), an invitation by mail in the contractor's language, resending, disabling, deleting,
//! "forgot password" — through a real SMTP server — with roles and other organisations kept out.

use portal_client::Client;
use portal_store::demo;
use portal_types::{NewPortalUser, PortalUserState, PortalUserUpdate};

use crate::helpers::{api_error as error, spawn_app, spawn_app_with_mail};

fn user(username: &str, email: Option<&str>, password: Option<&str>) -> NewPortalUser {
    NewPortalUser {
        username: username.into(),
        first_name: "Мария".into(),
        last_name: "Петрова".into(),
        email: email.map(str::to_string),
        password: password.map(str::to_string),
        must_change_password: None,
    }
}

fn token_of(link: &str) -> String {
    link.split("token=").nth(1).expect("a token").to_string()
}

async fn acme_contractor(app: &crate::helpers::TestApp) -> i64 {
    app.portal_client("acme")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id
}

#[tokio::test]
async fn a_portal_user_with_a_typed_password_signs_in_at_once_and_must_choose_its_own() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let acme = acme_contractor(&app).await;
    let created = owner
        .create_portal_user(acme, &user("maria.p", None, Some("typed-by-the-issuer")))
        .await
        .expect("create");
    assert_eq!(created.state, PortalUserState::Active);
    assert!(
        created.must_change_password,
        "a typed password is to be replaced"
    );
    let client = app.client();
    let token = client
        .portal_login("demo", "Maria.P", "typed-by-the-issuer")
        .await
        .expect("signs in at once");
    assert!(token.must_change_password);
    let me = client.portal_me().await.expect("me");
    assert_eq!((me.username.as_str(), me.contractor_id), ("maria.p", acme));

    let listed = owner.portal_users(acme).await.expect("list");
    assert!(listed.items.iter().any(|u| u.id == created.id));
    // The username is the organisation's: another customer cannot have it either.
    let kunde = app
        .portal_client("kunde")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id;
    let clash = owner
        .create_portal_user(
            kunde,
            &user("MARIA.P", None, Some("another-typed-password")),
        )
        .await;
    assert_eq!(
        error(clash),
        (409, "conflict".into(), vec!["username".into()])
    );
    let weak = owner
        .create_portal_user(acme, &user("weak", None, Some("password12")))
        .await;
    assert_eq!(error(weak).2, ["password"]);
    let nothing = owner
        .create_portal_user(acme, &user("nobody", None, None))
        .await;
    assert_eq!(
        error(nothing).2,
        ["email"],
        "an invitation needs an address"
    );
}

#[tokio::test]
async fn an_invited_portal_user_sets_a_password_from_a_mail_in_its_customers_language() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let acme = acme_contractor(&app).await;
    let invited = owner
        .create_portal_user(acme, &user("mp", Some("maria@acme.example"), None))
        .await
        .expect("invite");
    assert_eq!(invited.state, PortalUserState::Invited);
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, ["maria@acme.example"]);
    // Акме ООД reads Bulgarian
    assert_eq!(mail.header("Content-Language").as_deref(), Some("bg"));
    assert_eq!(
        mail.subject(),
        "Покана за клиентския портал на Demo Trading Ltd"
    );
    assert!(mail.text().contains("Здравейте, Мария,"), "{}", mail.text());
    assert!(mail.text().contains("„mp“"));
    let first = mail.link("/p/demo/set-password").expect("link");
    assert!(
        first.starts_with("https://portal.test/p/demo/set-password?token="),
        "{first}"
    );

    // Resending kills the first link.
    owner.resend_invitation(invited.id).await.expect("resend");
    let second = sink.wait_for(2).await[1]
        .link("/p/demo/set-password")
        .expect("link");
    assert_ne!(first, second);
    let stale = app
        .client()
        .portal_set_password(&token_of(&first), "maria-chose-this-one")
        .await;
    assert_eq!(error(stale).2, ["token"]);

    let maria = app.client();
    let token = maria
        .portal_set_password(&token_of(&second), "maria-chose-this-one")
        .await
        .expect("set");
    assert_eq!(
        (token.realm.as_str(), token.locale.as_str()),
        ("portal", "bg")
    );
    assert_eq!(maria.portal_me().await.expect("me").contractor_id, acme);
    assert_eq!(
        owner.portal_user(invited.id).await.expect("get").state,
        PortalUserState::Active
    );
    assert_eq!(
        error(
            app.client()
                .portal_set_password(&token_of(&second), "and-once-more-please")
                .await
        )
        .2,
        ["token"]
    );
}

#[tokio::test]
async fn forgot_password_answers_alike_and_mails_only_where_a_user_exists() {
    let (app, sink) = spawn_app_with_mail().await;
    let client = app.client();
    // kunde's address is on the demo user; an unknown login and another organisation get the
    // same answer and no mail.
    client
        .request_password_reset("demo", "nobody-here")
        .await
        .expect("202 for an unknown login");
    client
        .request_password_reset("no-such-org", "kunde")
        .await
        .expect("202 for an unknown organisation");
    client
        .request_password_reset("demo", "KUNDE")
        .await
        .expect("202 for kunde");
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.header("Content-Language").as_deref(), Some("de"));
    assert!(
        mail.subject().starts_with("Neues Passwort"),
        "{}",
        mail.subject()
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 1, "no mail for the unknown ones");

    // The old password works until the new one is set; then only the new one, and the other
    // sessions have ended.
    let old_session = app.portal_client("kunde").await;
    let link = mail.link("/p/demo/set-password").expect("link");
    app.client()
        .portal_set_password(&token_of(&link), "a-new-passphrase-k")
        .await
        .expect("set");
    assert_eq!(
        old_session.portal_me().await.err().and_then(|e| e.status()),
        Some(401)
    );
    assert!(
        app.client()
            .portal_login("demo", "kunde", demo::PORTAL_PASSWORD)
            .await
            .is_err()
    );
    app.client()
        .portal_login("demo", "kunde", "a-new-passphrase-k")
        .await
        .expect("the new password");
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'password_reset'")
            .await,
        1
    );

    // Asking again and again for one login is throttled, whether it exists or not.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            match app.client().request_password_reset("demo", "someone").await {
                Ok(()) => 202,
                Err(e) => e.status().unwrap_or(0),
            },
        );
    }
    assert_eq!(statuses, [202, 202, 202, 202, 202, 429]);
}

#[tokio::test]
async fn disabling_or_deleting_a_portal_user_ends_its_access() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let acme = app.portal_client("acme").await;
    let me = acme.portal_me().await.expect("me");
    let disabled = owner
        .update_portal_user(
            me.id,
            &PortalUserUpdate {
                enabled: Some(false),
                first_name: Some("Ivan".into()),
                ..PortalUserUpdate::default()
            },
        )
        .await
        .expect("disable");
    assert_eq!(disabled.state, PortalUserState::Disabled);
    assert_eq!(disabled.first_name, "Ivan");
    assert_eq!(
        acme.portal_me().await.err().and_then(|e| e.status()),
        Some(401)
    );
    let enabled = owner
        .update_portal_user(
            me.id,
            &PortalUserUpdate {
                enabled: Some(true),
                ..PortalUserUpdate::default()
            },
        )
        .await
        .expect("enable");
    assert_eq!(enabled.state, PortalUserState::Active);
    let acme = app.portal_client("acme").await;
    owner.delete_portal_user(me.id).await.expect("delete");
    assert_eq!(
        acme.portal_me().await.err().and_then(|e| e.status()),
        Some(401)
    );
    assert_eq!(error(owner.portal_user(me.id).await).0, 404);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM events WHERE kind = 'portal_user_deleted'")
            .await,
        1
    );
}

/// Every portal-user endpoint against every role, a portal token and another organisation.
#[tokio::test]
async fn portal_users_are_managed_by_owners_admins_and_sales_only_and_never_across_organisations() {
    let app = spawn_app().await;
    let acme = acme_contractor(&app).await;
    let kunde_id = app
        .portal_client("kunde")
        .await
        .portal_me()
        .await
        .expect("me")
        .id;
    let mut callers: Vec<(&str, Client)> = vec![("owner", app.issuer_client().await)];
    for role in ["admin", "accountant", "sales"] {
        callers.push((role, app.staff_client(role).await));
    }
    for (role, client) in &callers {
        client.portal_users(acme).await.expect("every role reads");
        client
            .portal_user(kunde_id)
            .await
            .expect("every role reads one");
        let created = client
            .create_portal_user(
                acme,
                &user(&format!("by-{role}"), None, Some("typed-by-the-issuer")),
            )
            .await;
        let changed = client
            .update_portal_user(
                kunde_id,
                &PortalUserUpdate {
                    last_name: Some(format!("Changed by {role}")),
                    ..PortalUserUpdate::default()
                },
            )
            .await;
        if *role == "accountant" {
            assert_eq!(error(created).0, 403);
            assert_eq!(error(changed).0, 403);
            assert_eq!(error(client.delete_portal_user(kunde_id).await).0, 403);
            assert_eq!(error(client.resend_invitation(kunde_id).await).0, 403);
        } else {
            created.expect("create");
            changed.expect("change");
        }
    }
    let portal = app.portal_client("cliente").await;
    assert_eq!(error(portal.portal_users(acme).await).0, 401);

    let rival = app.rival_owner().await;
    assert_eq!(error(rival.portal_users(acme).await).0, 404);
    assert_eq!(error(rival.portal_user(kunde_id).await).0, 404);
    assert_eq!(
        error(
            rival
                .create_portal_user(acme, &user("intruder", None, Some("typed-by-the-rival")))
                .await
        )
        .0,
        404
    );
    let disable = PortalUserUpdate {
        enabled: Some(false),
        ..PortalUserUpdate::default()
    };
    assert_eq!(
        error(rival.update_portal_user(kunde_id, &disable).await).0,
        404
    );
    assert_eq!(error(rival.delete_portal_user(kunde_id).await).0, 404);
    assert_eq!(error(rival.resend_invitation(kunde_id).await).0, 404);
    app.client()
        .portal_login("demo", "kunde", demo::PORTAL_PASSWORD)
        .await
        .expect("kunde untouched");
}
