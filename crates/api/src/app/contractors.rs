//! Creating, changing, archiving and restoring contractors, each with its event.

use portal_domain::access::Permission;
use portal_domain::{fields, identifiers};
use portal_store::entities::contractor;
use portal_store::events::{self, NewEvent};
use portal_store::issuer::{IssuerScope, contractors, staff};
use portal_types::{CompanyUpdate, ContractorKind, ContractorUpdate, NewContractor};

use super::checked::Checked;
use super::company;
use sea_orm::{ConnectionTrait, Set};

use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::state::AppState;

/// `salesperson_id` must name a member of the organisation's staff (0 clears it).
async fn salesperson(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: Option<i64>,
) -> Result<Option<Option<i64>>, ApiError> {
    match id {
        None => Ok(None),
        Some(0) => Ok(Some(None)),
        Some(id) => match staff::find(db, scope, id).await? {
            Some(_) => Ok(Some(Some(id))),
            None => Err(ApiError::field(
                "salesperson_id",
                "unknown_staff_user",
                "no member of this organisation's staff has this id",
            )),
        },
    }
}

/// Creates a contractor. Its language defaults to the organisation's, portal access to the
/// organisation's "access by default" setting.
pub async fn create(
    state: &AppState,
    session: &IssuerSession,
    input: NewContractor,
) -> Result<contractor::Model, ApiError> {
    session.require(Permission::ManageContractors)?;
    let mut checked = Checked::default();
    let name = checked.take(fields::required_text("name", &input.name, 200));
    let tax_id = checked.text("tax_id", input.tax_id.as_deref(), 50);
    let vat = checked.identifier(
        "vat_number",
        input.vat_number.as_deref(),
        identifiers::vat_number,
    );
    let email = checked.identifier("email", input.email.as_deref(), fields::email);
    let phone = checked.text("phone", input.phone.as_deref(), 50);
    let iban = checked.identifier("iban", input.iban.as_deref(), identifiers::iban);
    let bic = checked.identifier("bic", input.bic.as_deref(), identifiers::bic);
    let locale = checked.locale("locale", input.locale.as_deref());
    let address = checked.address(input.address.as_ref());
    let terms = checked.terms("payment_terms_days", input.payment_terms_days);
    checked.finish()?;
    let scope = session.scope();
    let salesperson = salesperson(&state.db, scope, input.salesperson_id).await?;
    let org = &session.organization;
    let [street, city, postal_code, country] = address.unwrap_or_default();
    let model = contractor::ActiveModel {
        kind: Set(input
            .kind
            .unwrap_or(ContractorKind::Client)
            .as_str()
            .to_string()),
        name: Set(name.unwrap_or_default()),
        tax_id: Set(tax_id.flatten()),
        vat_number: Set(vat.flatten()),
        street: Set(street.flatten()),
        city: Set(city.flatten()),
        postal_code: Set(postal_code.flatten()),
        country: Set(country.flatten()),
        email: Set(email.flatten()),
        phone: Set(phone.flatten()),
        iban: Set(iban.flatten()),
        bic: Set(bic.flatten()),
        locale: Set(locale.unwrap_or_else(|| org.default_locale.clone())),
        salesperson_id: Set(salesperson.flatten()),
        payment_terms_days: Set(terms),
        portal_access: Set(input.portal_access.unwrap_or(org.portal_access_default)),
        archived_at: Set(None),
        ..Default::default()
    };
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let created = contractors::insert(&txn, scope, model, now).await?;
    record(&txn, session, created.id, "contractor_created", None).await?;
    txn.commit().await?;
    Ok(created)
}

/// Changes a contractor's fields. Withdrawing portal access ends its users' sessions at once
/// (a trigger in the database does it).
pub async fn update(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    input: ContractorUpdate,
) -> Result<contractor::Model, ApiError> {
    session.require(Permission::ManageContractors)?;
    let mut checked = Checked::default();
    let name = input
        .name
        .as_deref()
        .and_then(|n| checked.take(fields::required_text("name", n, 200)));
    let data = company::check_company(
        &mut checked,
        &CompanyUpdate {
            tax_id: input.tax_id,
            vat_number: input.vat_number,
            address: input.address,
            email: input.email,
            phone: input.phone,
            iban: input.iban,
            bic: input.bic,
        },
    );
    let locale = checked.locale("locale", input.locale.as_deref());
    let terms = input
        .payment_terms_days
        .map(|t| checked.terms("payment_terms_days", t));
    checked.finish()?;
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let current = contractors::find_for_update(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let salesperson = salesperson(&txn, scope, input.salesperson_id).await?;
    let mut model: contractor::ActiveModel = current.clone().into();
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
    // The company data (kept in its history) first, then the rest.
    let data_changes = company::diff(&current, &data, name.as_ref());
    company::apply(&mut model, &data_changes);
    changed.extend(data_changes.iter().map(|c| c.field));
    apply!(kind, input.kind.map(|k| k.as_str().to_string()), "kind");
    apply!(locale, locale, "locale");
    apply!(salesperson_id, salesperson, "salesperson_id");
    apply!(payment_terms_days, terms, "payment_terms_days");
    apply!(portal_access, input.portal_access, "portal_access");
    apply!(pay_online, input.pay_online, "pay_online");
    if changed.is_empty() {
        return Ok(current);
    }
    let saved = contractors::update(&txn, model, now).await?;
    company::record_staff_changes(&txn, session, id, &data_changes, now).await?;
    record(
        &txn,
        session,
        id,
        "contractor_changed",
        Some(serde_json::json!({ "fields": changed })),
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Archives a contractor (left out of lists, its portal users can no longer sign in: portal
/// access is withdrawn and their sessions end) or restores it (portal access stays off until
/// given again).
pub async fn set_archived(
    state: &AppState,
    session: &IssuerSession,
    id: i64,
    archived: bool,
) -> Result<contractor::Model, ApiError> {
    session.require(Permission::ManageContractors)?;
    let scope = session.scope();
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let current = contractors::find(&txn, scope, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if current.archived_at.is_some() == archived {
        return Ok(current);
    }
    let mut model: contractor::ActiveModel = current.into();
    if archived {
        model.archived_at = Set(Some(now));
        model.portal_access = Set(false);
    } else {
        model.archived_at = Set(None);
    }
    let saved = contractors::update(&txn, model, now).await?;
    let kind = if archived {
        "contractor_archived"
    } else {
        "contractor_restored"
    };
    record(&txn, session, id, kind, None).await?;
    txn.commit().await?;
    Ok(saved)
}

async fn record(
    db: &impl ConnectionTrait,
    session: &IssuerSession,
    contractor_id: i64,
    kind: &'static str,
    details: Option<serde_json::Value>,
) -> Result<(), ApiError> {
    events::record(
        db,
        NewEvent {
            organization_id: session.organization_id,
            contractor_id: Some(contractor_id),
            document_id: None,
            actor: session.actor(),
            kind,
            client: &session.client,
            details,
        },
    )
    .await?;
    Ok(())
}
