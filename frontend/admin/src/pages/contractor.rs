//! `/admin/contractors/{id}`: one contractor — its data to edit (address, tax data, bank
//! account, language, portal access), archive and restore, its documents one click away, and
//! its portal users (as in Prim, a tab of the contractor): add one with a typed or generated
//! password or invite one by mail, resend the invitation, disable and enable, force a password
//! change, delete, and copy the portal link to send it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use portal_domain::locale::Locale;
use portal_types::{
    Address, CommentSide, Contractor, ContractorChanges, ContractorUpdate, EventPage,
    IssuerDocumentPage, NewPortalUser, PortalUser, PortalUserList, PortalUserState,
    PortalUserUpdate, StaffList, StaffMember,
};
use portal_ui::{TextField, dyn_view};
use portal_web::api::{self, ApiError};
use portal_web::components::{FormMessage, LoadError};
use portal_web::html::Html;
use portal_web::i18n::native_name;

use crate::app::{ConfirmBox, Notice, ROOT, load_one, set_title, show_failure};
use crate::i18n::{TextsOf, fill, tr, trs, use_i18n};
use crate::listing::{Panel, panel};
use crate::pages::home::{activity_html, failed_item, sums_line};

/// The contractor page.
#[component]
pub fn ContractorPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
    let contractor = RwSignal::new(None::<Contractor>);
    let error = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let load = move || load_one("contractors", id, contractor, error);
    load();
    Effect::new(move |_| {
        let t = i18n.t();
        let name = contractor.with(|c| c.as_ref().map(|c| c.name.clone()));
        set_title(name.as_deref().unwrap_or(t.contractors_title));
    });

    let body = dyn_view(move || {
        if let Some(e) = error.get() {
            let t = i18n.t();
            let msg = match e {
                ApiError::Network => i18n.common().error_network,
                _ if e.status() == Some(404) => t.contractor_not_found,
                _ => t.load_error,
            };
            return view! { <LoadError message=msg.to_owned() on_retry=load /> }.into_any();
        }
        // Drawn once per contractor: a save replaces the signal's value, not the forms.
        let Some(c) = contractor.with(|c| c.as_ref().map(|c| c.id)) else {
            return ().into_any();
        };
        view! {
            <Head contractor=contractor notice=notice />
            <Standing contractor_id=c />
            <Details contractor=contractor notice=notice />
            <History contractor_id=c contractor=contractor />
            <PortalUsers contractor_id=c portal_url=contractor.with_untracked(|c| c.as_ref().map(|c| c.portal_url.clone()).unwrap_or_default()) />
        }
        .into_any()
    });
    view! {
        <p class="back-link">
            <a href=format!("{ROOT}/contractors")>{tr(|t| t.back_to_contractors)}</a>
        </p>
        {body}
    }
}

/// Name, badges and what can be done with the contractor as a whole.
#[component]
fn Head(
    contractor: RwSignal<Option<Contractor>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let get = move |f: fn(&Contractor) -> String| {
        contractor.with(|c| c.as_ref().map(f)).unwrap_or_default()
    };
    let id = contractor.with_untracked(|c| c.as_ref().map_or(0, |c| c.id));
    let archived = move || contractor.with(|c| c.as_ref().is_some_and(|c| c.archived_at.is_some()));
    let busy = RwSignal::new(false);
    let asking = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let toggle_archive = move || {
        let action = if archived() { "restore" } else { "archive" };
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let path = format!("{}/contractors/{id}/{action}", api::base());
            let result = api::send::<_, Contractor>("POST", &path, &()).await;
            busy.set(false);
            asking.set(false);
            match result {
                Ok(c) => {
                    let t = i18n.t();
                    notice.set(Some(
                        if c.archived_at.is_some() {
                            t.archived_ok
                        } else {
                            t.restored_ok
                        }
                        .to_owned(),
                    ));
                    contractor.set(Some(c));
                }
                Err(_) => failure.set(Some(i18n.common().error_generic.to_owned())),
            }
        });
    };
    view! {
        <div class="page-head page-head-row">
            <h1>
                {move || get(|c| c.name.clone())}
                <Show when=archived>
                    " " <span class="badge badge-muted">{tr(|t| t.archived)}</span>
                </Show>
            </h1>
            <div class="doc-actions">
                <a class="btn btn-primary" href=format!("{ROOT}/documents/new?contractor={id}")>
                    {tr(|t| t.new_document_for)}
                </a>
                <a class="btn" href=format!("{ROOT}/documents?contractor={id}")>{tr(|t| t.nav_documents)}</a>
                <Show
                    when=move || asking.get()
                    fallback=move || {
                        view! {
                            <button
                                type="button"
                                class="btn"
                                id="archive-button"
                                disabled=move || busy.get()
                                on:click=move |_| if archived() { toggle_archive() } else { asking.set(true) }
                            >
                                {move || if archived() { i18n.t().restore } else { i18n.t().archive }}
                            </button>
                        }
                    }
                >
                    <ConfirmBox
                        id="archive"
                        question=trs(|t| t.archive_confirm)
                        yes=trs(|t| t.archive)
                        busy=busy
                        on_yes=toggle_archive
                        on_no=move || asking.set(false)
                    />
                </Show>
            </div>
        </div>
        <FormMessage text=failure />
        <Notice text=notice />
    }
}

/// What the contractor owes (open and overdue, per currency) and what its people did lately.
#[component]
fn Standing(contractor_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let fetch = move |query: &'static str| {
        panel::<IssuerDocumentPage>(format!(
            "{}/documents?contractor={contractor_id}&type=invoice&{query}&per_page=1",
            api::base()
        ))
    };
    let open = fetch("status=open");
    let overdue = fetch("status=overdue");
    let events = panel::<EventPage>(format!(
        "{}/events?contractor={contractor_id}&per_page=10",
        api::base()
    ));
    let line = move |loaded: Panel<IssuerDocumentPage>| {
        move || {
            let t = i18n.t();
            let l = i18n.locale.get();
            if loaded.failed.get() {
                return t.load_error.to_owned();
            }
            loaded.data.with(|p| match p {
                Some(p) if p.total == 0 => t.nothing_open.to_owned(),
                Some(p) => sums_line(p, t, l),
                None => String::new(),
            })
        }
    };
    let activity = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        if events.failed.get() {
            return failed_item(t);
        }
        events.data.with(|p| {
            p.as_ref()
                .map(|p| activity_html(p, t, l, t.no_events, false))
                .unwrap_or_default()
        })
    };
    view! {
        <div class="home-grid">
            <section class="card section" aria-labelledby="standing-title">
                <h2 id="standing-title">{tr(|t| t.standing)}</h2>
                <dl class="facts" id="standing">
                    <div>
                        <dt>{tr(|t| t.status_open)}</dt>
                        <dd>{line(open)}</dd>
                    </div>
                    <div>
                        <dt>{tr(|t| t.overdue_title)}</dt>
                        <dd>{line(overdue)}</dd>
                    </div>
                </dl>
            </section>
            <section class="card section" aria-labelledby="activity-title">
                <h2 id="activity-title">{tr(|t| t.activity)}</h2>
                <ul class="home-list" inner_html=activity></ul>
                <a href=format!("{ROOT}/activity?contractor={contractor_id}")>{tr(|t| t.all_activity)}</a>
            </section>
        </div>
    }
}

/// The history of the contractor's company data: who changed which field from what to what,
/// the customer in the portal or staff here, newest first; a changed bank account stands out.
/// Read again after each save of the contractor.
#[component]
fn History(contractor_id: i64, contractor: RwSignal<Option<Contractor>>) -> impl IntoView {
    let i18n = use_i18n();
    let changes = RwSignal::new(None::<Result<ContractorChanges, ()>>);
    Effect::new(move |_| {
        contractor.track();
        spawn_local(async move {
            let path = format!("{}/contractors/{contractor_id}/changes", api::base());
            match api::get::<ContractorChanges>(&path).await {
                Ok(c) => changes.set(Some(Ok(c))),
                Err(ApiError::Unauthorized) => {}
                Err(_) => changes.set(Some(Err(()))),
            }
        });
    });
    let table = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        changes.with(|c| match c {
            None => String::new(),
            Some(Err(())) => {
                let mut h = Html::default();
                h.element("p", "muted", t.load_error);
                h.finish()
            }
            Some(Ok(c)) => history_html(c, t, l),
        })
    };
    view! {
        <section class="card section" aria-labelledby="history-title" id="history">
            <h2 id="history-title">{tr(|t| t.history_title)}</h2>
            <div inner_html=table></div>
        </section>
    }
}

fn history_html(c: &ContractorChanges, t: &crate::i18n::Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(c.items.len() * 300 + 200);
    if c.items.is_empty() {
        h.element("p", "muted", t.history_empty);
        return h.finish();
    }
    h.raw("<div class=\"table-scroll\"><table class=\"table\"><caption class=\"sr-only\">")
        .text(t.history_title)
        .raw("</caption><thead><tr>");
    for col in [
        t.history_when,
        t.history_who,
        t.history_field,
        t.history_before,
        t.history_after,
    ] {
        h.raw("<th scope=\"col\">").text(col).raw("</th>");
    }
    h.raw("</tr></thead><tbody>");
    for change in &c.items {
        let bank = matches!(change.field.as_str(), "iban" | "bic");
        h.raw(if bank {
            "<tr class=\"change-bank\">"
        } else {
            "<tr>"
        });
        let who = match change.side {
            CommentSide::Customer => t.history_by_customer,
            CommentSide::Issuer => t.history_by_staff,
        };
        h.element("td", "", &portal_web::fmt::date_time(l, change.changed_at))
            .raw("<td>")
            .text(&change.changed_by)
            .raw(" <span class=\"muted\">(")
            .text(who)
            .raw(")</span></td><td>")
            .text(field_label(t, &change.field));
        if bank {
            h.raw(" ")
                .element("span", "badge badge-warning", t.history_bank);
        }
        h.raw("</td>")
            .element("td", "wrap", change.old_value.as_deref().unwrap_or("—"))
            .element("td", "wrap", change.new_value.as_deref().unwrap_or("—"))
            .raw("</tr>");
    }
    h.raw("</tbody></table></div>");
    h.finish()
}

/// A company-data field as the form above labels it.
fn field_label<'a>(t: &'a crate::i18n::Texts, field: &'a str) -> &'a str {
    match field {
        "name" => t.name,
        "tax_id" => t.tax_id,
        "vat_number" => t.vat_number,
        "address.street" => t.street,
        "address.city" => t.city,
        "address.postal_code" => t.postal_code,
        "address.country" => t.country,
        "email" => t.email,
        "phone" => t.phone,
        "iban" => t.iban,
        "bic" => t.bic,
        other => other,
    }
}

/// The contractor's data: every field the API takes, saved at once; the API checks the VAT
/// number, the IBAN (its checksum), the BIC and the e-mail and names what is wrong.
#[component]
fn Details(
    contractor: RwSignal<Option<Contractor>>,
    notice: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = contractor.get_untracked().expect("drawn with a contractor");
    let id = c.id;
    let field = |v: Option<String>| RwSignal::new(v.unwrap_or_default());
    let name = RwSignal::new(c.name.clone());
    let tax_id = field(c.tax_id.clone());
    let vat = field(c.vat_number.clone());
    let email = field(c.email.clone());
    let phone = field(c.phone.clone());
    let street = field(c.address.street.clone());
    let postal = field(c.address.postal_code.clone());
    let city = field(c.address.city.clone());
    let country = field(c.address.country.clone());
    let iban = field(c.iban.clone());
    let bic = field(c.bic.clone());
    let locale = RwSignal::new(c.locale.clone());
    let salesperson = RwSignal::new(c.salesperson_id.unwrap_or(0));
    let terms = field(c.payment_terms_days.map(|d| d.to_string()));
    let staff = RwSignal::new(Vec::<StaffMember>::new());
    spawn_local(async move {
        if let Ok(list) = api::get::<StaffList>(&format!("{}/staff", api::base())).await {
            staff.set(list.items);
        }
    });
    let portal = RwSignal::new(c.portal_access);
    let pay_online = RwSignal::new(c.pay_online);
    let errors: [RwSignal<Option<String>>; 12] = std::array::from_fn(|_| RwSignal::new(None));
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    const NAMES: [&str; 12] = [
        "name",
        "tax_id",
        "vat_number",
        "email",
        "phone",
        "address.street",
        "address.postal_code",
        "address.city",
        "address.country",
        "iban",
        "bic",
        "payment_terms_days",
    ];

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for e in errors {
            e.set(None);
        }
        failure.set(None);
        let v = |s: RwSignal<String>| Some(s.get_untracked().trim().to_owned());
        // Empty clears the terms; anything but a whole number is refused here.
        let days = match terms.get_untracked().trim() {
            "" => None,
            typed => match typed.parse::<u16>() {
                Ok(d) => Some(d),
                Err(_) => {
                    errors[11].set(Some(i18n.t().field_error("invalid_number").to_owned()));
                    failure.set(Some(i18n.t().fix_errors.to_owned()));
                    return;
                }
            },
        };
        // Only what was changed here: a change the customer made in the portal meanwhile (or a
        // colleague here) to another field stays.
        let Some(before) = contractor.get_untracked() else {
            return;
        };
        let changed = |s: RwSignal<String>, was: &Option<String>| {
            v(s).filter(|now| *now != was.clone().unwrap_or_default())
        };
        let a = &before.address;
        let country_now = v(country).map(|c| c.to_ascii_uppercase());
        let address = Address {
            street: changed(street, &a.street),
            city: changed(city, &a.city),
            postal_code: changed(postal, &a.postal_code),
            country: country_now.filter(|now| *now != a.country.clone().unwrap_or_default()),
        };
        let terms_before = before.payment_terms_days;
        let body = ContractorUpdate {
            name: v(name).filter(|now| *now != before.name),
            kind: None,
            tax_id: changed(tax_id, &before.tax_id),
            vat_number: changed(vat, &before.vat_number),
            address: (address != Address::default()).then_some(address),
            email: changed(email, &before.email),
            phone: changed(phone, &before.phone),
            iban: changed(iban, &before.iban),
            bic: changed(bic, &before.bic),
            locale: Some(locale.get_untracked()).filter(|l| *l != before.locale),
            salesperson_id: Some(salesperson.get_untracked())
                .filter(|s| *s != before.salesperson_id.unwrap_or(0)),
            payment_terms_days: (days != terms_before).then_some(days),
            portal_access: Some(portal.get_untracked()).filter(|p| *p != before.portal_access),
            pay_online: Some(pay_online.get_untracked()).filter(|p| *p != before.pay_online),
        };
        busy.set(true);
        spawn_local(async move {
            let path = format!("{}/contractors/{id}", api::base());
            let result = api::send::<_, Contractor>("PATCH", &path, &body).await;
            busy.set(false);
            match result {
                Ok(saved) => {
                    notice.set(Some(i18n.t().contractor_saved.to_owned()));
                    contractor.set(Some(saved));
                }
                Err(e) => {
                    let fields: Vec<(&str, RwSignal<Option<String>>)> =
                        NAMES.iter().copied().zip(errors).collect();
                    show_failure(i18n, &e, &fields, failure);
                }
            }
        });
    };
    view! {
        <form class="card section form" on:submit=save novalidate=true aria-labelledby="details-title">
            <h2 id="details-title">{tr(|t| t.details)}</h2>
            <div class="field-row">
                <TextField id="c-name" label=trs(|t| t.name) value=name error=errors[0] required=true />
                <TextField id="c-tax-id" label=trs(|t| t.tax_id) value=tax_id error=errors[1] />
                <TextField id="c-vat" label=trs(|t| t.vat_number) value=vat error=errors[2] />
            </div>
            <div class="field-row">
                <TextField id="c-email" label=trs(|t| t.email) value=email error=errors[3] kind="email" />
                <TextField id="c-phone" label=trs(|t| t.phone) value=phone error=errors[4] kind="tel" />
            </div>
            <div class="field-row">
                <TextField id="c-street" label=trs(|t| t.street) value=street error=errors[5] />
                <TextField id="c-postal" label=trs(|t| t.postal_code) value=postal error=errors[6] />
                <TextField id="c-city" label=trs(|t| t.city) value=city error=errors[7] />
                <TextField id="c-country" label=trs(|t| t.country) value=country error=errors[8] hint=trs(|t| t.country_hint) />
            </div>
            <div class="field-row">
                <TextField id="c-iban" label=trs(|t| t.iban) value=iban error=errors[9] />
                <TextField id="c-bic" label=trs(|t| t.bic) value=bic error=errors[10] />
                <TextField id="c-terms" label=trs(|t| t.payment_terms) value=terms error=errors[11] kind="number" />
                <div class="field">
                    <label for="c-locale">{tr(|t| t.language_of_documents)}</label>
                    <select
                        id="c-locale"
                        class="select"
                        on:change=move |ev| locale.set(event_target_value(&ev))
                    >
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
                <div class="field">
                    <label for="c-salesperson">{tr(|t| t.salesperson)}</label>
                    <select
                        id="c-salesperson"
                        class="select"
                        on:change=move |ev| salesperson.set(event_target_value(&ev).parse().unwrap_or(0))
                    >
                        <option value="0" selected=move || salesperson.get() == 0>{tr(|t| t.nobody)}</option>
                        {move || {
                            staff
                                .get()
                                .into_iter()
                                .filter(|m| m.active || m.id == salesperson.get_untracked())
                                .map(|m| {
                                    let id = m.id;
                                    view! {
                                        <option value=id.to_string() selected=move || salesperson.get() == id>
                                            {m.name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
            </div>
            <label class="check">
                <input
                    type="checkbox"
                    id="c-portal"
                    prop:checked=portal
                    on:change=move |ev| portal.set(event_target_checked(&ev))
                />
                {tr(|t| t.portal_access)}
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    id="c-pay-online"
                    prop:checked=pay_online
                    on:change=move |ev| pay_online.set(event_target_checked(&ev))
                />
                {tr(|t| t.pay_online_contractor)}
            </label>
            <FormMessage text=failure />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {tr(|t| t.save)}
                </button>
            </div>
        </form>
    }
}

/// A strong password: 16 characters from an alphabet without look-alikes, from the
/// browser's cryptographic random source.
/// `None` when the browser gives no random source: then nothing is filled in, rather than a
/// predictable password.
fn generate_password() -> Option<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    let crypto = web_sys::window()?.crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(password_from(&bytes, ALPHABET))
}

/// Maps random bytes onto an alphabet; the few bytes above the last whole multiple of its
/// length are folded back (see the comment inside).
fn password_from(bytes: &[u8], alphabet: &[u8]) -> String {
    let limit = 256 - 256 % alphabet.len();
    bytes
        .iter()
        .map(|b| {
            let b = usize::from(*b);
            // A rejected byte is folded back instead of redrawn: with 56 symbols the bias of
            // the 32 high bytes is below what a 16-character password notices.
            let b = if b >= limit { b - limit } else { b };
            char::from(alphabet[b % alphabet.len()])
        })
        .collect()
}

/// Copies text to the clipboard (`navigator.clipboard.writeText`).
fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else {
        return false;
    };
    write
        .dyn_ref::<js_sys::Function>()
        .is_some_and(|f| f.call1(&clipboard, &text.into()).is_ok())
}

/// The contractor's portal users.
#[component]
fn PortalUsers(contractor_id: i64, portal_url: String) -> impl IntoView {
    let i18n = use_i18n();
    let users = RwSignal::new(None::<Vec<PortalUser>>);
    let error = RwSignal::new(None::<ApiError>);
    let notice = RwSignal::new(None::<String>);
    let adding = RwSignal::new(false);
    let copied = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            let path = format!("{}/contractors/{contractor_id}/portal-users", api::base());
            match api::get::<PortalUserList>(&path).await {
                Ok(list) => {
                    error.set(None);
                    users.set(Some(list.items));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    load();
    let link = portal_url.clone();
    let rows = move || {
        users.get().map(|list| {
            if list.is_empty() {
                return view! {
                    <tr>
                        <td colspan="5" class="muted">{tr(|t| t.no_portal_users)}</td>
                    </tr>
                }
                .into_any();
            }
            list.into_iter()
                .map(|u| view! { <UserRow user=u notice=notice reload=load /> })
                .collect_view()
                .into_any()
        })
    };
    view! {
        <section class="card section" aria-labelledby="users-title">
            <div class="page-head-row">
                <h2 id="users-title">{tr(|t| t.portal_users)}</h2>
                <button
                    type="button"
                    class="btn btn-primary"
                    id="add-user-button"
                    aria-expanded=move || adding.get().to_string()
                    on:click=move |_| adding.update(|a| *a = !*a)
                >
                    {tr(|t| t.add_portal_user)}
                </button>
            </div>
            <div class="portal-link-row">
                <span class="muted">{tr(|t| t.portal_link)} ": "</span>
                <code id="portal-url">{portal_url.clone()}</code>
                <button
                    type="button"
                    class="btn btn-small"
                    on:click=move |_| copied.set(copy_to_clipboard(&link))
                >
                    {move || if copied.get() { i18n.t().copied } else { i18n.t().copy_link }}
                </button>
            </div>
            <Notice text=notice />
            <Show when=move || adding.get()>
                <NewUserForm
                    contractor_id=contractor_id
                    on_done=move |message: String| {
                        adding.set(false);
                        notice.set(Some(message));
                        load();
                    }
                    on_cancel=move || adding.set(false)
                />
            </Show>
            {move || {
                error
                    .get()
                    .map(|_| {
                        view! { <LoadError message=i18n.t().load_error.to_owned() on_retry=load /> }
                    })
            }}
            <div class="table-wrap">
                <table class="table" id="portal-users">
                    <thead>
                        <tr>
                            <th scope="col">{tr(|t| t.username)}</th>
                            <th scope="col">{tr(|t| t.name)}</th>
                            <th scope="col">{tr(|t| t.email)}</th>
                            <th scope="col">{tr(|t| t.col_state)}</th>
                            <th scope="col">{tr(|t| t.actions)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// One portal user with what can be done to it.
#[component]
fn UserRow(
    user: PortalUser,
    notice: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = user.id;
    let asking_delete = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let username = user.username.clone();
    let act = move |kind: &'static str| {
        failure.set(None);
        spawn_local(async move {
            let base = format!("{}/portal-users/{id}", api::base());
            let result = match kind {
                "delete" => api::send_no_content("DELETE", &base, &()).await,
                "invite" => api::send::<_, PortalUser>("POST", &format!("{base}/invitation"), &())
                    .await
                    .map(|_| ()),
                _ => {
                    let update = PortalUserUpdate {
                        enabled: match kind {
                            "disable" => Some(false),
                            "enable" => Some(true),
                            _ => None,
                        },
                        must_change_password: (kind == "force").then_some(true),
                        ..Default::default()
                    };
                    api::send::<_, PortalUser>("PATCH", &base, &update)
                        .await
                        .map(|_| ())
                }
            };
            let t = i18n.t();
            match result {
                Ok(()) => {
                    notice.set(Some(
                        match kind {
                            "delete" => t.user_deleted,
                            "invite" => t.invitation_sent,
                            "force" => t.must_change_set,
                            _ => t.user_saved,
                        }
                        .to_owned(),
                    ));
                    reload();
                }
                Err(e) => failure.set(Some(match e.status() {
                    Some(409) => t.invite_needs_email.to_owned(),
                    _ => i18n.common().error_generic.to_owned(),
                })),
            }
        });
    };
    let state = user.state;
    let has_email = user.email.is_some();
    let state_badge = move || {
        let t = i18n.t();
        let (class, label) = match state {
            PortalUserState::Invited => ("badge badge-info", t.user_invited),
            PortalUserState::Active => ("badge badge-success", t.user_active),
            PortalUserState::Disabled => ("badge badge-muted", t.user_disabled),
        };
        view! { <span class=class>{label}</span> }
    };
    let must_change = user.must_change_password;
    let label_for = move |pick: fn(&crate::i18n::Texts) -> &'static str| {
        let username = username.clone();
        move || fill(pick(i18n.t()), &[("name", &username)])
    };
    view! {
        <tr>
            <td>{user.username.clone()}</td>
            <td>{format!("{} {}", user.first_name, user.last_name)}</td>
            <td>{user.email.clone().unwrap_or_else(|| "—".into())}</td>
            <td>
                {state_badge}
                {must_change.then(|| view! { " " <span class="badge badge-warning">{tr(|t| t.must_change_badge)}</span> })}
            </td>
            <td class="user-actions">
                {(state == PortalUserState::Invited && has_email)
                    .then(|| {
                        view! {
                            <button type="button" class="btn btn-small" aria-label=label_for(|t| t.resend_for) on:click=move |_| act("invite")>
                                {tr(|t| t.resend_invitation)}
                            </button>
                        }
                    })}
                {if state == PortalUserState::Disabled {
                    view! {
                        <button type="button" class="btn btn-small" aria-label=label_for(|t| t.enable_for) on:click=move |_| act("enable")>
                            {tr(|t| t.enable)}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <button type="button" class="btn btn-small" aria-label=label_for(|t| t.disable_for) on:click=move |_| act("disable")>
                            {tr(|t| t.disable)}
                        </button>
                    }
                        .into_any()
                }}
                {(!must_change && state != PortalUserState::Disabled)
                    .then(|| {
                        view! {
                            <button type="button" class="btn btn-small" aria-label=label_for(|t| t.force_change_for) on:click=move |_| act("force")>
                                {tr(|t| t.force_change)}
                            </button>
                        }
                    })}
                <Show
                    when=move || asking_delete.get()
                    fallback=move || {
                        view! {
                            <button type="button" class="btn btn-small" aria-label=label_for(|t| t.delete_for) on:click=move |_| asking_delete.set(true)>
                                {tr(|t| t.delete_yes)}
                            </button>
                        }
                    }
                >
                    <span
                        role="alertdialog"
                        aria-label=tr(|t| t.delete_user_confirm)
                        on:keydown=move |ev| {
                            if ev.key() == "Escape" {
                                asking_delete.set(false);
                            }
                        }
                    >
                        {tr(|t| t.delete_user_confirm)} " "
                        <button type="button" class="btn btn-small btn-danger" on:click=move |_| act("delete")>
                            {tr(|t| t.delete_yes)}
                        </button>
                        <button type="button" class="btn btn-small" on:click=move |_| asking_delete.set(false)>
                            {tr(|t| t.keep)}
                        </button>
                    </span>
                </Show>
                {move || failure.get().map(|f| view! { <p class="field-error" role="alert">{f}</p> })}
            </td>
        </tr>
    }
}

/// Adds a portal user: with a password typed (or generated) by the issuer, who hands it over,
/// or without one, invited by mail to choose it.
#[component]
fn NewUserForm(
    contractor_id: i64,
    on_done: impl Fn(String) + Copy + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let username = RwSignal::new(String::new());
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let show = RwSignal::new(false);
    let must_change = RwSignal::new(true);
    let errors: [RwSignal<Option<String>>; 5] = std::array::from_fn(|_| RwSignal::new(None));
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for e in errors {
            e.set(None);
        }
        failure.set(None);
        let opt = |s: RwSignal<String>| {
            let v = s.get_untracked().trim().to_owned();
            (!v.is_empty()).then_some(v)
        };
        let pass = password.get_untracked();
        let invite = pass.is_empty();
        let body = NewPortalUser {
            username: username.get_untracked().trim().to_owned(),
            first_name: first.get_untracked().trim().to_owned(),
            last_name: last.get_untracked().trim().to_owned(),
            email: opt(email),
            password: (!invite).then_some(pass),
            must_change_password: (!invite).then(|| must_change.get_untracked()),
        };
        busy.set(true);
        spawn_local(async move {
            let path = format!("{}/contractors/{contractor_id}/portal-users", api::base());
            let result = api::send::<_, PortalUser>("POST", &path, &body).await;
            busy.set(false);
            match result {
                Ok(u) => {
                    let t = i18n.t();
                    let template = if invite {
                        t.user_invited_ok
                    } else {
                        t.user_added_ok
                    };
                    on_done(fill(template, &[("name", &u.username)]));
                }
                Err(e) => {
                    let fields = [
                        ("username", errors[0]),
                        ("first_name", errors[1]),
                        ("last_name", errors[2]),
                        ("email", errors[3]),
                        ("password", errors[4]),
                    ];
                    show_failure(i18n, &e, &fields, failure);
                    if e.status() == Some(409) && errors[0].with_untracked(Option::is_none) {
                        errors[0].set(Some(i18n.t().username_taken.to_owned()));
                    }
                }
            }
        });
    };
    view! {
        <form
            class="form form-inline-card"
            id="new-user-form"
            on:submit=submit
            novalidate=true
            aria-labelledby="new-user-title"
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_cancel();
                }
            }
        >
            <h3 id="new-user-title">{tr(|t| t.add_portal_user)}</h3>
            <div class="field-row">
                <TextField id="u-username" label=trs(|t| t.username) value=username error=errors[0] required=true />
                <TextField id="u-first" label=trs(|t| t.first_name) value=first error=errors[1] required=true />
                <TextField id="u-last" label=trs(|t| t.last_name) value=last error=errors[2] required=true />
            </div>
            <div class="field-row">
                <TextField id="u-email" label=trs(|t| t.email) value=email error=errors[3] kind="email" hint=trs(|t| t.email_invite_hint) />
                <div class="field" class:field-invalid=move || errors[4].with(Option::is_some)>
                    <label for="u-password">{tr(|t| t.password)}</label>
                    <div class="input-with-buttons">
                        <input
                            id="u-password"
                            class="input"
                            type=move || if show.get() { "text" } else { "password" }
                            autocomplete="new-password"
                            aria-describedby="u-password-hint u-password-error"
                            aria-invalid=move || errors[4].with(Option::is_some).to_string()
                            prop:value=password
                            on:input=move |ev| password.set(event_target_value(&ev))
                        />
                        <button type="button" class="btn btn-small" aria-pressed=move || show.get().to_string() on:click=move |_| show.update(|s| *s = !*s)>
                            {tr(|t| t.show_password)}
                        </button>
                        <button
                            type="button"
                            class="btn btn-small"
                            id="generate-password"
                            on:click=move |_| {
                                if let Some(p) = generate_password() {
                                    password.set(p);
                                    show.set(true);
                                }
                            }
                        >
                            {tr(|t| t.generate)}
                        </button>
                    </div>
                    <p class="field-hint" id="u-password-hint">{tr(|t| t.password_or_invite)}</p>
                    <p class="field-error" id="u-password-error" hidden=move || errors[4].with(Option::is_none)>
                        {move || errors[4].get().unwrap_or_default()}
                    </p>
                </div>
            </div>
            <label class="check">
                <input type="checkbox" id="u-must-change" prop:checked=must_change on:change=move |ev| must_change.set(event_target_checked(&ev)) />
                {tr(|t| t.must_change_first)}
            </label>
            <FormMessage text=failure />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || busy.get()>
                    {move || if password.with(String::is_empty) { i18n.t().invite } else { i18n.t().add_user }}
                </button>
                <button type="button" class="btn" on:click=move |_| on_cancel()>
                    {tr(|t| t.cancel)}
                </button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_use_only_the_alphabet_and_every_byte() {
        let alphabet = b"abc";
        let all: Vec<u8> = (0..=255).collect();
        let p = super::password_from(&all, alphabet);
        assert_eq!(p.len(), 256);
        assert!(p.bytes().all(|b| alphabet.contains(&b)));
        // 255 = 85×3: bytes 0..255 map evenly, byte 255 folds back to 'a'.
        let count = |c: char| p.chars().filter(|x| *x == c).count();
        assert_eq!((count('a'), count('b'), count('c')), (86, 85, 85));
    }
}
