//! A document's PDF: the model from the database rows, rendered in-process and cached by the
//! renderer's version and the document's content (`<data dir>/pdf-cache/<org>/<document>/`).
//! Used by the portal's download, the issuer's preview and issuing.

use std::path::PathBuf;

use portal_pdf::{DocumentType, Line, Locale, Party, PdfDocument, VatBreakdown};
use portal_store::entities::{contractor, document, organization};
use portal_store::issuer::IssuerScope;
use portal_store::issuer::documents as stored;
use portal_store::issuer::profile::{self, IssuedParties, PartySnapshot};
use portal_store::portal::exponent;
use sea_orm::{ConnectionTrait, EntityTrait};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

fn party(p: PartySnapshot) -> Party {
    Party {
        name: p.name,
        tax_id: p.tax_id,
        vat_number: p.vat_number,
        address_lines: p.address_lines,
        contact_lines: p.contact_lines,
        iban: p.iban,
        bic: p.bic,
        bank_name: p.bank_name,
    }
}

/// The parties as an issued document keeps them from when it was issued; `None` for a draft
/// (and a document issued before issuing kept them), which prints them as they are now.
fn stored_parties(doc: &document::Model) -> Option<IssuedParties> {
    doc.issued_parties.as_deref().and_then(|json| {
        serde_json::from_str::<IssuedParties>(json)
            .map_err(|e| {
                // Never expected (the server wrote it); the PDF still renders, from today's data.
                tracing::error!(document = doc.id, error = %e, "the parties stored at issue cannot be read");
            })
            .ok()
    })
}

/// The parties as `doc` prints them.
async fn parties_of(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    doc: &document::Model,
    customer: &contractor::Model,
) -> Result<IssuedParties, ApiError> {
    if let Some(parties) = stored_parties(doc) {
        return Ok(parties);
    }
    let accounts = profile::bank_accounts(db, IssuerScope::new(organization.id)).await?;
    Ok(profile::parties_now(
        organization,
        &accounts,
        customer,
        &doc.currency,
    ))
}

/// The EPC QR code `doc`'s PDF prints (see [`payment_code`]), for the portal's document page.
pub async fn payment_code_of(
    db: &impl ConnectionTrait,
    doc: &document::Model,
) -> Result<Option<String>, ApiError> {
    // The checks that need no query first.
    if !payable_by_transfer(doc) {
        return Ok(None);
    }
    let parties = match stored_parties(doc) {
        Some(parties) => parties,
        None => {
            let organization = organization::Entity::find_by_id(doc.organization_id)
                .one(db)
                .await?
                .ok_or(ApiError::NotFound)?;
            let customer = contractor::Entity::find_by_id(doc.contractor_id)
                .one(db)
                .await?
                .ok_or(ApiError::NotFound)?;
            parties_of(db, &organization, doc, &customer).await?
        }
    };
    Ok(payment_code(doc, &parties))
}

/// Everything the PDF shows, from the database rows.
pub async fn pdf_model(
    db: &impl ConnectionTrait,
    organization: &organization::Model,
    doc: &document::Model,
) -> Result<PdfDocument, ApiError> {
    let customer = contractor::Entity::find_by_id(doc.contractor_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)?;
    let parties = parties_of(db, organization, doc, &customer).await?;
    // The picture itself is read by `rendered`, only when the PDF is not in the cache.
    let logo = parties.logo_id.map(|id| portal_pdf::logo::Logo {
        id,
        bytes: Vec::new(),
    });
    let lines = stored::lines(db, doc.id).await?;
    let related = portal_store::portal::related_of(db, doc).await?;
    let kind = DocumentType::parse(&doc.doc_type)
        .ok_or_else(|| ApiError::internal("unknown document type"))?;
    let bp = |v: i64| u32::try_from(v).unwrap_or(0);
    let breakdown: Vec<VatBreakdown> =
        portal_domain::document::by_rate(lines.iter().map(|l| (l.vat_rate_bp, l.net_minor)))
            .into_iter()
            .map(|r| VatBreakdown {
                rate_bp: bp(r.rate_bp),
                base_minor: r.base,
                vat_minor: r.vat,
            })
            .collect();
    let payment_code = payment_code(doc, &parties);
    Ok(PdfDocument {
        locale: Locale::parse(&customer.locale).unwrap_or_default(),
        kind,
        number: doc.number.clone(),
        issue_date: doc.issue_date,
        supply_date: None,
        due_date: doc.due_date,
        currency: doc.currency.clone(),
        currency_exponent: exponent(&doc.currency),
        issuer: party(parties.issuer),
        customer: party(parties.customer),
        lines: lines
            .iter()
            .map(|l| Line {
                description: l.description.clone(),
                quantity: portal_domain::document::format_quantity(l.quantity_milli),
                unit: l.unit.clone(),
                unit_price_minor: l.unit_price_minor,
                discount_bp: bp(l.discount_bp),
                vat_rate_bp: bp(l.vat_rate_bp),
                net_minor: l.net_minor,
            })
            .collect(),
        vat_breakdown: breakdown,
        tax_base_minor: doc.tax_base_minor,
        vat_minor: doc.vat_minor,
        total_minor: doc.total_minor,
        paid_minor: doc.paid_minor,
        remaining_minor: doc.remaining_minor,
        notes: doc.notes.clone(),
        related_document_number: related.map(|r| r.number),
        footer: parties.footer,
        logo,
        payment_code,
    })
}

/// An issued document, not cancelled, with something left to pay: what a transfer or an
/// online payment may pay.
pub fn owes(doc: &document::Model) -> bool {
    !matches!(doc.state.as_str(), "draft" | "cancelled")
        && doc.remaining_minor.is_some_and(|r| r > 0)
}

/// An issued EUR document with something left to pay.
fn payable_by_transfer(doc: &document::Model) -> bool {
    doc.currency == "EUR" && owes(doc)
}

/// The EPC QR code's payload (EPC069-12) for what remains to pay of an issued EUR document
/// whose issuer has an IBAN on it; `None` for other currencies, drafts, cancelled documents,
/// documents that are not payable or are paid, and credits. The reference is the document
/// number, or the RF creditor reference made of it where the issuer uses them (and the number
/// makes one).
pub fn payment_code(doc: &document::Model, parties: &IssuedParties) -> Option<String> {
    if !payable_by_transfer(doc) {
        return None;
    }
    let remaining = doc.remaining_minor?;
    let issuer = &parties.issuer;
    let creditor = parties
        .creditor_reference
        .then(|| portal_domain::epc::creditor_reference(&doc.number))
        .flatten();
    portal_domain::epc::payload(&portal_domain::epc::Transfer {
        name: &issuer.name,
        iban: issuer.iban.as_deref()?,
        bic: issuer.bic.as_deref(),
        amount_cents: remaining,
        remittance: creditor.as_deref().unwrap_or(&doc.number),
        structured: creditor.is_some(),
    })
    .ok()
}

/// The rendered PDF, from the cache when the same content was rendered before by the same
/// renderer. The cache key is a hash of the render version and of a stable serialisation of
/// everything the PDF shows, so a payment, an edit, new issuer data or a new release of the
/// renderer (layout, labels, fonts) all make a new entry and a stale PDF is never served.
pub async fn rendered(
    state: &AppState,
    model: PdfDocument,
    organization_id: i64,
    document_id: i64,
) -> Result<Vec<u8>, ApiError> {
    let key = cache_key(&state.settings.pdf_render_version, &model)?;
    // One directory per document, so that a new version can drop the old ones cheaply.
    let dir: PathBuf = state
        .settings
        .data_dir
        .join("pdf-cache")
        .join(organization_id.to_string())
        .join(document_id.to_string());
    let path = dir.join(format!("{key}.pdf"));
    if let Ok(bytes) = tokio::fs::read(&path).await {
        return Ok(bytes);
    }
    let mut model = model;
    if let Some(logo) = &mut model.logo {
        match profile::logo(&state.db, IssuerScope::new(organization_id), logo.id).await? {
            Some(found) => logo.bytes = found.bytes,
            None => model.logo = None,
        }
    }
    let bytes = tokio::task::spawn_blocking(move || portal_pdf::render(&model))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    // Best effort: a failed cache write costs a render next time, nothing more.
    let tmp = dir.join(format!("{key}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        tokio::fs::write(&tmp, &bytes).await?;
        tokio::fs::rename(&tmp, &path).await
    }
    .await;
    match written {
        Ok(()) => remove_older_versions(&dir, &path).await,
        Err(e) => {
            tracing::warn!(error = %e, "could not cache a rendered PDF");
            let _ = tokio::fs::remove_file(&tmp).await;
        }
    }
    Ok(bytes)
}

/// `sha256(render version, NUL, JSON of the model)`, 24 hex digits.
fn cache_key(render_version: &str, model: &PdfDocument) -> Result<String, ApiError> {
    let mut hash = Sha256::new();
    hash.update(render_version.as_bytes());
    hash.update([0]);
    hash.update(serde_json::to_vec(model).map_err(ApiError::internal)?);
    Ok(hash
        .finalize()
        .iter()
        .take(12)
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Drops the cached PDFs of a document's earlier versions (a reader still holding one open
/// keeps reading it; temporary files of renders in flight are left alone).
async fn remove_older_versions(dir: &std::path::Path, current: &std::path::Path) {
    let Ok(mut entries) = tokio::fs::read_dir(dir).await else {
        return;
    };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let path = entry.path();
        if path != current && path.extension().is_some_and(|e| e == "pdf") {
            let _ = tokio::fs::remove_file(&path).await;
        }
    }
}

/// A ZIP file of `(name, bytes)` files, stored uncompressed (PDFs are compressed already).
pub fn zip_of(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let fail = |e: &dyn std::fmt::Display| ApiError::Internal(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .unix_permissions(0o644);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| fail(&e))?;
        zip.write_all(bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}
