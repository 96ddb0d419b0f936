//! Three server processes on one database, as a deployment behind a load balancer runs them:
//! numbering stays gap-free whichever process issues, a refresh-token family revoked through
//! one process is revoked in all, and one refresh token raced through all three is honoured
//! once. (The sign-in throttle across processes is in `auth`, the outbox's exactly-once mail in
//! `outbox`, webhook deliveries through two processes in `webhooks`.)

use portal_client::{Client, Realm};
use portal_store::demo;

use crate::helpers::{TestApp, api_error, shared, spawn_app};
use crate::issuer_documents::{invoice, line};

/// The first server's address and two more on its database.
async fn three(app: &TestApp) -> [String; 3] {
    [
        app.address.clone(),
        app.second_server().await,
        app.second_server().await,
    ]
}

#[tokio::test]
async fn sixty_documents_issued_through_three_processes_take_sixty_consecutive_numbers() {
    let app = spawn_app().await;
    let servers = three(&app).await;
    let owner = app.issuer_client().await;
    let token = owner.access_token().expect("a token");
    let contractor = app
        .portal_client("kunde")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id;
    let mut drafts = Vec::new();
    for i in 0..60 {
        let draft = owner
            .create_document(&invoice(
                contractor,
                vec![line(&format!("Item {i}"), "1", "1.00", None, "20")],
            ))
            .await
            .expect("draft");
        drafts.push(draft.row.id);
    }
    // The same staff session, through each process in turn, all at once.
    let clients: Vec<_> = servers
        .iter()
        .map(|address| {
            let client = Client::new(address);
            client.set_access_token(Some(token.clone()));
            shared(client)
        })
        .collect();
    let numbers = crate::issuer_documents::issue_all(&clients, &drafts).await;
    let first = numbers[0];
    assert_eq!(numbers, (first..first + 60).collect::<Vec<_>>());
    // The series before them has no gap either: the invoices' numbers, counted in SQL, run
    // from the first to the last.
    let (count, distinct) = (
        app.scalar("SELECT count(*) AS n FROM documents WHERE doc_type = 'invoice' AND state <> 'draft'")
            .await,
        app.scalar("SELECT count(DISTINCT number) AS n FROM documents WHERE doc_type = 'invoice' AND state <> 'draft'")
            .await,
    );
    assert_eq!(count, distinct, "a number given twice");
    assert_eq!(first + 59, numbers[59]);
}

#[tokio::test]
async fn a_session_ended_through_one_process_is_ended_in_all() {
    let app = spawn_app().await;
    let servers = three(&app).await;
    let on = |i: usize| Client::new(&servers[i]);

    // Signed in on the first; renewed through the second.
    let first = on(0);
    first
        .portal_login("demo", "acme", demo::PORTAL_PASSWORD)
        .await
        .expect("signed in");
    let stolen = first.refresh_token().expect("refresh token");
    let second = on(1);
    second.set_refresh_token(Realm::Portal, Some(stolen.clone()));
    second
        .refresh()
        .await
        .expect("renewed through the second process");
    let current = second.refresh_token().expect("rotated");
    assert_ne!(current, stolen);
    let access = second.access_token().expect("access token");

    // The old token replayed through the third: refused, and the family ends everywhere.
    let thief = on(2);
    thief.set_refresh_token(Realm::Portal, Some(stolen));
    assert_eq!(api_error(thief.refresh().await).1, "refresh_token_reused");
    for i in 0..3 {
        let client = on(i);
        client.set_refresh_token(Realm::Portal, Some(current.clone()));
        assert_eq!(
            api_error(client.refresh().await).1,
            "invalid_refresh_token",
            "process {i} renews a revoked family"
        );
        let client = on(i);
        client.set_access_token(Some(access.clone()));
        assert_eq!(
            api_error(client.portal_me().await).1,
            "session_ended",
            "process {i} still takes the session's access token"
        );
    }
}

#[tokio::test]
async fn one_refresh_token_raced_through_three_processes_is_honoured_once() {
    let app = spawn_app().await;
    let servers = three(&app).await;
    let login = app.portal_client("cliente").await;
    let token = login.refresh_token().expect("token");
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let client = shared(Client::new(&servers[i % 3]));
            client.set_refresh_token(Realm::Portal, Some(token.clone()));
            tokio::spawn(async move { client.refresh().await.map(|_| ()) })
        })
        .collect();
    let mut honoured = 0;
    for task in tasks {
        match task.await.expect("join") {
            Ok(()) => honoured += 1,
            Err(e) => assert_eq!(e.status(), Some(401), "{e:?}"),
        }
    }
    assert_eq!(honoured, 1);
}
