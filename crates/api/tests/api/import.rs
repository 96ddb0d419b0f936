//! Importing contractors from CSV: a file as Excel writes it in Germany (byte-order mark,
//! semicolons, quoted cells) with a bad IBAN and a duplicate row; the same file imported twice;
//! a mapping given by the caller; files and requests that are refused, changing nothing; roles
//! and organisations kept apart; a failure in the middle leaving nothing behind.

use portal_client::{Client, ImportOptions};
use portal_types::{ContractorUpdate, ImportAction, ImportField, ImportReport};

use crate::helpers::{TestApp, api_error, spawn_app};

/// Header guessed in German and Bulgarian; line 2 changes the demo's Акме ООД (its tax id)
/// with a phone; line 3 has a quoted semicolon and line 4 a quoted comma; line 5 a bad IBAN
/// checksum; line 6 repeats line 3's tax id written with spaces.
const FILE: &str = "\u{feff}Firma;ЕИК;E-Mail;Telefon;IBAN;Stadt;Land\r\n\
Акме ООД;201234567;;+359 2 555 0101;;;\r\n\
\"Nord; Süd Handel GmbH\";DE 811 569 869;info@nordsued.example;;DE89 3704 0044 0532 0130 00;Berlin;de\r\n\
\"Müller, Schmidt & Co.\";;kontakt@mueller.example;;;München;DE\r\n\
Bad Bank Ltd;130000001;bad@bank.example;;BG80BNBG96611020345679;Sofia;BG\r\n\
Nord Sued again;DE811569869;other@nordsued.example;;;;\r\n";

fn options(dry_run: bool, skip_bad_rows: bool) -> ImportOptions {
    ImportOptions {
        dry_run,
        skip_bad_rows,
        columns: None,
    }
}

async fn count(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) AS n FROM contractors").await
}

async fn find(owner: &Client, q: &str) -> portal_types::Contractor {
    let mut page = owner
        .contractors(&[("q", q), ("archived", "all")])
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1, "one contractor matches {q}");
    page.items.remove(0)
}

fn errors_of(report: &ImportReport, line: u32) -> Vec<(String, String)> {
    report
        .preview
        .iter()
        .find(|r| r.line == line)
        .map(|r| {
            r.errors
                .iter()
                .map(|e| (e.field.clone(), e.code.clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_german_excel_file_imports_as_previewed_and_a_second_time_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let before = count(&app).await;
    let acme = find(&owner, "201234567").await;

    let preview = owner
        .import_contractors(FILE, &options(true, false))
        .await
        .expect("dry run");
    use ImportField::*;
    assert_eq!(preview.delimiter, ";");
    assert_eq!(
        preview.columns,
        [Name, TaxId, Email, Phone, Iban, City, Country].map(Some)
    );
    assert!(preview.missing.is_empty());
    let actions: Vec<(u32, ImportAction)> =
        preview.preview.iter().map(|r| (r.line, r.action)).collect();
    assert_eq!(
        actions,
        [
            (2, ImportAction::Update),
            (3, ImportAction::Create),
            (4, ImportAction::Create),
            (5, ImportAction::Invalid),
            (6, ImportAction::Invalid),
        ]
    );
    assert_eq!(preview.preview[0].contractor_id, Some(acme.id));
    assert_eq!(
        (
            preview.rows,
            preview.created,
            preview.updated,
            preview.invalid
        ),
        (5, 2, 1, 2)
    );
    assert_eq!(
        errors_of(&preview, 5),
        [("iban".to_string(), "invalid_iban_checksum".to_string())]
    );
    assert_eq!(
        errors_of(&preview, 6),
        [("tax_id".to_string(), "duplicate_in_file".to_string())]
    );
    let duplicate = &preview.preview[4].errors[0].message;
    assert!(duplicate.contains("line 3"), "{duplicate}");
    assert_eq!(count(&app).await, before, "a dry run writes nothing");

    // Rows with errors and no choice to skip them: nothing is imported.
    let refused = owner.import_contractors(FILE, &options(false, false)).await;
    let (status, code, fields) = api_error(refused);
    assert_eq!((status, code.as_str()), (422, "validation_failed"));
    assert_eq!(fields, ["lines[5].iban", "lines[6].tax_id"]);
    assert_eq!(count(&app).await, before);
    assert_eq!(find(&owner, "201234567").await.phone, acme.phone);

    let imported = owner
        .import_contractors(FILE, &options(false, true))
        .await
        .expect("import skipping bad rows");
    assert_eq!(
        (imported.created, imported.updated, imported.invalid),
        (2, 1, 2)
    );
    assert_eq!(count(&app).await, before + 2);
    let nord = find(&owner, "info@nordsued.example").await;
    assert_eq!(nord.name, "Nord; Süd Handel GmbH");
    assert_eq!(nord.iban.as_deref(), Some("DE89370400440532013000"));
    assert_eq!(nord.address.country.as_deref(), Some("DE"));
    assert_eq!(imported.preview[1].contractor_id, Some(nord.id));
    let mueller = find(&owner, "kontakt@mueller.example").await;
    assert_eq!(mueller.name, "Müller, Schmidt & Co.");
    assert_eq!(mueller.address.city.as_deref(), Some("München"));
    assert_eq!(mueller.locale, "en", "the organisation's language");
    let changed = find(&owner, "201234567").await;
    assert_eq!(changed.phone.as_deref(), Some("+359 2 555 0101"));
    assert_eq!(
        changed.email, acme.email,
        "an empty cell keeps the stored value"
    );
    assert_eq!(changed.address, acme.address);
    assert_eq!(
        app.scalar(&format!(
            "SELECT COUNT(*) AS n FROM events WHERE kind = 'contractor_changed' \
             AND contractor_id = {} AND details LIKE '%import_line%'",
            acme.id
        ))
        .await,
        1
    );

    let again = owner
        .import_contractors(FILE, &options(false, true))
        .await
        .expect("the same file again");
    assert_eq!(
        (again.created, again.updated, again.unchanged, again.invalid),
        (0, 0, 3, 2)
    );
    assert_eq!(count(&app).await, before + 2, "nobody twice");
}

#[tokio::test]
async fn a_mapping_given_by_the_caller_is_used_and_checked() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let file = "Kundennummer,Bezeichnung,Mail,Zahlungsziel,Sprache,Typ\n\
                K-1,Alpha GmbH,a@alpha.example,30,DE,Lieferant\n\
                K-2,Beta GmbH,b@beta.example,400,xx,Partner\n";
    let guessed = owner
        .import_contractors(file, &options(true, false))
        .await
        .expect("dry run");
    assert_eq!(guessed.missing, [ImportField::Name], "nothing says name");
    let refused = owner.import_contractors(file, &options(false, true)).await;
    assert_eq!(
        api_error(refused),
        (422, "validation_failed".into(), vec!["columns".into()])
    );

    use ImportField::*;
    let mapped = ImportOptions {
        dry_run: false,
        skip_bad_rows: true,
        columns: Some(vec![
            None,
            Some(Name),
            Some(Email),
            Some(PaymentTermsDays),
            Some(Locale),
            Some(Kind),
        ]),
    };
    let report = owner
        .import_contractors(file, &mapped)
        .await
        .expect("import");
    assert_eq!((report.created, report.invalid), (1, 1));
    let mut codes: Vec<(String, String)> = report.preview[1]
        .errors
        .iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            ("kind".to_string(), "invalid_value".to_string()),
            ("locale".to_string(), "invalid_value".to_string()),
            ("payment_terms_days".to_string(), "out_of_range".to_string()),
        ]
    );
    let alpha = find(&owner, "a@alpha.example").await;
    assert_eq!(
        (alpha.locale.as_str(), alpha.payment_terms_days, alpha.kind),
        ("de", Some(30), portal_types::ContractorKind::Supplier)
    );

    for (columns, code) in [
        (vec![Some(Name)], "wrong_length"),
        (
            vec![None, Some(Name), Some(Name), None, None, None],
            "duplicate_column",
        ),
    ] {
        let options = ImportOptions {
            columns: Some(columns),
            ..options(true, false)
        };
        let result = owner.import_contractors(file, &options).await;
        let Err(portal_client::ClientError::Api { problem, .. }) = result else {
            panic!("refused: {result:?}")
        };
        assert_eq!(
            (
                problem.errors[0].field.as_str(),
                problem.errors[0].code.as_str()
            ),
            ("columns", code)
        );
    }
}

#[tokio::test]
async fn files_that_cannot_be_read_are_refused_naming_the_problem_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let before = count(&app).await;
    let url = format!("{}/api/v1/issuer/contractors/import", owner.base_url());
    let token = owner.access_token().expect("signed in");
    let http = reqwest::Client::new();
    let post = |body: Vec<u8>, content_type: &'static str| {
        http.post(&url)
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases: [(&[u8], &str, u16, &str); 6] = [
        // Windows-1252, as Excel writes "CSV" without "UTF-8".
        (
            b"Name\nAlpha\nM\xfcller GmbH\n",
            "text/csv",
            422,
            "line 3 is not UTF-8",
        ),
        (b"", "text/csv", 422, "empty"),
        (b"\xef\xbb\xbf\n;;\n", "text/csv", 422, "empty"),
        (b"Name\nA\0B\n", "text/csv", 422, "NUL"),
        (b"Name\nAlpha\n", "application/json", 415, "text/csv"),
        (
            b"Name\nAlpha\n",
            "text/csv; charset=windows-1251",
            415,
            "UTF-8",
        ),
    ];
    for (body, content_type, status, says) in cases {
        let response = post(body.to_vec(), content_type).await.expect("sent");
        assert_eq!(response.status().as_u16(), status, "{says}");
        let problem: portal_types::Problem = response.json().await.expect("problem+json");
        let text = format!(
            "{} {}",
            problem.detail.unwrap_or_default(),
            problem
                .errors
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        );
        assert!(text.contains(says), "{says}: {text}");
    }
    let large = vec![b'a'; 8 * 1024 * 1024 + 1];
    let response = post(large, "text/csv").await.expect("sent");
    assert_eq!(response.status().as_u16(), 413);
    let mut many = String::from("Name\n");
    for i in 0..20_001 {
        many.push_str(&format!("Customer {i}\n"));
    }
    let (status, _, fields) =
        api_error(owner.import_contractors(many, &options(false, true)).await);
    assert_eq!((status, fields), (422, vec!["body".to_string()]));
    assert_eq!(count(&app).await, before);
}

#[tokio::test]
async fn roles_without_contractors_and_other_organisations_are_kept_out() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let acme = find(&owner, "201234567").await;
    let accountant = app.staff_client("accountant").await;
    let file = "Name;Tax id;E-mail\nTaken Over Ltd;201234567;office@acme.example\n";
    let (status, code, _) = api_error(
        accountant
            .import_contractors(file, &options(false, false))
            .await,
    );
    assert_eq!((status, code.as_str()), (403, "insufficient_role"));

    // Another organisation (a copy of the demo data) with a customer of the same tax id: its
    // file changes its own customer, never ours.
    let rival = app.rival_owner().await;
    let report = rival
        .import_contractors(file, &options(false, false))
        .await
        .expect("rival import");
    assert_eq!((report.created, report.updated), (0, 1));
    let theirs = report.preview[0].contractor_id.expect("theirs");
    assert_eq!(
        rival.contractor(theirs).await.expect("theirs").name,
        "Taken Over Ltd"
    );
    assert_ne!(theirs, acme.id);
    assert_eq!(find(&owner, "201234567").await, acme, "ours untouched");
    let (status, ..) = api_error(owner.contractor(theirs).await);
    assert_eq!(status, 404);

    // The sales role imports.
    let sales = app.staff_client("sales").await;
    let report = sales
        .import_contractors("Name\nSold To Ltd\n", &options(false, false))
        .await
        .expect("sales import");
    assert_eq!(report.created, 1);
}

#[tokio::test]
async fn a_failure_in_the_middle_of_an_import_leaves_nothing_behind() {
    let app = spawn_app().await;
    let owner = app.issuer_client().await;
    let before = count(&app).await;
    let kunde = find(&owner, "buchhaltung@kunde.example").await;
    owner
        .update_contractor(
            kunde.id,
            &ContractorUpdate {
                phone: Some("1".into()),
                ..Default::default()
            },
        )
        .await
        .expect("phone");
    let file = "Name,E-mail,Phone\nFirst New,first@new.example,\nSecond New,second@new.example,\n\
                Kunde GmbH,buchhaltung@kunde.example,+49 30 1234\n";
    app.refuse_events("contractor_changed").await;
    let result = owner.import_contractors(file, &options(false, false)).await;
    let (status, ..) = api_error(result);
    assert_eq!(status, 500);
    app.accept_events().await;
    assert_eq!(count(&app).await, before, "the first two rows are undone");
    assert_eq!(
        find(&owner, "buchhaltung@kunde.example")
            .await
            .phone
            .as_deref(),
        Some("1")
    );
    let report = owner
        .import_contractors(file, &options(false, false))
        .await
        .expect("import");
    assert_eq!((report.created, report.updated), (2, 1));
}
