//! PDFs: localized content, receipt tracking, caching, isolation.

use chrono::Utc;
use portal_client::Client;
use portal_store::entities::document;
use reqwest::Method;
use sea_orm::{ConnectionTrait, EntityTrait};

use crate::documents::visible;
use crate::helpers::{TestApp, spawn_app};

async fn pdf(client: &Client, id: i64, query: &str) -> reqwest::Response {
    client
        .request(
            Method::GET,
            &format!("/api/v1/portal/documents/{id}/pdf{query}"),
        )
        .send()
        .await
        .expect("send")
}

/// The text of a PDF, whitespace-normalised (NBSP and line breaks become single spaces).
pub fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("pdf-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("doc.pdf");
    std::fs::write(&path, bytes).expect("write");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().expect("path"), "-"])
        .output()
        .expect("pdftotext must be installed (apt-get install -y poppler-utils)");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).replace('\u{a0}', " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn downloaded_at(
    app: &TestApp,
    id: i64,
) -> (Option<chrono::DateTime<Utc>>, Option<chrono::DateTime<Utc>>) {
    let d = document::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("doc");
    (d.first_downloaded_at, d.last_downloaded_at)
}

#[tokio::test]
async fn the_pdf_speaks_the_customers_language() {
    let app = spawn_app().await;
    // (user, labels that must appear, how the total is written)
    let cases = [
        (
            "acme",
            ["Фактура", "Обща сума", "Данъчна основа"],
            bg_money as fn(i64) -> String,
        ),
        ("kunde", ["Rechnung", "Gesamtbetrag", "Fällig am"], de_money),
        (
            "cliente",
            ["Factura", "Base imponible", "Vencimiento"],
            de_money,
        ),
    ];
    for (user, labels, money) in cases {
        let client = app.portal_client(user).await;
        let doc = visible(&app, user)
            .await
            .into_iter()
            .rfind(|d| d.doc_type == "invoice")
            .expect("an invoice");
        let response = pdf(&client, doc.id, "").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        let bytes = response.bytes().await.expect("bytes");
        assert!(bytes.starts_with(b"%PDF"));
        assert!(
            bytes.len() <= 200 * 1024,
            "one-page invoice is {} bytes",
            bytes.len()
        );
        let text = pdf_text(&bytes);
        assert!(text.contains(&doc.number), "{user}: number in {text}");
        for label in labels {
            assert!(text.contains(label), "{user}: {label} in {text}");
        }
        let total = money(doc.total_minor);
        assert!(text.contains(&total), "{user}: total {total} in {text}");
    }
    // English: switch a customer's locale.
    app.db
        .execute_unprepared("UPDATE contractors SET locale = 'en' WHERE name = 'Kunde GmbH'")
        .await
        .expect("en");
    let client = app.portal_client("kunde").await;
    let doc = visible(&app, "kunde")
        .await
        .into_iter()
        .find(|d| d.doc_type == "invoice")
        .expect("invoice");
    let text = pdf_text(&pdf(&client, doc.id, "").await.bytes().await.expect("bytes"));
    for label in ["Invoice", "Total", "Due date"] {
        assert!(text.contains(label), "en: {label} in {text}");
    }
}

/// `1.234,50 €` as German and Spanish write it.
fn de_money(minor: i64) -> String {
    format!("{} €", group(minor, '.', ','))
}

/// `1 234,50 €` as Bulgarian writes it (2026: the euro).
fn bg_money(minor: i64) -> String {
    format!("{} €", group(minor, ' ', ','))
}

fn group(minor: i64, thousands: char, decimal: char) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let (int, frac) = (minor.abs() / 100, minor.abs() % 100);
    let digits = int.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(thousands);
        }
        out.push(c);
    }
    format!("{sign}{out}{decimal}{frac:02}")
}

#[tokio::test]
async fn a_credit_note_names_the_invoice_it_corrects() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let docs = visible(&app, "kunde").await;
    let credit = docs
        .iter()
        .find(|d| d.doc_type == "credit_note")
        .expect("credit note");
    let invoice = docs
        .iter()
        .find(|d| Some(d.id) == credit.related_document_id)
        .expect("invoice");
    let text = pdf_text(
        &pdf(&client, credit.id, "")
            .await
            .bytes()
            .await
            .expect("bytes"),
    );
    assert!(text.contains("Rechnungskorrektur"), "{text}");
    assert!(
        text.contains(&format!("Korrektur zur Rechnung Nr. {}", invoice.number)),
        "{text}"
    );
}

#[tokio::test]
async fn downloading_records_receipt_and_viewing_does_not() {
    let app = spawn_app().await;
    let client = app.portal_client("acme").await;
    let doc = visible(&app, "acme").await.into_iter().next().expect("doc");
    let detail = client
        .request(Method::GET, &format!("/api/v1/portal/documents/{}", doc.id))
        .send()
        .await
        .expect("detail");
    assert_eq!(detail.status(), 200);
    let inline = pdf(&client, doc.id, "?disposition=inline").await;
    assert_eq!(inline.status(), 200);
    assert!(
        inline.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .starts_with("inline;")
    );
    assert_eq!(
        downloaded_at(&app, doc.id).await,
        (None, None),
        "viewing and previewing are not downloads"
    );

    let first = pdf(&client, doc.id, "").await;
    let disposition = first.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_string();
    let expected_name = format!(
        "attachment; filename=\"{}-{}.pdf\"",
        doc.doc_type.replace('_', "-"),
        doc.number
    );
    assert_eq!(disposition, expected_name);
    let (first_at, last_at) = downloaded_at(&app, doc.id).await;
    assert!(first_at.is_some() && first_at == last_at);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    pdf(&client, doc.id, "?disposition=attachment").await;
    let (first_again, last_again) = downloaded_at(&app, doc.id).await;
    assert_eq!(first_again, first_at, "the first download stays");
    assert!(last_again > last_at, "the last download moves");
    let events = app
        .scalar(&format!(
            "SELECT count(*) AS n FROM events WHERE kind = 'downloaded' AND document_id = {}",
            doc.id
        ))
        .await;
    assert_eq!(events, 2, "every download is an event");

    let page: portal_types::DocumentPage = crate::documents::get(
        &client,
        &format!("/api/v1/portal/documents?number={}", doc.number),
    )
    .await;
    assert_eq!(
        page.items[0].downloaded_at, last_again,
        "the grid shows the last download"
    );
}

#[tokio::test]
async fn a_second_download_is_served_from_the_cache_and_a_payment_makes_a_new_pdf() {
    let app = spawn_app().await;
    let client = app.portal_client("cliente").await;
    let doc = visible(&app, "cliente")
        .await
        .into_iter()
        .find(|d| d.remaining_minor.is_some_and(|r| r > 0))
        .expect("open");
    let cache = app
        .settings
        .data_dir
        .join("pdf-cache")
        .join(doc.organization_id.to_string())
        .join(doc.id.to_string());
    let count = || std::fs::read_dir(&cache).map(|d| d.count()).unwrap_or(0);
    let a = pdf(&client, doc.id, "").await.bytes().await.expect("bytes");
    assert_eq!(count(), 1);
    let b = pdf(&client, doc.id, "").await.bytes().await.expect("bytes");
    assert_eq!(a, b, "served from the cache");
    assert_eq!(count(), 1);
    app.db
        .execute_unprepared(&format!(
            "UPDATE documents SET paid_minor = total_minor, remaining_minor = 0 WHERE id = {}",
            doc.id
        ))
        .await
        .expect("pay");
    let c = pdf(&client, doc.id, "").await.bytes().await.expect("bytes");
    assert_ne!(a, c, "a paid document is rendered anew");
    assert_eq!(
        count(),
        1,
        "the superseded version is dropped from the cache"
    );
    let d = pdf(&client, doc.id, "").await.bytes().await.expect("bytes");
    assert_eq!(c, d, "the new version is cached");
}

/// The cache is keyed on the renderer too: after an upgrade that changes layout, labels or
/// fonts, the same document renders anew instead of being served as the old release drew it.
#[tokio::test]
async fn the_same_document_under_another_render_version_renders_anew() {
    let app = spawn_app().await;
    let client = app.portal_client("kunde").await;
    let doc = visible(&app, "kunde")
        .await
        .into_iter()
        .next()
        .expect("a doc");
    let cache = app
        .settings
        .data_dir
        .join("pdf-cache")
        .join(doc.organization_id.to_string())
        .join(doc.id.to_string());
    let fresh = pdf(&client, doc.id, "").await.bytes().await.expect("bytes");
    assert!(fresh.starts_with(b"%PDF"));
    let cached: Vec<_> = std::fs::read_dir(&cache)
        .expect("cache dir")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(cached.len(), 1);
    // what an older release drew, still in the cache under this release's key
    std::fs::write(&cached[0], b"%PDF-as-the-old-release-drew-it").expect("write");
    let same_release = pdf(&client, doc.id, "").await.bytes().await.expect("bytes");
    assert_eq!(&same_release[..], b"%PDF-as-the-old-release-drew-it");

    let upgraded = app
        .second_server_with(|s| s.pdf_render_version = format!("{}-next", s.pdf_render_version))
        .await;
    let upgraded = Client::new(&upgraded);
    upgraded
        .portal_login("demo", "kunde", portal_store::demo::PORTAL_PASSWORD)
        .await
        .expect("login");
    let rendered = pdf(&upgraded, doc.id, "")
        .await
        .bytes()
        .await
        .expect("bytes");
    assert!(rendered.starts_with(b"%PDF-1"), "rendered anew");
    assert_eq!(pdf_text(&rendered), pdf_text(&fresh));
    assert!(pdf_text(&rendered).contains(&doc.number));
}

#[tokio::test]
async fn downloads_can_be_withheld_by_the_issuer() {
    let app = spawn_app().await;
    app.db
        .execute_unprepared("UPDATE organizations SET portal_allow_download = false")
        .await
        .expect("update");
    let client = app.portal_client("acme").await;
    let doc = visible(&app, "acme").await.into_iter().next().expect("doc");
    let response = pdf(&client, doc.id, "").await;
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "download_not_allowed");
    assert_eq!(
        pdf(&client, doc.id, "?disposition=inline").await.status(),
        200,
        "previews stay"
    );
    for (query, field, code) in [
        ("?disposition=sideways", "disposition", "invalid_value"),
        ("?download=yes", "download", "unknown_parameter"),
    ] {
        let response = pdf(&client, doc.id, query).await;
        assert_eq!(response.status(), 422, "{query}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["errors"][0]["field"], field, "{query}");
        assert_eq!(body["errors"][0]["code"], code, "{query}");
    }
}
