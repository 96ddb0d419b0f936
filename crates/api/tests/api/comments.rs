//! The conversation on a document: customer and staff write in one thread with files attached;
//! each side is mailed about the other's words; files are typed by their content and stored in
//! the object store; a refused upload leaves nothing behind; nothing of another customer or
//! organisation is reachable.

use portal_client::{Client, FileUpload, Realm};
use portal_types::CommentSide;
use sea_orm::ConnectionTrait;

use crate::helpers::{TestApp, api_error, spawn_app, spawn_app_with, spawn_app_with_mail};

/// A small but real PDF.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// The start of a PNG picture.
const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn file(name: &str, bytes: &[u8]) -> FileUpload {
    FileUpload {
        name: name.to_string(),
        bytes: bytes.to_vec(),
    }
}

/// The first document the portal user sees.
pub(crate) async fn first_document(client: &Client) -> i64 {
    client
        .portal_documents(&[("sort", "date")])
        .await
        .expect("documents")
        .items[0]
        .id
}

/// The documents whose customer waits for an answer, by the issuer's grid.
async fn waiting(client: &Client) -> Vec<i64> {
    client
        .issuer_documents(&[("unanswered", "true")])
        .await
        .expect("grid")
        .items
        .iter()
        .map(|d| d.id)
        .collect()
}

/// Every attachment object in the server's store (the local disk or S3, as the run says).
pub(crate) async fn stored_objects(app: &TestApp) -> Vec<String> {
    portal_api::storage::Storage::open(&app.settings)
        .expect("storage")
        .list(portal_api::storage::ATTACHMENTS)
        .await
        .expect("list")
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

#[tokio::test]
async fn a_customer_comments_with_a_pdf_the_salesperson_is_mailed_and_the_reply_reaches_the_customer()
 {
    let (app, sink) = spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    let kunde = app.portal_client("kunde").await;
    let id = first_document(&kunde).await;
    let before = sink.messages().len();

    let text = "Bezahlt am Montag.\nBeleg anbei.";
    let comment = kunde
        .post_comment(
            Realm::Portal,
            id,
            &format!("  {text}\n"),
            &[file("Überweisung März.pdf", PDF)],
        )
        .await
        .expect("comment");
    assert_eq!(comment.side, CommentSide::Customer);
    assert_eq!(comment.body, text, "trimmed, line breaks kept");
    assert!(!comment.author.is_empty());
    assert_eq!(comment.attachments.len(), 1);
    let pdf = &comment.attachments[0];
    assert_eq!(
        (
            pdf.filename.as_str(),
            pdf.content_type.as_str(),
            pdf.size_bytes
        ),
        ("Überweisung März.pdf", "application/pdf", PDF.len() as i64)
    );

    // The salesperson (the demo's owner) is mailed, the words quoted, a link to the admin.
    let mails = sink.wait_for(before + 1).await;
    let mail = &mails[before];
    assert_eq!(mail.to, ["owner@demo.example"]);
    let text_part = mail.text().replace("\r\n", "\n");
    assert!(
        text_part.contains("> Bezahlt am Montag.\n> Beleg anbei."),
        "{text_part}"
    );
    assert!(mail.html().contains(&format!("/admin/documents/{id}")));

    // The document waits for an answer: the issuer's grid finds it so.
    assert_eq!(waiting(&owner).await, [id]);

    // Staff see the comment and its file, byte for byte, and reply.
    let thread = owner.comments(Realm::Issuer, id).await.expect("thread");
    assert!(thread.can_comment);
    assert_eq!(thread.items, std::slice::from_ref(&comment));
    assert_eq!(
        owner
            .attachment(Realm::Issuer, id, pdf.id)
            .await
            .expect("download"),
        PDF
    );
    let reply = owner
        .post_comment(Realm::Issuer, id, "Danke, ist verbucht.", &[])
        .await
        .expect("reply");
    assert_eq!(reply.side, CommentSide::Issuer);
    assert_eq!(waiting(&owner).await, Vec::<i64>::new(), "answered");

    // The customer sees both in order, and its portal user with an address is mailed, in
    // German (the customer's language), with a link into the portal.
    let thread = kunde.comments(Realm::Portal, id).await.expect("thread");
    assert_eq!(thread.items, [comment, reply]);
    assert!(thread.can_comment);
    let mails = sink.wait_for(before + 2).await;
    let mail = &mails[before + 1];
    assert_eq!(mail.to, ["buchhaltung@kunde.example"]);
    assert!(
        mail.subject().starts_with("Neuer Kommentar zu"),
        "{}",
        mail.subject()
    );
    assert!(
        mail.text().contains("> Danke, ist verbucht."),
        "{}",
        mail.text()
    );
    assert!(
        !mail.text().contains("Angehängte Dateien"),
        "no files, no line about them"
    );
    assert!(mail.html().contains(&format!("/p/demo/documents/{id}")));

    // Both comments are in the trail.
    let n = app
        .scalar(&format!(
            "SELECT count(*) AS n FROM events WHERE kind = 'commented' AND document_id = {id}"
        ))
        .await;
    assert_eq!(n, 2);
}

#[tokio::test]
async fn refused_uploads_are_named_and_leave_nothing_behind() {
    let app = spawn_app_with(|s| {
        s.attachment_max_bytes = 1000;
        s.attachments_per_comment = 2;
    })
    .await;
    let kunde = app.portal_client("kunde").await;
    let id = first_document(&kunde).await;
    let post = |body: &'static str, files: Vec<FileUpload>| {
        let kunde = &kunde;
        async move { api_error(kunde.post_comment(Realm::Portal, id, body, &files).await) }
    };
    // (text, files, status, code, the fields named)
    type Case = (
        &'static str,
        Vec<FileUpload>,
        u16,
        &'static str,
        Vec<&'static str>,
    );
    let cases: Vec<Case> = vec![
        // An office file (a zip inside) however it is named.
        (
            "see file",
            vec![file("receipt.pdf", b"PK\x03\x04\x14\0\x06\0")],
            422,
            "validation_failed",
            vec!["file[0]"],
        ),
        (
            "see file",
            vec![file("empty.txt", b"")],
            422,
            "validation_failed",
            vec!["file[0]"],
        ),
        (
            "see file",
            vec![file("../../etc/passwd", b"root")],
            422,
            "validation_failed",
            vec!["file[0]"],
        ),
        (
            "see file",
            vec![file("a\\b.txt", b"x")],
            422,
            "validation_failed",
            vec!["file[0]"],
        ),
        (
            "three",
            vec![
                file("1.txt", b"1"),
                file("2.txt", b"2"),
                file("3.txt", b"3"),
            ],
            422,
            "validation_failed",
            vec!["file"],
        ),
        // Every problem at once: the second file is bad, the first good — still nothing stored.
        (
            "mixed",
            vec![file("ok.png", PNG), file("bad.bin", b"\0\0\0\0")],
            422,
            "validation_failed",
            vec!["file[1]"],
        ),
        ("", vec![], 422, "validation_failed", vec!["body"]),
        ("   \n ", vec![], 422, "validation_failed", vec!["body"]),
        (
            "big",
            vec![
                file("ok.txt", b"fine"),
                file(
                    "big.pdf",
                    &[b"%PDF-1.4\n".as_slice(), &[b'x'; 1000]].concat(),
                ),
            ],
            413,
            "payload_too_large",
            vec!["file[1]"],
        ),
    ];
    for (body, files, status, code, fields) in cases {
        let names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        assert_eq!(
            post(body, files).await,
            (
                status,
                code.to_string(),
                fields.iter().map(|f| f.to_string()).collect()
            ),
            "{body:?} with {names:?}"
        );
    }
    // A body too long, as JSON and as a form.
    let long = "x".repeat(10_001);
    for files in [vec![], vec![file("ok.txt", b"fine")]] {
        let (status, _, fields) =
            api_error(kunde.post_comment(Realm::Portal, id, &long, &files).await);
        assert_eq!((status, fields), (422, vec!["body".to_string()]));
    }
    // JSON with a field the contract does not have; a body of another type.
    let raw = |content_type: &'static str, body: &'static str| {
        kunde
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/portal/documents/{id}/comments"),
            )
            .header("content-type", content_type)
            .body(body)
    };
    let response = raw(
        "application/json",
        r#"{"body":"hi","author":"someone else"}"#,
    )
    .send()
    .await
    .expect("send");
    assert_eq!(response.status(), 422);
    let response = raw("text/plain", "hi").send().await.expect("send");
    assert_eq!(response.status(), 415);
    let response = raw(
        "multipart/form-data; boundary=x",
        "--x\r\nContent-Disposition: form-data; name=\"author\"\r\n\r\nme\r\n--x--\r\n",
    )
    .send()
    .await
    .expect("send");
    assert_eq!(response.status(), 422);
    // A control character in the name (possible only in the encoded form of the name).
    let response = raw(
        "multipart/form-data; boundary=x",
        "--x\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''bell%07.txt\r\n\r\nding\r\n--x--\r\n",
    )
    .send()
    .await
    .expect("send");
    assert_eq!(response.status(), 422);
    let problem: portal_types::Problem = response.json().await.expect("problem");
    assert_eq!(problem.errors[0].field, "file[0]");
    // A form of nothing but its closing boundary is an empty comment: the text is asked for.
    let response = raw("multipart/form-data; boundary=x", "--x--\r\n")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 422);
    let problem: portal_types::Problem = response.json().await.expect("problem");
    assert_eq!(problem.errors[0].field, "body");
    let response = raw("multipart/form-data", "garbage")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 400);

    assert_eq!(app.scalar("SELECT count(*) AS n FROM comments").await, 0);
    assert_eq!(app.scalar("SELECT count(*) AS n FROM attachments").await, 0);
    assert_eq!(stored_objects(&app).await, Vec::<String>::new());

    // At the limits exactly, it is taken.
    let exactly = [b"%PDF-1.4\n".as_slice(), &[b'x'; 991]].concat();
    assert_eq!(exactly.len(), 1000);
    let comment = kunde
        .post_comment(
            Realm::Portal,
            id,
            "",
            &[file("a.pdf", &exactly), file("b.png", PNG)],
        )
        .await
        .expect("two files, no text");
    assert_eq!(comment.attachments.len(), 2);
    assert_eq!(stored_objects(&app).await.len(), 2);
}

#[tokio::test]
async fn downloads_are_files_typed_by_content_with_inert_names() {
    let app = spawn_app().await;
    let acme = app.portal_client("acme").await;
    let id = first_document(&acme).await;
    // Markup declared as HTML is text; the name is kept as sent, for display only.
    let name = "<img src=x onerror=alert(1)>.html";
    let html = b"<script>alert(document.cookie)</script>";
    let form = reqwest::multipart::Form::new()
        .text("body", "<b>bold?</b>")
        .part(
            "file",
            reqwest::multipart::Part::bytes(html.to_vec())
                .file_name(name)
                .mime_str("text/html")
                .expect("mime"),
        );
    let response = acme
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/portal/documents/{id}/comments"),
        )
        .multipart(form)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 201);
    let comment: portal_types::Comment = response.json().await.expect("comment");
    assert_eq!(comment.body, "<b>bold?</b>");
    let stored = &comment.attachments[0];
    assert_eq!(
        (stored.filename.as_str(), stored.content_type.as_str()),
        (name, "text/plain")
    );

    let response = acme
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/portal/documents/{id}/attachments/{}", stored.id),
        )
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), 200);
    let header = |n: &str| {
        response
            .headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-type"), "text/plain");
    assert!(
        header("content-disposition").starts_with(
            "attachment; filename=\"<img src=x onerror=alert(1)>.html\"; filename*=UTF-8''"
        ),
        "{}",
        header("content-disposition")
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("content-security-policy").contains("sandbox"));
    assert_eq!(response.bytes().await.expect("bytes").as_ref(), html);
}

#[tokio::test]
async fn nothing_of_another_customer_or_organisation_is_reachable() {
    let app = spawn_app().await;
    let acme = app.portal_client("acme").await;
    let kunde = app.portal_client("kunde").await;
    let acme_doc = first_document(&acme).await;
    let kunde_doc = first_document(&kunde).await;
    let secret = acme
        .post_comment(
            Realm::Portal,
            acme_doc,
            "acme only",
            &[file("a.txt", b"acme's secret")],
        )
        .await
        .expect("comment");
    let file_id = secret.attachments[0].id;

    // Another customer: the document, its thread and its file are not there — not by the
    // document's id, nor by the file's id under its own document.
    for result in [
        api_error(kunde.comments(Realm::Portal, acme_doc).await),
        api_error(
            kunde
                .post_comment(Realm::Portal, acme_doc, "hello", &[])
                .await,
        ),
    ] {
        assert_eq!(result.0, 404);
    }
    for doc in [acme_doc, kunde_doc] {
        assert_eq!(
            api_error(kunde.attachment(Realm::Portal, doc, file_id).await).0,
            404
        );
    }
    // The file under another of acme's own documents is not there either.
    let other = acme
        .portal_documents(&[("sort", "-date")])
        .await
        .expect("documents")
        .items
        .into_iter()
        .map(|d| d.id)
        .find(|&d| d != acme_doc)
        .expect("a second document");
    assert_eq!(
        api_error(acme.attachment(Realm::Portal, other, file_id).await).0,
        404
    );

    // Another organisation's staff: nothing.
    let rival = app.rival_owner().await;
    assert_eq!(
        api_error(rival.comments(Realm::Issuer, acme_doc).await).0,
        404
    );
    assert_eq!(
        api_error(rival.post_comment(Realm::Issuer, acme_doc, "hi", &[]).await).0,
        404
    );
    assert_eq!(
        api_error(rival.attachment(Realm::Issuer, acme_doc, file_id).await).0,
        404
    );
    // A portal token on the issuer's routes, and no token at all, are refused.
    assert_eq!(
        api_error(acme.comments(Realm::Issuer, acme_doc).await).0,
        401
    );
    assert_eq!(
        api_error(app.client().comments(Realm::Portal, acme_doc).await).0,
        401
    );

    assert_eq!(app.scalar("SELECT count(*) AS n FROM comments").await, 1);
    let thread = acme
        .comments(Realm::Portal, acme_doc)
        .await
        .expect("thread");
    assert_eq!(thread.items, [secret]);
}

#[tokio::test]
async fn comments_are_closed_when_the_issuer_says_so_and_drafts_have_none() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let acme = app.portal_client("acme").await;
    let id = first_document(&acme).await;
    acme.post_comment(Realm::Portal, id, "before", &[])
        .await
        .expect("open");
    app.db
        .execute_unprepared("UPDATE organizations SET portal_allow_comments = false")
        .await
        .expect("close comments");
    let acme = app.portal_client("acme").await;
    let (status, code, _) = api_error(acme.post_comment(Realm::Portal, id, "after", &[]).await);
    assert_eq!((status, code.as_str()), (403, "comments_not_allowed"));
    // Refused before the body is read: even an unreadable one gets the 403.
    let response = acme
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/portal/documents/{id}/comments"),
        )
        .header("content-type", "multipart/form-data; boundary=x")
        .body("not a form at all")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), 403);
    // What was said stays readable.
    let thread = acme.comments(Realm::Portal, id).await.expect("thread");
    assert!(!thread.can_comment);
    assert_eq!(thread.items.len(), 1);
    // Staff still reply on the issued document; a draft has no thread to write in.
    owner
        .post_comment(Realm::Issuer, id, "noted", &[])
        .await
        .expect("reply");
    let draft = app
        .scalar("SELECT min(id) AS n FROM documents WHERE state = 'draft'")
        .await;
    let (status, code, _) = api_error(owner.post_comment(Realm::Issuer, draft, "x", &[]).await);
    assert_eq!((status, code.as_str()), (409, "not_issued"));
    assert!(
        !owner
            .comments(Realm::Issuer, draft)
            .await
            .expect("thread")
            .can_comment
    );
}

#[tokio::test]
async fn a_failed_write_removes_the_stored_files_and_the_sweep_takes_only_orphans() {
    let app = spawn_app().await;
    let acme = app.portal_client("acme").await;
    let id = first_document(&acme).await;
    let kept = acme
        .post_comment(Realm::Portal, id, "kept", &[file("kept.png", PNG)])
        .await
        .expect("comment");
    assert_eq!(stored_objects(&app).await.len(), 1);

    // The transaction fails after the files were stored: they are removed again.
    app.refuse_events("commented").await;
    let (status, _, _) = api_error(
        acme.post_comment(
            Realm::Portal,
            id,
            "lost",
            &[file("a.pdf", PDF), file("b.txt", b"b")],
        )
        .await,
    );
    assert_eq!(status, 500);
    app.accept_events().await;
    assert_eq!(stored_objects(&app).await.len(), 1);
    assert_eq!(app.scalar("SELECT count(*) AS n FROM comments").await, 1);

    // An object no row names (a crash between upload and commit) is swept once old enough;
    // the attachment that is named stays.
    let storage = portal_api::storage::Storage::open(&app.settings).expect("storage");
    let orphan = portal_api::storage::new_key(1);
    storage
        .put(&orphan, bytes::Bytes::from_static(b"orphan"))
        .await
        .expect("put");
    assert_eq!(stored_objects(&app).await.len(), 2);
    let hour = std::time::Duration::from_secs(3600);
    assert_eq!(
        portal_api::storage::sweep(&app.db, &storage, hour)
            .await
            .expect("sweep"),
        0,
        "too young"
    );
    let removed = portal_api::storage::sweep(&app.db, &storage, std::time::Duration::ZERO)
        .await
        .expect("sweep");
    assert_eq!(removed, 1);
    assert_eq!(stored_objects(&app).await.len(), 1);
    let file_id = kept.attachments[0].id;
    assert_eq!(
        acme.attachment(Realm::Portal, id, file_id)
            .await
            .expect("download"),
        PNG
    );
}

/// The ids of the documents `realm`'s caller has unread comments on, with their counts.
async fn unread(client: &Client, realm: Realm) -> Vec<(i64, u32)> {
    client
        .unread_comments(realm)
        .await
        .expect("unread")
        .items
        .iter()
        .map(|d| (d.document_id, d.unread))
        .collect()
}

#[tokio::test]
async fn each_person_has_its_own_unread_comments_until_it_opens_the_thread() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let admin = app.staff_client("admin").await;
    let kunde = app.portal_client("kunde").await;
    let acme = app.portal_client("acme").await;
    let id = first_document(&kunde).await;

    // Two words of the customer: unread for each member of staff, not for the customer.
    for text in ["Erste Frage", "Zweite Frage"] {
        kunde
            .post_comment(Realm::Portal, id, text, &[])
            .await
            .expect("comment");
    }
    assert_eq!(unread(&owner, Realm::Issuer).await, [(id, 2)]);
    assert_eq!(unread(&admin, Realm::Issuer).await, [(id, 2)]);
    assert_eq!(unread(&kunde, Realm::Portal).await, []);

    // The owner opens the thread: told what it had seen (nothing), then it is read — for the
    // owner only.
    let first = owner.comments(Realm::Issuer, id).await.expect("thread");
    assert_eq!(first.last_read_comment_id, 0);
    let newest = first.items.last().expect("comments").id;
    assert_eq!(unread(&owner, Realm::Issuer).await, []);
    assert_eq!(unread(&admin, Realm::Issuer).await, [(id, 2)]);
    let again = owner.comments(Realm::Issuer, id).await.expect("thread");
    assert_eq!(again.last_read_comment_id, newest);

    // The owner's reply is unread for the customer's users, not for another customer's.
    owner
        .post_comment(Realm::Issuer, id, "Antwort", &[])
        .await
        .expect("reply");
    assert_eq!(unread(&kunde, Realm::Portal).await, [(id, 1)]);
    assert_eq!(unread(&acme, Realm::Portal).await, []);
    let rival = app.rival_owner().await;
    assert_eq!(unread(&rival, Realm::Issuer).await, []);
    // A type the issuer no longer shows in the portal is not listed there.
    let doc_type = kunde
        .portal_document(id)
        .await
        .expect("document")
        .row
        .doc_type;
    app.db
        .execute_unprepared(&format!(
            "UPDATE organizations SET portal_document_types = '{}'",
            portal_types::DocumentType::ALL
                .iter()
                .filter(|t| **t != doc_type)
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(",")
        ))
        .await
        .expect("hide the type");
    assert_eq!(unread(&kunde, Realm::Portal).await, []);
}
