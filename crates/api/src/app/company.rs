//! A customer's own company data in the portal, and the history of a contractor's data.
//!
//! The customer reads its data as the issuer keeps it and changes the groups the issuer
//! releases (`contact`: address, e-mail, phone; `bank`: IBAN, BIC; `tax`: tax id, VAT number);
//! a field of a locked group is refused (422 `locked`), checked like the issuer's own edits
//! (IBAN by its checksum, the VAT number by its country's format). Each save writes, in one
//! transaction, the contractor, one history row per changed field (old and new value, who,
//! when), an event, and a mail to the customer's salesperson (else the owners and admins) that
//! lists the changes and warns when the bank account changed. Staff edits of the same fields
//! are kept in the same history.

use portal_domain::identifiers;
use portal_domain::locale::Locale;
use portal_store::comments::Author;
use portal_store::contractor_changes::{self, FieldChange};
use portal_store::entities::{contractor, organization, portal_user};
use portal_store::issuer::{IssuerScope, contractors, staff};
use portal_store::{events, outbox};
use portal_types::{
    Address, CommentSide, CompanyFields, CompanyUpdate, ContractorChange, ContractorChanges,
    FieldError, PortalCompany,
};
use sea_orm::{EntityTrait, Set};

use super::checked::Checked;
use super::links;
use crate::auth::{IssuerCaller, IssuerSession, PortalSession};
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;

/// The most history rows one answer carries.
const HISTORY_LIMIT: u64 = 500;

/// The groups an organisation lets its customers change, from its settings column.
pub fn editable(org: &organization::Model) -> Vec<CompanyFields> {
    org.portal_company_fields
        .split(',')
        .filter_map(CompanyFields::parse)
        .collect()
}

/// The settings column for `groups`.
pub fn fields_column(groups: &[CompanyFields]) -> String {
    let mut names: Vec<&str> = groups.iter().map(|g| g.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// A contractor's postal address as the API shows it.
pub fn address(c: &contractor::Model) -> Address {
    Address {
        street: c.street.clone(),
        city: c.city.clone(),
        postal_code: c.postal_code.clone(),
        country: c.country.clone(),
    }
}

fn view(c: contractor::Model, org: &organization::Model) -> PortalCompany {
    PortalCompany {
        address: address(&c),
        name: c.name,
        tax_id: c.tax_id,
        vat_number: c.vat_number,
        email: c.email,
        phone: c.phone,
        iban: c.iban,
        bic: c.bic,
        editable: editable(org),
    }
}

async fn own_contractor(
    db: &impl sea_orm::ConnectionTrait,
    session: &PortalSession,
) -> Result<contractor::Model, ApiError> {
    contractor::Entity::find_by_id(session.contractor_id)
        .one(db)
        .await?
        .filter(|c| c.organization_id == session.organization_id)
        .ok_or(ApiError::NotFound)
}

/// `GET /api/v1/portal/company`.
pub async fn get(state: &AppState, session: &PortalSession) -> Result<PortalCompany, ApiError> {
    let c = own_contractor(&state.db, session).await?;
    Ok(view(c, &session.organization))
}

/// The group a field of [`CompanyUpdate`] belongs to.
fn group_of(field: &str) -> CompanyFields {
    match field {
        "tax_id" | "vat_number" => CompanyFields::Tax,
        "iban" | "bic" => CompanyFields::Bank,
        _ => CompanyFields::Contact,
    }
}

/// The company-data fields of a contractor as they are now and as they would be after the
/// given (checked) values; the fields that differ.
pub fn diff(
    current: &contractor::Model,
    next: &CheckedCompany,
    name: Option<&String>,
) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    let mut compare = |field: &'static str, old: &Option<String>, new: Option<&Option<String>>| {
        if let Some(new) = new
            && new != old
        {
            changes.push(FieldChange {
                field,
                old_value: old.clone(),
                new_value: new.clone(),
            });
        }
    };
    compare(
        "name",
        &Some(current.name.clone()),
        name.map(|n| Some(n.clone())).as_ref(),
    );
    compare("tax_id", &current.tax_id, next.tax_id.as_ref());
    compare("vat_number", &current.vat_number, next.vat_number.as_ref());
    if let Some([street, city, postal_code, country]) = &next.address {
        compare("address.street", &current.street, street.as_ref());
        compare("address.city", &current.city, city.as_ref());
        compare(
            "address.postal_code",
            &current.postal_code,
            postal_code.as_ref(),
        );
        compare("address.country", &current.country, country.as_ref());
    }
    compare("email", &current.email, next.email.as_ref());
    compare("phone", &current.phone, next.phone.as_ref());
    compare("iban", &current.iban, next.iban.as_ref());
    compare("bic", &current.bic, next.bic.as_ref());
    changes
}

/// Company-data fields after checking: `None` untouched, `Some(None)` cleared.
#[derive(Default)]
pub struct CheckedCompany {
    pub tax_id: Option<Option<String>>,
    pub vat_number: Option<Option<String>>,
    pub address: Option<[Option<Option<String>>; 4]>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub iban: Option<Option<String>>,
    pub bic: Option<Option<String>>,
}

/// Sets the changed fields on the contractor's model.
pub fn apply(model: &mut contractor::ActiveModel, changes: &[FieldChange]) {
    for change in changes {
        let value = change.new_value.clone();
        match change.field {
            "name" => model.name = Set(value.unwrap_or_default()),
            "tax_id" => model.tax_id = Set(value),
            "vat_number" => model.vat_number = Set(value),
            "address.street" => model.street = Set(value),
            "address.city" => model.city = Set(value),
            "address.postal_code" => model.postal_code = Set(value),
            "address.country" => model.country = Set(value),
            "email" => model.email = Set(value),
            "phone" => model.phone = Set(value),
            "iban" => model.iban = Set(value),
            "bic" => model.bic = Set(value),
            _ => {}
        }
    }
}

/// Checks the company-data fields of a request, noting every error.
pub fn check_company(checked: &mut Checked, input: &CompanyUpdate) -> CheckedCompany {
    CheckedCompany {
        tax_id: checked.text("tax_id", input.tax_id.as_deref(), 50),
        vat_number: checked.identifier(
            "vat_number",
            input.vat_number.as_deref(),
            identifiers::vat_number,
        ),
        address: checked.address(input.address.as_ref()),
        email: checked.identifier(
            "email",
            input.email.as_deref(),
            portal_domain::fields::email,
        ),
        phone: checked.text("phone", input.phone.as_deref(), 50),
        iban: checked.identifier("iban", input.iban.as_deref(), identifiers::iban),
        bic: checked.identifier("bic", input.bic.as_deref(), identifiers::bic),
    }
}

/// `PATCH /api/v1/portal/company`.
pub async fn update(
    state: &AppState,
    session: &PortalSession,
    input: CompanyUpdate,
) -> Result<PortalCompany, ApiError> {
    let org = &session.organization;
    let open = editable(org);
    let mut checked = Checked::default();
    let given = [
        ("tax_id", input.tax_id.is_some()),
        ("vat_number", input.vat_number.is_some()),
        ("address", input.address.is_some()),
        ("email", input.email.is_some()),
        ("phone", input.phone.is_some()),
        ("iban", input.iban.is_some()),
        ("bic", input.bic.is_some()),
    ];
    let locked = |checked: &mut Checked, field: &str| {
        checked.push(FieldError::new(
            field,
            "locked",
            "the issuer keeps this field; ask them to change it",
        ))
    };
    for (field, present) in given {
        if !present || open.contains(&group_of(field)) {
            continue;
        }
        // An address is named by its parts, as the form shows them.
        let parts = input.address.as_ref().map(|a| {
            [
                ("address.street", a.street.is_some()),
                ("address.city", a.city.is_some()),
                ("address.postal_code", a.postal_code.is_some()),
                ("address.country", a.country.is_some()),
            ]
        });
        match parts {
            Some(parts) if field == "address" && parts.iter().any(|(_, given)| *given) => {
                for (part, given) in parts {
                    if given {
                        locked(&mut checked, part);
                    }
                }
            }
            _ => locked(&mut checked, field),
        }
    }
    // A locked field is refused as locked, whatever its value: one error, not also its format's.
    let mut input = input;
    let open_group = |field: &str| open.contains(&group_of(field));
    let keep = |value: &mut Option<String>, field: &str| {
        if !open_group(field) {
            *value = None;
        }
    };
    keep(&mut input.tax_id, "tax_id");
    keep(&mut input.vat_number, "vat_number");
    keep(&mut input.email, "email");
    keep(&mut input.phone, "phone");
    keep(&mut input.iban, "iban");
    keep(&mut input.bic, "bic");
    if !open_group("address") {
        input.address = None;
    }
    let next = check_company(&mut checked, &input);
    checked.finish()?;

    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let current =
        contractors::find_for_update(&txn, IssuerScope::new(org.id), session.contractor_id)
            .await?
            .ok_or(ApiError::NotFound)?;
    let changes = diff(&current, &next, None);
    if changes.is_empty() {
        return Ok(view(current, org));
    }
    let user = portal_user::Entity::find_by_id(session.portal_user_id)
        .one(&txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let author = Author::PortalUser {
        id: user.id,
        name: super::comments::person(&user),
    };
    let mut model: contractor::ActiveModel = current.clone().into();
    apply(&mut model, &changes);
    let saved = contractors::update(&txn, model, now).await?;
    contractor_changes::record(&txn, org.id, current.id, &author, &changes, now).await?;
    let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
    events::record_portal(
        &txn,
        session.actor(),
        "company_data_changed",
        None,
        Some(serde_json::json!({ "fields": fields })),
    )
    .await?;
    let locale = Locale::parse(&org.default_locale).unwrap_or(Locale::En);
    let link = links::admin(&state.settings, &format!("/contractors/{}", current.id));
    let scope = IssuerScope::new(org.id);
    for member in staff::responsible_for(&txn, scope, current.salesperson_id).await? {
        let words = templates::company_changed(
            locale,
            &org.legal_name,
            Some(&member.name),
            &current.name,
            author.name(),
            &changes,
        );
        let mail = templates::compose(locale, &member.email, Some(&member.name), words, &link);
        outbox::enqueue_email(&txn, Some(org.id), &mail, now).await?;
    }
    txn.commit().await?;
    state.outbox.wake();
    Ok(view(saved, org))
}

/// `GET /api/v1/issuer/contractors/{id}/changes`: the contractor's history, newest first.
pub async fn history(
    state: &AppState,
    session: &IssuerSession,
    contractor_id: i64,
) -> Result<ContractorChanges, ApiError> {
    let scope = session.scope();
    contractors::find(&state.db, scope, contractor_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let rows = contractor_changes::list(
        &state.db,
        session.organization_id,
        contractor_id,
        HISTORY_LIMIT,
    )
    .await?;
    Ok(ContractorChanges {
        items: rows
            .into_iter()
            .map(|r| ContractorChange {
                id: r.id,
                changed_at: r.changed_at,
                side: if r.side == "customer" {
                    CommentSide::Customer
                } else {
                    CommentSide::Issuer
                },
                changed_by: r.changed_by,
                field: r.field,
                old_value: r.old_value,
                new_value: r.new_value,
            })
            .collect(),
    })
}

/// The issuer-side author of a comment or a change: the staff member (by name as it is now), or
/// the API key (by its name).
pub async fn issuer_author(
    db: &impl sea_orm::ConnectionTrait,
    session: &IssuerSession,
) -> Result<Author, ApiError> {
    Ok(match &session.caller {
        IssuerCaller::Staff { staff_user_id } => {
            let member = staff::find(db, session.scope(), *staff_user_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            Author::Staff {
                id: member.id,
                name: member.name,
            }
        }
        IssuerCaller::ApiKey { name, .. } => Author::Integration { name: name.clone() },
    })
}

/// Writes staff's changes of company-data fields to the history (in the caller's transaction).
pub async fn record_staff_changes(
    db: &impl sea_orm::ConnectionTrait,
    session: &IssuerSession,
    contractor_id: i64,
    changes: &[FieldChange],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    if changes.is_empty() {
        return Ok(());
    }
    let author = issuer_author(db, session).await?;
    contractor_changes::record(
        db,
        session.organization_id,
        contractor_id,
        &author,
        changes,
        now,
    )
    .await?;
    Ok(())
}
