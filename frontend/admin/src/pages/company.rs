//! `/admin/company` (owners and admins): the company profile every issued document prints —
//! legal data, contact, defaults and a footer, with a live preview of the PDF's issuer block —
//! the bank accounts (one default per currency) and the number series of each document type
//! (prefix, digits, next number only upwards, yearly restart) with the next number as it will
//! be printed. Each part saves on its own; the API checks every field (IBAN checksums, VAT and
//! tax numbers by country) and names what is wrong, shown under the field.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_domain::access::Permission;
use portal_domain::locale::Locale;
use portal_types::{
    Address, BankAccount, BankAccountInput, DocumentType, NumberSeries, NumberSeriesUpdate,
    OrganizationProfile, OrganizationUpdate,
};
use portal_ui::{TextField, dyn_view};
use portal_web::api::{self, ApiError};
use portal_web::components::{FormMessage, LoadError};
use portal_web::i18n::native_name;
use wasm_bindgen::JsCast;

use crate::app::{Notice, Staff, set_title, show_failure};
use crate::i18n::{TextsOf, tr, trs, use_i18n};
use crate::pages::settings::may_manage;

/// Sends a change of the profile; the profile as saved, or the failure shown.
async fn patch(body: OrganizationUpdate) -> Result<OrganizationProfile, ApiError> {
    api::send::<_, OrganizationProfile>("PATCH", &format!("{}/organization", api::base()), &body)
        .await
}

/// The company page.
#[component]
pub fn CompanyPage() -> impl IntoView {
    let i18n = use_i18n();
    let staff = expect_context::<Staff>();
    Effect::new(move |_| set_title(i18n.t().company_title));
    let profile = RwSignal::new(None::<OrganizationProfile>);
    let error = RwSignal::new(None::<ApiError>);
    let logo = LogoUrl(RwSignal::new(None));
    provide_context(logo);
    // The current logo as an object URL (the picture needs the access token, so an <img> cannot
    // fetch it itself), fetched again when the logo changes.
    let logo_id = Memo::new(move |_| {
        profile.with(|p| p.as_ref().and_then(|p| p.logo.as_ref().map(|l| l.id)))
    });
    Effect::new(move |_| {
        let id = logo_id.get();
        spawn_local(async move {
            let url = match id {
                Some(_) => api::get_blob(&format!("{}/organization/logo", api::base()))
                    .await
                    .ok()
                    .and_then(|(blob, _)| web_sys::Url::create_object_url_with_blob(&blob).ok()),
                None => None,
            };
            if let Some(old) = logo.0.get_untracked() {
                let _ = web_sys::Url::revoke_object_url(&old);
            }
            logo.0.set(url);
        });
    });
    let load = move || {
        spawn_local(async move {
            match api::get::<OrganizationProfile>(&format!("{}/organization", api::base())).await {
                Ok(p) => {
                    error.set(None);
                    profile.set(Some(p));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    // Drawn once the profile is there; later saves update `profile` without redrawing the
    // forms (which keep what is typed).
    let loaded = Memo::new(move |_| profile.with(Option::is_some));
    let body = dyn_view(move || {
        if staff.me.with(Option::is_none) {
            return ().into_any();
        }
        if !may_manage(staff, Permission::ManageSettings) {
            return view! {
                <section class="empty-page" id="company-refused">
                    <p>{tr(|t| t.company_refused)}</p>
                </section>
            }
            .into_any();
        }
        if error.with(Option::is_some) {
            return view! { <LoadError message=i18n.t().load_error.to_owned() on_retry=load /> }
                .into_any();
        }
        if !loaded.get() {
            return ().into_any();
        }
        view! {
            <ProfileForm profile=profile />
            <LogoCard profile=profile />
            <BankAccounts profile=profile />
            <Series profile=profile />
        }
        .into_any()
    });
    view! {
        <h1>{tr(|t| t.company_title)}</h1>
        <p class="lead">{tr(|t| t.company_intro)}</p>
        {body}
    }
}

/// The logo's object URL, shared by the logo card and the PDF header preview.
#[derive(Clone, Copy)]
struct LogoUrl(RwSignal<Option<String>>);

/// The logo: the current picture, upload (typed by its content on the server) and removal.
#[component]
fn LogoCard(profile: RwSignal<Option<OrganizationProfile>>) -> impl IntoView {
    let i18n = use_i18n();
    let url = expect_context::<LogoUrl>().0;
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let done = move |result: Result<OrganizationProfile, ApiError>, saved: &'static str| {
        busy.set(false);
        match result {
            Ok(p) => {
                profile.set(Some(p));
                notice.set(Some(saved.to_owned()));
            }
            Err(ApiError::Unauthorized) => {}
            Err(e) => {
                let t = i18n.t();
                let text = match e.field_errors().first() {
                    Some(f) => t.field_error(&f.code),
                    None if e.status() == Some(413) => t.err_logo_too_large,
                    None if e == ApiError::Network => i18n.common().error_network,
                    None => i18n.common().error_generic,
                };
                failure.set(Some(text.to_owned()));
            }
        }
    };
    let upload = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let chosen = js_sys::Reflect::get(&input, &"files".into())
            .and_then(|files| js_sys::Reflect::get(&files, &0.into()))
            .ok()
            .filter(|f| f.is_instance_of::<web_sys::Blob>());
        input.set_value("");
        let Some(file) = chosen else {
            return;
        };
        let blob: web_sys::Blob = file.unchecked_into();
        notice.set(None);
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            let path = format!("{}/organization/logo", api::base());
            // The server reads the type from the picture itself, not from what is declared.
            let result = api::send_file("PUT", &path, &blob, "application/octet-stream").await;
            done(result, i18n.t().logo_saved);
        });
    };
    let remove = move |_| {
        notice.set(None);
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            let path = format!("{}/organization/logo", api::base());
            let result = api::send::<_, OrganizationProfile>("DELETE", &path, &()).await;
            done(result, i18n.t().logo_removed);
        });
    };
    let has_logo = move || profile.with(|p| p.as_ref().is_some_and(|p| p.logo.is_some()));
    view! {
        <section class="card section logo-card" aria-labelledby="logo-title">
            <h2 id="logo-title">{tr(|t| t.logo_title)}</h2>
            <p class="muted">{tr(|t| t.logo_intro)}</p>
            <div class="logo-current" id="logo-current">
                {move || match url.get() {
                    Some(src) if has_logo() => {
                        view! { <img src=src alt=trs(|t| t.logo_alt) /> }.into_any()
                    }
                    _ if has_logo() => ().into_any(),
                    _ => view! { <p class="muted">{tr(|t| t.logo_none)}</p> }.into_any(),
                }}
            </div>
            <Notice text=notice />
            <FormMessage text=failure />
            <div class="field">
                <label for="logo-file">{tr(|t| t.logo_choose)}</label>
                <input
                    id="logo-file"
                    class="input"
                    type="file"
                    accept="image/png,image/jpeg"
                    disabled=move || busy.get()
                    on:change=upload
                />
            </div>
            <div class="form-actions">
                <Show when=has_logo>
                    <button
                        id="logo-remove"
                        type="button"
                        class="btn"
                        disabled=move || busy.get()
                        on:click=remove
                    >
                        {tr(|t| t.logo_remove)}
                    </button>
                </Show>
            </div>
        </section>
    }
}

/// The API's names of the profile's fields, in the order of [`ProfileForm`]'s error signals.
const NAMES: [&str; 14] = [
    "legal_name",
    "trading_name",
    "tax_id",
    "vat_number",
    "address.street",
    "address.postal_code",
    "address.city",
    "address.country",
    "email",
    "phone",
    "website",
    "default_currency",
    "default_payment_terms_days",
    "document_footer",
];

#[component]
fn ProfileForm(profile: RwSignal<Option<OrganizationProfile>>) -> impl IntoView {
    let i18n = use_i18n();
    let p = profile.get_untracked().expect("drawn with a profile");
    let values: [RwSignal<String>; 14] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let locale = RwSignal::new(String::new());
    // The form shows the profile as the server keeps it (normalised: `123 456 786` is saved as
    // `123456786`), at first and after each save.
    let fill_from = move |p: &OrganizationProfile| {
        let texts = [
            Some(p.legal_name.clone()),
            p.trading_name.clone(),
            p.tax_id.clone(),
            p.vat_number.clone(),
            p.address.street.clone(),
            p.address.postal_code.clone(),
            p.address.city.clone(),
            p.address.country.clone(),
            p.email.clone(),
            p.phone.clone(),
            p.website.clone(),
            Some(p.default_currency.clone()),
            p.default_payment_terms_days.map(|d| d.to_string()),
            p.document_footer.clone(),
        ];
        for (signal, text) in values.iter().zip(texts) {
            signal.set(text.unwrap_or_default());
        }
        locale.set(p.default_locale.clone());
    };
    fill_from(&p);
    let [
        legal_name,
        trading_name,
        tax_id,
        vat,
        street,
        postal,
        city,
        country,
        email,
        phone,
        website,
        currency,
        terms,
        footer,
    ] = values;
    let errors: [RwSignal<Option<String>>; 14] = std::array::from_fn(|_| RwSignal::new(None));
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for e in errors {
            e.set(None);
        }
        failure.set(None);
        notice.set(None);
        let v = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned());
        let days = match terms.get_untracked().trim() {
            "" => None,
            typed => match typed.parse::<u16>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors[12].set(Some(i18n.t().field_error("invalid_number").to_owned()));
                    failure.set(Some(i18n.t().fix_errors.to_owned()));
                    return;
                }
            },
        };
        let body = OrganizationUpdate {
            legal_name: v(legal_name),
            trading_name: v(trading_name),
            tax_id: v(tax_id),
            vat_number: v(vat),
            address: Some(Address {
                street: v(street),
                city: v(city),
                postal_code: v(postal),
                country: v(country),
            }),
            email: v(email),
            phone: v(phone),
            website: v(website),
            default_currency: v(currency),
            default_locale: Some(locale.get_untracked()),
            default_payment_terms_days: Some(days),
            document_footer: Some(footer.get_untracked()),
            creditor_reference: None,
            bank_accounts: None,
            number_series: None,
        };
        busy.set(true);
        spawn_local(async move {
            let result = patch(body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    notice.set(Some(i18n.t().profile_saved.to_owned()));
                    fill_from(&saved);
                    profile.set(Some(saved));
                }
                Err(e) => {
                    let fields: Vec<(&str, RwSignal<Option<String>>)> =
                        NAMES.iter().copied().zip(errors).collect();
                    show_failure(i18n, &e, &fields, failure);
                }
            }
        });
    };
    // The issuer block as the PDF prints it, from what is typed (and the saved default account
    // of the default currency).
    let preview = move || {
        let line = |s: RwSignal<String>| s.get().trim().to_owned();
        let place = [line(postal), line(city)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let contact = [line(email), line(phone)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
        let mut lines: Vec<String> = [
            line(street),
            place,
            line(country).to_ascii_uppercase(),
            line(trading_name),
            contact,
            line(website),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        let t = i18n.t();
        let id = line(tax_id);
        if !id.is_empty() {
            lines.push(format!("{}: {id}", t.tax_id));
        }
        let vat_number = line(vat);
        if !vat_number.is_empty() {
            lines.push(format!("{}: {vat_number}", t.vat_number));
        }
        let wanted = line(currency).to_ascii_uppercase();
        if let Some(a) = profile.with(|p| {
            p.as_ref().and_then(|p| {
                p.bank_accounts
                    .iter()
                    .find(|a| a.is_default && a.currency == wanted)
                    .cloned()
            })
        }) {
            if let Some(bank) = a.bank_name {
                lines.push(format!("{}: {bank}", t.bank_name));
            }
            lines.push(format!("IBAN: {}", a.iban));
            if let Some(bic) = a.bic {
                lines.push(format!("BIC: {bic}"));
            }
        }
        let logo = expect_context::<LogoUrl>().0;
        view! {
            {move || {
                logo.get()
                    .map(|src| view! { <img class="pdf-head-logo" src=src alt=trs(|t| t.logo_alt) /> })
            }}
            <strong>{line(legal_name)}</strong>
            {lines.into_iter().map(|l| view! { <span>{l}</span> }).collect_view()}
        }
    };
    view! {
        <div class="company-grid">
            <form class="card section form" on:submit=save novalidate=true aria-labelledby="profile-title">
                <h2 id="profile-title">{tr(|t| t.company_title)}</h2>
                <div class="field-row">
                    <TextField id="co-legal-name" label=trs(|t| t.legal_name) value=legal_name error=errors[0] required=true />
                    <TextField id="co-trading-name" label=trs(|t| t.trading_name) value=trading_name error=errors[1] />
                </div>
                <div class="field-row">
                    <TextField id="co-tax-id" label=trs(|t| t.tax_id) value=tax_id error=errors[2] />
                    <TextField id="co-vat" label=trs(|t| t.vat_number) value=vat error=errors[3] />
                </div>
                <div class="field-row">
                    <TextField id="co-street" label=trs(|t| t.street) value=street error=errors[4] />
                    <TextField id="co-postal" label=trs(|t| t.postal_code) value=postal error=errors[5] />
                    <TextField id="co-city" label=trs(|t| t.city) value=city error=errors[6] />
                    <TextField id="co-country" label=trs(|t| t.country) value=country error=errors[7] hint=trs(|t| t.country_hint) required=true />
                </div>
                <div class="field-row">
                    <TextField id="co-email" label=trs(|t| t.email) value=email error=errors[8] kind="email" />
                    <TextField id="co-phone" label=trs(|t| t.phone) value=phone error=errors[9] kind="tel" />
                    <TextField id="co-website" label=trs(|t| t.website) value=website error=errors[10] kind="url" />
                </div>
                <div class="field-row">
                    <TextField id="co-currency" label=trs(|t| t.default_currency) value=currency error=errors[11] />
                    <div class="field">
                        <label for="co-locale">{tr(|t| t.default_language)}</label>
                        <select id="co-locale" class="select" on:change=move |ev| locale.set(event_target_value(&ev))>
                            {Locale::ALL
                                .iter()
                                .map(|l| {
                                    let code = l.as_str();
                                    view! {
                                        <option value=code selected=move || locale.get() == code>
                                            {native_name(*l)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <TextField id="co-terms" label=trs(|t| t.default_terms) value=terms error=errors[12] kind="number" hint=trs(|t| t.default_terms_hint) />
                </div>
                <div class="field" class:field-invalid=move || errors[13].with(Option::is_some)>
                    <label for="co-footer">{tr(|t| t.document_footer)}</label>
                    <textarea
                        id="co-footer"
                        class="input textarea"
                        rows="3"
                        aria-describedby="co-footer-hint"
                        prop:value=footer
                        on:input=move |ev| footer.set(event_target_value(&ev))
                    ></textarea>
                    <p class="field-hint" id="co-footer-hint">{tr(|t| t.footer_hint)}</p>
                    <p class="field-error" hidden=move || errors[13].with(Option::is_none)>
                        {move || errors[13].get().unwrap_or_default()}
                    </p>
                </div>
                <FormMessage text=failure />
                <Notice text=notice />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" id="save-company" disabled=move || busy.get()>
                        {tr(|t| t.save_profile)}
                    </button>
                </div>
            </form>
            <aside class="card section" aria-labelledby="preview-title">
                <h2 id="preview-title">{tr(|t| t.pdf_preview_title)}</h2>
                <div class="pdf-head-preview" id="pdf-header-preview" aria-live="polite">
                    {preview}
                </div>
            </aside>
        </div>
    }
}

/// The errors of a list field (`bank_accounts[1].iban`) under their rows: `rows[i]` collects
/// row `i`'s errors by field name. A message for the form, as [`show_failure`].
fn show_row_failure(
    i18n: crate::i18n::I18n,
    e: &ApiError,
    list: &str,
    rows: &[RowErrors],
    failure: RwSignal<Option<String>>,
) {
    let t = i18n.t();
    let mut placed = false;
    for f in e.field_errors() {
        let Some((index, name)) = f
            .field
            .strip_prefix(list)
            .and_then(|rest| rest.strip_prefix('['))
            .and_then(|rest| rest.split_once("]."))
        else {
            continue;
        };
        if let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) {
            let text = t.field_error(&f.code).to_owned();
            row.update(|e| e.push((name.to_owned(), text)));
            placed = true;
        }
    }
    if placed {
        failure.set(Some(t.fix_errors.to_owned()));
    } else {
        show_failure(i18n, e, &[], failure);
    }
}

/// A row's errors by the API's field name.
type RowErrors = RwSignal<Vec<(String, String)>>;

/// The error of `field` among a row's errors.
fn error_of(errors: RowErrors, field: &'static str) -> impl Fn() -> Option<String> + Copy {
    move || {
        errors.with(|e| {
            e.iter()
                .find(|(n, _)| n == field)
                .map(|(_, text)| text.clone())
        })
    }
}

/// A text input in a table row, labelled for screen readers, with its error under it.
#[component]
fn CellInput(
    id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(default = "input")] class: &'static str,
    value: RwSignal<String>,
    errors: RowErrors,
    field: &'static str,
) -> impl IntoView {
    let error = error_of(errors, field);
    let error_id = format!("{id}-error");
    view! {
        <td class:field-invalid=move || error().is_some()>
            <input
                id=id
                class=class
                aria-label=label
                aria-invalid=move || error().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="field-error" id=error_id hidden=move || error().is_none()>{error}</p>
        </td>
    }
}

/// One bank account being edited.
#[derive(Clone, Copy)]
struct AccountRow {
    key: u32,
    bank_name: RwSignal<String>,
    iban: RwSignal<String>,
    bic: RwSignal<String>,
    currency: RwSignal<String>,
    is_default: RwSignal<bool>,
    /// Errors of the row by field (`iban`, `bic`, …).
    errors: RowErrors,
}

impl AccountRow {
    fn new(key: u32, a: Option<&BankAccount>, currency: &str) -> AccountRow {
        AccountRow {
            key,
            bank_name: RwSignal::new(a.and_then(|a| a.bank_name.clone()).unwrap_or_default()),
            iban: RwSignal::new(a.map(|a| a.iban.clone()).unwrap_or_default()),
            bic: RwSignal::new(a.and_then(|a| a.bic.clone()).unwrap_or_default()),
            currency: RwSignal::new(a.map_or_else(|| currency.to_owned(), |a| a.currency.clone())),
            is_default: RwSignal::new(a.is_some_and(|a| a.is_default)),
            errors: RwSignal::new(Vec::new()),
        }
    }

    fn input(&self) -> BankAccountInput {
        let opt = |s: RwSignal<String>| {
            let v = s.get_untracked().trim().to_owned();
            (!v.is_empty()).then_some(v)
        };
        BankAccountInput {
            bank_name: opt(self.bank_name),
            iban: self.iban.get_untracked(),
            bic: opt(self.bic),
            currency: self.currency.get_untracked().trim().to_owned(),
            is_default: self.is_default.get_untracked(),
        }
    }
}

#[component]
fn BankAccounts(profile: RwSignal<Option<OrganizationProfile>>) -> impl IntoView {
    let i18n = use_i18n();
    let next_key = StoredValue::new(0u32);
    let key = move || {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        k
    };
    let rows = RwSignal::new(Vec::<AccountRow>::new());
    let creditor_reference = RwSignal::new(false);
    let fill_from = move |p: &OrganizationProfile| {
        creditor_reference.set(p.creditor_reference);
        rows.set(
            p.bank_accounts
                .iter()
                .map(|a| AccountRow::new(key(), Some(a), &p.default_currency))
                .collect(),
        );
    };
    profile.with_untracked(|p| {
        if let Some(p) = p {
            fill_from(p);
        }
    });
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let add = move |_| {
        let currency = profile.with_untracked(|p| {
            p.as_ref()
                .map(|p| p.default_currency.clone())
                .unwrap_or_default()
        });
        rows.update(|r| r.push(AccountRow::new(key(), None, &currency)));
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        notice.set(None);
        let list = rows.get_untracked();
        for r in &list {
            r.errors.set(Vec::new());
        }
        let body = OrganizationUpdate {
            bank_accounts: Some(list.iter().map(AccountRow::input).collect()),
            creditor_reference: Some(creditor_reference.get_untracked()),
            ..OrganizationUpdate::default()
        };
        busy.set(true);
        spawn_local(async move {
            let result = patch(body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    fill_from(&saved);
                    profile.set(Some(saved));
                    notice.set(Some(i18n.t().accounts_saved.to_owned()));
                }
                Err(e) => {
                    let targets: Vec<_> = list.iter().map(|r| r.errors).collect();
                    show_row_failure(i18n, &e, "bank_accounts", &targets, failure);
                }
            }
        });
    };
    let cell = move |row: AccountRow,
                     name: &'static str,
                     value: RwSignal<String>,
                     label: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <CellInput
                id=format!("acc-{}-{name}", row.key)
                label=Signal::derive(move || label(i18n.t()).to_owned())
                value=value
                errors=row.errors
                field=name
            />
        }
    };
    let body = move || {
        rows.get()
            .into_iter()
            .map(|row| {
                let default_id = format!("acc-{}-default", row.key);
                let default_error = error_of(row.errors, "is_default");
                view! {
                    <tr>
                        {cell(row, "bank_name", row.bank_name, |t| t.bank_name)}
                        {cell(row, "iban", row.iban, |t| t.iban)}
                        {cell(row, "bic", row.bic, |t| t.bic)}
                        {cell(row, "currency", row.currency, |t| t.account_currency)}
                        <td>
                            <input
                                type="checkbox"
                                id=default_id
                                aria-label=move || i18n.t().default_account
                                prop:checked=row.is_default
                                on:change=move |ev| row.is_default.set(event_target_checked(&ev))
                            />
                            <p class="field-error" hidden=move || default_error().is_none()>
                                {default_error}
                            </p>
                        </td>
                        <td>
                            <button
                                type="button"
                                class="btn btn-small"
                                on:click=move |_| rows.update(|r| r.retain(|x| x.key != row.key))
                            >
                                {tr(|t| t.remove_account)}
                            </button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <form class="card section form" on:submit=save novalidate=true aria-labelledby="accounts-title">
            <h2 id="accounts-title">{tr(|t| t.bank_accounts)}</h2>
            <p class="muted">{tr(|t| t.bank_accounts_intro)}</p>
            <div class="table-wrap">
                <table class="table" id="bank-accounts">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.bank_name)}</th>
                            <th scope="col">{tr(|t| t.iban)}</th>
                            <th scope="col">{tr(|t| t.bic)}</th>
                            <th scope="col">{tr(|t| t.account_currency)}</th>
                            <th scope="col">{tr(|t| t.default_account)}</th>
                            <th scope="col">{tr(|t| t.actions)}</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <p class="muted" hidden=move || rows.with(|r| !r.is_empty())>{tr(|t| t.no_accounts)}</p>
            <label class="check">
                <input
                    type="checkbox"
                    id="creditor-reference"
                    aria-describedby="creditor-reference-hint"
                    prop:checked=creditor_reference
                    on:change=move |ev| creditor_reference.set(event_target_checked(&ev))
                />
                {tr(|t| t.creditor_reference)}
            </label>
            <p class="muted" id="creditor-reference-hint">{tr(|t| t.creditor_reference_hint)}</p>
            <FormMessage text=failure />
            <Notice text=notice />
            <div class="form-actions">
                <button type="button" class="btn" id="add-account" on:click=add>
                    {tr(|t| t.add_account)}
                </button>
                <button type="submit" class="btn btn-primary" id="save-accounts" disabled=move || busy.get()>
                    {tr(|t| t.save_accounts)}
                </button>
            </div>
        </form>
    }
}

/// One number series being edited.
#[derive(Clone, Copy)]
struct SeriesRow {
    doc_type: DocumentType,
    prefix: RwSignal<String>,
    padding: RwSignal<String>,
    next: RwSignal<String>,
    yearly: RwSignal<bool>,
    errors: RowErrors,
}

/// The number as it will be printed, computed as the server does (for the preview only; the
/// server's own `next_printed` is shown after saving).
fn printed(prefix: &str, padding: &str, next: &str) -> Option<String> {
    let padding: usize = padding
        .trim()
        .parse()
        .ok()
        .filter(|p| (1..=18).contains(p))?;
    let next: u64 = next.trim().parse().ok().filter(|n| *n >= 1)?;
    let year = js_sys::Date::new_0().get_full_year();
    let prefix = prefix
        .replace("{YYYY}", &format!("{year:04}"))
        .replace("{YY}", &format!("{:02}", year % 100));
    Some(format!("{prefix}{next:0padding$}"))
}

#[component]
fn Series(profile: RwSignal<Option<OrganizationProfile>>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = RwSignal::new(Vec::<SeriesRow>::new());
    let fill_from = move |list: &[NumberSeries]| {
        rows.set(
            list.iter()
                .map(|s| SeriesRow {
                    doc_type: s.doc_type,
                    prefix: RwSignal::new(s.prefix.clone()),
                    padding: RwSignal::new(s.padding.to_string()),
                    next: RwSignal::new(s.next_number.to_string()),
                    yearly: RwSignal::new(s.yearly_reset),
                    errors: RwSignal::new(Vec::new()),
                })
                .collect(),
        );
    };
    profile.with_untracked(|p| {
        if let Some(p) = p {
            fill_from(&p.number_series);
        }
    });
    let failure = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        notice.set(None);
        let list = rows.get_untracked();
        let t = i18n.t();
        let mut changes = Vec::new();
        let mut bad = false;
        for r in &list {
            r.errors.set(Vec::new());
            let number = |s: RwSignal<String>, name: &str| -> Option<u64> {
                let parsed = s.get_untracked().trim().parse::<u64>().ok();
                if parsed.is_none() {
                    r.errors.update(|e| {
                        e.push((name.to_owned(), t.field_error("invalid_number").to_owned()))
                    });
                }
                parsed
            };
            let padding = number(r.padding, "padding");
            let next = number(r.next, "next_number");
            let (Some(padding), Some(next)) = (padding, next) else {
                bad = true;
                continue;
            };
            let current = profile.with_untracked(|p| {
                p.as_ref().and_then(|p| {
                    p.number_series
                        .iter()
                        .find(|s| s.doc_type == r.doc_type)
                        .cloned()
                })
            });
            let Some(current) = current else { continue };
            let prefix = r.prefix.get_untracked();
            let yearly = r.yearly.get_untracked();
            if current.prefix == prefix
                && u64::from(current.padding) == padding
                && current.next_number == next
                && current.yearly_reset == yearly
            {
                continue;
            }
            changes.push((
                r.errors,
                NumberSeriesUpdate {
                    doc_type: r.doc_type,
                    prefix: Some(prefix),
                    padding: Some(u8::try_from(padding).unwrap_or(u8::MAX)),
                    next_number: Some(next),
                    yearly_reset: Some(yearly),
                },
            ));
        }
        if bad {
            failure.set(Some(t.fix_errors.to_owned()));
            return;
        }
        if changes.is_empty() {
            notice.set(Some(t.series_saved.to_owned()));
            return;
        }
        let targets: Vec<_> = changes.iter().map(|(e, _)| *e).collect();
        let body = OrganizationUpdate {
            number_series: Some(changes.into_iter().map(|(_, c)| c).collect()),
            ..OrganizationUpdate::default()
        };
        busy.set(true);
        spawn_local(async move {
            let result = patch(body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    fill_from(&saved.number_series);
                    profile.set(Some(saved));
                    notice.set(Some(i18n.t().series_saved.to_owned()));
                }
                Err(e) => show_row_failure(i18n, &e, "number_series", &targets, failure),
            }
        });
    };
    let body = move || {
        rows.get()
            .into_iter()
            .map(|row| {
                let kind = row.doc_type.as_str();
                let input = move |name: &'static str, value: RwSignal<String>, class: &'static str, label: fn(&crate::i18n::Texts) -> &'static str| {
                    view! {
                        <CellInput
                            id=format!("series-{kind}-{name}")
                            label=Signal::derive(move || format!("{} — {}", label(i18n.t()), i18n.common().doc_type(row.doc_type)))
                            class=class
                            value=value
                            errors=row.errors
                            field=name
                        />
                    }
                };
                let yearly_error = error_of(row.errors, "yearly_reset");
                view! {
                    <tr>
                        <th scope="row">{move || i18n.common().doc_type(row.doc_type)}</th>
                        {input("prefix", row.prefix, "input input-prefix", |t| t.prefix)}
                        {input("padding", row.padding, "input input-narrow", |t| t.padding)}
                        {input("next_number", row.next, "input input-number", |t| t.next_number)}
                        <td>
                            <input
                                type="checkbox"
                                id=format!("series-{kind}-yearly")
                                aria-label=move || format!("{} — {}", i18n.t().yearly_reset, i18n.common().doc_type(row.doc_type))
                                prop:checked=row.yearly
                                on:change=move |ev| row.yearly.set(event_target_checked(&ev))
                            />
                            <p class="field-error" hidden=move || yearly_error().is_none()>{yearly_error}</p>
                        </td>
                        <td class="mono" id=format!("series-{kind}-printed")>
                            {move || printed(&row.prefix.get(), &row.padding.get(), &row.next.get()).unwrap_or_default()}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <form class="card section form" on:submit=save novalidate=true aria-labelledby="series-title">
            <h2 id="series-title">{tr(|t| t.number_series)}</h2>
            <p class="muted">{tr(|t| t.series_intro)}</p>
            <div class="table-wrap">
                <table class="table" id="number-series">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.col_type)}</th>
                            <th scope="col">{tr(|t| t.prefix)}</th>
                            <th scope="col">{tr(|t| t.padding)}</th>
                            <th scope="col">{tr(|t| t.next_number)}</th>
                            <th scope="col">{tr(|t| t.yearly_reset)}</th>
                            <th scope="col">{tr(|t| t.next_printed)}</th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <FormMessage text=failure />
            <Notice text=notice />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" id="save-series" disabled=move || busy.get()>
                    {tr(|t| t.save_series)}
                </button>
            </div>
        </form>
    }
}
