//! `portal org create` and `portal org list`, run as the operator runs them (the real binary,
//! against the test server's database): the organisation and its owner are created, the
//! printed link lets the owner choose a password once and sign in to an organisation of their
//! own that sees nothing of the demo's; a taken or malformed slug or a taken owner address
//! exits with code 2, names the argument and creates nothing; with SMTP the link is mailed.

use std::process::{Command, Output};

use crate::helpers::{TestApp, spawn_app, spawn_app_with_mail};

/// Runs `portal org …` against the app's database (off the test's runtime, which serves the
/// SMTP sink meanwhile).
async fn org(app: &TestApp, args: &[&str], extra: &[&str]) -> Output {
    let data = std::env::temp_dir().join(format!("portal-cli-{}", uuid::Uuid::new_v4().simple()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
    command
        .arg("org")
        .args(args)
        .args(["--database-url", &app.database_url])
        .arg("--data-dir")
        .arg(&data)
        .args(extra)
        .env("PORTAL_LOG", "warn")
        .env_remove("PORTAL_SMTP_URL");
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("joined")
        .expect("the portal binary runs");
    let _ = std::fs::remove_dir_all(&data);
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn organizations(app: &TestApp) -> i64 {
    app.scalar("SELECT count(*) AS n FROM organizations").await
}

#[tokio::test]
async fn an_operator_creates_an_organisation_whose_owner_signs_in_through_the_printed_link() {
    let app = spawn_app().await;
    let before = organizations(&app).await;
    let public = app.address.clone();
    let create = [
        "create",
        "--slug",
        "acme-trading",
        "--name",
        "Acme Trading Ltd",
        "--owner-email",
        "Owner@Acme.example",
        "--owner-name",
        "Ana Owner",
        "--locale",
        "de",
    ];
    let out = org(&app, &create, &["--public-url", &public]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("created organisation acme-trading (Acme Trading Ltd)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("{public}/p/acme-trading/login")),
        "{stdout}"
    );
    let link = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{public}/admin/set-password?token=")))
        .expect("the link is printed");
    let token = link.split("token=").nth(1).expect("token");
    assert_eq!(organizations(&app).await, before + 1);

    // The owner chooses a password from the link and is signed in to the new organisation.
    let owner = app.client();
    owner
        .issuer_set_password(token, "acme owner chose this")
        .await
        .expect("set password");
    let me = owner.issuer_me().await.expect("me");
    assert_eq!(
        (
            me.organization.as_str(),
            me.role.as_str(),
            me.email.as_str()
        ),
        ("acme-trading", "owner", "Owner@Acme.example")
    );
    let settings = owner.settings().await.expect("settings");
    assert!(settings.portal.access_by_default);
    assert_eq!(
        owner.issuer_documents(&[]).await.expect("documents").total,
        0
    );
    assert_eq!(owner.contractors(&[]).await.expect("contractors").total, 0);
    // the link works once
    assert!(
        app.client()
            .issuer_set_password(token, "a second try here")
            .await
            .is_err()
    );

    // Refused: the same slug, a malformed one, the demo owner's address. Nothing is created.
    let taken = org(&app, &create, &[]).await;
    assert_eq!(taken.status.code(), Some(2));
    assert!(
        text(&taken.stderr).contains("slug:"),
        "{}",
        text(&taken.stderr)
    );
    let mut malformed = create;
    malformed[2] = "Acme Trading";
    let out = org(&app, &malformed, &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("slug:"));
    let mut demo_owner = create;
    demo_owner[2] = "another-one";
    demo_owner[6] = "owner@demo.example";
    let out = org(&app, &demo_owner, &[]).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("owner_email:"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(organizations(&app).await, before + 1);

    let list = org(&app, &["list"], &[]).await;
    assert!(list.status.success());
    let listed = text(&list.stdout);
    assert!(
        listed.contains("\tdemo\t") && listed.contains("\tacme-trading\tAcme Trading Ltd\t1 staff"),
        "{listed}"
    );
}

#[tokio::test]
async fn with_smtp_the_owners_link_is_mailed_in_the_organisations_language() {
    // The server's outbox worker and the command both deliver what is due, whichever claims
    // the message first; so both send to the same mail server, as in a real deployment. (With
    // the server writing its mail to files instead, the server sometimes won and the sink got
    // nothing.)
    let (app, sink) = spawn_app_with_mail().await;
    let out = org(
        &app,
        &[
            "create",
            "--slug",
            "kunde-portal",
            "--name",
            "Kunde Portal GmbH",
            "--owner-email",
            "chefin@kunde-portal.example",
            "--locale",
            "de",
        ],
        &[
            "--smtp-url",
            &sink.url,
            "--public-url",
            "https://portal.test",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("token="),
        "the link goes by mail only"
    );
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, ["chefin@kunde-portal.example"]);
    assert_eq!(mail.header("Content-Language").as_deref(), Some("de"));
    let link = mail.link("/admin/set-password").expect("link");
    assert!(
        link.starts_with("https://portal.test/admin/set-password?token="),
        "{link}"
    );
    let token = link.split("token=").nth(1).expect("token");
    let owner = app.client();
    owner
        .issuer_set_password(token, "kunde portal chefin")
        .await
        .expect("set password");
    assert_eq!(
        owner.issuer_me().await.expect("me").organization,
        "kunde-portal"
    );
}
