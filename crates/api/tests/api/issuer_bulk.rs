//! Work on several documents at once from the issuer's list: their PDFs in one ZIP file
//! (checked with Python's `zipfile`, not with the code that wrote it) and "mark as sent", all
//! or none; the activity trail naming who, which contractor and which document; the PDF shown
//! inline for the admin's preview. Other organisations and roles are kept out.

use portal_client::Client;
use portal_types::{DocumentType, LineInput, NewDocument};
use sha2::{Digest, Sha256};

use crate::helpers::{TestApp, api_error as status, spawn_app};

/// A draft invoice for `contractor` (issued unless `draft`), its id.
async fn invoice(owner: &Client, contractor: i64, price: &str, draft: bool) -> i64 {
    let doc = owner
        .create_document(&NewDocument {
            contractor_id: contractor,
            doc_type: DocumentType::Invoice,
            currency: Some("EUR".into()),
            issue_date: None,
            due_date: None,
            lines: vec![LineInput {
                description: format!("Service at {price}"),
                quantity: "1".into(),
                unit: "h".into(),
                unit_price: price.into(),
                discount_percent: None,
                vat_rate: "20".into(),
            }],
            notes: None,
            related_document_id: None,
        })
        .await
        .expect("draft");
    if draft {
        return doc.row.id;
    }
    owner
        .document_action(doc.row.id, "issue")
        .await
        .expect("issue")
        .row
        .id
}

async fn kunde(app: &TestApp) -> i64 {
    app.portal_client("kunde")
        .await
        .portal_me()
        .await
        .expect("me")
        .contractor_id
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The archive's entries as Python's `zipfile` reads them: (name, SHA-256 of the content),
/// after its CRC check of every entry.
fn entries_by_python(zip: &[u8]) -> Vec<(String, String)> {
    let path = std::env::temp_dir().join(format!("portal-archive-{}.zip", uuid::Uuid::new_v4()));
    std::fs::write(&path, zip).expect("write zip");
    let script = "import hashlib, json, sys, zipfile\n\
        z = zipfile.ZipFile(sys.argv[1])\n\
        assert z.testzip() is None, 'bad CRC'\n\
        print(json.dumps([[i.filename, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()]))";
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 runs");
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "zipfile refused the archive: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("json")
}

#[tokio::test]
async fn the_pdf_archive_holds_each_named_documents_pdf_and_nothing_of_another_organisation() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = kunde(&app).await;
    let first = invoice(&owner, kunde, "100", false).await;
    let second = invoice(&owner, kunde, "250.50", false).await;
    let draft = invoice(&owner, kunde, "7", true).await;
    let ids = [second, first, draft, first];
    let zip = owner.pdf_archive(&ids).await.expect("archive");
    let entries = entries_by_python(&zip);

    let mut expected = Vec::new();
    for id in [second, first, draft] {
        let doc = owner.issuer_document(id).await.expect("document");
        let name = match &doc.row.number {
            Some(number) => format!("invoice-{number}.pdf"),
            None => format!("invoice-draft-{id}.pdf"),
        };
        let single = owner.issuer_document_pdf(id).await.expect("pdf");
        assert!(single.starts_with(b"%PDF-"));
        expected.push((name, sha256(&single)));
    }
    assert_eq!(entries, expected, "in the order named, each once");

    // nothing to pack, too much, a malformed id, another organisation's document
    assert_eq!(status(owner.pdf_archive(&[]).await).2, ["ids"]);
    let many: Vec<i64> = (1..=101).collect();
    assert_eq!(status(owner.pdf_archive(&many).await).2, ["ids"]);
    let rival = app.rival_owner().await;
    assert_eq!(status(rival.pdf_archive(&[first]).await).0, 404);
    assert_eq!(status(owner.pdf_archive(&[first, 999_999]).await).0, 404);
    let raw = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/issuer/documents/pdf-archive?ids=1,x",
            app.address
        ))
        .bearer_auth(owner.access_token().expect("token"))
        .send()
        .await
        .expect("send");
    assert_eq!(raw.status(), 422);
    let unauthenticated = reqwest::get(format!(
        "{}/api/v1/issuer/documents/pdf-archive?ids={first}",
        app.address
    ))
    .await
    .expect("send");
    assert_eq!(unauthenticated.status(), 401);
}

#[tokio::test]
async fn marking_as_sent_is_all_or_none_keeps_the_first_date_and_the_grid_filters_by_it() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = kunde(&app).await;
    let a = invoice(&owner, kunde, "10", false).await;
    let b = invoice(&owner, kunde, "20", false).await;
    let draft = invoice(&owner, kunde, "30", true).await;
    let sent_count =
        "SELECT count(*) AS n FROM documents WHERE organization_id = 1 AND sent_at IS NOT NULL";
    let before = app.scalar(sent_count).await;

    // a draft among them: nothing is marked
    let refused = status(owner.mark_sent(&[a, draft]).await);
    assert_eq!((refused.0, refused.1.as_str()), (409, "draft"));
    assert_eq!(app.scalar(sent_count).await, before);
    // another organisation cannot mark ours, nor learn they exist
    let rival = app.rival_owner().await;
    assert_eq!(status(rival.mark_sent(&[a]).await).0, 404);
    assert_eq!(status(owner.mark_sent(&[]).await).2, ["ids"]);
    // a sales user may not
    let sales = app.staff_client("sales").await;
    assert_eq!(status(sales.mark_sent(&[a]).await).0, 403);
    assert_eq!(app.scalar(sent_count).await, before);

    assert_eq!(owner.mark_sent(&[a, b, a]).await.expect("mark").marked, 2);
    assert_eq!(app.scalar(sent_count).await, before + 2);
    let first_date = owner
        .issuer_document(a)
        .await
        .expect("doc")
        .row
        .sent_at
        .expect("sent_at");
    // again: nothing new, the first date kept
    assert_eq!(owner.mark_sent(&[a]).await.expect("again").marked, 0);
    let row = owner.issuer_document(a).await.expect("doc").row;
    assert_eq!(row.sent_at, Some(first_date));

    let k = kunde.to_string();
    let sent = owner
        .issuer_documents(&[("contractor", &k), ("sent", "true"), ("per_page", "200")])
        .await
        .expect("grid");
    let ids: Vec<i64> = sent.items.iter().map(|r| r.id).collect();
    assert!(ids.contains(&a) && ids.contains(&b) && !ids.contains(&draft));
    assert!(sent.items.iter().all(|r| r.sent_at.is_some()));
    let unsent = owner
        .issuer_documents(&[("contractor", &k), ("sent", "false"), ("per_page", "200")])
        .await
        .expect("grid");
    assert!(unsent.items.iter().all(|r| r.sent_at.is_none()));
    assert_eq!(
        sent.total + unsent.total,
        u64::try_from(
            app.scalar(&format!(
                "SELECT count(*) AS n FROM documents WHERE contractor_id = {kunde}"
            ))
            .await
        )
        .expect("n")
    );

    // the trail: one event per newly marked document, with names people know
    let events = owner
        .events(&[("kind", "marked_sent"), ("per_page", "200")])
        .await
        .expect("events");
    assert_eq!(events.total, 2);
    let number = owner.issuer_document(a).await.expect("doc").row.number;
    let contractor = owner.contractor(kunde).await.expect("contractor").name;
    let ev = events
        .items
        .iter()
        .find(|e| e.document_id == Some(a))
        .expect("event of a");
    assert_eq!(ev.document_number, number);
    assert_eq!(ev.document_type, Some(DocumentType::Invoice));
    assert_eq!(ev.contractor_name.as_deref(), Some(contractor.as_str()));
    let me = owner.issuer_me().await.expect("me");
    assert_eq!(ev.actor_name.as_deref(), Some(me.name.as_str()));
    // the rival's trail names nothing of ours
    let theirs = rival.events(&[("per_page", "200")]).await.expect("events");
    assert!(
        theirs
            .items
            .iter()
            .all(|e| e.document_id != Some(a) && e.contractor_name.as_deref() != Some(&contractor))
    );
}

#[tokio::test]
async fn the_admin_previews_a_pdf_inline_without_recording_a_receipt() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let kunde = kunde(&app).await;
    let id = invoice(&owner, kunde, "42", false).await;
    let get = |query: &str| {
        reqwest::Client::new()
            .get(format!(
                "{}/api/v1/issuer/documents/{id}/pdf{query}",
                app.address
            ))
            .bearer_auth(owner.access_token().expect("token"))
            .send()
    };
    let inline = get("?disposition=inline").await.expect("send");
    assert_eq!(inline.status(), 200);
    let disposition = inline.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("inline; filename=\"invoice-"),
        "{disposition}"
    );
    assert!(inline.bytes().await.expect("body").starts_with(b"%PDF-"));
    let download = get("").await.expect("send");
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("attachment;")
    );
    assert_eq!(get("?disposition=open").await.expect("send").status(), 422);
    let receipts = app
        .scalar(&format!(
            "SELECT count(*) AS n FROM documents WHERE id = {id} \
             AND (first_viewed_at IS NOT NULL OR first_downloaded_at IS NOT NULL)"
        ))
        .await;
    assert_eq!(
        receipts, 0,
        "the staff's preview is not the customer's receipt"
    );
}
