//! Deterministic demo data: the organisation `demo` with three customers in Bulgaria, Germany
//! and Spain, a supplier, and about sixty documents over the last eighteen months covering
//! every document type and payment state. Dates are relative to today, everything else comes
//! from a fixed-seed generator, so two runs on the same day produce the same data.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use portal_domain::document::{LineInput, is_payable, line_net, search_text, totals, vat_on};
use portal_domain::filter::fold;
use portal_types::DocumentType;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, Set,
};

use crate::entities::{
    bank_account, contractor, document, document_line, organization, payment, portal_user,
    staff_user,
};

/// The demo organisation's slug.
pub const ORG_SLUG: &str = "demo";
/// The demo owner's e-mail and password.
pub const OWNER_EMAIL: &str = "owner@demo.example";
/// The demo owner's password.
pub const OWNER_PASSWORD: &str = "demo-owner-pass";
/// Every demo portal user's password.
pub const PORTAL_PASSWORD: &str = "demo-portal-pass";

/// A small, fixed-seed generator (SplitMix64): the demo must not change with a crate update.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.next() % span).unwrap_or(0)
    }
}

/// Whether the database holds no organisation at all.
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    Ok(organization::Entity::find().count(db).await? == 0)
}

struct Customer {
    username: &'static str,
    first_name: &'static str,
    last_name: &'static str,
    name: &'static str,
    locale: &'static str,
    country: &'static str,
    city: &'static str,
    street: &'static str,
    postal_code: &'static str,
    tax_id: &'static str,
    vat_number: &'static str,
    email: &'static str,
    /// VAT rates in basis points: standard, reduced.
    vat: (i64, i64),
    /// (description, unit, unit price in minor units, reduced rate?)
    catalogue: &'static [(&'static str, &'static str, i64, bool)],
}

const CUSTOMERS: &[Customer] = &[
    Customer {
        username: "acme",
        first_name: "Иван",
        last_name: "Петров",
        name: "Акме ООД",
        locale: "bg",
        country: "BG",
        city: "София",
        street: "бул. „Витоша“ 15",
        postal_code: "1000",
        tax_id: "201234567",
        vat_number: "BG201234567",
        email: "office@acme.example",
        vat: (2000, 900),
        catalogue: &[
            ("Консултантски услуги", "ч", 8_000, false),
            (
                "Поддръжка на софтуер — месечен абонамент",
                "мес.",
                45_000,
                false,
            ),
            ("Офис хартия A4, 500 листа", "бр.", 1_150, false),
            ("Нощувка в хотел, Банско", "нощ.", 12_000, true),
            ("Транспорт до обект", "км", 180, false),
        ],
    },
    Customer {
        username: "kunde",
        first_name: "Anna",
        last_name: "Müller",
        name: "Kunde GmbH",
        locale: "de",
        country: "DE",
        city: "Berlin",
        street: "Friedrichstraße 123",
        postal_code: "10117",
        tax_id: "HRB 123456 B",
        vat_number: "DE123456789",
        email: "buchhaltung@kunde.example",
        vat: (1900, 700),
        catalogue: &[
            ("Beratungsleistungen", "Std.", 9_500, false),
            ("Softwarewartung — Monatspauschale", "Monat", 52_000, false),
            ("Fachbücher für die Schulung", "Stk.", 3_990, true),
            ("Lieferung und Montage", "Pauschale", 25_000, false),
            ("Schulung für Mitarbeiter", "Tag", 78_000, false),
        ],
    },
    Customer {
        username: "cliente",
        first_name: "José",
        last_name: "García Núñez",
        name: "Cliente S.L.",
        locale: "es",
        country: "ES",
        city: "Madrid",
        street: "Calle de Alcalá 42",
        postal_code: "28014",
        tax_id: "B12345678",
        vat_number: "ESB12345678",
        email: "administracion@cliente.example",
        vat: (2100, 1000),
        catalogue: &[
            ("Servicios de consultoría", "h", 7_500, false),
            (
                "Mantenimiento de software — cuota mensual",
                "mes",
                40_000,
                false,
            ),
            ("Catering para reunión de equipo", "ud.", 1_850, true),
            ("Instalación y puesta en marcha", "ud.", 30_000, false),
            ("Formación del personal", "día", 65_000, false),
        ],
    },
];

/// What kind of document to make and how much of it is paid.
#[derive(Clone, Copy)]
enum Plan {
    Paid,
    Partial,
    Unpaid,
    Overdue,
    Other(DocumentType),
}

/// Each customer gets this sequence (about twenty documents), spread over eighteen months.
const PLANS: &[Plan] = &[
    Plan::Paid,
    Plan::Paid,
    Plan::Other(DocumentType::Offer),
    Plan::Paid,
    Plan::Other(DocumentType::OrderConfirmation),
    Plan::Other(DocumentType::DeliveryNote),
    Plan::Paid,
    Plan::Other(DocumentType::CreditNote),
    Plan::Overdue,
    Plan::Paid,
    Plan::Other(DocumentType::Reminder),
    Plan::Other(DocumentType::DebitNote),
    Plan::Other(DocumentType::Offer),
    Plan::Partial,
    Plan::Paid,
    Plan::Overdue,
    Plan::Other(DocumentType::Offer),
    Plan::Partial,
    Plan::Unpaid,
    Plan::Unpaid,
];

/// Seeds the demo organisation. Fails if it exists already.
pub async fn seed(db: &DatabaseConnection) -> anyhow::Result<()> {
    seed_organization(db, ORG_SLUG, "Demo Trading Ltd", OWNER_EMAIL).await
}

/// The demo data under another organisation (slug, legal name, owner's e-mail): the same
/// customers, usernames and documents, so tests can check that one organisation never sees
/// another's.
pub async fn seed_organization(
    db: &DatabaseConnection,
    slug: &str,
    legal_name: &str,
    owner_email: &str,
) -> anyhow::Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let exists = organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .count(db)
        .await?
        > 0;
    anyhow::ensure!(
        !exists,
        "the organisation `{slug}` exists already; nothing was changed"
    );
    let today = Utc::now().date_naive();
    let now = crate::now();
    let owner_hash = crate::passwords::hash(OWNER_PASSWORD.as_bytes())?;
    let portal_hash = crate::passwords::hash(PORTAL_PASSWORD.as_bytes())?;
    let txn = crate::begin_write(db).await?;

    let org = organization::ActiveModel {
        slug: Set(slug.into()),
        legal_name: Set(legal_name.into()),
        tax_id: Set(Some("123456786".into())),
        vat_number: Set(Some("BG123456786".into())),
        street: Set(Some("ul. Tsar Shishman 10".into())),
        city: Set(Some("Sofia".into())),
        postal_code: Set(Some("1000".into())),
        country: Set("BG".into()),
        email: Set(Some("billing@demo.example".into())),
        phone: Set(Some("+359 2 123 4567".into())),
        website: Set(Some("https://demo.example".into())),
        trading_name: Set(None),
        document_footer: Set(Some(
            "Registered in the Commercial Register of Bulgaria, UIC 123456786.".into(),
        )),
        default_payment_terms_days: Set(Some(14)),
        default_currency: Set("EUR".into()),
        default_locale: Set("en".into()),
        brand_color: Set(Some("#1f5f8b".into())),
        portal_document_types: Set(crate::portal::types_column(DocumentType::ALL)),
        portal_allow_download: Set(true),
        portal_allow_comments: Set(true),
        portal_allow_offer_decisions: Set(true),
        portal_allow_payments: Set(true),
        portal_access_default: Set(true),
        portal_email_on_new_document: Set(true),
        portal_company_fields: Set("bank,contact".into()),
        // Transfers carry the document number until the issuer chooses RF references.
        creditor_reference: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for (position, (currency, iban, bic, bank)) in [
        (
            "EUR",
            "BG80BNBG96611020345678",
            "BNBGBGSD",
            "Bulgarian National Bank",
        ),
        (
            "BGN",
            "BG18RZBB91550123456789",
            "RZBBBGSF",
            "Raiffeisenbank (Bulgaria)",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        bank_account::ActiveModel {
            organization_id: Set(org.id),
            position: Set(position as i32),
            bank_name: Set(Some(bank.into())),
            iban: Set(iban.into()),
            bic: Set(Some(bic.into())),
            currency: Set(currency.into()),
            is_default: Set(true),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }

    let owner = staff_user::ActiveModel {
        organization_id: Set(org.id),
        email: Set(owner_email.into()),
        email_lower: Set(owner_email.to_lowercase()),
        name: Set("Olivia Owner".into()),
        password_hash: Set(owner_hash),
        role: Set("owner".into()),
        active: Set(true),
        last_login_at: Set(None),
        password_changed_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    contractor::ActiveModel {
        organization_id: Set(org.id),
        kind: Set("supplier".into()),
        name: Set("Хартия и Ко ООД".into()),
        tax_id: Set(Some("204567890".into())),
        vat_number: Set(Some("BG204567890".into())),
        street: Set(Some("ул. „Граф Игнатиев“ 7".into())),
        city: Set(Some("Пловдив".into())),
        postal_code: Set(Some("4000".into())),
        country: Set(Some("BG".into())),
        email: Set(Some("sales@hartia.example".into())),
        search_text: Set(crate::issuer::contractors::search_text(
            "Хартия и Ко ООД",
            Some("204567890"),
            Some("BG204567890"),
            Some("sales@hartia.example"),
        )),
        locale: Set("bg".into()),
        portal_access: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    let mut rng = Rng(0x5EED_2026);
    let mut counters = Counters::default();
    for customer in CUSTOMERS {
        let c = contractor::ActiveModel {
            organization_id: Set(org.id),
            kind: Set("client".into()),
            name: Set(customer.name.into()),
            tax_id: Set(Some(customer.tax_id.into())),
            vat_number: Set(Some(customer.vat_number.into())),
            street: Set(Some(customer.street.into())),
            city: Set(Some(customer.city.into())),
            postal_code: Set(Some(customer.postal_code.into())),
            country: Set(Some(customer.country.into())),
            email: Set(Some(customer.email.into())),
            search_text: Set(crate::issuer::contractors::search_text(
                customer.name,
                Some(customer.tax_id),
                Some(customer.vat_number),
                Some(customer.email),
            )),
            phone: Set(None),
            iban: Set(None),
            bic: Set(None),
            locale: Set(customer.locale.into()),
            salesperson_id: Set(Some(owner.id)),
            portal_access: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        portal_user::ActiveModel {
            organization_id: Set(org.id),
            contractor_id: Set(c.id),
            username: Set(customer.username.into()),
            username_lower: Set(customer.username.into()),
            first_name: Set(customer.first_name.into()),
            last_name: Set(customer.last_name.into()),
            email: Set(Some(customer.email.into())),
            password_hash: Set(portal_hash.clone()),
            state: Set("active".into()),
            must_change_password: Set(false),
            last_login_at: Set(None),
            password_changed_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;

        let mut last_invoice: Option<(i64, String)> = None;
        let count = PLANS.len() as i64;
        for (i, plan) in PLANS.iter().enumerate() {
            // Oldest first: about 540 days ago up to a few days ago.
            let slot = 540 - (i as i64) * 530 / count;
            let issue = today - Duration::days(slot - rng.range(0, 12));
            let spec = DocSpec::new(*plan, issue, today, customer, &mut rng);
            let related = matches!(
                spec.doc_type,
                DocumentType::CreditNote | DocumentType::DebitNote
            )
            .then(|| last_invoice.clone())
            .flatten();
            let id = insert_document(
                &txn,
                org.id,
                c.id,
                &spec,
                related.as_ref().map(|r| r.0),
                &mut counters,
                now,
            )
            .await?;
            if spec.doc_type == DocumentType::Invoice {
                last_invoice = Some((id, String::new()));
            }
        }
        // Drafts: the issuer is still working on them; no customer may see them.
        for _ in 0..2 {
            let spec = DocSpec::draft(today, customer, &mut rng);
            insert_document(&txn, org.id, c.id, &spec, None, &mut counters, now).await?;
        }
    }
    txn.commit().await?;
    Ok(())
}

#[derive(Default)]
struct Counters {
    by_type: std::collections::HashMap<&'static str, i64>,
}

impl Counters {
    /// Ten-digit numbers, one sequence per type, as Bulgarian invoicing software prints them.
    fn next(&mut self, doc_type: DocumentType) -> String {
        let start = match doc_type {
            DocumentType::Invoice => 1_000,
            DocumentType::CreditNote => 5_000,
            DocumentType::DebitNote => 7_000,
            DocumentType::Offer => 2_000,
            DocumentType::Reminder => 8_000,
            DocumentType::DeliveryNote => 3_000,
            DocumentType::OrderConfirmation => 4_000,
        };
        let n = self.by_type.entry(doc_type.as_str()).or_insert(start);
        *n += 1;
        format!("{:010}", *n)
    }
}

struct DocSpec {
    doc_type: DocumentType,
    state: &'static str,
    issue: NaiveDate,
    due: Option<NaiveDate>,
    currency: &'static str,
    lines: Vec<(String, String, LineInput)>,
    /// Fraction of the total paid, in percent.
    paid_percent: i64,
    notes: Option<String>,
    /// An offer's decision: who (the customer's portal user, by name), when, and why.
    decision: Option<(String, NaiveDate, Option<&'static str>)>,
}

impl DocSpec {
    fn new(
        plan: Plan,
        mut issue: NaiveDate,
        today: NaiveDate,
        customer: &Customer,
        rng: &mut Rng,
    ) -> DocSpec {
        let (doc_type, paid_percent) = match plan {
            Plan::Paid => (DocumentType::Invoice, 100),
            Plan::Partial => (DocumentType::Invoice, rng.range(30, 70)),
            Plan::Unpaid => (DocumentType::Invoice, 0),
            Plan::Overdue => (
                DocumentType::Invoice,
                if rng.range(0, 1) == 0 { 0 } else { 40 },
            ),
            Plan::Other(t) => (
                t,
                if is_payable(t) && t != DocumentType::Reminder {
                    100
                } else {
                    0
                },
            ),
        };
        let payment_days = if matches!(plan, Plan::Unpaid) { 30 } else { 14 };
        if matches!(plan, Plan::Unpaid) {
            issue = today - Duration::days(rng.range(1, 10));
        }
        let due = match doc_type {
            DocumentType::DeliveryNote | DocumentType::OrderConfirmation => None,
            DocumentType::Offer => Some(issue + Duration::days(30)),
            _ => Some(issue + Duration::days(payment_days)),
        };
        let state = match doc_type {
            DocumentType::Offer if due.is_some_and(|d| d < today) => {
                ["accepted", "rejected", "expired"][usize::try_from(rng.range(0, 2)).unwrap_or(0)]
            }
            _ => "issued",
        };
        let sign = if doc_type == DocumentType::CreditNote {
            -1
        } else {
            1
        };
        let line_count = match doc_type {
            DocumentType::Reminder | DocumentType::CreditNote | DocumentType::DebitNote => 1,
            _ => rng.range(1, 4),
        };
        let mut lines = Vec::new();
        for _ in 0..line_count {
            let (desc, unit, price, reduced) = customer.catalogue
                [usize::try_from(rng.range(0, customer.catalogue.len() as i64 - 1)).unwrap_or(0)];
            let quantity = if unit == "км" || unit == "ч" || unit == "h" || unit == "Std." {
                rng.range(2, 40) * 500
            } else {
                rng.range(1, 12) * 1000
            };
            lines.push((
                desc.to_string(),
                unit.to_string(),
                LineInput {
                    quantity_milli: sign * quantity,
                    unit_price_minor: price,
                    discount_bp: if rng.range(0, 4) == 0 { 1000 } else { 0 },
                    vat_rate_bp: if reduced {
                        customer.vat.1
                    } else {
                        customer.vat.0
                    },
                },
            ));
        }
        if doc_type == DocumentType::Reminder {
            lines = vec![(
                reminder_fee(customer.locale).to_string(),
                "-".to_string(),
                LineInput {
                    quantity_milli: 1000,
                    unit_price_minor: 1_500,
                    discount_bp: 0,
                    vat_rate_bp: 0,
                },
            )];
        }
        // Bulgaria moved to the euro on 1 January 2026: older Bulgarian documents are in leva.
        let currency = if customer.country == "BG"
            && issue < NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(issue)
        {
            "BGN"
        } else {
            "EUR"
        };
        let notes = issue
            .month()
            .is_multiple_of(3)
            .then(|| notes_for(customer.locale).to_string());
        let decision = matches!(state, "accepted" | "rejected").then(|| {
            (
                format!("{} {}", customer.first_name, customer.last_name),
                // (Not from `rng`: one draw more would change every document after this one.)
                issue + Duration::days(6),
                (state == "rejected").then(|| rejection_reason(customer.locale)),
            )
        });
        DocSpec {
            doc_type,
            state,
            issue,
            due,
            currency,
            lines,
            paid_percent,
            notes,
            decision,
        }
    }

    fn draft(today: NaiveDate, customer: &Customer, rng: &mut Rng) -> DocSpec {
        let mut spec = DocSpec::new(Plan::Unpaid, today, today, customer, rng);
        spec.state = "draft";
        spec
    }
}

fn reminder_fee(locale: &str) -> &'static str {
    match locale {
        "bg" => "Такса за напомняне",
        "de" => "Mahngebühr",
        "es" => "Gastos de reclamación",
        _ => "Reminder fee",
    }
}

fn rejection_reason(locale: &str) -> &'static str {
    match locale {
        "bg" => "Избрахме друг доставчик за този проект.",
        "de" => "Wir haben uns für dieses Projekt für einen anderen Anbieter entschieden.",
        "es" => "Hemos elegido otro proveedor para este proyecto.",
        _ => "We chose another supplier for this project.",
    }
}

fn notes_for(locale: &str) -> &'static str {
    match locale {
        "bg" => "Моля, посочете номера на фактурата при плащане.",
        "de" => "Bitte geben Sie bei der Zahlung die Rechnungsnummer an.",
        "es" => "Indique el número de factura al realizar el pago.",
        _ => "Please quote the invoice number with your payment.",
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_document(
    db: &impl ConnectionTrait,
    organization_id: i64,
    contractor_id: i64,
    spec: &DocSpec,
    related: Option<i64>,
    counters: &mut Counters,
    now: chrono::DateTime<Utc>,
) -> anyhow::Result<i64> {
    let inputs: Vec<LineInput> = spec.lines.iter().map(|(_, _, l)| l.clone()).collect();
    let t = totals(&inputs);
    let payable = is_payable(spec.doc_type) && spec.state != "draft";
    let paid = if payable {
        t.total * spec.paid_percent / 100
    } else {
        0
    };
    let number = counters.next(spec.doc_type);
    let descriptions: Vec<&str> = spec.lines.iter().map(|(d, _, _)| d.as_str()).collect();
    let doc = document::ActiveModel {
        organization_id: Set(organization_id),
        contractor_id: Set(contractor_id),
        doc_type: Set(spec.doc_type.as_str().into()),
        number_folded: Set(fold(&number)),
        search_text: Set(search_text(&number, &descriptions)),
        number: Set(number),
        issue_date: Set(spec.issue),
        due_date: Set(spec.due),
        currency: Set(spec.currency.into()),
        tax_base_minor: Set(t.tax_base),
        vat_minor: Set(t.vat),
        total_minor: Set(t.total),
        paid_minor: Set(is_payable(spec.doc_type).then_some(paid)),
        remaining_minor: Set(is_payable(spec.doc_type).then_some(t.total - paid)),
        state: Set(spec.state.into()),
        related_document_id: Set(related),
        notes: Set(spec.notes.clone()),
        first_viewed_at: Set(None),
        first_downloaded_at: Set(None),
        last_downloaded_at: Set(None),
        sent_at: Set(None),
        decided_at: Set(spec
            .decision
            .as_ref()
            .and_then(|(_, on, _)| on.and_hms_opt(10, 30, 0))
            .map(|at| at.and_utc())),
        decided_by_name: Set(spec.decision.as_ref().map(|(who, _, _)| who.clone())),
        decision_reason: Set(spec
            .decision
            .as_ref()
            .and_then(|(_, _, why)| why.map(str::to_owned))),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let doc = if spec.state == "draft" {
        doc
    } else {
        // As issuing stores it: the parties as printed on the day.
        let parties = crate::issuer::profile::parties_of(db, &doc).await?;
        let mut issued: document::ActiveModel = doc.into();
        issued.issued_parties = Set(Some(serde_json::to_string(&parties)?));
        issued.update(db).await?
    };
    for (i, (description, unit, line)) in spec.lines.iter().enumerate() {
        let net = line_net(line);
        document_line::ActiveModel {
            document_id: Set(doc.id),
            position: Set(i32::try_from(i + 1)?),
            description: Set(description.clone()),
            quantity_milli: Set(line.quantity_milli),
            unit: Set(unit.clone()),
            unit_price_minor: Set(line.unit_price_minor),
            discount_bp: Set(line.discount_bp),
            vat_rate_bp: Set(line.vat_rate_bp),
            net_minor: Set(net),
            vat_minor: Set(vat_on(net, line.vat_rate_bp)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    if paid != 0 {
        // A fully paid document is sometimes paid in two instalments.
        let split = if spec.paid_percent == 100 && t.total % 2 == 0 {
            vec![t.total / 2, t.total / 2]
        } else {
            vec![paid]
        };
        for (i, amount) in split.into_iter().enumerate() {
            let offset = i64::try_from(i)? * 5 + 3;
            payment::ActiveModel {
                organization_id: Set(organization_id),
                document_id: Set(doc.id),
                amount_minor: Set(amount),
                paid_on: Set(spec.issue + Duration::days(offset)),
                method: Set(if i == 0 { "bank_transfer" } else { "card" }.into()),
                provider_reference: Set(None),
                idempotency_key: Set(None),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(doc.id)
}
