//! The company profile (owner, admin): legal data, contact, defaults, bank accounts and number
//! series. What documents print is taken from it when they are issued and stored with them, so
//! a change shows on documents issued afterwards and never on those issued before.

use chrono::Datelike;
use portal_domain::access::Permission;
use portal_domain::money::Currency;
use portal_domain::{fields, identifiers};
use portal_store::entities::{bank_account, organization};
use portal_store::issuer::profile::{self, NewBankAccount, Series, SeriesRefusal};
use portal_types::{
    Address, BankAccount, BankAccountInput, FieldError, NumberSeries, NumberSeriesUpdate,
    OrganizationLogo, OrganizationProfile, OrganizationUpdate,
};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};

use super::checked::Checked;
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;

/// The profile as the API shows it.
pub async fn view(
    db: &impl ConnectionTrait,
    org: &organization::Model,
) -> Result<OrganizationProfile, ApiError> {
    let scope = portal_store::issuer::IssuerScope::new(org.id);
    let accounts = profile::bank_accounts(db, scope).await?;
    let series = profile::series(db, scope, portal_store::now().year()).await?;
    Ok(OrganizationProfile {
        id: org.id,
        slug: org.slug.clone(),
        legal_name: org.legal_name.clone(),
        trading_name: org.trading_name.clone(),
        tax_id: org.tax_id.clone(),
        vat_number: org.vat_number.clone(),
        address: Address {
            street: org.street.clone(),
            city: org.city.clone(),
            postal_code: org.postal_code.clone(),
            country: Some(org.country.clone()),
        },
        email: org.email.clone(),
        phone: org.phone.clone(),
        website: org.website.clone(),
        default_currency: org.default_currency.clone(),
        default_locale: org.default_locale.clone(),
        default_payment_terms_days: org
            .default_payment_terms_days
            .and_then(|d| u16::try_from(d).ok()),
        document_footer: org.document_footer.clone(),
        bank_accounts: accounts.into_iter().map(account_view).collect(),
        creditor_reference: org.creditor_reference,
        logo: profile::current_logo(db, scope, org.logo_id)
            .await?
            .map(|l| OrganizationLogo {
                id: l.id,
                media_type: l.media_type,
                width: u32::try_from(l.width).unwrap_or(0),
                height: u32::try_from(l.height).unwrap_or(0),
                uploaded_at: l.created_at,
            }),
        number_series: series.into_iter().map(series_view).collect(),
        updated_at: org.updated_at,
    })
}

fn account_view(a: bank_account::Model) -> BankAccount {
    BankAccount {
        id: a.id,
        bank_name: a.bank_name,
        iban: a.iban,
        bic: a.bic,
        currency: a.currency,
        is_default: a.is_default,
    }
}

fn series_view(s: Series) -> NumberSeries {
    NumberSeries {
        doc_type: s.doc_type,
        next_printed: s.next_printed(),
        prefix: s.prefix,
        padding: s.padding,
        next_number: u64::try_from(s.next_number).unwrap_or(1),
        yearly_reset: s.yearly_reset,
    }
}

/// An ISO 4217 code, upper case.
fn currency(checked: &mut Checked, field: &str, code: &str) -> Option<String> {
    match Currency::from_code(&code.trim().to_ascii_uppercase()) {
        Some(c) => Some(c.code().to_string()),
        None => {
            checked.push(FieldError::new(
                field,
                "invalid_value",
                "not an ISO 4217 currency code",
            ));
            None
        }
    }
}

/// Checks the bank accounts: valid IBANs and BICs, no IBAN twice, at most one default per
/// currency (the first account of a currency without one becomes its default).
fn accounts(checked: &mut Checked, input: &[BankAccountInput]) -> Vec<NewBankAccount> {
    if input.len() > 10 {
        checked.push(FieldError::new(
            "bank_accounts",
            "too_many",
            "at most 10 bank accounts",
        ));
        return Vec::new();
    }
    let mut out: Vec<NewBankAccount> = Vec::new();
    for (i, a) in input.iter().enumerate() {
        let at = |name: &str| format!("bank_accounts[{i}].{name}");
        let iban = checked.take(identifiers::iban(&at("iban"), &a.iban));
        let bic = checked.identifier(&at("bic"), a.bic.as_deref(), identifiers::bic);
        let bank_name = checked.text(&at("bank_name"), a.bank_name.as_deref(), 100);
        let currency = currency(checked, &at("currency"), &a.currency);
        let (Some(iban), Some(currency)) = (iban, currency) else {
            continue;
        };
        if out.iter().any(|o| o.iban == iban) {
            checked.push(FieldError::new(
                at("iban"),
                "duplicate",
                "this IBAN is in the list already",
            ));
            continue;
        }
        if a.is_default && out.iter().any(|o| o.is_default && o.currency == currency) {
            checked.push(FieldError::new(
                at("is_default"),
                "duplicate_default",
                format!("another {currency} account is the default already: one per currency"),
            ));
            continue;
        }
        out.push(NewBankAccount {
            bank_name: bank_name.flatten(),
            iban,
            bic: bic.flatten(),
            currency,
            is_default: a.is_default,
        });
    }
    let currencies: Vec<String> = out.iter().map(|a| a.currency.clone()).collect();
    for c in currencies {
        if !out.iter().any(|a| a.is_default && a.currency == c)
            && let Some(first) = out.iter_mut().find(|a| a.currency == c)
        {
            first.is_default = true;
        }
    }
    out
}

/// Characters a number's prefix may hold besides letters and digits.
const PREFIX_PUNCTUATION: &[char] = &['-', '/', '.', '_', '#', ' '];

/// The series wanted by one change, from the current one; errors noted under `number_series[i]`.
fn series_change(
    checked: &mut Checked,
    i: usize,
    change: &NumberSeriesUpdate,
    current: &Series,
) -> Option<Series> {
    let at = |name: &str| format!("number_series[{i}].{name}");
    let mut wanted = current.clone();
    let mut ok = true;
    if let Some(prefix) = &change.prefix {
        let without_year = prefix.replace("{YYYY}", "").replace("{YY}", "");
        if prefix.chars().count() > 20
            || !without_year
                .chars()
                .all(|c| c.is_alphanumeric() || PREFIX_PUNCTUATION.contains(&c))
        {
            checked.push(FieldError::new(
                at("prefix"),
                "invalid_value",
                "at most 20 letters, digits, spaces and - / . _ #, with {YYYY} or {YY} for the year",
            ));
            ok = false;
        }
        wanted.prefix = prefix.clone();
    }
    if let Some(padding) = change.padding {
        if !(1..=18).contains(&padding) {
            checked.push(FieldError::new(
                at("padding"),
                "out_of_range",
                "1 to 18 digits",
            ));
            ok = false;
        }
        wanted.padding = padding;
    }
    if let Some(next) = change.next_number {
        match i64::try_from(next) {
            Ok(n) if (1..=999_999_999_999_999_999).contains(&n) => wanted.next_number = n,
            _ => {
                checked.push(FieldError::new(
                    at("next_number"),
                    "out_of_range",
                    "1 to 999999999999999999",
                ));
                ok = false;
            }
        }
    }
    if let Some(reset) = change.yearly_reset {
        wanted.yearly_reset = reset;
    }
    if wanted.yearly_reset && !wanted.prefix.contains("{YY") {
        checked.push(FieldError::new(
            at("yearly_reset"),
            "year_missing_in_prefix",
            "a yearly reset needs {YYYY} or {YY} in the prefix, or numbers would repeat",
        ));
        ok = false;
    }
    ok.then_some(wanted)
}

/// A footer: up to `max` characters over several lines, no other control characters.
fn footer(checked: &mut Checked, value: Option<&str>, max: usize) -> Option<Option<String>> {
    let value = value?.replace("\r\n", "\n");
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Some(None);
    }
    if trimmed.chars().count() > max {
        checked.push(FieldError::new(
            "document_footer",
            "too_long",
            format!("at most {max} characters"),
        ));
        return None;
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        checked.push(FieldError::new(
            "document_footer",
            "invalid_characters",
            "contains control characters",
        ));
        return None;
    }
    Some(Some(trimmed.to_string()))
}

/// Changes the profile (owner, admin); answers the profile as it now is.
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    input: OrganizationUpdate,
) -> Result<OrganizationProfile, ApiError> {
    session.require(Permission::ManageSettings)?;
    let scope = session.scope();
    let txn = portal_store::begin_write(&state.db).await?;
    let current = organization::Entity::find_by_id(session.organization_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let mut checked = Checked::default();
    let legal_name = input
        .legal_name
        .as_deref()
        .and_then(|n| checked.take(fields::required_text("legal_name", n, 200)));
    let trading_name = checked.text("trading_name", input.trading_name.as_deref(), 200);
    let address = checked.address(input.address.as_ref());
    if let Some([_, _, _, Some(None)]) = address {
        checked.push(FieldError::new(
            "address.country",
            "required",
            "the organisation's country cannot be cleared",
        ));
    }
    let country = match &address {
        Some([_, _, _, Some(Some(c))]) => c.clone(),
        _ => current.country.clone(),
    };
    let tax_id = match input.tax_id.as_deref() {
        None => None,
        Some(t) if t.trim().is_empty() => Some(None),
        Some(t) => checked
            .take(identifiers::tax_id("tax_id", t, &country))
            .map(Some),
    };
    let vat = checked.identifier(
        "vat_number",
        input.vat_number.as_deref(),
        identifiers::vat_number,
    );
    let email = checked.identifier("email", input.email.as_deref(), fields::email);
    let phone = checked.text("phone", input.phone.as_deref(), 50);
    let website = checked.text("website", input.website.as_deref(), 200);
    if let Some(Some(site)) = &website
        && site.contains(char::is_whitespace)
    {
        checked.push(FieldError::new(
            "website",
            "invalid_value",
            "a web address has no spaces",
        ));
    }
    let default_currency = input
        .default_currency
        .as_deref()
        .and_then(|c| currency(&mut checked, "default_currency", c));
    let default_locale = checked.locale("default_locale", input.default_locale.as_deref());
    let terms = input
        .default_payment_terms_days
        .map(|t| checked.terms("default_payment_terms_days", t));
    let document_footer = footer(&mut checked, input.document_footer.as_deref(), 1000);
    let bank_accounts = input
        .bank_accounts
        .as_deref()
        .map(|list| accounts(&mut checked, list));
    let year = portal_store::now().year();
    let mut series_wanted: Vec<(usize, Series)> = Vec::new();
    if let Some(changes) = &input.number_series {
        let all = profile::series(&txn, scope, year).await?;
        for (i, change) in changes.iter().enumerate() {
            if changes[..i].iter().any(|c| c.doc_type == change.doc_type) {
                checked.push(FieldError::new(
                    format!("number_series[{i}].type"),
                    "duplicate",
                    "one change per document type",
                ));
                continue;
            }
            let Some(current) = all.iter().find(|s| s.doc_type == change.doc_type) else {
                continue;
            };
            if let Some(wanted) = series_change(&mut checked, i, change, current)
                && wanted != *current
            {
                series_wanted.push((i, wanted));
            }
        }
    }
    checked.finish()?;

    let mut model: organization::ActiveModel = current.clone().into();
    let mut changed: Vec<&str> = Vec::new();
    macro_rules! apply {
        ($field:ident, $value:expr, $name:literal) => {
            if let Some(value) = $value
                && value != current.$field
            {
                model.$field = Set(value);
                changed.push($name);
            }
        };
    }
    apply!(legal_name, legal_name, "legal_name");
    apply!(trading_name, trading_name, "trading_name");
    apply!(tax_id, tax_id, "tax_id");
    apply!(vat_number, vat, "vat_number");
    apply!(email, email, "email");
    apply!(phone, phone, "phone");
    apply!(website, website, "website");
    apply!(default_currency, default_currency, "default_currency");
    apply!(default_locale, default_locale, "default_locale");
    apply!(
        default_payment_terms_days,
        terms,
        "default_payment_terms_days"
    );
    apply!(document_footer, document_footer, "document_footer");
    apply!(
        creditor_reference,
        input.creditor_reference,
        "creditor_reference"
    );
    if let Some([street, city, postal_code, country]) = address {
        apply!(street, street, "address.street");
        apply!(city, city, "address.city");
        apply!(postal_code, postal_code, "address.postal_code");
        apply!(country, country.flatten(), "address.country");
    }
    if let Some(accounts) = bank_accounts {
        let stored: Vec<NewBankAccount> = profile::bank_accounts(&txn, scope)
            .await?
            .into_iter()
            .map(|a| NewBankAccount {
                bank_name: a.bank_name,
                iban: a.iban,
                bic: a.bic,
                currency: a.currency,
                is_default: a.is_default,
            })
            .collect();
        if stored != accounts {
            profile::replace_bank_accounts(&txn, scope, accounts).await?;
            changed.push("bank_accounts");
        }
    }
    let mut refused = Vec::new();
    for (i, wanted) in &series_wanted {
        match profile::set_series(&txn, scope, wanted).await? {
            Ok(()) => changed.push("number_series"),
            Err(SeriesRefusal::NextNumberLower { current }) => refused.push(FieldError::new(
                format!("number_series[{i}].next_number"),
                "below_current",
                format!(
                    "numbers below {current} are given or were once; the next number can only go up"
                ),
            )),
            Err(SeriesRefusal::NumberTaken(number)) => refused.push(FieldError::new(
                format!("number_series[{i}].next_number"),
                "number_taken",
                format!("a document already has the number {number}"),
            )),
        }
    }
    if !refused.is_empty() {
        // Nothing of the request is kept: the transaction is dropped.
        return Err(ApiError::Validation(refused));
    }
    changed.dedup();
    let saved = if changed.is_empty() {
        current
    } else {
        model.updated_at = Set(portal_store::now());
        let saved = model.update(&txn).await?;
        profile_changed(&txn, session, serde_json::json!({ "fields": changed })).await?;
        saved
    };
    let view = view(&txn, &saved).await?;
    txn.commit().await?;
    Ok(view)
}

/// Makes `bytes` the organisation's logo (owner, admin): a PNG or JPEG by its content, whatever
/// it is called or declared as, 16 to 4,000 pixels a side, decodable; documents issued from now
/// on print it, those issued before keep theirs.
pub async fn set_logo(
    state: &AppState,
    session: &IssuerSession,
    bytes: Vec<u8>,
) -> Result<OrganizationProfile, ApiError> {
    session.require(Permission::ManageSettings)?;
    // Decoding a picture of up to 4,000 × 4,000 pixels takes a while: off the request threads.
    let (checked, bytes) = tokio::task::spawn_blocking(move || {
        let checked = portal_pdf::logo::check(&bytes);
        (checked, bytes)
    })
    .await
    .map_err(ApiError::internal)?;
    use portal_pdf::logo::LogoError;
    let info = checked.map_err(|e| match e {
        LogoError::NotAnImage => ApiError::field(
            "body",
            "not_an_image",
            "the file is not a PNG or JPEG picture (judged by its content, not its name)",
        ),
        LogoError::Unreadable(why) => ApiError::field(
            "body",
            "unreadable_image",
            format!("the picture cannot be read: {why}"),
        ),
        LogoError::Dimensions { width, height } => ApiError::field(
            "body",
            "image_dimensions",
            format!(
                "the picture is {width} × {height} pixels; each side must be {} to {}",
                portal_pdf::logo::MIN_SIDE,
                portal_pdf::logo::MAX_SIDE
            ),
        ),
    })?;
    let side = |v: u32| i32::try_from(v).map_err(ApiError::internal);
    let size = (side(info.width)?, side(info.height)?);
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    profile::set_logo(&txn, session.scope(), info.media_type, size, bytes, now).await?;
    let details = serde_json::json!({ "fields": ["logo"], "logo": "uploaded" });
    profile_changed(&txn, session, details).await?;
    commit_and_view(txn, session).await
}

/// Removes the logo from documents issued from now on (owner, admin).
pub async fn remove_logo(
    state: &AppState,
    session: &IssuerSession,
) -> Result<OrganizationProfile, ApiError> {
    session.require(Permission::ManageSettings)?;
    let txn = portal_store::begin_write(&state.db).await?;
    let current = reread(&txn, session).await?;
    if current.logo_id.is_some() {
        profile::point_at(&txn, session.scope(), None, portal_store::now()).await?;
        let details = serde_json::json!({ "fields": ["logo"], "logo": "removed" });
        profile_changed(&txn, session, details).await?;
    }
    commit_and_view(txn, session).await
}

/// The current logo: its media type and bytes.
pub async fn logo(
    state: &AppState,
    session: &IssuerSession,
) -> Result<(String, Vec<u8>), ApiError> {
    let id = session.organization.logo_id.ok_or(ApiError::NotFound)?;
    let found = profile::logo(&state.db, session.scope(), id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((found.media_type, found.bytes))
}

/// The profile as the transaction leaves it, once committed.
async fn commit_and_view(
    txn: sea_orm::DatabaseTransaction,
    session: &IssuerSession,
) -> Result<OrganizationProfile, ApiError> {
    let saved = reread(&txn, session).await?;
    let view = view(&txn, &saved).await?;
    txn.commit().await?;
    Ok(view)
}

async fn reread(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
) -> Result<organization::Model, ApiError> {
    organization::Entity::find_by_id(session.organization_id)
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Records a change of the profile (`profile_changed`) with what changed.
async fn profile_changed(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    details: serde_json::Value,
) -> Result<(), ApiError> {
    session.record(db, "profile_changed", details).await?;
    Ok(())
}
