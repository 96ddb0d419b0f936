//! First-run setup: a server on an empty database prints a one-time code (in its log and in
//! `<data dir>/setup-code`); the setup page takes it with the first organisation and its owner,
//! who is signed in at once. A wrong code creates nothing, five replace the code, a weak
//! password creates nothing, and once done the setup is closed for good.

use portal_types::SetupRequest;

use crate::helpers::{TestApp, api_error, spawn_app, spawn_empty_app};

fn code_of(app: &TestApp) -> String {
    std::fs::read_to_string(app.settings.data_dir.join("setup-code"))
        .expect("the setup code is written to the data dir")
        .trim()
        .to_string()
}

fn request(code: &str) -> SetupRequest {
    SetupRequest {
        code: code.into(),
        name: "Acme Trading Ltd".into(),
        slug: "acme-trading".into(),
        owner_name: "Ada Owner".into(),
        owner_email: "ada@acme.example".into(),
        password: "a long and private passphrase".into(),
        locale: Some("de".into()),
    }
}

#[tokio::test]
async fn the_first_organisation_is_set_up_with_the_code_and_the_setup_then_closes() {
    let app = spawn_empty_app().await;
    let client = app.client();
    assert!(client.setup_status().await.expect("status").open);
    let code = code_of(&app);
    assert_eq!(code.len(), 23, "{code}");

    // An empty form with a wrong code: every error at once.
    let (status, _, mut fields) = api_error(
        client
            .setup(&SetupRequest {
                code: String::new(),
                name: String::new(),
                slug: String::new(),
                owner_name: String::new(),
                owner_email: String::new(),
                password: String::new(),
                locale: None,
            })
            .await,
    );
    fields.sort();
    assert_eq!(
        (status, fields),
        (
            422,
            [
                "code",
                "name",
                "owner_email",
                "owner_name",
                "password",
                "slug"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    // A wrong code: nothing is created.
    let (status, _, fields) = api_error(client.setup(&request("AAAAA-BBBBB-CCCCC-DDDDD")).await);
    assert_eq!((status, fields), (422, vec!["code".to_string()]));
    // A weak password: nothing is created either, and the code still works afterwards.
    let (status, _, fields) = api_error(
        client
            .setup(&SetupRequest {
                password: "short".into(),
                ..request(&code)
            })
            .await,
    );
    assert_eq!((status, fields), (422, vec!["password".to_string()]));
    // A taken field error (a bad slug) gives the code back too.
    let (status, _, fields) = api_error(
        client
            .setup(&SetupRequest {
                slug: "Not A Slug".into(),
                ..request(&code)
            })
            .await,
    );
    assert_eq!((status, fields), (422, vec!["slug".to_string()]));
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM organizations").await,
        0
    );

    // The code as read off the log, typed in lower case without dashes.
    let typed = code.replace('-', "").to_lowercase();
    let token = client.setup(&request(&typed)).await.expect("set up");
    assert_eq!(token.organization, "acme-trading");
    assert_eq!(token.locale, "de");
    let me = client.issuer_me().await.expect("signed in");
    assert_eq!(me.role, "owner");
    assert_eq!(me.email, "ada@acme.example");
    // The owner signs in with the password chosen.
    let again = app.client();
    again
        .issuer_login("ada@acme.example", "a long and private passphrase")
        .await
        .expect("sign in");

    // Closed for good: the status says so, the code is gone, a second setup is a 404.
    assert!(!client.setup_status().await.expect("status").open);
    assert!(!app.settings.data_dir.join("setup-code").exists());
    let (status, _, _) = api_error(
        app.client()
            .setup(&SetupRequest {
                slug: "second".into(),
                ..request(&code)
            })
            .await,
    );
    assert_eq!(status, 404);
    assert_eq!(
        app.scalar("SELECT count(*) AS n FROM organizations").await,
        1
    );
}

#[tokio::test]
async fn five_wrong_codes_replace_the_code() {
    let app = spawn_empty_app().await;
    let client = app.client();
    let first = code_of(&app);
    for _ in 0..5 {
        let (status, _, _) = api_error(client.setup(&request("WRONG-WRONG-WRONG-WRONG")).await);
        assert_eq!(status, 422);
    }
    let second = code_of(&app);
    assert_ne!(first, second);
    let (status, _, fields) = api_error(client.setup(&request(&first)).await);
    assert_eq!((status, fields), (422, vec!["code".to_string()]));
    client
        .setup(&request(&second))
        .await
        .expect("the new code works");
}

#[tokio::test]
async fn a_server_with_an_organisation_has_no_setup() {
    let app = spawn_app().await;
    let client = app.client();
    assert!(!client.setup_status().await.expect("status").open);
    assert!(!app.settings.data_dir.join("setup-code").exists());
    let (status, _, _) = api_error(client.setup(&request("ANY")).await);
    assert_eq!(status, 404);
}
