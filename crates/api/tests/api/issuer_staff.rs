//! The issuer's staff: invitations by mail through a real SMTP server, roles enforced on every
//! staff endpoint, the last owner kept, another organisation kept out.

use portal_client::{Client, ClientError};
use portal_store::demo;
use portal_types::{Role, StaffInvite, StaffUpdate};

use crate::helpers::{spawn_app, spawn_app_with_mail};

fn status(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, String) {
    match result {
        Err(ClientError::Api {
            status, problem, ..
        }) => (status, problem.code),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn invite(email: &str, role: Role) -> StaffInvite {
    StaffInvite {
        email: email.into(),
        name: "Ada Lovelace".into(),
        role,
    }
}

/// The link in a mail, without its host (the tests reach the server on its own address).
fn token_of(link: &str) -> String {
    link.split("token=")
        .nth(1)
        .expect("a token in the link")
        .to_string()
}

#[tokio::test]
async fn an_invited_colleague_sets_a_password_from_the_mail_and_signs_in() {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let invited = owner
        .invite_staff(&invite("  Ada@Demo.Example ", Role::Accountant))
        .await
        .expect("invite");
    assert_eq!(invited.email, "Ada@Demo.Example");
    assert_eq!(
        (invited.role, invited.invited, invited.active),
        (Role::Accountant, true, true)
    );

    sink.wait_for(1).await;
    let mails = sink.to("ada@demo.example");
    assert_eq!(mails[0].to, ["Ada@Demo.Example"]);
    assert_eq!(
        mails[0].from, "portal@localhost",
        "the envelope sender is PORTAL_MAIL_FROM"
    );
    assert_eq!(
        mails[0].subject(),
        "Join the Demo Trading Ltd team in the customer portal"
    );
    assert_eq!(mails[0].header("Content-Language").as_deref(), Some("en"));
    assert!(
        mails[0].text().contains("Olivia Owner invites you"),
        "{}",
        mails[0].text()
    );
    let link = mails[0].link("/admin/set-password").expect("a link");
    assert!(
        link.starts_with("https://portal.test/admin/set-password?token="),
        "{link}"
    );
    assert!(mails[0].html().contains("/admin/set-password?token="));

    // Nobody can sign in as the invited member before the link is used.
    assert_eq!(
        status(
            app.client()
                .issuer_login("ada@demo.example", "a-long-enough-passphrase")
                .await
        ),
        (401, "invalid_credentials".into())
    );
    let ada = app.client();
    let token = ada
        .issuer_set_password(&token_of(&link), "a-long-enough-passphrase")
        .await
        .expect("set password");
    assert_eq!(token.realm, "issuer");
    let me = ada.issuer_me().await.expect("signed in");
    assert_eq!(
        (me.email.as_str(), me.role.as_str()),
        ("Ada@Demo.Example", "accountant")
    );
    app.client()
        .issuer_login("ada@demo.example", "a-long-enough-passphrase")
        .await
        .expect("signs in with the new password");

    // The link works once.
    let again = app
        .client()
        .issuer_set_password(&token_of(&link), "another-long-passphrase")
        .await;
    assert_eq!(status(again), (422, "validation_failed".into()));
    let listed = owner.issuer_staff().await.expect("list");
    let ada_listed = listed
        .items
        .iter()
        .find(|m| m.id == invited.id)
        .expect("listed");
    assert!(!ada_listed.invited);
    assert_eq!(listed.items[0].role, Role::Owner, "owners first");
    for kind in ["staff_invited", "invitation_accepted"] {
        assert_eq!(
            app.scalar(&format!(
                "SELECT count(*) AS n FROM events WHERE kind = '{kind}'"
            ))
            .await,
            1,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn a_weak_password_leaves_the_link_usable() {
    let (app, sink) = spawn_app_with_mail().await;
    app.issuer_client()
        .await
        .invite_staff(&invite("bo@demo.example", Role::Sales))
        .await
        .expect("invite");
    let link = sink.wait_for(1).await[0]
        .link("/admin/set-password")
        .expect("link");
    let client = app.client();
    let weak = client
        .issuer_set_password(&token_of(&link), "password12")
        .await;
    assert_eq!(status(weak), (422, "validation_failed".into()));
    client
        .issuer_set_password(&token_of(&link), "a-long-enough-passphrase")
        .await
        .expect("the link still works");
}

/// Every staff endpoint against every role, a portal token and another organisation's owner.
#[tokio::test]
async fn only_owners_and_admins_manage_staff() {
    let app = spawn_app().await;
    let target = app
        .staff_client("sales")
        .await
        .issuer_me()
        .await
        .expect("me")
        .id;
    let mut callers: Vec<(&str, Client)> = vec![("owner", app.issuer_client().await)];
    for role in ["admin", "accountant"] {
        callers.push((role, app.staff_client(role).await));
    }
    for (n, (role, client)) in callers.iter().enumerate() {
        let allowed = matches!(*role, "owner" | "admin");
        client
            .issuer_staff()
            .await
            .expect("every role reads the staff");
        let invited = client
            .invite_staff(&invite(&format!("new{n}@demo.example"), Role::Sales))
            .await;
        let renamed = client
            .update_staff(
                target,
                &StaffUpdate {
                    name: Some(format!("Renamed by {role}")),
                    ..StaffUpdate::default()
                },
            )
            .await;
        if allowed {
            invited.expect("invite");
            renamed.expect("rename");
        } else {
            assert_eq!(status(invited), (403, "insufficient_role".into()), "{role}");
            assert_eq!(status(renamed), (403, "insufficient_role".into()), "{role}");
        }
    }
    let sales = app.client();
    sales
        .issuer_login("sales@demo.example", demo::OWNER_PASSWORD)
        .await
        .expect("login");
    sales.issuer_staff().await.expect("sales reads the staff");
    assert_eq!(
        status(
            sales
                .invite_staff(&invite("x@demo.example", Role::Sales))
                .await
        ),
        (403, "insufficient_role".into())
    );

    let portal = app.portal_client("acme").await;
    assert_eq!(status(portal.issuer_staff().await).0, 401);
    assert_eq!(
        status(
            portal
                .invite_staff(&invite("p@demo.example", Role::Sales))
                .await
        )
        .0,
        401
    );

    let rival = app.rival_owner().await;
    let theirs = rival.issuer_staff().await.expect("own staff");
    assert!(
        theirs
            .items
            .iter()
            .all(|m| m.email.ends_with("@rival.example"))
    );
    let update = StaffUpdate {
        active: Some(false),
        ..StaffUpdate::default()
    };
    assert_eq!(
        status(rival.update_staff(target, &update).await),
        (404, "not_found".into())
    );
    assert_eq!(
        app.scalar(&format!(
            "SELECT count(*) AS n FROM staff_users WHERE id = {target} AND active"
        ))
        .await,
        1,
        "nothing changed"
    );
}

#[tokio::test]
async fn ownership_is_given_and_taken_by_owners_and_the_last_owner_stays() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let owner_id = owner.issuer_me().await.expect("me").id;
    let admin = app.staff_client("admin").await;
    let admin_id = admin.issuer_me().await.expect("me").id;

    let demote = |role| StaffUpdate {
        role: Some(role),
        ..StaffUpdate::default()
    };
    let deactivate = StaffUpdate {
        active: Some(false),
        ..StaffUpdate::default()
    };
    assert_eq!(
        status(owner.update_staff(owner_id, &demote(Role::Admin)).await),
        (409, "last_owner".into())
    );
    assert_eq!(
        status(owner.update_staff(owner_id, &deactivate).await),
        (409, "last_owner".into())
    );
    assert_eq!(
        status(admin.update_staff(owner_id, &demote(Role::Sales)).await),
        (403, "insufficient_role".into())
    );
    assert_eq!(
        status(admin.update_staff(owner_id, &deactivate).await),
        (403, "insufficient_role".into())
    );
    assert_eq!(
        status(admin.update_staff(admin_id, &demote(Role::Owner)).await),
        (403, "insufficient_role".into())
    );
    assert_eq!(
        status(
            admin
                .invite_staff(&invite("o2@demo.example", Role::Owner))
                .await
        ),
        (403, "insufficient_role".into())
    );

    // With a second owner, the first may step down.
    owner
        .update_staff(admin_id, &demote(Role::Owner))
        .await
        .expect("make owner");
    owner
        .update_staff(owner_id, &demote(Role::Admin))
        .await
        .expect("step down");
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM staff_users WHERE role = 'owner' AND active")
            .await,
        1
    );
}

/// A new role applies from the member's next request, not from its next sign-in.
#[tokio::test]
async fn a_changed_role_applies_at_the_next_request() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let admin = app.staff_client("admin").await;
    let admin_id = admin.issuer_me().await.expect("me").id;
    admin
        .invite_staff(&invite("first@demo.example", Role::Sales))
        .await
        .expect("an admin invites");
    owner
        .update_staff(
            admin_id,
            &StaffUpdate {
                role: Some(Role::Sales),
                ..StaffUpdate::default()
            },
        )
        .await
        .expect("demote");
    assert_eq!(
        status(
            admin
                .invite_staff(&invite("second@demo.example", Role::Sales))
                .await
        ),
        (403, "insufficient_role".into())
    );
    // and a deactivated member is out at once
    owner
        .update_staff(
            admin_id,
            &StaffUpdate {
                active: Some(false),
                ..StaffUpdate::default()
            },
        )
        .await
        .expect("deactivate");
    assert_eq!(status(admin.issuer_staff().await).0, 401);
}

#[tokio::test]
async fn an_e_mail_address_is_one_members_only() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let taken = owner
        .invite_staff(&invite(&demo::OWNER_EMAIL.to_uppercase(), Role::Sales))
        .await;
    match taken {
        Err(ClientError::Api {
            status, problem, ..
        }) => {
            assert_eq!(status, 409);
            assert_eq!(problem.errors[0].field, "email");
            assert_eq!(problem.errors[0].code, "taken");
        }
        other => panic!("expected 409, got {other:?}"),
    }
    let bad = owner
        .invite_staff(&StaffInvite {
            email: "not an address".into(),
            name: " ".into(),
            role: Role::Sales,
        })
        .await;
    match bad {
        Err(ClientError::Api {
            status, problem, ..
        }) => {
            assert_eq!(status, 422);
            let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["email", "name"]);
        }
        other => panic!("expected 422, got {other:?}"),
    }
    assert_eq!(app.scalar("SELECT count(*) AS n FROM staff_users").await, 1);
    assert_eq!(app.scalar("SELECT count(*) AS n FROM outbox").await, 0);
}
