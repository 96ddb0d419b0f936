//! `/p/{org}/company`: the customer's company data as the issuer keeps it. The groups the
//! issuer releases (address and contact, bank account, tax data) can be changed here; the rest
//! is read-only with a word on why. Only changed fields are sent; errors show beside their
//! field (an IBAN with a wrong check digit says so).

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_types::{Address, CompanyFields, CompanyUpdate, PortalCompany};
use portal_ui::{Alert, TextField, Tone};

use crate::app::{Account, set_title};
use crate::components::{DelayedSpinner, LoadError, load_failure};
use crate::i18n::{Texts, TextsOf, fill, tr, trs, use_i18n};
use portal_web::api::{self, ApiError};

/// The company page.
#[component]
pub fn CompanyPage() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t().company_title));
    let company = RwSignal::new(None::<Result<PortalCompany, ApiError>>);
    let load = move || {
        company.set(None);
        spawn_local(async move {
            let result = api::get::<PortalCompany>(&format!("{}/company", api::base())).await;
            let _ = company.try_set(Some(result));
        });
    };
    load();
    move || match company.get() {
        None => view! { <DelayedSpinner /> }.into_any(),
        Some(Err(ApiError::Unauthorized)) => ().into_any(),
        Some(Err(e)) => view! { <LoadError message=load_failure(e) on_retry=load /> }.into_any(),
        Some(Ok(c)) => view! { <CompanyForm company=c /> }.into_any(),
    }
}

/// The words for a field's error code.
fn error_text(t: &Texts, code: &str) -> &'static str {
    match code {
        "invalid_iban" => t.err_iban,
        "invalid_iban_checksum" => t.err_iban_checksum,
        "invalid_bic" => t.err_bic,
        "invalid_vat_number" | "unknown_vat_country" => t.err_vat,
        "invalid_country" => t.err_country,
        "locked" => t.err_locked,
        code => t.common.field_error(code),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Saved,
    Nothing,
    FixErrors,
    Failed,
}

#[component]
fn CompanyForm(company: PortalCompany) -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    let saved = StoredValue::new(company.clone());
    let text = |v: &Option<String>| RwSignal::new(v.clone().unwrap_or_default());
    let name = RwSignal::new(company.name.clone());
    let street = text(&company.address.street);
    let postal_code = text(&company.address.postal_code);
    let city = text(&company.address.city);
    let country = text(&company.address.country);
    let email = text(&company.email);
    let phone = text(&company.phone);
    let iban = text(&company.iban);
    let bic = text(&company.bic);
    let tax_id = text(&company.tax_id);
    let vat_number = text(&company.vat_number);
    let open = |g: CompanyFields| company.editable.contains(&g);
    let (contact, bank, tax) = (
        open(CompanyFields::Contact),
        open(CompanyFields::Bank),
        open(CompanyFields::Tax),
    );
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let busy = RwSignal::new(false);
    let error_for = move |field: &'static str| {
        Signal::derive(move || {
            let t = i18n.t();
            errors.with(|e| {
                e.iter()
                    .find(|(f, _)| f == field)
                    .map(|(_, code)| error_text(t, code).to_owned())
            })
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let before = saved.get_value();
        // A field's new value when it is open and differs from the one saved.
        let changed = |on: bool, value: RwSignal<String>, was: &Option<String>| {
            let now = value.get_untracked().trim().to_owned();
            (on && now != was.clone().unwrap_or_default()).then_some(now)
        };
        let a = &before.address;
        let address = [
            changed(contact, street, &a.street),
            changed(contact, city, &a.city),
            changed(contact, postal_code, &a.postal_code),
            changed(contact, country, &a.country),
        ];
        let update = CompanyUpdate {
            tax_id: changed(tax, tax_id, &before.tax_id),
            vat_number: changed(tax, vat_number, &before.vat_number),
            address: address.iter().any(Option::is_some).then(|| {
                let [street, city, postal_code, country] = address.clone();
                Address {
                    street,
                    city,
                    postal_code,
                    country,
                }
            }),
            email: changed(contact, email, &before.email),
            phone: changed(contact, phone, &before.phone),
            iban: changed(bank, iban, &before.iban),
            bic: changed(bank, bic, &before.bic),
        };
        if update == CompanyUpdate::default() {
            errors.set(Vec::new());
            outcome.set(Some(Outcome::Nothing));
            return;
        }
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = api::send::<_, PortalCompany>(
                "PATCH",
                &format!("{}/company", api::base()),
                &update,
            )
            .await;
            let _ = busy.try_set(false);
            match result {
                Ok(c) => {
                    // Shown as the issuer keeps them now (an IBAN compacted, a code upper-cased).
                    let set = |s: RwSignal<String>, v: &Option<String>| {
                        s.set(v.clone().unwrap_or_default())
                    };
                    set(street, &c.address.street);
                    set(postal_code, &c.address.postal_code);
                    set(city, &c.address.city);
                    set(country, &c.address.country);
                    set(email, &c.email);
                    set(phone, &c.phone);
                    set(iban, &c.iban);
                    set(bic, &c.bic);
                    set(tax_id, &c.tax_id);
                    set(vat_number, &c.vat_number);
                    saved.set_value(c);
                    errors.set(Vec::new());
                    outcome.set(Some(Outcome::Saved));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) if !e.field_errors().is_empty() => {
                    errors.set(
                        e.field_errors()
                            .iter()
                            .map(|f| (f.field.clone(), f.code.clone()))
                            .collect(),
                    );
                    outcome.set(Some(Outcome::FixErrors));
                }
                Err(_) => outcome.set(Some(Outcome::Failed)),
            }
        });
    };

    let message = move || {
        let t = i18n.t();
        outcome.get().map(|o| {
            let (tone, text) = match o {
                Outcome::Saved => (Tone::Success, t.saved),
                Outcome::Nothing => (Tone::Info, t.nothing_to_save),
                Outcome::FixErrors => (Tone::Danger, t.fix_errors),
                Outcome::Failed => (Tone::Danger, t.common.error_generic),
            };
            view! {
                <Alert tone=tone>
                    <p id="company-message">{text}</p>
                </Alert>
            }
        })
    };
    let intro = move || {
        let issuer = account
            .me
            .with(|m| m.as_ref().map(|m| m.organization_name.clone()))
            .unwrap_or_default();
        fill(i18n.t().company_intro, &[("issuer", &issuer)])
    };
    let locked = |on: bool| {
        (!on).then(|| view! { <p class="muted form-hint">{tr(|t| t.company_locked)}</p> })
    };
    let no_error = Signal::derive(|| None::<String>);

    view! {
        <div class="page-head">
            <h1>{tr(|t| t.company_title)}</h1>
        </div>
        <p class="muted">{intro}</p>
        <form class="card form account-form" id="company-form" on:submit=submit novalidate=true>
            <TextField id="company-name" label=trs(|t| t.company_name) value=name error=no_error readonly=true />
            <fieldset class="form-section">
                <legend>{tr(|t| t.company_contact)}</legend>
                {locked(contact)}
                <TextField id="street" label=trs(|t| t.street) value=street error=error_for("address.street") autocomplete="street-address" readonly=!contact />
                <div class="field-row">
                    <TextField id="postal_code" label=trs(|t| t.postal_code) value=postal_code error=error_for("address.postal_code") autocomplete="postal-code" readonly=!contact />
                    <TextField id="city" label=trs(|t| t.city) value=city error=error_for("address.city") autocomplete="address-level2" readonly=!contact />
                </div>
                <div class="field-row">
                    <TextField id="country" label=trs(|t| t.country) value=country error=error_for("address.country") autocomplete="country" readonly=!contact />
                    <TextField id="phone" label=trs(|t| t.phone) value=phone error=error_for("phone") kind="tel" autocomplete="tel" readonly=!contact />
                </div>
                <TextField id="company-email" label=trs(|t| t.email) value=email error=error_for("email") kind="email" autocomplete="email" readonly=!contact />
            </fieldset>
            <fieldset class="form-section">
                <legend>{tr(|t| t.company_bank)}</legend>
                {locked(bank)}
                <div class="field-row">
                    <TextField id="iban" label=trs(|t| t.iban) value=iban error=error_for("iban") readonly=!bank />
                    <TextField id="bic" label=trs(|t| t.bic) value=bic error=error_for("bic") readonly=!bank />
                </div>
            </fieldset>
            <fieldset class="form-section">
                <legend>{tr(|t| t.company_tax)}</legend>
                {locked(tax)}
                <div class="field-row">
                    <TextField id="tax_id" label=trs(|t| t.tax_id) value=tax_id error=error_for("tax_id") readonly=!tax />
                    <TextField id="vat_number" label=trs(|t| t.vat_number) value=vat_number error=error_for("vat_number") readonly=!tax />
                </div>
            </fieldset>
            <div class="form-message" aria-live="polite">{message}</div>
            {(contact || bank || tax).then(|| view! {
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="company-save" disabled=move || busy.get()>
                        {move || if busy.get() { i18n.t().saving } else { i18n.t().confirm }}
                    </button>
                </div>
            })}
        </form>
    }
}
