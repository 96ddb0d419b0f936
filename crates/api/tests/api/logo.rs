//! The logo: typed by its content (an HTML file called logo.png is refused), bounded, printed
//! on documents issued after it while documents issued before keep what they printed; roles
//! and other organisations kept out.

use mail_parser::MimeHeaders;
use portal_client::Client;
use portal_types::{DocumentType, LineInput, NewDocument};

use crate::helpers::{TestApp, api_error, spawn_app};

/// A picture of `width` × `height` pixels, half transparent.
fn picture(width: u32, height: u32, format: image::ImageOutputFormat) -> Vec<u8> {
    let pixels = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([
            (x % 256) as u8,
            (y % 256) as u8,
            160,
            if x < width / 2 { 255 } else { 0 },
        ])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(pixels)
        .write_to(&mut out, format)
        .expect("encode");
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    picture(width, height, image::ImageOutputFormat::Png)
}

async fn kunde(owner: &Client) -> i64 {
    owner
        .contractors(&[("q", "buchhaltung@kunde.example")])
        .await
        .expect("kunde")
        .items[0]
        .id
}

/// Issues an order confirmation; its id.
async fn issued(owner: &Client, contractor: i64) -> i64 {
    let id = owner
        .create_document(&NewDocument {
            contractor_id: contractor,
            doc_type: DocumentType::OrderConfirmation,
            currency: Some("EUR".into()),
            issue_date: None,
            due_date: None,
            lines: vec![LineInput {
                description: "Logo check".into(),
                quantity: "1".into(),
                unit: "pcs".into(),
                unit_price: "10".into(),
                discount_percent: None,
                vat_rate: "20".into(),
            }],
            notes: None,
            related_document_id: None,
        })
        .await
        .expect("draft")
        .row
        .id;
    owner.document_action(id, "issue").await.expect("issue");
    id
}

/// The widths of the pictures a PDF carries (`/Width N` of its image objects).
async fn pictures_of(owner: &Client, id: i64) -> Vec<u32> {
    let pdf = owner.issuer_document_pdf(id).await.expect("pdf");
    let text = String::from_utf8_lossy(&pdf);
    text.match_indices("/Subtype/Image")
        .filter_map(|(at, _)| {
            let dict_start = text[..at].rfind("<<")?;
            let dict_end = at + text[at..].find(">>")?;
            let dict = &text[dict_start..dict_end];
            let width = dict.split("/Width").nth(1)?;
            width
                .trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

async fn logos(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) AS n FROM logos").await
}

#[tokio::test]
async fn a_logo_prints_on_documents_issued_after_it_and_earlier_documents_keep_theirs() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let customer = kunde(&owner).await;
    let before = issued(&owner, customer).await;
    assert_eq!(pictures_of(&owner, before).await, Vec::<u32>::new());

    let first = png(240, 80);
    let profile = owner
        .upload_logo(first.clone(), "image/png")
        .await
        .expect("upload");
    let logo = profile.logo.expect("a logo");
    assert_eq!(
        (logo.media_type.as_str(), logo.width, logo.height),
        ("image/png", 240, 80)
    );
    assert_eq!(
        owner.logo().await.expect("logo"),
        ("image/png".to_string(), first)
    );
    let with_png = issued(&owner, customer).await;
    assert_eq!(pictures_of(&owner, with_png).await, [240]);

    // A JPEG sent as octet-stream: typed by its content.
    let jpeg = picture(64, 48, image::ImageOutputFormat::Jpeg(85));
    let profile = owner
        .upload_logo(jpeg, "application/octet-stream")
        .await
        .expect("second upload");
    let second = profile.logo.expect("a logo");
    assert_eq!(
        (second.media_type.as_str(), second.width),
        ("image/jpeg", 64)
    );
    assert_ne!(second.id, logo.id);
    let with_jpeg = issued(&owner, customer).await;
    assert_eq!(pictures_of(&owner, with_jpeg).await, [64]);

    let profile = owner.remove_logo().await.expect("remove");
    assert_eq!(profile.logo, None);
    let (status, ..) = api_error(owner.logo().await);
    assert_eq!(status, 404);
    let after = issued(&owner, customer).await;
    assert_eq!(pictures_of(&owner, after).await, Vec::<u32>::new());

    // Each issued document still prints what it was issued with.
    assert_eq!(pictures_of(&owner, before).await, Vec::<u32>::new());
    assert_eq!(pictures_of(&owner, with_png).await, [240]);
    assert_eq!(pictures_of(&owner, with_jpeg).await, [64]);
    // The customer's download is the same document.
    let portal = app.portal_client("kunde").await;
    let pdf = portal
        .portal_document_pdf(with_png, false)
        .await
        .expect("portal pdf");
    assert_eq!(pdf, owner.issuer_document_pdf(with_png).await.expect("pdf"));
}

#[tokio::test]
async fn files_that_are_not_pictures_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let whole = png(120, 40);
    let cases: Vec<(Vec<u8>, &str, u16, &str)> = vec![
        (
            b"<!doctype html><script>alert(document.cookie)</script>".to_vec(),
            "image/png",
            422,
            "not_an_image",
        ),
        (
            b"GIF89a\x01\x00\x01\x00".to_vec(),
            "image/png",
            422,
            "not_an_image",
        ),
        (
            whole[..whole.len() / 2].to_vec(),
            "image/png",
            422,
            "unreadable_image",
        ),
        (png(8, 8), "image/png", 422, "image_dimensions"),
        (png(4001, 16), "image/png", 422, "image_dimensions"),
        (whole.clone(), "text/html", 415, "unsupported_media_type"),
        (
            vec![0x89; 512 * 1024 + 1],
            "image/png",
            413,
            "payload_too_large",
        ),
    ];
    for (bytes, content_type, status, code) in cases {
        let result = owner.upload_logo(bytes, content_type).await;
        let Err(portal_client::ClientError::Api {
            status: got,
            problem,
            ..
        }) = result
        else {
            panic!("{code}: refused, not {result:?}");
        };
        // A 422 names the body and says why; other refusals say it in the problem's code.
        let said = match problem.errors.first() {
            Some(e) => {
                assert_eq!(e.field, "body");
                e.code.clone()
            }
            None => problem.code.clone(),
        };
        assert_eq!((got, said.as_str()), (status, code), "{code}");
    }
    assert_eq!(logos(&app).await, 0);
    assert_eq!(owner.organization().await.expect("profile").logo, None);
}

#[tokio::test]
async fn roles_without_settings_and_other_organisations_are_kept_out() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    owner
        .upload_logo(png(100, 50), "image/png")
        .await
        .expect("upload");
    for role in ["sales", "accountant"] {
        let staff = app.staff_client(role).await;
        let (status, ..) = api_error(staff.upload_logo(png(100, 50), "image/png").await);
        assert_eq!(status, 403, "{role} uploads");
        let (status, ..) = api_error(staff.remove_logo().await);
        assert_eq!(status, 403, "{role} removes");
    }
    assert_eq!(logos(&app).await, 1);
    // Another organisation has no logo, and its documents print none.
    let rival = app.rival_owner().await;
    let (status, ..) = api_error(rival.logo().await);
    assert_eq!(status, 404);
    let theirs = rival
        .contractors(&[("q", "buchhaltung@kunde.example")])
        .await
        .expect("theirs")
        .items[0]
        .id;
    let document = issued(&rival, theirs).await;
    assert_eq!(pictures_of(&rival, document).await, Vec::<u32>::new());
}

/// Invites a portal user of Kunde GmbH at `email`: a mail goes out.
async fn invite(owner: &Client, email: &str) {
    owner
        .create_portal_user(
            kunde(owner).await,
            &portal_types::NewPortalUser {
                username: email.split('@').next().unwrap_or("x").into(),
                first_name: "Lena".into(),
                last_name: "Logo".into(),
                email: Some(email.into()),
                password: None,
                must_change_password: None,
            },
        )
        .await
        .expect("invite");
}

#[tokio::test]
async fn mails_show_the_logo_from_an_inline_part_and_without_one_show_none() {
    let (app, sink) = crate::helpers::spawn_app_with_mail().await;
    let owner = app.issuer_client().await;
    invite(&owner, "before@kunde.example").await;
    let before = sink.wait_for(1).await.remove(0);
    let picture = png(200, 60);
    owner
        .upload_logo(picture.clone(), "image/png")
        .await
        .expect("upload");
    invite(&owner, "after@kunde.example").await;
    let after = sink
        .wait_for(2)
        .await
        .into_iter()
        .find(|m| m.to == ["after@kunde.example"])
        .expect("the second mail");

    let parse = |data: &[u8]| {
        mail_parser::MessageParser::default()
            .parse(data)
            .expect("a mail")
            .into_owned()
    };
    let inline_pictures = |message: &mail_parser::Message<'_>| -> Vec<(String, Vec<u8>)> {
        message
            .parts
            .iter()
            .filter(|p| p.content_type().is_some_and(|c| c.ctype() == "image"))
            .map(|p| {
                (
                    p.content_id().unwrap_or_default().to_string(),
                    p.contents().to_vec(),
                )
            })
            .collect()
    };
    let with = parse(&after.data);
    let pictures = inline_pictures(&with);
    assert_eq!(pictures.len(), 1);
    assert_eq!(pictures[0].1, picture, "the uploaded picture, unchanged");
    let html = after.html();
    assert!(
        html.contains(&format!("src=\"cid:{}\"", pictures[0].0)),
        "the HTML shows the inline part: {html}"
    );
    assert!(
        after.text().contains("Lena"),
        "the text part is still there"
    );

    let without = parse(&before.data);
    assert!(inline_pictures(&without).is_empty());
    assert!(!before.html().contains("<img"));
}

#[tokio::test]
async fn the_portal_shows_the_organisations_logo_through_its_brand_stylesheet() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let base = owner.base_url().to_string();
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            http.get(format!("{base}{path}"))
                .send()
                .await
                .expect("sent")
        }
    };
    let css = |response: reqwest::Response| async move {
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap_or_default()
                .starts_with("text/css")
        );
        response.text().await.expect("text")
    };
    // Without a logo the stylesheet changes nothing, and there is no picture.
    assert!(
        !css(get("/p/demo/brand.css".into()).await)
            .await
            .contains("url(")
    );
    assert_eq!(get("/p/demo/logo".into()).await.status(), 404);

    let picture = png(300, 100);
    let logo = owner
        .upload_logo(picture.clone(), "image/png")
        .await
        .expect("upload")
        .logo
        .expect("logo");
    let sheet = css(get("/p/demo/brand.css".into()).await).await;
    assert!(
        sheet.contains(&format!("url(\"/p/demo/logo?v={}\")", logo.id)),
        "{sheet}"
    );
    assert!(sheet.contains("width:102px"), "34 px high, 3:1: {sheet}");
    let public = get(format!("/p/demo/logo?v={}", logo.id)).await;
    assert_eq!(public.status(), 200);
    assert_eq!(public.headers()["content-type"], "image/png");
    assert_eq!(public.headers()["x-content-type-options"], "nosniff");
    assert_eq!(public.bytes().await.expect("bytes").to_vec(), picture);

    // Another organisation's portal shows its own brand (none), and an unknown one nothing.
    app.rival_owner().await;
    assert!(
        !css(get("/p/rival/brand.css".into()).await)
            .await
            .contains("url(")
    );
    assert_eq!(get("/p/rival/logo".into()).await.status(), 404);
    assert_eq!(get("/p/nobody-here/logo".into()).await.status(), 404);
    assert_eq!(get("/p/%3Cscript%3E/logo".into()).await.status(), 404);
}
