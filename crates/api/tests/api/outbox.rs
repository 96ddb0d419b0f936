//! The outbox: mail written in the transaction that causes it, delivered by the worker of
//! whichever server process claims it first — exactly once with several processes on one
//! database — and tried again with back-off when the mail server turns it away.

use portal_types::{NewPortalUser, Role, StaffInvite};
use sea_orm::ConnectionTrait;

use crate::helpers::spawn_app_with_mail;

/// Two server processes share one database, each with its worker: every one of the mails the
/// first queues goes out once, whichever worker delivers it.
#[tokio::test]
async fn with_two_server_processes_each_mail_goes_out_exactly_once() {
    let (app, sink) = spawn_app_with_mail().await;
    let _second = app.second_server().await;
    let owner = app.issuer_client().await;
    for i in 0..20 {
        owner
            .invite_staff(&StaffInvite {
                email: format!("member{i}@demo.example"),
                name: format!("Member {i}"),
                role: Role::Sales,
            })
            .await
            .expect("invite");
    }
    let mails = sink.wait_for(20).await;
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let mails = if sink.messages().len() > mails.len() {
        sink.messages()
    } else {
        mails
    };
    let mut recipients: Vec<String> = mails.iter().flat_map(|m| m.to.clone()).collect();
    recipients.sort();
    let mut expected: Vec<String> = (0..20).map(|i| format!("member{i}@demo.example")).collect();
    expected.sort();
    crate::helpers::record_figure("deliveries_checked", recipients.len() as u64);
    crate::helpers::record_figure(
        "duplicate_deliveries",
        recipients.len().saturating_sub(expected.len()) as u64,
    );
    assert_eq!(recipients, expected, "each once");
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND attempts = 1")
            .await,
        20
    );
}

/// A mail server that turns a mail away (451) gets it again after the back-off; the outbox
/// records the attempt and the error meanwhile.
#[tokio::test]
async fn a_mail_turned_away_is_tried_again_after_the_back_off() {
    let (app, sink) = spawn_app_with_mail().await;
    sink.refuse_next(1);
    let owner = app.issuer_client().await;
    let acme = app
        .portal_client("acme")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id;
    owner
        .create_portal_user(
            acme,
            &NewPortalUser {
                username: "later".into(),
                first_name: "Lea".into(),
                last_name: "Later".into(),
                email: Some("lea@acme.example".into()),
                password: None,
                must_change_password: None,
            },
        )
        .await
        .expect("invite");
    // the first attempt fails and is scheduled about 30 s later
    let mut waited = 0;
    while app
        .scalar("SELECT count(*) AS n FROM outbox WHERE attempts = 1 AND last_error IS NOT NULL")
        .await
        == 0
    {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
        assert!(waited < 200, "the first attempt was not recorded");
    }
    assert!(sink.messages().is_empty());
    let later = app
        .scalar(
            "SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND last_error LIKE '%451%'",
        )
        .await;
    assert_eq!(later, 1, "pending, with the server's answer recorded");
    // time passes (the test moves the due time instead of waiting for it)
    app.db
        .execute_unprepared("UPDATE outbox SET next_attempt_at = created_at")
        .await
        .expect("due now");
    let mail = sink.wait_for(1).await.remove(0);
    assert_eq!(mail.to, ["lea@acme.example"]);
    // (the worker marks it sent once the server has answered)
    let sent = "SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND attempts = 2";
    for _ in 0..100 {
        if app.scalar(sent).await == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(app.scalar(sent).await, 1);
}
